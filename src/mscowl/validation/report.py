"""The validation report model, shared by every engine: results as the report states them,
the standard ``sh:ValidationReport`` graph, and names for showing nodes.

>>> SEVERITY_RANK[SH.Violation] > SEVERITY_RANK[SH.Warning] > SEVERITY_RANK[SH.Info]
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import BNode, Node

from mscowl.errors import InputError
from mscowl.rdf.namespaces import SH, compress
from mscowl.validation import LEVEL_NAMES

SEVERITY_RANK: Final[dict[Node, int]] = {SH.Info: 1, SH.Warning: 2, SH.Violation: 3}
#: --fail-on level name → severity.
LEVELS: Final = dict(zip(LEVEL_NAMES, (SH.Info, SH.Warning, SH.Violation), strict=True))


@dataclass(frozen=True)
class Result:
    """One validation result, as the report states it."""

    focus: Node
    path: Node | None
    value: Node | None
    component: Node
    severity: Node
    message: str
    shape: Node | None = None
    #: The sh:SPARQLConstraint of a SHACL-SPARQL result.
    constraint: Node | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(focus, path, component, severity) as text: what two engines must agree on."""
        path = (
            ""
            if self.path is None
            else ("(complex path)" if isinstance(self.path, BNode) else self.path.n3())
        )
        return (term_text(self.focus), path, self.component.n3(), self.severity.n3())

    def at_least(self, level: Node) -> bool:
        return SEVERITY_RANK.get(self.severity, 3) >= SEVERITY_RANK[level]


def term_text(node: Node) -> str:
    """A node as text for messages and keys (blank nodes all alike)."""
    return "_:blank" if isinstance(node, BNode) else node.n3()


@dataclass
class ValidationReport:
    """The results of one validation and the standard report graph they were read from."""

    results: list[Result]
    graph: Graph
    engine: str = "pyshacl"

    def failing(self, level: Node) -> list[Result]:
        return [r for r in self.results if r.at_least(level)]

    @property
    def conforms(self) -> bool:
        return not self.failing(SH.Violation)


def results_of(report: Graph) -> list[Result]:
    """The top-level results of a ``sh:ValidationReport`` graph (nested ``sh:detail`` excluded),
    in a stable order."""
    results = []
    for validation in report.subjects(RDF.type, SH.ValidationReport):
        for node in report.objects(validation, SH.result):
            message = report.value(node, SH.resultMessage)
            results.append(
                Result(
                    focus=_required(report, node, SH.focusNode),
                    path=report.value(node, SH.resultPath),
                    value=report.value(node, SH.value),
                    component=_required(report, node, SH.sourceConstraintComponent),
                    severity=_required(report, node, SH.resultSeverity),
                    message=str(message) if message is not None else "",
                    shape=report.value(node, SH.sourceShape),
                    constraint=report.value(node, SH.sourceConstraint),
                )
            )
    return sorted_results(results)


def sorted_results(results: Iterable[Result]) -> list[Result]:
    """Results in a stable order: by key, then value and message."""
    return sorted(results, key=lambda r: (*r.key, term_text(r.value) if r.value else "", r.message))


def _required(graph: Graph, node: Node, prop: URIRef) -> Node:
    value = graph.value(node, prop)
    if value is None:
        raise InputError(f"a validation result has no {prop.n3()}")
    return value


def labels(*graphs: Graph) -> dict[Node, str]:
    """One rdfs:label per subject, for readable reports and pages: the first English label in
    sorted order, else the first label (so the choice does not depend on hash order)."""
    return pick_labels(pair for graph in graphs for pair in graph.subject_objects(RDFS.label))


def pick_labels(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, str]:
    """:func:`labels` from (subject, label) pairs."""
    candidates: dict[Node, list[tuple[bool, str]]] = {}
    for subject, label in pairs:
        if isinstance(label, Literal):
            candidates.setdefault(subject, []).append((label.language != "en", str(label)))
    return {subject: min(found)[1] for subject, found in candidates.items()}


def report_graph(results: list[Result]) -> Graph:
    """A standard ``sh:ValidationReport`` graph stating ``results`` (one blank node each)."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode("report")
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not results)))
    for number, result in enumerate(results):
        node = BNode(f"result{number}")
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        for prop, value in (
            (SH.focusNode, result.focus),
            (SH.resultPath, result.path),
            (SH.value, result.value),
            (SH.sourceConstraintComponent, result.component),
            (SH.resultSeverity, result.severity),
            (SH.sourceShape, result.shape),
            (SH.sourceConstraint, result.constraint),
            (SH.resultMessage, Literal(result.message) if result.message else None),
        ):
            if value is not None:
                graph.add((node, prop, value))
    return graph


def display(node: Node | None, names: Mapping[Node, str]) -> str:
    """A node as people read it: its label and CURIE (or IRI), or a literal's text."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    short = compress(str(node)) or str(node) if isinstance(node, URIRef) else "(blank node)"
    name = names.get(node)
    return f"{name} ({short})" if name else short
