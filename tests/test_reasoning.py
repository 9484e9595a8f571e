"""HermiT (owlready2) on the ontology with its imports."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from mscowl.ontology.load import LoadedOntology
from mscowl.ontology.reasoning import run_hermit
from mscowl.rdf.namespaces import MSCO, expand

pytestmark = pytest.mark.java


def with_triples(ontology: LoadedOntology, *triples: tuple[URIRef, URIRef, object]) -> Graph:
    """A copy of the import closure with some triples added."""
    graph = Graph()
    for triple in ontology.closure:
        graph.add(triple)
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    return graph


def test_ontology_is_consistent_and_every_class_satisfiable(ontology: LoadedOntology) -> None:
    result = run_hermit(ontology.closure)
    assert result.consistent, result.message
    assert result.unsatisfiable == []


def test_defined_msc_types_classify_under_cl_mesenchymal_stem_cell(
    ontology: LoadedOntology,
) -> None:
    """The own MSC types also assert their CL parent (for SPARQL without a reasoner); without
    it, HermiT still infers it from the definition."""
    menstrual, msc = MSCO["0000102"], URIRef(expand("CL:0000134"))
    assert (menstrual, RDFS.subClassOf, msc) in ontology.closure
    graph = with_triples(ontology)
    graph.remove((menstrual, RDFS.subClassOf, msc))
    inferred = set(run_hermit(graph).inferred_subclasses)
    assert (str(menstrual), str(msc)) in inferred


def test_class_under_both_directions_is_unsatisfiable(ontology: LoadedOntology) -> None:
    """'has effect direction' is functional and the directions are distinct individuals."""
    conflicted = URIRef("https://w3id.org/mscowl/MSCO_9999999")
    graph = with_triples(
        ontology,
        (conflicted, RDF.type, OWL.Class),
        (conflicted, RDFS.label, Literal("pro- and anti-tumour effect")),
        (conflicted, RDFS.subClassOf, MSCO["0000405"]),
        (conflicted, RDFS.subClassOf, MSCO["0000406"]),
    )
    result = run_hermit(graph)
    assert result.consistent
    assert str(conflicted) in result.unsatisfiable


def test_trial_of_two_kinds_is_inconsistent(ontology: LoadedOntology) -> None:
    trial = URIRef("https://w3id.org/mscowl/data/trial/TEST")
    graph = with_triples(
        ontology,
        (trial, RDF.type, OWL.NamedIndividual),
        (trial, RDF.type, MSCO["0000811"]),
        (trial, RDF.type, MSCO["0000813"]),
    )
    assert not run_hermit(graph).consistent
