"""Generate the import modules (MIREOT style) from a term list and the verified sources.

``ontology/imports/terms.tsv`` lists every reused term with the is_a parent it should show under
and, for object properties, the RO/BFO characteristics carried along. :func:`generate_imports`
looks each term up in the verified sources (:mod:`mscowl.ontology.registry`), refuses anything
unverified,
deprecated or with a parent that is not an ancestor upstream, and writes one Turtle module per
source (``cl_import.ttl``, ``uberon_import.ttl``, ...) plus ``catalog-v001.xml``, so that Protégé
and the OWL API resolve every ``owl:imports`` offline.

Every term in a module carries its label and definition exactly as upstream, its parent, the
ontology it was imported from (IAO:0000412) and the release it was read from (dcterms:source).
MONDO terms bring their whole ancestor closure, so disease queries can walk subtypes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from mscowl.errors import CheckFailedError, InputError, Origin
from mscowl.ontology.registry import TermRegistry, VerifiedTerm
from mscowl.rdf.namespaces import (
    DCTERMS,
    DEFINITION,
    IMPORTED_FROM,
    IMPORTS_BASE,
    OBO,
    PREFIXES,
    expand,
)
from mscowl.rdf.serialize import write_turtle

#: Prefixes whose releases give a whole is_a closure that the import should carry.
CLOSURE_PREFIXES = frozenset({"MONDO"})

#: Ontology IRI of each source, for IAO:0000412 "imported from".
SOURCE_ONTOLOGY: dict[str, str] = {
    "BFO": OBO + "bfo.owl",
    "CHEBI": OBO + "chebi.owl",
    "CL": OBO + "cl.owl",
    "ECO": OBO + "eco.owl",
    "GO": OBO + "go.owl",
    "IAO": OBO + "iao.owl",
    "MONDO": OBO + "mondo.owl",
    "NCIT": OBO + "ncit.owl",
    "OBI": OBO + "obi.owl",
    "RO": OBO + "ro.owl",
    "UBERON": OBO + "uberon.owl",
    "UniProtKB": "http://purl.uniprot.org/core/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl",
}

CATALOG_NAME = "catalog-v001.xml"


@dataclass
class TermRequest:
    """One row of the term list."""

    curie: str
    parent: str | None
    characteristics: list[str]
    origin: Origin


@dataclass
class ImportPlan:
    """What will be written: terms per module, each with its verified record and parents."""

    modules: dict[str, dict[str, tuple[VerifiedTerm, list[str], list[str]]]] = field(
        default_factory=lambda: defaultdict(dict)
    )


def module_iri(name: str) -> str:
    return f"{IMPORTS_BASE}{name}_import.owl"


def read_term_list(path: Path) -> list[TermRequest]:
    """Read the term list, skipping ``#`` comment lines; each row remembers its line number."""
    if not path.is_file():
        raise InputError("term list not found", Origin(str(path)))
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [(n, line) for n, line in enumerate(lines, start=1) if not line.startswith("#")]
    if not body:
        raise InputError("term list is empty", Origin(str(path)))
    header_no, header = body[0]
    if header.split("\t")[:2] != ["curie", "parent"]:
        raise InputError(
            f"header is {header!r}, expected 'curie<TAB>parent<TAB>characteristics'",
            Origin(str(path), row=header_no),
        )
    requests = []
    for (n, _), row in zip(
        body[1:], csv.reader([b for _, b in body[1:]], delimiter="\t"), strict=True
    ):
        cells = [*row, "", ""]
        requests.append(
            TermRequest(
                curie=cells[0].strip(),
                parent=cells[1].strip() or None,
                characteristics=[c.strip() for c in cells[2].split(";") if c.strip()],
                origin=Origin(str(path), row=n),
            )
        )
    return requests


def module_name(term: VerifiedTerm) -> str:
    """Module a term goes into: one per source for classes, shared ones for properties."""
    if term.kind == "object_property":
        return "ro"
    if term.kind == "annotation_property":
        return "annotations"
    prefix = term.curie.split(":", 1)[0]
    return "uniprot" if prefix == "UniProtKB" else prefix.lower()


def plan_imports(requests: list[TermRequest], registry: TermRegistry) -> ImportPlan:
    """Check every request against the verified sources and decide what each module holds.

    All problems are collected and raised together as one :class:`CheckFailedError`.
    """
    problems: list[str] = []
    listed = {r.curie for r in requests}
    plan = ImportPlan()
    seen: set[str] = set()
    for request in requests:
        if request.curie in seen:
            problems.append(f"{request.origin}: {request.curie} is listed twice")
            continue
        seen.add(request.curie)
        term = registry.lookup(request.curie)
        if term is None:
            problems.append(f"{request.origin}: {request.curie} is in no verified source")
            continue
        if term.deprecated:
            problems.append(f"{request.origin}: {request.curie} is deprecated upstream")
            continue
        parents: list[str] = []
        if request.parent:
            if request.parent not in listed:
                problems.append(
                    f"{request.origin}: parent {request.parent} of {request.curie} is not listed"
                )
            same_source = request.parent.split(":")[0] == request.curie.split(":")[0]
            if same_source and term.ancestors and request.parent not in term.ancestors:
                problems.append(
                    f"{request.origin}: {request.parent} is not an ancestor of "
                    f"{request.curie} in {term.source}"
                )
            parents.append(request.parent)
        prefix = request.curie.split(":")[0]
        if prefix in CLOSURE_PREFIXES:
            parents.extend(_closure_parents(term))
            for ancestor in term.ancestors:
                upstream = registry.lookup(ancestor)
                if upstream is None or upstream.deprecated:
                    problems.append(
                        f"{request.origin}: ancestor {ancestor} of {term.curie} unusable"
                    )
                    continue
                plan.modules[module_name(upstream)][ancestor] = (
                    upstream,
                    _closure_parents(upstream),
                    [],
                )
        plan.modules[module_name(term)][request.curie] = (
            term,
            sorted(set(parents)),
            request.characteristics,
        )
        for item in request.characteristics:
            if item != "transitive" and not item.startswith(("inverse=", "sub=")):
                problems.append(f"{request.origin}: unknown characteristic {item!r}")
    if problems:
        raise CheckFailedError("import term list has problems:\n  " + "\n  ".join(problems))
    return plan


def _closure_parents(term: VerifiedTerm) -> list[str]:
    return sorted(a for a, distance in term.ancestors.items() if distance == 1)


def module_graph(name: str, terms: dict[str, tuple[VerifiedTerm, list[str], list[str]]]) -> Graph:
    """The RDF of one import module."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    ontology = URIRef(module_iri(name))
    graph.add((ontology, RDF.type, OWL.Ontology))
    sources = sorted({t.source for t, _, _ in terms.values()})
    graph.add(
        (
            ontology,
            RDFS.comment,
            Literal(
                "Generated by `mscowl imports` from ontology/imports/terms.tsv; do not edit. "
                "Each term carries its upstream label and definition (MIREOT)."
            ),
        )
    )
    for source in sources:
        graph.add((ontology, DCTERMS.source, Literal(source)))
    for prop in (DEFINITION, IMPORTED_FROM, DCTERMS.source):
        graph.add((prop, RDF.type, OWL.AnnotationProperty))
    for curie, (term, parents, characteristics) in terms.items():
        subject = URIRef(expand(curie))
        kind = {
            "class": OWL.Class,
            "object_property": OWL.ObjectProperty,
            "annotation_property": OWL.AnnotationProperty,
        }.get(term.kind, OWL.Class)
        graph.add((subject, RDF.type, kind))
        graph.add((subject, RDFS.label, Literal(term.label)))
        if term.definition:
            graph.add((subject, DEFINITION, Literal(term.definition)))
        graph.add((subject, DCTERMS.source, Literal(term.source)))
        prefix = curie.split(":", 1)[0]
        if prefix in SOURCE_ONTOLOGY:
            graph.add((subject, IMPORTED_FROM, URIRef(SOURCE_ONTOLOGY[prefix])))
        for parent in parents:
            link = RDFS.subPropertyOf if kind == OWL.ObjectProperty else RDFS.subClassOf
            graph.add((subject, link, URIRef(expand(parent))))
            if parent not in terms:  # declared here too, so the module is OWL 2 DL on its own
                graph.add((URIRef(expand(parent)), RDF.type, kind))
        for item in characteristics:
            if item == "transitive":
                graph.add((subject, RDF.type, OWL.TransitiveProperty))
            elif item.startswith("inverse="):
                graph.add((subject, OWL.inverseOf, URIRef(expand(item.split("=", 1)[1]))))
            elif item.startswith("sub="):
                graph.add((subject, RDFS.subPropertyOf, URIRef(expand(item.split("=", 1)[1]))))
    return graph


def catalog_xml(module_names: list[str]) -> str:
    """An OASIS XML catalog (the format Protégé reads) mapping each module IRI to its file."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">',
    ]
    for name in sorted(module_names):
        lines.append(
            f"    <uri name={quoteattr(module_iri(name))} "
            f"uri={quoteattr(f'imports/{name}_import.ttl')}/>"
        )
    lines.append("</catalog>")
    return "\n".join(lines) + "\n"


def render_imports(ontology_dir: Path, registry: TermRegistry) -> dict[Path, str]:
    """The text of every import module and of the catalog, keyed by the file it belongs in."""
    plan = plan_imports(read_term_list(ontology_dir / "imports" / "terms.tsv"), registry)
    outputs: dict[Path, str] = {}
    for name, terms in sorted(plan.modules.items()):
        outputs[ontology_dir / "imports" / f"{name}_import.ttl"] = write_turtle(
            module_graph(name, terms)
        )
    outputs[ontology_dir / CATALOG_NAME] = catalog_xml(list(plan.modules))
    return outputs


def generate_imports(ontology_dir: Path, registry: TermRegistry) -> list[Path]:
    """Regenerate every import module and the catalog under ``ontology_dir``; return the files.

    Nothing is written unless the whole term list checks out; each file is replaced atomically.
    """
    outputs = render_imports(ontology_dir, registry)
    for path, text in outputs.items():
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return sorted(outputs)


__all__ = ["generate_imports", "plan_imports", "read_term_list", "render_imports"]


def stale_modules(ontology_dir: Path, registry: TermRegistry) -> list[Path]:
    """The import modules (and catalog) whose committed text is not what
    :func:`render_imports` makes from ``imports/terms.tsv`` and the verified sources now."""
    return [
        path
        for path, text in render_imports(ontology_dir, registry).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
