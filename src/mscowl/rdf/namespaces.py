"""The one prefix map of the package, and the IRIs of the ontology and its namespaces.

Every CURIE the package reads or writes expands through :data:`CONVERTER` (a ``curies``
converter), so a prefix means the same thing in the ontology, the import modules, the seeds,
the shapes and the queries.

>>> expand("CL:0000134")
'http://purl.obolibrary.org/obo/CL_0000134'
>>> compress("http://identifiers.org/hgnc/8021")
'HGNC:8021'
"""

from __future__ import annotations

import re
from typing import Final

import curies
from rdflib import Namespace

#: Persistent namespace of everything the project mints.
BASE: Final = "https://w3id.org/mscowl/"
#: Namespace of own ontology terms: opaque, numbered (MSCO_0000001 ...).
MSCO_NS: Final = BASE + "MSCO_"
#: The ontology IRI (persistent; dereferenced through w3id).
ONTOLOGY_IRI: Final = BASE + "msc-cancer.owl"
#: Where import modules live, relative to :data:`BASE`.
IMPORTS_BASE: Final = BASE + "imports/"
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

CONVERTER: Final = curies.Converter.from_prefix_map(PREFIXES)

MSCO: Final = Namespace(MSCO_NS)
IAO: Final = Namespace(OBO + "IAO_")
OBOINOWL: Final = Namespace(PREFIXES["oboInOwl"])
DCTERMS: Final = Namespace(PREFIXES["dcterms"])
VANN: Final = Namespace(PREFIXES["vann"])

DEFINITION: Final = IAO["0000115"]
DEFINITION_SOURCE: Final = IAO["0000119"]
IMPORTED_FROM: Final = IAO["0000412"]


#: Namespace of the knowledge graph's subjects (``data/trial/NCT02068794``), and its graph IRI.
DATA: Final = BASE + "data/"
SH: Final = Namespace("http://www.w3.org/ns/shacl#")
#: An absolute http(s) IRI without characters an IRI may not hold (spaces, controls, <>"{}|\^`).
HTTP_IRI: Final = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"{}|\\^`]+")

#: The IRI of xsd:string (plain literals carry it implicitly).
XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"


def expand(curie: str) -> str:
    """Expand a CURIE through the package prefix map; raise ``ValueError`` if it is unknown."""
    return CONVERTER.expand(curie, strict=True)


def compress(iri: str) -> str | None:
    """Compress an IRI to a CURIE, or ``None`` when no prefix of the map covers it."""
    return CONVERTER.compress(iri)


def is_own(iri: str) -> bool:
    """True for IRIs the project mints (anything under :data:`BASE`)."""
    return iri.startswith(BASE)
