"""The native SHACL engine gives pySHACL's results: on every shapes fixture, and on small shapes
that exercise each path kind, each constraint component and each way of running SHACL-SPARQL.
What it does not cover is refused, and `mscowl validate` then falls back to pySHACL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.term import BNode, URIRef

from conftest import ONTOLOGY, ROOT
from mscowl.cli import main
from mscowl.ontology.load import load_ontology
from mscowl.validation.native import NativeValidator, TripleIndex, UnsupportedShapesError
from mscowl.validation.native.sparql import where_group
from mscowl.validation.report import Result, sorted_results
from mscowl.validation.run import parse_files, run_validation, shape_files, validate_graph

TESTS = ROOT / "shapes" / "tests"
FIXTURES = sorted(p for p in TESTS.glob("*.ttl") if p.name != "context.ttl")
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""

Full = tuple[tuple[str, str, str, str], str, str]


def full(results: list[Result]) -> list[Full]:
    """Everything two engines must agree on: the key, the value and the message."""

    def value(r: Result) -> str:
        return "" if r.value is None else "_:blank" if isinstance(r.value, BNode) else r.value.n3()

    return sorted((r.key, value(r), r.message) for r in results)


def native(shapes: Graph, *files: Path, ontology: Graph | None = None) -> list[Result]:
    index = TripleIndex()
    for path in files:
        index.add_file(path)
    if ontology is not None:
        index.add_triples(ontology)
    return sorted_results(NativeValidator(shapes).validate(index))


def both(tmp_path: Path, shapes_ttl: str, data_ttl: str) -> tuple[list[Full], list[Full]]:
    """(native, pySHACL) results of Turtle shapes on Turtle data."""
    shapes = Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + data_ttl, encoding="utf-8")
    reference = validate_graph(Graph().parse(data), shapes).results
    return full(native(shapes, data)), full(reference)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse_files(shape_files([ROOT / "shapes"]), "shapes")


@pytest.fixture(scope="module")
def closure() -> Graph:
    return load_ontology(ONTOLOGY).closure


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_native_engine_equals_pyshacl_on_every_fixture(
    fixture: Path, shapes: Graph, closure: Graph
) -> None:
    data = Graph().parse(TESTS / "context.ttl").parse(fixture)
    reference = full(validate_graph(data, shapes, closure).results)
    assert full(native(shapes, TESTS / "context.ttl", fixture, ontology=closure)) == reference


# --------------------------------------------------------------------------------------------
# Paths and constraint components, each against pySHACL

PATHS = """
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:property [ sh:path [ sh:inversePath ex:parent ] ; sh:minCount 1 ; sh:message "no child" ] ,
    [ sh:path ( ex:parent ex:name ) ; sh:maxCount 1 ; sh:message "parent names" ] ,
    [ sh:path [ sh:alternativePath ( ex:a ex:b ) ] ; sh:class ex:C ; sh:message "a or b" ] ,
    [ sh:path [ sh:oneOrMorePath ex:next ] ; sh:hasValue ex:x1 ; sh:message "no loop" ] ,
    [ sh:path [ sh:zeroOrOnePath ex:next ] ; sh:maxCount 1 ; sh:message "next" ] .
"""
PATH_DATA = """
ex:x1 a ex:C ; ex:parent ex:p ; ex:a ex:x2 ; ex:b "lit" ; ex:next ex:x2 .
ex:x2 a ex:C ; ex:next ex:x1 .
ex:x3 a ex:C ; ex:parent ex:x1 ; ex:next ex:x3 , ex:x1 .
ex:p ex:name "one" , "two" .
ex:c1 ex:parent ex:x2 .
"""


def test_every_path_kind_gives_pyshacls_results(tmp_path: Path) -> None:
    ours, reference = both(tmp_path, PATHS, PATH_DATA)
    assert ours == reference
    assert {r[2] for r in ours} == {"no child", "parent names", "a or b", "next"}


VALUES = """
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:v ;
  sh:property [ sh:path ex:v ; sh:datatype xsd:integer ; sh:message "integer" ] ,
    [ sh:path ex:s ; sh:datatype xsd:string ; sh:message "string" ] ,
    [ sh:path ex:s ; sh:pattern "^ab" ; sh:flags "i" ; sh:message "pattern" ] ,
    [ sh:path ex:l ; sh:languageIn ( "en" ) ; sh:message "english" ] ,
    [ sh:path ex:v ; sh:minExclusive 0 ; sh:maxExclusive 10 ; sh:message "range" ] ,
    [ sh:path ex:k ; sh:in ( "a" 1 ex:k1 ) ; sh:message "in" ] ,
    [ sh:path ex:k ; sh:hasValue ex:k1 ; sh:message "has k1" ] ,
    [ sh:path ex:k ; sh:node ex:Named ; sh:message "named" ] ,
    [ sh:path ex:k ; sh:or ( [ sh:datatype xsd:string ] [ sh:class ex:K ] ) ; sh:message "or" ] ,
    [ sh:path ex:k ; sh:qualifiedValueShape [ sh:class ex:K ] ; sh:qualifiedMinCount 2 ;
      sh:qualifiedMaxCount 0 ; sh:message "qualified" ] .
ex:Named sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
VALUE_DATA = """
ex:n1 ex:v 5 , "abc"^^xsd:integer , 10 , "7" ; ex:s "ABc" , "xab" , "b"@en , ex:iri ;
  ex:l "colour"@en-GB , "couleur"@fr , "plain" ; ex:k "a" , 1 , "01"^^xsd:integer , ex:k1 , ex:k2 .
ex:k1 a ex:K ; ex:name "k one" .
ex:k2 a ex:K .
ex:n2 ex:v 3 .
"""


def test_every_constraint_component_gives_pyshacls_results(tmp_path: Path) -> None:
    ours, reference = both(tmp_path, VALUES, VALUE_DATA)
    assert ours == reference
    messages = {r[2] for r in ours}
    assert messages >= {"integer", "string", "pattern", "english", "range", "in", "has k1"}
    assert messages >= {"named", "or", "qualified"}


SPARQL = """
ex:S a sh:NodeShape ; sh:targetClass ex:M ; sh:severity sh:Warning ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:message "{?value}% is above 2 ({$this})" ;
    sh:select "SELECT $this ?value WHERE { $this ex:pct ?value . FILTER (?value > 2) }" ;
    sh:prefixes ex: ] ,
  [ a sh:SPARQLConstraint ; sh:message "no label" ;
    sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this rdfs:label ?l } }" ;
    sh:prefixes ex: ] ,
  [ a sh:SPARQLConstraint ; sh:message "path {?path}" ;
    sh:select "SELECT $this ?path { $this ?path ?o . FILTER (?path = ex:pct) }" ;
    sh:prefixes ex: ] .
ex: sh:declare [ sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#" ] ,
  [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .
"""


def test_sparql_constraints_give_pyshacls_results(tmp_path: Path) -> None:
    """A VALUES block pre-binds named focus nodes (also where $this is only inside FILTER NOT
    EXISTS); blank nodes and a query without WHERE are pre-bound one by one; a decimal keeps the
    lexical form the data gave it ("2.50", where the store holds "2.5")."""
    data = """
        ex:m1 a ex:M ; ex:pct 2.50 , 1 .
        ex:m2 a ex:M ; rdfs:label "m2" ; ex:pct 3.0 .
        [ a ex:M ; ex:pct 1 ] .
    """
    ours, reference = both(tmp_path, SPARQL, data)
    assert ours == reference
    messages = [r[2] for r in ours]
    assert "3.0% is above 2 (http://example.org/m2)" in messages
    assert messages.count("no label") == 2
    assert f"path {PREFIXES.split()[-2][1:-1]}pct" in messages


def test_current_shape_is_pre_bound_to_the_shape(tmp_path: Path) -> None:
    """$currentShape (SHACL 5.2) is the shape, also inside a nested group, as pySHACL binds it."""
    query = (
        "SELECT $this ?value WHERE { $this ex:pct ?value . "
        "{ $currentShape ex:limit ?l } FILTER (?value > ?l) }"
    )
    shapes = f"""
    ex:S a sh:NodeShape ; sh:targetClass ex:M ;
      sh:sparql [ a sh:SPARQLConstraint ; sh:message "above the limit" ;
        sh:select "{query}" ; sh:prefixes ex: ] .
    ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .
    """
    data = "ex:S ex:limit 2 .\nex:m1 a ex:M ; ex:pct 3 .\nex:m2 a ex:M ; ex:pct 1 ."
    ours, reference = both(tmp_path, shapes, data)
    assert ours == reference and len(ours) == 1


def test_a_literal_written_two_ways_is_refused_for_sparql(tmp_path: Path) -> None:
    shapes = Graph().parse(data=PREFIXES + SPARQL, format="turtle")
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:m1 a ex:M ; rdfs:label 'x' ; ex:pct 2.50 , 2.5 .", "utf-8")
    with pytest.raises(UnsupportedShapesError, match="2 different ways"):
        native(shapes, data)


ON_A = "ex:S sh:targetNode ex:a ; "


@pytest.mark.parametrize(
    ("shape", "why"),
    [
        (ON_A + "sh:node ex:S .", "recursive"),
        (ON_A + "sh:property [ sh:minCount 1 ] .", "sh:path"),
        ("ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:q ] ; "
         "sh:validator [ sh:ask 'ASK {}' ] . " + ON_A + "ex:q 1 .", "constraint component"),
        (ON_A + "sh:sparql [ sh:select 'SELECT $this WHERE { { SELECT $this WHERE "
         "{ $this ?p ?o } } }' ] .", "subquery"),
        ("[] sh:targetNode ex:a ; sh:sparql [ sh:select "
         "'SELECT $this WHERE { $this ?p $currentShape }' ] .", "currentShape"),
        (ON_A + "sh:sparql [ sh:select 'SELECT $this WHERE { ?shapesGraph ?p $this }' ] .",
         "shapesGraph"),
    ],
)  # fmt: skip
def test_what_the_engine_does_not_cover_is_refused(shape: str, why: str) -> None:
    with pytest.raises(UnsupportedShapesError, match=why):
        NativeValidator(Graph().parse(data=PREFIXES + shape, format="turtle"))


CORE_DATA = """
ex:a a ex:C ; ex:p 1 , 5 ; ex:q 1 , 3 ; ex:name "ab" , "abcdef"@en , "xy"@en ;
     ex:r ex:b , _:x ; ex:next ex:b .
ex:b a ex:C ; ex:p 2 ; ex:q 2 ; ex:name "x" .
"""
CORE_SHAPES = [
    "sh:property [ sh:path ex:r ; sh:nodeKind sh:IRI ]",
    "sh:property [ sh:path ex:name ; sh:minLength 3 ]",
    "sh:property [ sh:path ex:name ; sh:maxLength 2 ]",
    "sh:property [ sh:path ex:name ; sh:uniqueLang true ]",
    "sh:property [ sh:path ex:p ; sh:equals ex:q ]",
    "sh:property [ sh:path ex:p ; sh:disjoint ex:q ]",
    "sh:property [ sh:path ex:p ; sh:lessThan ex:q ]",
    "sh:property [ sh:path ex:p ; sh:lessThanOrEquals ex:q ]",
    "sh:property [ sh:path ex:p ; sh:not [ sh:maxInclusive 2 ] ]",
    "sh:property [ sh:path ex:p ; sh:and ( [ sh:minInclusive 1 ] [ sh:maxInclusive 4 ] ) ]",
    "sh:property [ sh:path ex:p ; sh:xone ( [ sh:minInclusive 1 ] [ sh:maxInclusive 4 ] ) ]",
    "sh:closed true ; sh:ignoredProperties ( rdf:type ) ; sh:property [ sh:path ex:p ]",
    "sh:property [ sh:path ex:next ; sh:property [ sh:path ex:p ; sh:maxCount 0 ] ]",
]


@pytest.mark.parametrize("constraint", CORE_SHAPES)
@pytest.mark.parametrize("target", ["sh:targetClass ex:C", "a rdfs:Class"])
def test_core_components_agree_with_pyshacl(tmp_path: Path, constraint: str, target: str) -> None:
    """The components the engine gained from the W3C suite, with explicit and implicit class
    targets; each shape carries its message, since the engine's default messages are its own."""
    subject = "ex:C" if target == "a rdfs:Class" else "ex:S"
    shapes = f'{subject} a sh:NodeShape ; {target} ; sh:message "m" ; {constraint} .'
    shapes = shapes.replace("sh:property [", 'sh:property [ sh:message "m" ;')
    ours, reference = both(tmp_path, shapes, CORE_DATA)
    assert ours == reference
    assert ours, "each shape should find something in the data"


def test_auto_falls_back_to_pyshacl_with_a_note(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        PREFIXES + "ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "
        "'SELECT $this WHERE { { SELECT $this WHERE { $this <http://example.org/p> 1 } } }' ] .",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:a a ex:C ; ex:p 1 .", encoding="utf-8")
    run = run_validation([data], [shapes], None, tmp_path)
    assert run.report.engine == "pyshacl"
    assert [r.component.n3() for r in run.report.results] == [
        "<http://www.w3.org/ns/shacl#SPARQLConstraintComponent>"
    ]
    assert run.notes and "subquery" in run.notes[0]
    result = CliRunner().invoke(
        main, ["validate", str(data), "--shapes", str(shapes), "--engine", "native"]
    )
    assert result.exit_code == 2
    assert "subquery" in result.output


def test_where_group_skips_comments_strings_and_iris() -> None:
    query = 'PREFIX x: <urn:x#a> # a { brace\nSELECT ("{" AS ?b) $this WHERE { $this ?p ?o }'
    opening = where_group(query)
    assert opening is not None and query[opening:].strip() == "$this ?p ?o }"
    assert where_group("SELECT $this { $this ?p ?o }") is None
    assert where_group("SELECT ?x WHERE") is None


TURTLE_DATA = """@prefix ex: <http://example.org/> .
ex:a ex:p ex:b ; ex:q "one"@en , "2"^^<http://www.w3.org/2001/XMLSchema#integer> .
ex:b ex:p ex:c .
"""


def _store_triples(index: TripleIndex, predicates: list[URIRef] | None) -> set[str]:
    """The store's triples as N-Triples text, blank nodes named alike (each store has its own)."""
    import re

    return {
        re.sub(r"_:\w+", "_:b", str(q.triple))
        for q in index.store(predicates).quads_for_pattern(None, None, None)
    }


ABOVE_TWO = """
ex:S a sh:NodeShape ; sh:targetClass ex:M ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:message "{?value}% is above 2 ({$this})" ;
    sh:select "SELECT $this ?value WHERE { $this ex:pct ?value . FILTER (?value > 2) }" ;
    sh:prefixes ex: ] .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .
"""


def test_validation_parses_the_data_once_and_stores_what_sparql_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One load (issue 26): the data is parsed once, and the SHACL-SPARQL store holds only the
    triples of the predicates its queries read, filled from that parse."""
    import pyoxigraph

    from mscowl.validation.native import engine, index

    parses: list[object] = []
    stores: list[pyoxigraph.Store] = []

    class Counting:
        """pyoxigraph, counting its parses and keeping its stores."""

        def __getattr__(self, name: str) -> object:
            return getattr(pyoxigraph, name)

        def parse(self, *args: object, **kwargs: object) -> object:
            parses.append(args or kwargs)
            return pyoxigraph.parse(*args, **kwargs)  # type: ignore[arg-type]

        def Store(self) -> pyoxigraph.Store:  # noqa: N802 - pyoxigraph's name
            stores.append(pyoxigraph.Store())
            return stores[-1]

    monkeypatch.setattr(index, "load_oxigraph", Counting)
    shapes = Graph().parse(data=PREFIXES + ABOVE_TWO, format="turtle")
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:m1 a ex:M ; rdfs:label 'm' ; ex:pct 3 , 1 .", "utf-8")
    report, _ = engine.validate_native([data], None, shapes, Graph())
    assert [r.message for r in report.results] == ["3% is above 2 (http://example.org/m1)"]
    assert len(parses) == 1
    assert len(stores[0]) == 2  # the two ex:pct triples


def test_validation_pauses_the_cycle_collector_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse and the evaluation make millions of objects and no cycles: the collector,
    which would walk the whole index at each full pass, is paused for them (issue 26)."""
    import gc

    from mscowl.validation.native import engine, index

    seen: list[tuple[str, bool]] = []
    parse, validate = index.TripleIndex._parse_into_index, engine.NativeValidator.validate

    def parsing(self: TripleIndex, *args: Any) -> None:
        seen.append(("parse", gc.isenabled()))
        parse(self, *args)

    def validating(self: NativeValidator, data: TripleIndex) -> list[Result]:
        seen.append(("validate", gc.isenabled()))
        return validate(self, data)

    monkeypatch.setattr(index.TripleIndex, "_parse_into_index", parsing)
    monkeypatch.setattr(engine.NativeValidator, "validate", validating)
    data = tmp_path / "data.ttl"
    data.write_text(PREFIXES + "ex:m1 a ex:M ; ex:pct 3 .", "utf-8")
    assert gc.isenabled()
    engine.validate_native([data], None, Graph().parse(data=PREFIXES + ABOVE_TWO), Graph())
    assert seen == [("parse", False), ("validate", False)] and gc.isenabled()


def test_bad_data_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    from mscowl.errors import InputError

    path = tmp_path / "bad.ttl"
    path.write_text(TURTLE_DATA + "ex:c ex:p .\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid RDF") as caught:
        TripleIndex().add_file(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("source", ["file", "bytes", "blank-node"])
def test_the_store_holds_the_parsed_triples_of_the_predicates_asked(
    tmp_path: Path, source: str
) -> None:
    """The SPARQL store is filled from the index's own parsed terms (no second parse): all
    triples, or those of the predicates asked, widened when more are asked; a blank node a
    query returns is the index's."""
    data = TURTLE_DATA + ("ex:c ex:p [ ex:q ex:d ] .\n" if source == "blank-node" else "")
    path = tmp_path / "data.ttl"
    path.write_text(data, encoding="utf-8")
    graph = Graph().parse(data=data, format="turtle")
    index = TripleIndex()
    if source == "bytes":
        index.add_ntriples(graph.serialize(format="nt", encoding="utf-8"))
    else:
        index.add_file(path)
    index.add_triples(Graph().parse(data="<http://example.org/o> a <http://example.org/C> ."))
    ex = "http://example.org/"
    p, q = URIRef(ex + "p"), URIRef(ex + "q")
    assert {t.split()[1] for t in _store_triples(index, [p])} == {f"<{ex}p>"}
    assert len(_store_triples(index, [p])) == 2 + (source == "blank-node")
    assert len(_store_triples(index, [q])) == 4 + 2 * (source == "blank-node")  # p and q
    assert len(_store_triples(index, None)) == 5 + 2 * (source == "blank-node")
    if source == "blank-node":
        (row,) = index.store().query(f"SELECT ?b WHERE {{ <{ex}c> <{ex}p> ?b }}")
        blank = index.term(row["b"])
        assert isinstance(blank, BNode) and index.objects(blank, q) == [URIRef(ex + "d")]
