"""The one prefix map of the package, and the IRIs of the ontology and its namespaces.

Every CURIE the package reads or writes expands through :func:`converter` (a ``curies``
converter), so a prefix means the same thing in the ontology, the import modules, the seeds,
the shapes and the queries. The rdflib namespaces (``MSCO``, ``SH`` ...) are made on first use,
so that importing the IRIs costs nothing (``mscowl --help`` imports them).

>>> expand("CL:0000134")
'http://purl.obolibrary.org/obo/CL_0000134'
>>> compress("http://identifiers.org/hgnc/8021")
'HGNC:8021'
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import curies
    from rdflib import Namespace, URIRef

    MSCO: Namespace
    IAO: Namespace
    OBOINOWL: Namespace
    DCTERMS: Namespace
    VANN: Namespace
    SH: Namespace
    DEFINITION: URIRef
    DEFINITION_SOURCE: URIRef
    IMPORTED_FROM: URIRef

#: Persistent namespace of everything the project mints.
BASE: Final = "https://w3id.org/mscowl/"
#: Namespace of own ontology terms: opaque, numbered (MSCO_0000001 ...).
MSCO_NS: Final = BASE + "MSCO_"
#: The ontology IRI (persistent; dereferenced through w3id).
ONTOLOGY_IRI: Final = BASE + "msc-cancer.owl"
#: Where import modules live, relative to :data:`BASE`.
IMPORTS_BASE: Final = BASE + "imports/"
#: Where the hand-edited components (annotations on reused terms) live.
COMPONENTS_BASE: Final = BASE + "components/"
#: Own-term identifiers: the prefix, an underscore and seven digits.
OWN_ID_PATTERN: Final = r"^https://w3id\.org/mscowl/MSCO_[0-9]{7}$"

OBO: Final = "http://purl.obolibrary.org/obo/"

#: prefix -> IRI namespace. OBO prefixes follow the OBO Foundry convention (PREFIX_local).
PREFIXES: Final[dict[str, str]] = {
    "MSCO": MSCO_NS,
    "mscowl": BASE,
    "BFO": OBO + "BFO_",
    "CHEBI": OBO + "CHEBI_",
    "CL": OBO + "CL_",
    "ECO": OBO + "ECO_",
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "GO": OBO + "GO_",
    "HGNC": "http://identifiers.org/hgnc/",
    "IAO": OBO + "IAO_",
    "MONDO": OBO + "MONDO_",
    "NCBITaxon": OBO + "NCBITaxon_",
    "NCIT": OBO + "NCIT_",
    "OBI": OBO + "OBI_",
    "PATO": OBO + "PATO_",
    "PR": OBO + "PR_",
    "RO": OBO + "RO_",
    "UBERON": OBO + "UBERON_",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: The namespaces (made by :func:`__getattr__` on first use) and the IRIs of some terms.
_NAMESPACES: Final = {
    "MSCO": MSCO_NS,
    "IAO": OBO + "IAO_",
    "OBOINOWL": PREFIXES["oboInOwl"],
    "DCTERMS": PREFIXES["dcterms"],
    "VANN": PREFIXES["vann"],
    "SH": "http://www.w3.org/ns/shacl#",
}
_TERMS: Final = {
    "DEFINITION": OBO + "IAO_0000115",
    "DEFINITION_SOURCE": OBO + "IAO_0000119",
    "IMPORTED_FROM": OBO + "IAO_0000412",
}


def __getattr__(name: str) -> Any:
    if name not in _NAMESPACES and name not in _TERMS:  # rdflib only for what needs it
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace, URIRef

    value: Any = Namespace(_NAMESPACES[name]) if name in _NAMESPACES else URIRef(_TERMS[name])
    globals()[name] = value
    return value


@cache
def converter() -> curies.Converter:
    """The package's one CURIE converter, over :data:`PREFIXES`."""
    import curies

    return curies.Converter.from_prefix_map(PREFIXES)


#: Namespace of the knowledge graph's subjects (``data/trial/NCT02068794``), and its graph IRI.
DATA: Final = BASE + "data/"
#: An absolute http(s) IRI without characters an IRI may not hold (spaces, controls, <>"{}|\^`).
HTTP_IRI: Final = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"{}|\\^`]+")

#: The IRI of xsd:string (plain literals carry it implicitly).
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"


def expand(curie: str) -> str:
    """Expand a CURIE through the package prefix map; raise ``ValueError`` if it is unknown."""
    return str(converter().expand(curie, strict=True))


@lru_cache(maxsize=1 << 16)
def compress(iri: str) -> str | None:
    """Compress an IRI to a CURIE, or ``None`` when no prefix of the map covers it: the longest
    namespace of :data:`PREFIXES` that starts the IRI, as the converter compresses (without
    importing curies, a tenth of a second a query does not need; cached: a long listing
    compresses the same few thousand IRIs many times).

    >>> compress("http://purl.obolibrary.org/obo/CL_0000134"), compress("urn:x")
    ('CL:0000134', None)
    """
    for namespace, prefix in _by_length():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


@cache
def _by_length() -> tuple[tuple[str, str], ...]:
    """(namespace, prefix), the longest namespace first."""
    return tuple(sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0])))


def is_own(iri: str) -> bool:
    """True for IRIs the project mints (anything under :data:`BASE`)."""
    return iri.startswith(BASE)
