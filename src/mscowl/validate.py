"""SHACL validation of instance data against the shipped shapes, with the ontology mixed in.

pySHACL is the reference engine; :mod:`mscowl.shacl` (``native``, the default) gives its
results on large graphs, and Apache Jena SHACL is available too (:data:`ENGINES`). The ontology
(with its imports) is mixed into the data, so ``sh:targetClass`` sees subclasses and the shapes
can walk ``rdfs:subClassOf`` from the ontology classes that the data uses as values. Every
engine's results become :class:`Result` objects in a standard ``sh:ValidationReport`` and, when
the data came from ``mscowl build``, are located in the spreadsheet through the
:class:`OriginIndex`.

>>> SEVERITY_RANK[SH.Violation] > SEVERITY_RANK[SH.Warning] > SEVERITY_RANK[SH.Info]
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.term import BNode, Node

from mscowl.errors import InputError, Origin
from mscowl.namespaces import compress
from mscowl.origins import OriginIndex
from mscowl.pipeline import Seeds
from mscowl.serialize import nt_term

if TYPE_CHECKING:
    from mscowl.build import KnowledgeGraph

SH: Final = Namespace("http://www.w3.org/ns/shacl#")
SEVERITY_RANK: Final[dict[Node, int]] = {SH.Info: 1, SH.Warning: 2, SH.Violation: 3}
#: Names of the validation engines (``mscowl validate --engine``).
ENGINES: Final = ("auto", "native", "pyshacl", "jena")
#: --fail-on level name → severity.
LEVELS: Final = {"info": SH.Info, "warning": SH.Warning, "violation": SH.Violation}


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
        return (_term(self.focus), path, self.component.n3(), self.severity.n3())

    def at_least(self, level: Node) -> bool:
        return SEVERITY_RANK.get(self.severity, 3) >= SEVERITY_RANK[level]


def _term(node: Node) -> str:
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
    return sorted(results, key=lambda r: (*r.key, _term(r.value) if r.value else "", r.message))


def _required(graph: Graph, node: Node, prop: URIRef) -> Node:
    value = graph.value(node, prop)
    if value is None:
        raise InputError(f"a validation result has no {prop.n3()}")
    return value


# --------------------------------------------------------------------------------------------
# Loading


def parse_files(paths: Iterable[Path], what: str) -> Graph:
    """Parse RDF files (format from the suffix) into one graph; unreadable files are InputErrors."""
    from mscowl.ontology import parse_rdf

    graph = Graph()
    for path in paths:
        if not path.is_file():
            raise InputError(f"no such {what} file", Origin(str(path)))
        graph += parse_rdf(path)
    return graph


def shape_files(paths: Iterable[Path]) -> list[Path]:
    """Shapes files: each file as given, and the ``*.ttl`` files directly inside each directory."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.ttl"))
            if not found:
                raise InputError("no shapes (*.ttl) in this directory", Origin(str(path)))
            files.extend(found)
        else:
            files.append(path)
    return files


def check_shapes(shapes: Graph) -> None:
    """Refuse shapes that would hang or crash an engine: a ``sh:pattern`` that does not
    compile or can take exponential time, and a ``sh:select`` or ``sh:ask`` that is not SPARQL
    (each engine would otherwise fail in its own way, or take minutes)."""
    from mscowl.safety import check_regex

    for shape, pattern in shapes.subject_objects(SH.pattern):
        flags = str(shapes.value(shape, SH.flags) or "")
        check_regex(str(pattern), f"the sh:pattern of {_term(shape)}", re.I if "i" in flags else 0)
    from rdflib.plugins.sparql.parser import parseQuery

    from mscowl.query import uses_service

    for prop in (SH.select, SH.ask):
        for node, text in shapes.subject_objects(prop):
            what = f"the {prop.n3(shapes.namespace_manager)} of {_term(node)}"
            if uses_service(str(text)):
                raise InputError(f"{what} uses SERVICE; refused (no network at run time)")
            try:
                parseQuery(str(text))
            except Exception as exc:  # pyparsing's errors, and others for odd input
                message = " ".join(str(exc).split())[:200]
                raise InputError(f"{what} is not SPARQL: {message}") from exc


def validate_graph(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate ``data`` with pySHACL (the reference engine); broken shapes raise InputError."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError

    from mscowl.prepared_sparql import prepared_sparql_queries

    try:
        with prepared_sparql_queries():
            _, report, text = pyshacl.validate(
                data, shacl_graph=shapes, ont_graph=ontology, inference="none"
            )
    except ReportableRuntimeError as exc:
        raise InputError(f"the shapes cannot be used: {exc.message}") from exc
    if isinstance(report, BaseException) or not isinstance(report, Graph):
        raise InputError(f"the shapes cannot be used: {text}")
    return ValidationReport(results_of(report), report)


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


# --------------------------------------------------------------------------------------------
# The whole job: data (given, or freshly built from seeds) + shapes + ontology → report


@dataclass
class ValidationRun:
    """A report together with what is needed to show it: labels and spreadsheet origins."""

    report: ValidationReport
    names: dict[Node, str]
    origins: OriginIndex | None
    #: Things the user should know about the run (e.g. why another engine was used).
    notes: list[str] = field(default_factory=list)


def run_validation(
    data_paths: list[Path],
    shapes_paths: list[Path],
    ontology_path: Path | None,
    seeds: Path | Seeds,
    origins_path: Path | None = None,
    engine: str = "auto",
) -> ValidationRun:
    """Validate RDF files, or (without files) the graph freshly built from ``seeds``.

    Engines (see :data:`ENGINES`): ``native`` (:mod:`mscowl.shacl`, pySHACL's results on large
    graphs), ``pyshacl`` (the reference), ``jena`` (Apache Jena SHACL; the data files go to Jena
    unparsed), and ``auto``: native, or pySHACL when the shapes use something the native
    engine does not cover (the run's notes say so). The origin index comes from the build, from
    ``origins_path``, or from an ``origin-index.tsv`` beside the first data file.
    """
    from mscowl.ontology import load_ontology
    from mscowl.safety import check_rdf_file

    shape_paths = shape_files(shapes_paths)
    shapes = parse_files(shape_paths, "shapes")
    check_shapes(shapes)
    ontology = load_ontology(ontology_path).closure if ontology_path else Graph()
    kg: KnowledgeGraph | None = None
    index_path: Path | None = None
    if data_paths:
        for path in data_paths:
            if not path.exists():
                raise InputError("no such data file", Origin(str(path)))
            check_rdf_file(path, "data file")
        beside = data_paths[0].parent / ORIGIN_INDEX_FILE
        index_path = origins_path or (beside if beside.is_file() else None)
    else:
        from mscowl.build import build_knowledge_graph

        kg = build_knowledge_graph(seeds, ontology=ontology_path)
    report, names, notes = _validate(engine, data_paths, kg, shapes, ontology)
    origins = kg.origin_index() if kg is not None else None
    if index_path is not None:
        origins = OriginIndex.read(index_path, {nt_term(r.focus) for r in report.results})
    return ValidationRun(report, names, origins, notes)


def _validate(
    engine: str, data_paths: list[Path], kg: KnowledgeGraph | None, shapes: Graph, ontology: Graph
) -> tuple[ValidationReport, dict[Node, str], list[str]]:
    notes: list[str] = []
    if engine in ("auto", "native"):
        from mscowl.shacl import UnsupportedShapesError, validate_native

        try:
            return (*validate_native(data_paths, kg, shapes, ontology), notes)
        except UnsupportedShapesError as exc:
            if engine == "native":
                raise
            notes.append(f"validated with pySHACL: the native engine does not cover {exc}")
            engine = "pyshacl"
    data = kg.graph() if kg is not None else None
    if engine == "jena":
        report = _validate_with_jena(data_paths, data, shapes, ontology)
        names = labels(ontology, data) if data is not None else labels(ontology)
        names |= _file_labels(data_paths, {r.focus for r in report.results})
    else:
        data = data if data is not None else parse_files(data_paths, "data")
        report = validate_graph(data, shapes, ontology)
        names = labels(ontology, data)
    return report, names, notes


def _file_labels(paths: list[Path], wanted: set[Node]) -> dict[Node, str]:
    """Labels of some nodes, read from RDF files without parsing all of N-Triples files."""
    if not wanted:
        return {}
    label_iri = f"<{RDFS.label}>"
    graph = Graph()
    for path in paths:
        if path.suffix == ".nt":
            with path.open(encoding="utf-8") as fh:
                lines = "".join(line for line in fh if label_iri in line)
            graph.parse(data=lines, format="nt")
        else:
            graph += parse_files([path], "data")
    return {node: name for node, name in labels(graph).items() if node in wanted}


ORIGIN_INDEX_FILE: Final = "origin-index.tsv"


def _validate_with_jena(
    paths: list[Path], data: Graph | None, shapes: Graph, ontology: Graph
) -> ValidationReport:
    import tempfile

    from mscowl.jena import validate_with_jena

    with tempfile.TemporaryDirectory(prefix="mscowl-jena-") as tmp:
        shapes_file, ontology_file = Path(tmp) / "shapes.ttl", Path(tmp) / "ontology.nt"
        shapes.serialize(shapes_file, format="turtle")
        ontology.serialize(ontology_file, format="nt", encoding="utf-8")
        if data is not None or len(paths) != 1:
            merged = data if data is not None else parse_files(paths, "data")
            data_file = Path(tmp) / "data.nt"
            merged.serialize(data_file, format="nt", encoding="utf-8")
        else:
            data_file = paths[0]
        graph = validate_with_jena(shapes_file, [data_file], ontology_file)[0]
    return ValidationReport(results_of(graph), graph, engine="jena")
