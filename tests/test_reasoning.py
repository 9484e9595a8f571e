"""HermiT (owlready2) on the ontology with its imports."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef

from mscowl.ontology.load import LoadedOntology
from mscowl.ontology.reasoning import run_hermit
from mscowl.ontology.registry import TermRegistry
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


def merged_with_upstream(ontology: LoadedOntology) -> Graph:
    """The import closure merged with the upstream ancestor closure of every UBERON term in it.

    The shipped UBERON release lists each term's ancestors through is_a and part_of together,
    so each ancestor A of X is added as ``X SubClassOf (A or part_of some A)``: true upstream
    whichever the edge is, and with part_of transitive it has the consequences either edge has
    for a class defined as "MSC and part_of some X".
    """
    registry = TermRegistry()
    graph = with_triples(ontology)
    part_of = URIRef(expand("BFO:0000050"))
    graph.add((part_of, RDF.type, OWL.TransitiveProperty))
    uberon = sorted(
        s
        for s in set(ontology.closure.subjects(RDF.type, OWL.Class))
        if str(s).startswith(expand("UBERON:"))
    )
    for term in uberon:
        record = registry.lookup("UBERON:" + str(term).rsplit("_", 1)[1])
        assert record is not None, term
        for ancestor in sorted(record.ancestors):
            upper = URIRef(expand(ancestor))
            restriction, union, first, rest = BNode(), BNode(), BNode(), BNode()
            graph.add((upper, RDF.type, OWL.Class))
            graph.add((restriction, RDF.type, OWL.Restriction))
            graph.add((restriction, OWL.onProperty, part_of))
            graph.add((restriction, OWL.someValuesFrom, upper))
            graph.add((union, RDF.type, OWL.Class))
            graph.add((union, OWL.unionOf, first))
            graph.add((first, RDF.first, upper))
            graph.add((first, RDF.rest, rest))
            graph.add((rest, RDF.first, restriction))
            graph.add((rest, RDF.rest, RDF.nil))
            graph.add((term, RDFS.subClassOf, union))
    return graph


def own_subsumptions(graph: Graph) -> set[tuple[str, str]]:
    """Own class under own class, as HermiT infers it beyond what is asserted."""
    result = run_hermit(graph)
    assert result.consistent, result.message
    assert result.unsatisfiable == []
    return {
        (sub, sup)
        for sub, sup in result.inferred_subclasses
        if sub.startswith(str(MSCO)) and sup.startswith(str(MSCO))
    }


def test_own_classes_are_safe_under_the_upstream_hierarchy(ontology: LoadedOntology) -> None:
    """Merged with what UBERON says above the terms they use, no own class falls under another
    own class that its own definitions did not already put it under."""
    alone = own_subsumptions(with_triples(ontology))
    merged = own_subsumptions(merged_with_upstream(ontology))
    assert merged - alone == set()


def test_peripheral_blood_msc_by_part_of_blood_would_capture_cord_blood_msc(
    ontology: LoadedOntology,
) -> None:
    """Regression: MSCO:0000109 was defined as 'MSC and part_of some blood'; with UBERON's
    'umbilical cord blood is_a blood', cord blood MSCs were classified as peripheral blood
    MSCs. The merged check above finds exactly that when the old definition is put back."""
    pb_msc = MSCO["0000109"]
    graph = merged_with_upstream(ontology)
    define_as_msc_part_of(graph, pb_msc, "UBERON:0000178")
    assert (str(MSCO["0000103"]), str(pb_msc)) in own_subsumptions(graph)


def define_as_msc_part_of(graph: Graph, cls: URIRef, tissue: str) -> None:
    """Add ``cls EquivalentTo 'mesenchymal stem cell' and ('part of' some tissue)``."""
    definition, members, rest, restriction = BNode(), BNode(), BNode(), BNode()
    for triple in [
        (cls, RDF.type, OWL.Class),
        (restriction, RDF.type, OWL.Restriction),
        (restriction, OWL.onProperty, URIRef(expand("BFO:0000050"))),
        (restriction, OWL.someValuesFrom, URIRef(expand(tissue))),
        (definition, RDF.type, OWL.Class),
        (definition, OWL.intersectionOf, members),
        (members, RDF.first, URIRef(expand("CL:0000134"))),
        (members, RDF.rest, rest),
        (rest, RDF.first, restriction),
        (rest, RDF.rest, RDF.nil),
        (cls, OWL.equivalentClass, definition),
    ]:
        graph.add(triple)  # type: ignore[arg-type]


def test_regression_a_datatype_outside_the_owl2_map_is_bad_input_not_a_bug() -> None:
    """An xsd:date range (outside the OWL 2 datatype map) made HermiT fail, and `mscowl qc`
    said "internal error" with Java's output and its escaped line breaks on one line."""
    from mscowl.errors import InputError

    graph = Graph()
    prop = URIRef("https://w3id.org/mscowl/MSCO_9999999")
    graph.add((prop, RDF.type, OWL.DatatypeProperty))
    graph.add((prop, RDFS.range, URIRef("http://www.w3.org/2001/XMLSchema#date")))
    with pytest.raises(InputError, match="outside the OWL 2 datatype map") as caught:
        run_hermit(graph)
    assert "\\n" not in str(caught.value) and "\tat " not in str(caught.value)


def own_under_cl(graph: Graph) -> set[tuple[str, str]]:
    """Own class under a CL class, as HermiT infers it beyond what is asserted."""
    result = run_hermit(graph)
    assert result.consistent, result.message
    return {
        (sub, sup)
        for sub, sup in result.inferred_subclasses
        if sub.startswith(str(MSCO)) and sup.startswith(expand("CL:"))
    }


def test_cl_import_carries_cls_logical_definitions(ontology: LoadedOntology) -> None:
    """CL:0002540 is 'MSC and part_of some bone marrow' in CL itself (cl-edit.owl)."""
    definition = ontology.closure.value(URIRef(expand("CL:0002540")), OWL.equivalentClass)
    members = list(ontology.closure.items(ontology.closure.value(definition, OWL.intersectionOf)))
    assert members[0] == URIRef(expand("CL:0000134"))
    assert ontology.closure.value(members[1], OWL.someValuesFrom) == URIRef(
        expand("UBERON:0002371")
    )


def test_no_own_class_falls_under_a_cl_class_it_does_not_assert(ontology: LoadedOntology) -> None:
    """With CL's own definitions and UBERON's hierarchy, no own cell type is a hidden duplicate
    or subtype of a CL type (which a CL curator would ask to merge)."""
    assert own_under_cl(merged_with_upstream(ontology)) == set()


def test_an_own_duplicate_of_a_cl_msc_type_would_be_found(ontology: LoadedOntology) -> None:
    """The check above can fail: an own 'MSC and part_of some bone marrow' is CL:0002540, and
    HermiT puts it under CL's bone marrow cell (CL:0002092) through CL's definitions."""
    duplicate = MSCO["0999999"]
    graph = merged_with_upstream(ontology)
    define_as_msc_part_of(graph, duplicate, "UBERON:0002371")
    assert (str(duplicate), expand("CL:0002092")) in own_under_cl(graph)
