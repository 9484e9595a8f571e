"""Ontology quality control: a ROBOT-report-like check of labels, definitions, metadata and
reused terms.

Each finding is a :class:`Finding` with a level (ERROR, WARN, INFO), a rule name, the subject, the
property and the offending value, as in ``robot report``. The ontology passes when no ERROR is
found. Reused external terms are checked against the verified sources
(:mod:`mscowl.ontology.registry`): a term
no source knows, a label that differs from upstream, or a deprecated term are all ERRORs.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from mscowl.errors import ToolMissingError
from mscowl.ontology.imports import relabelled
from mscowl.ontology.load import LoadedOntology, load_ontology
from mscowl.ontology.registry import TermRegistry
from mscowl.rdf.namespaces import (
    DCTERMS,
    DEFINITION,
    DEFINITION_SOURCE,
    MSCO_NS,
    OWN_ID_PATTERN,
    compress,
    is_own,
)

ERROR, WARN, INFO = "ERROR", "WARN", "INFO"
LEVEL_ORDER = {ERROR: 0, WARN: 1, INFO: 2}

#: CURIE prefixes of external terms that must be verified.
VERIFIED_PREFIXES = frozenset(
    {
        "BFO",
        "CHEBI",
        "CL",
        "ECO",
        "EFO",
        "GO",
        "HGNC",
        "IAO",
        "MONDO",
        "NCBITaxon",
        "NCIT",
        "OBI",
        "PATO",
        "PR",
        "RO",
        "UBERON",
        "UniProtKB",
        "oboInOwl",
    }
)
ENTITY_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
#: Metadata vocabularies whose annotation properties are not ontology terms.
METADATA_NAMESPACES = ("http://purl.org/dc/", "http://purl.org/vocab/vann/")
_OWN_ID = re.compile(OWN_ID_PATTERN)


@dataclass(frozen=True, order=True)
class Finding:
    """One row of the QC report."""

    level: str
    rule: str
    subject: str
    property: str = ""
    value: str = ""

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (LEVEL_ORDER[self.level], self.rule, self.subject, self.property, self.value)


def _name(node: Node) -> str:
    return compress(str(node)) or str(node)


def _entities(graph: Graph) -> set[URIRef]:
    found: set[URIRef] = set()
    for kind in ENTITY_TYPES:
        found.update(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef))
    return {e for e in found if not str(e).startswith(METADATA_NAMESPACES)}


def check_metadata(ontology: LoadedOntology) -> list[Finding]:
    """The ontology header must give licence, versionIRI, title and description."""
    iri = ontology.iri
    if iri is None:
        return [Finding(ERROR, "missing_ontology_iri", str(ontology.path))]
    required = {
        "missing_ontology_license": DCTERMS.license,
        "missing_version_iri": OWL.versionIRI,
        "missing_ontology_title": DCTERMS.title,
        "missing_ontology_description": DCTERMS.description,
    }
    return [
        Finding(ERROR, rule, str(iri), _name(prop))
        for rule, prop in required.items()
        if ontology.main.value(iri, prop) is None
    ]


def check_labels(ontology: LoadedOntology) -> list[Finding]:
    """Every entity has exactly one label; own terms in English; no two terms share a label."""
    findings = []
    closure = ontology.closure
    by_label: dict[str, set[str]] = defaultdict(set)
    for entity in _entities(closure):
        labels = [o for o in closure.objects(entity, RDFS.label) if isinstance(o, Literal)]
        name = _name(entity)
        if not labels:
            findings.append(Finding(ERROR, "missing_label", name, "rdfs:label"))
            continue
        if len(labels) > 1:
            values = " | ".join(sorted(str(v) for v in labels))
            findings.append(Finding(ERROR, "multiple_labels", name, "rdfs:label", values))
        for label in labels:
            text = str(label)
            by_label[text.strip().lower()].add(name)
            if text != text.strip() or "  " in text:
                findings.append(Finding(WARN, "label_whitespace", name, "rdfs:label", text))
            if is_own(str(entity)) and label.language != "en":
                findings.append(Finding(ERROR, "label_not_english", name, "rdfs:label", text))
    for shared, names in by_label.items():
        if len(names) > 1:
            for name in sorted(names):
                findings.append(Finding(ERROR, "duplicate_label", name, "rdfs:label", shared))
    return findings


def check_own_terms(ontology: LoadedOntology) -> list[Finding]:
    """Own terms: numbered IRI, one definition with its source, a place in the hierarchy."""
    findings = []
    graph = ontology.main
    for entity in sorted(e for e in _entities(graph) if is_own(str(e))):
        name = _name(entity)
        if not _OWN_ID.match(str(entity)):
            findings.append(
                Finding(ERROR, "invalid_own_iri", str(entity), "", f"expected {MSCO_NS}NNNNNNN")
            )
        definitions = list(graph.objects(entity, DEFINITION))
        if not definitions:
            findings.append(Finding(ERROR, "missing_definition", name, "IAO:0000115"))
        elif len(definitions) > 1:
            findings.append(Finding(ERROR, "multiple_definitions", name, "IAO:0000115"))
        if definitions and graph.value(entity, DEFINITION_SOURCE) is None:
            findings.append(Finding(WARN, "missing_definition_source", name, "IAO:0000119"))
        if (entity, RDF.type, OWL.Class) in graph and not (
            graph.value(entity, RDFS.subClassOf) or graph.value(entity, OWL.equivalentClass)
        ):
            findings.append(Finding(WARN, "missing_superclass", name, "rdfs:subClassOf"))
    return findings


def check_reused_terms(ontology: LoadedOntology, registry: TermRegistry) -> list[Finding]:
    """Every external IRI exists in a verified source, is not deprecated, and has its label."""
    findings = []
    closure = ontology.closure
    iris = {t for triple in closure for t in triple if isinstance(t, URIRef)}
    genes = relabelled(ontology.path.parent)  # UniProtKB entries show their gene symbol
    for iri in sorted(iris):
        curie = compress(str(iri))
        if curie is None or curie.split(":", 1)[0] not in VERIFIED_PREFIXES:
            continue
        term = registry.lookup(curie)
        if term is None:
            findings.append(Finding(ERROR, "unverified_term", curie, "", "in no verified source"))
            continue
        if term.deprecated:
            findings.append(Finding(ERROR, "deprecated_reference", curie, "", "obsolete upstream"))
        truth = registry.labels(curie) | genes.get(curie, set())
        for label in closure.objects(iri, RDFS.label):
            if str(label) not in truth:
                findings.append(
                    Finding(
                        ERROR,
                        "label_mismatch",
                        curie,
                        "rdfs:label",
                        f"{label} (upstream: {term.label})",
                    )
                )
    for entity in closure.subjects(OWL.deprecated, Literal(True)):
        used = any(closure.triples((None, None, entity)))
        if used:
            findings.append(Finding(ERROR, "deprecated_reference", _name(entity), "owl:deprecated"))
    return findings


def run_qc(ontology: LoadedOntology, registry: TermRegistry) -> list[Finding]:
    """All checks, sorted: errors first."""
    findings = [
        *check_metadata(ontology),
        *check_labels(ontology),
        *check_own_terms(ontology),
        *check_reused_terms(ontology, registry),
    ]
    return sorted(set(findings), key=Finding.sort_key)


def check_ontology(
    path: Path, registry: TermRegistry, *, reasoner: bool = True, owlapi: bool = True
) -> list[Finding]:
    """The whole QC of an ontology file: :func:`run_qc`, plus HermiT and the OWL API if asked.

    A missing Java or OWL API is a WARN (``owlapi_not_run``), not a failure, so the report still
    runs on machines without them.
    """
    ontology = load_ontology(path)
    findings = run_qc(ontology, registry)
    if reasoner:
        from mscowl.ontology.reasoning import run_hermit

        result = run_hermit(ontology.closure)
        if not result.consistent:
            findings.append(Finding(ERROR, "inconsistent_ontology", str(path), "", result.message))
        findings.extend(Finding(ERROR, "unsatisfiable_class", iri) for iri in result.unsatisfiable)
    if owlapi:
        from mscowl.ontology.owlapi import check_with_owlapi

        try:
            report = check_with_owlapi(path)
            findings.extend(
                Finding(ERROR, f"owlapi_{kind.lower()}", detail) for kind, detail in report.findings
            )
        except ToolMissingError as exc:
            findings.append(Finding(WARN, "owlapi_not_run", str(path), "", exc.message))
    return sorted(set(findings), key=Finding.sort_key)


def report_tsv(findings: list[Finding]) -> str:
    """The report as TSV with a header row, like ``robot report --format tsv``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["Level", "Rule Name", "Subject", "Property", "Value"])
    for f in findings:
        writer.writerow([f.level, f.rule, f.subject, f.property, f.value])
    return out.getvalue()


def report_table(findings: list[Finding]) -> str:
    """The report as an aligned text table with a closing count per level."""
    if not findings:
        return "QC: no problems found.\n"
    rows = [("LEVEL", "RULE", "SUBJECT", "PROPERTY", "VALUE")] + [
        (f.level, f.rule, f.subject, f.property, f.value) for f in findings
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(widths[i]) for i, c in enumerate(r[:4])) + "  " + r[4] for r in rows]
    counts = {level: sum(1 for f in findings if f.level == level) for level in LEVEL_ORDER}
    lines.append("QC: " + ", ".join(f"{n} {level}" for level, n in counts.items()))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def write_report(findings: list[Finding], path: Path) -> None:
    path.write_text(report_tsv(findings), encoding="utf-8")
