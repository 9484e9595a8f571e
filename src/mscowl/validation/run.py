"""SHACL validation of instance data against the shipped shapes, with the ontology mixed in.

pySHACL is the reference engine; :mod:`mscowl.validation.native` (``native``, the default) gives its
results on large graphs, and Apache Jena SHACL is available too (:data:`ENGINES`). The ontology
(with its imports) is mixed into the data, so ``sh:targetClass`` sees subclasses and the shapes
can walk ``rdfs:subClassOf`` from the ontology classes that the data uses as values. Every
engine's results become :class:`Result` objects in a standard ``sh:ValidationReport`` and, when
the data came from ``mscowl build``, are located in the spreadsheet through the
:class:`OriginIndex`.

"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDFS, Graph
from rdflib.term import Node

from mscowl.errors import InputError, Origin
from mscowl.pipeline import Seeds
from mscowl.rdf.namespaces import SH
from mscowl.rdf.serialize import nt_term
from mscowl.rdf.terms import lexical_forms_kept
from mscowl.seeds.origins import ORIGIN_INDEX, OriginIndex
from mscowl.validation.report import ValidationReport, labels, results_of, term_text

if TYPE_CHECKING:
    from mscowl.seeds.graph import KnowledgeGraph


# --------------------------------------------------------------------------------------------
# Loading


def parse_files(paths: Iterable[Path], what: str) -> Graph:
    """Parse RDF files (format from the suffix) into one graph; unreadable files are InputErrors."""
    from mscowl.ontology.load import parse_rdf

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
        check_regex(
            str(pattern), f"the sh:pattern of {term_text(shape)}", re.I if "i" in flags else 0
        )
    from rdflib.plugins.sparql.parser import parseQuery

    from mscowl.safety import uses_service

    for prop in (SH.select, SH.ask):
        for node, text in shapes.subject_objects(prop):
            what = f"the {prop.n3(shapes.namespace_manager)} of {term_text(node)}"
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

    from mscowl.validation.prepared import prepared_sparql_queries

    try:
        with prepared_sparql_queries():
            _, report, text = pyshacl.validate(
                data, shacl_graph=shapes, ont_graph=ontology, inference="none"
            )
    except ReportableRuntimeError as exc:
        raise InputError(f"the shapes cannot be used: {exc.message}") from exc
    except NotImplementedError as exc:  # pySHACL's word for what it does not cover
        raise InputError(f"pySHACL does not cover these shapes: {exc}") from exc
    if isinstance(report, BaseException) or not isinstance(report, Graph):
        raise InputError(f"the shapes cannot be used: {text}")
    return ValidationReport(results_of(report), report)


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

    Engines (see :data:`ENGINES`): ``native`` (:mod:`mscowl.validation.native`, pySHACL's
    results on large graphs), ``pyshacl`` (the reference), ``jena`` (Apache Jena SHACL; the data
    files go to Jena
    unparsed), and ``auto``: native, or pySHACL when the shapes use something the native
    engine does not cover (the run's notes say so). The origin index comes from the build, from
    ``origins_path``, or from an ``origin-index.tsv`` beside the first data file.
    """
    from mscowl.ontology.load import load_ontology
    from mscowl.safety import check_rdf_file

    shape_paths = shape_files(shapes_paths)
    with lexical_forms_kept():
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
        beside = data_paths[0].parent / ORIGIN_INDEX
        index_path = origins_path or (beside if beside.is_file() else None)
    else:
        from mscowl.seeds.graph import build_knowledge_graph

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
        from mscowl.validation.native import UnsupportedShapesError, validate_native

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


def _validate_with_jena(
    paths: list[Path], data: Graph | None, shapes: Graph, ontology: Graph
) -> ValidationReport:
    import tempfile

    from mscowl.validation.jena import validate_with_jena

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
