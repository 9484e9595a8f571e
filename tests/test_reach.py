"""The predicates a SHACL-SPARQL query reads (validation.native.reach): where it says a part of
the graph is enough, the query answers the same on that part as on the whole graph; where a
query can read more (or a zero-length path can match a node of the other triples), it says None."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from conftest import ROOT
from mscowl.rdf.namespaces import SH
from mscowl.validation.native import TripleIndex
from mscowl.validation.native.reach import predicates_read
from mscowl.validation.native.sparql import SparqlConstraint

EX = "http://example.org/"
PREFIXES = f"PREFIX ex: <{EX}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
DATA = """@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a a ex:C ; ex:p ex:b ; ex:q "one"@en , 2.50 ; ex:other ex:lonely .
ex:b a ex:D ; ex:p ex:c ; ex:q 3 .
ex:c ex:r [ ex:q 4 ] .
ex:D rdfs:subClassOf ex:C .
ex:lonely ex:other2 "only in the other triples" .
"""


def iris(*names: str) -> frozenset[URIRef]:
    return frozenset(URIRef(EX + n) if ":" not in n else URIRef(n) for n in names)


RDFS_SUB = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: (query, the predicates it reads); each is also run on the part and on the whole graph.
PARTS = [
    ("SELECT $this WHERE { $this ex:p ?o }", iris("p")),
    ("SELECT $this ?v WHERE { $this ex:p/ex:q ?v }", iris("p", "q")),
    ("SELECT $this WHERE { $this ^ex:p|ex:r ?o }", iris("p", "r")),
    ("SELECT $this WHERE { $this a/rdfs:subClassOf* ex:C }", iris(RDF_TYPE, RDFS_SUB)),
    ("SELECT $this ?c WHERE { $this a ?t . ?t rdfs:subClassOf* ?c }", iris(RDF_TYPE, RDFS_SUB)),
    ("SELECT $this WHERE { $this ex:p ?o . ?o ex:p? ?x }", iris("p")),
    (  # anchored outside NOT EXISTS: SPARQL substitutes ?o before the inside is evaluated
        "SELECT $this WHERE { $this ex:p ?o . FILTER NOT EXISTS { ?o ex:q* ?x } }",
        iris("p", "q"),
    ),
    ("SELECT $this WHERE { $this ex:p ?o . OPTIONAL { ?o ex:q ?v } }", iris("p", "q")),
    ("SELECT $this WHERE { { $this ex:p ?o } UNION { $this ex:q ?o } }", iris("p", "q")),
    ("SELECT $this WHERE { FILTER NOT EXISTS { $this ex:q ?v } }", iris("q")),
    ("SELECT $this WHERE { $this ex:q ?v . FILTER (?v > 2) BIND (ex:q AS ?path) }", iris("q")),
    (
        "SELECT $this (COUNT(?o) AS ?n) WHERE { $this ex:q ?o } GROUP BY $this "
        "HAVING (COUNT(?o) > 1)",
        iris("q"),
    ),
    ("SELECT $this WHERE { BIND (ex:a AS $this) }", frozenset()),
    ("SELECT $this WHERE { $this ex:r [ ex:q ?v ] }", iris("r", "q")),
]

#: Queries that can read any triple, or whose zero-length path matches nodes of the others.
WHOLE = [
    "SELECT $this WHERE { $this ?p ?o }",
    "SELECT $this WHERE { $this !ex:p ?o }",
    "SELECT ?x WHERE { ?x ex:p* ?x }",  # every node of the graph: ex:lonely, "only in ..."
    "SELECT $this WHERE { $this ex:p* ?o }",  # $this (a focus node) need not be in the part
    "SELECT ?x WHERE { ?x ex:p? ex:lonely }",  # Oxigraph: a constant must be a node
    "SELECT ?x WHERE { { ?x ex:p ?o } UNION { ?x ex:q* ?y } }",  # anchored in the other branch
    "SELECT ?x WHERE { ?x ex:p ?o OPTIONAL { ?z ex:q* ?y } }",
    "SELECT ?x WHERE { ?x ex:p ?o . BIND (ex:lonely AS ?l) FILTER EXISTS { ?l ex:q* ?l } }",
    "SELECT ?x WHERE { { ?x ex:p ?o } UNION { BIND (ex:lonely AS ?x) } "
    "FILTER EXISTS { ?x ex:q* ?y } }",  # ?x is a node of the part in one branch only
    "SELECT $this WHERE { GRAPH ?g { $this ex:p ?o } }",
    "SELECT $this WHERE { $this ex:p ?o",  # rdflib cannot read it
]


def _index() -> TripleIndex:
    index = TripleIndex()
    index.add_triples(Graph().parse(data=DATA, format="turtle"))
    return index


def _answers(store: ox.Store, query: str) -> list[str]:
    return sorted(str(row) for row in store.query(PREFIXES + query))


@pytest.mark.parametrize(("query", "reads"), PARTS, ids=[q for q, _ in PARTS])
def test_a_query_answers_the_same_on_the_part_it_reads(
    query: str, reads: frozenset[URIRef]
) -> None:
    assert predicates_read(PREFIXES + query) == reads
    index = _index()  # one index: the same blank nodes in both stores
    part = index.store(reads)
    on_the_part = _answers(part, query)
    whole = index.store(None)
    assert len(part) < len(whole)
    assert on_the_part == _answers(whole, query)


@pytest.mark.parametrize("query", WHOLE)
def test_a_query_that_can_read_any_triple_needs_the_whole_graph(query: str) -> None:
    assert predicates_read(PREFIXES + query) is None


@pytest.mark.parametrize("query", [WHOLE[2], WHOLE[7], WHOLE[8]])
def test_the_part_of_a_zero_length_path_would_answer_differently(query: str) -> None:
    """Why these need the whole graph: on the triples of their predicates alone, a zero-length
    path misses ex:lonely (a node of the other triples only)."""
    index = _index()
    on_the_part = _answers(index.store(iris("p", "q")), query)
    assert on_the_part != _answers(index.store(None), query)


def test_the_shipped_constraints_read_a_part_of_the_graph() -> None:
    """Every SHACL-SPARQL constraint of the shipped shapes names the predicates it reads, so
    that validation fills its store with those triples only."""
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    found = [
        SparqlConstraint.of(shapes, constraint, shapes.value(shape, SH.path), shape)
        for shape, constraint in shapes.subject_objects(SH.sparql)
    ]
    assert found and all(c.reads for c in found)
