"""CURIEs: mscowl's own compression gives what the curies converter gives, without importing it
on the query path."""

from __future__ import annotations

from rdflib import URIRef

from mscowl.ontology.load import LoadedOntology
from mscowl.rdf.namespaces import PREFIXES, compress, converter


def test_compress_agrees_with_the_curies_converter(ontology: LoadedOntology) -> None:
    iris = {str(t) for triple in ontology.closure for t in triple if isinstance(t, URIRef)}
    iris |= {namespace + "x" for namespace in PREFIXES.values()}
    iris |= {"urn:nothing", "https://w3id.org/mscowl/data/trial/NCT1", "http://example.org/a"}
    assert len(iris) > 800
    assert {i: compress(i) for i in iris} == {i: converter().compress(i) for i in iris}
