"""Load the ontology with its imports resolved offline through the XML catalog.

Protégé and the OWL API resolve ``owl:imports`` with ``catalog-v001.xml`` next to the ontology
file; :func:`load_ontology` does the same, so every tool of the package sees the same closure.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from mscowl.errors import InputError, Origin
from mscowl.shipped import ONTOLOGY

CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
DEFAULT_ONTOLOGY = ONTOLOGY


@dataclass
class LoadedOntology:
    """The main ontology graph, each import module's graph, and the merged closure."""

    path: Path
    main: Graph
    imports: dict[str, Graph]
    closure: Graph

    @property
    def iri(self) -> URIRef | None:
        found = next(iter(self.main.subjects(RDF.type, OWL.Ontology)), None)
        return found if isinstance(found, URIRef) else None


def read_catalog(catalog: Path) -> dict[str, Path]:
    """Map import IRIs to local files from an OASIS XML catalog (``<uri name=... uri=...>``)."""
    if not catalog.is_file():
        return {}
    try:
        root = ET.parse(catalog).getroot()
    except ET.ParseError as exc:
        raise InputError(f"catalog is not well-formed XML: {exc}", Origin(str(catalog))) from exc
    mapping = {}
    for element in root.iter(f"{CATALOG_NS}uri"):
        name, uri = element.get("name"), element.get("uri")
        if name and uri:
            mapping[name] = (catalog.parent / uri).resolve()
    return mapping


#: rdflib's name of the syntax of a file, by suffix (Turtle for any other suffix).
RDFLIB_FORMATS: Final = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".owl": "xml",
    ".rdf": "xml",
    ".jsonld": "json-ld",
}
#: The suffixes pyoxigraph parses (much faster than rdflib), as ``pyoxigraph.RdfFormat`` names.
OXIGRAPH_FORMATS: Final = {
    ".nt": "N_TRIPLES",
    ".ttl": "TURTLE",
    ".owl": "RDF_XML",
    ".rdf": "RDF_XML",
}


def parse_rdf(path: Path) -> Graph:
    """Parse an RDF file, guessing the syntax from its extension; errors name the file."""
    from mscowl.safety import check_rdf_file

    graph = Graph()
    fmt = RDFLIB_FORMATS.get(path.suffix.lower(), "turtle")
    if not path.exists():
        raise InputError("file not found", Origin(str(path)))
    check_rdf_file(path)
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific exception types
        raise InputError(f"not valid {fmt}: {exc}", Origin(str(path))) from exc
    return graph


def subject_iris(path: Path) -> set[str]:
    """The IRIs that ``path`` says something about (pyoxigraph where it reads the syntax:
    a tenth of the time of an rdflib parse; rdflib for the others)."""
    import pyoxigraph

    suffix = path.suffix.lower()
    fmt = OXIGRAPH_FORMATS.get(suffix)
    if fmt is None:
        return {str(s) for s in parse_rdf(path).subjects() if isinstance(s, URIRef)}
    if not path.exists():
        raise InputError("file not found", Origin(str(path)))
    from mscowl.safety import check_rdf_file

    check_rdf_file(path)
    try:
        return {
            t.subject.value
            for t in pyoxigraph.parse(
                path=path,
                format=getattr(pyoxigraph.RdfFormat, fmt),
                base_iri=path.resolve().as_uri(),
            )
            if isinstance(t.subject, pyoxigraph.NamedNode)
        }
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"not valid {RDFLIB_FORMATS[suffix]}: {exc}", Origin(str(path))) from exc


def closure_labels(path: Path) -> dict[str, set[str]]:
    """IRI → its ``rdfs:label`` values in ``path`` and every module it imports (through the
    catalog), read with pyoxigraph (no rdflib graph)."""
    import pyoxigraph

    from mscowl.safety import check_rdf_file

    catalog = read_catalog(path.parent / "catalog-v001.xml")
    labels: dict[str, set[str]] = {}
    seen: set[Path] = set()
    pending = [path]
    label, imports = str(RDFS.label), str(OWL.imports)
    while pending:
        current = pending.pop()
        fmt = OXIGRAPH_FORMATS.get(current.suffix.lower())
        if current in seen or fmt is None or not current.is_file():
            continue
        seen.add(current)
        check_rdf_file(current)
        for t in pyoxigraph.parse(path=current, format=getattr(pyoxigraph.RdfFormat, fmt)):
            if t.predicate.value == label and isinstance(t.subject, pyoxigraph.NamedNode):
                labels.setdefault(t.subject.value, set()).add(t.object.value)
            elif t.predicate.value == imports and t.object.value in catalog:
                pending.append(catalog[t.object.value])
    return labels


def load_ontology(path: Path = DEFAULT_ONTOLOGY) -> LoadedOntology:
    """Load ``path`` and, transitively, every ``owl:imports`` through the catalog next to it.

    An import that the catalog does not map to an existing file is an :class:`InputError`:
    the ontology must load offline.
    """
    catalog = read_catalog(path.parent / "catalog-v001.xml")
    main = parse_rdf(path)
    imports: dict[str, Graph] = {}
    pending = [str(o) for o in main.objects(None, OWL.imports)]
    while pending:
        iri = pending.pop()
        if iri in imports:
            continue
        local = catalog.get(iri)
        if local is None or not local.is_file():
            raise InputError(
                f"owl:imports <{iri}> is not resolved by the catalog", Origin(str(path))
            )
        imports[iri] = parse_rdf(local)
        pending.extend(str(o) for o in imports[iri].objects(None, OWL.imports))
    closure = Graph()
    for graph in (main, *imports.values()):
        for triple in graph:
            closure.add(triple)
    for prefix, namespace in main.namespaces():
        closure.bind(prefix, namespace)
    return LoadedOntology(path=path, main=main, imports=imports, closure=closure)
