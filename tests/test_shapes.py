"""The shapes themselves: every fixture in shapes/tests gives exactly its expected results, in
pySHACL and in Apache Jena SHACL, and the shipped knowledge graph conforms."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import curies
import pytest
from rdflib import Graph
from rdflib.term import Node

from conftest import ONTOLOGY, ROOT, required
from mscowl.ontology.load import load_ontology
from mscowl.rdf.namespaces import SH, converter
from mscowl.validation.jena import jena_available, validate_with_jena
from mscowl.validation.report import Result, ValidationReport, results_of
from mscowl.validation.run import parse_files, shape_files, validate_graph

SHAPES_DIR = ROOT / "shapes"
TESTS = SHAPES_DIR / "tests"
FIXTURES = sorted(p for p in TESTS.glob("*.ttl") if p.name != "context.ttl")
NAMES = converter().prefix_map | {
    "ex": "http://example.org/test/",
    "sh": "http://www.w3.org/ns/shacl#",
}
TERMS = curies.Converter.from_prefix_map(NAMES)

Key = tuple[str, str, str, str]


def expected(fixture: Path) -> Counter[Key]:
    rows = csv.DictReader(
        fixture.with_suffix(".expected.tsv").open(encoding="utf-8"), delimiter="\t"
    )
    return Counter(
        tuple(
            f"<{TERMS.expand(row[c])}>" if row[c] else ""
            for c in ("focus", "path", "component", "severity")
        )  # type: ignore[misc]
        for row in rows
    )


def keys(results: list[Result]) -> Counter[Key]:
    return Counter(r.key for r in results)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse_files(shape_files([SHAPES_DIR]), "shapes")


@pytest.fixture(scope="module")
def closure() -> Graph:
    return load_ontology(ONTOLOGY).closure


def fixture_data(fixture: Path) -> Graph:
    return Graph().parse(TESTS / "context.ttl").parse(fixture)


def test_every_fixture_has_its_expected_results_file() -> None:
    assert len(FIXTURES) >= 50
    for fixture in FIXTURES:
        assert fixture.with_suffix(".expected.tsv").is_file(), fixture.name
    assert (TESTS / "valid-complete.ttl") in FIXTURES


@pytest.fixture(scope="module")
def reports(shapes: Graph, closure: Graph) -> dict[Path, ValidationReport]:
    return {f: validate_graph(fixture_data(f), shapes, closure) for f in FIXTURES}


@pytest.mark.slow
def test_every_constraint_of_every_shape_fails_in_some_fixture(
    shapes: Graph, reports: dict[Path, ValidationReport]
) -> None:
    """Each constraint (property shape, SPARQL constraint, node-level sh:or) of each targeted
    shape is shown failing by at least one fixture."""
    constraints: set[Node] = set()
    for shape in set(shapes.subjects(SH.targetClass, None)):
        constraints |= set(shapes.objects(shape, SH.property))
        constraints |= {(shape, c) for c in shapes.objects(shape, SH.sparql)}  # type: ignore[misc]
        if (shape, SH["or"], None) in shapes:
            constraints.add(shape)
    shown: set[Node] = set()
    for report in reports.values():
        for node in report.graph.objects(None, SH.sourceShape):
            shown.add(node)
        for result in report.graph.subjects(
            SH.sourceConstraintComponent, SH.SPARQLConstraintComponent
        ):
            shape = report.graph.value(result, SH.sourceShape)
            constraint = report.graph.value(result, SH.sourceConstraint)
            shown.add((shape, constraint))  # type: ignore[arg-type]
    assert len(constraints) >= 55
    missing = [c for c in constraints if c not in shown]
    assert not missing, f"{len(missing)} constraints have no failing fixture"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_pyshacl_gives_exactly_the_expected_results(
    fixture: Path, reports: dict[Path, ValidationReport]
) -> None:
    report = reports[fixture]
    assert keys(report.results) == expected(fixture)
    for result in report.results:
        assert result.message and "{?" not in result.message, result


def test_context_alone_is_valid(shapes: Graph, closure: Graph) -> None:
    assert validate_graph(Graph().parse(TESTS / "context.ttl"), shapes, closure).results == []


@pytest.mark.java
def test_jena_agrees_with_pyshacl_on_every_fixture(
    shapes: Graph, closure: Graph, tmp_path: Path
) -> None:
    why = jena_available()
    if why:
        if required("MSCOWL_REQUIRE_JENA"):
            pytest.fail(why)
        pytest.skip(why)
    shapes_file, ontology_file = tmp_path / "shapes.ttl", tmp_path / "ontology.nt"
    shapes.serialize(shapes_file, format="turtle")
    closure.serialize(ontology_file, format="nt", encoding="utf-8")
    data_files = []
    for fixture in FIXTURES:
        path = tmp_path / f"{fixture.stem}.nt"
        fixture_data(fixture).serialize(path, format="nt", encoding="utf-8")
        data_files.append(path)
    reports = validate_with_jena(shapes_file, data_files, ontology_file)
    for fixture, graph in zip(FIXTURES, reports, strict=True):
        assert keys(results_of(graph)) == expected(fixture), fixture.stem


def test_isct_rule_flags_missing_cd105_and_5_percent_cd45(shapes: Graph, closure: Graph) -> None:
    missing = validate_graph(fixture_data(TESTS / "isct-missing-cd105.ttl"), shapes, closure)
    assert [r.message for r in missing.results] == [
        "ISCT 2006: no measurement shows CD105 on at least 95% of the cells."
    ]
    high = validate_graph(fixture_data(TESTS / "isct-cd45-above-2-percent.ttl"), shapes, closure)
    assert [r.message for r in high.results] == [
        "ISCT 2006: CD45 is expressed on 5.0% of the cells; at most 2% is allowed."
    ]
    assert all(r.key[3].endswith("#Warning>") for r in missing.results + high.results)


def test_shipped_graph_conforms(shapes: Graph, closure: Graph) -> None:
    from mscowl.seeds.graph import build_knowledge_graph

    data = build_knowledge_graph(ROOT / "seeds", ontology=ONTOLOGY).graph()
    report = validate_graph(data, shapes, closure)
    assert report.conforms, [r.message for r in report.failing(report.results[0].severity)]
    assert not [r for r in report.results if r.key[3].endswith("#Violation>")]
