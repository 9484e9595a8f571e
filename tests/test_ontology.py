"""The ontology file itself: header, branches, own-term hygiene, OWL 2 DL-safe datatypes."""

from __future__ import annotations

import csv
import re
from itertools import pairwise
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Literal, URIRef, namespace

from mscowl.errors import InputError, Origin
from mscowl.ontology.load import LoadedOntology, subject_iris
from mscowl.ontology.registry import default_reference_path
from mscowl.rdf.namespaces import (
    DCTERMS,
    DEFINITION,
    DEFINITION_SOURCE,
    MSCO,
    OBOINOWL,
    VANN,
    expand,
)

REVIEW_DOI = "https://doi.org/10.1186/s13045-021-01208-w"
#: IAO:0000111 "editor preferred term": the name the field uses, shown in answers.
IAO_PREFERRED = URIRef(expand("IAO:0000111"))


def uri(curie: str) -> URIRef:
    return URIRef(expand(curie))


def test_header_has_persistent_iri_version_and_citation(ontology: LoadedOntology) -> None:
    g, iri = ontology.main, ontology.iri
    assert str(iri) == "https://w3id.org/mscowl/msc-cancer.owl"
    version_iri = str(g.value(iri, OWL.versionIRI))
    assert re.fullmatch(
        r"https://w3id\.org/mscowl/releases/\d{4}-\d{2}-\d{2}/msc-cancer\.owl", version_iri
    )
    assert str(g.value(iri, OWL.versionInfo)) in version_iri
    assert str(g.value(iri, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.created):
        assert g.value(iri, prop) is not None, prop
    citation = str(g.value(iri, DCTERMS.bibliographicCitation))
    assert "10.1186/s13045-021-01208-w" in citation and "34789315" in citation
    assert URIRef(REVIEW_DOI) in set(g.objects(iri, DCTERMS.source))
    assert str(g.value(iri, VANN.preferredNamespacePrefix)) == "MSCO"
    assert str(g.value(iri, VANN.preferredNamespaceUri)) == "https://w3id.org/mscowl/MSCO_"


def test_every_own_term_has_one_english_label_a_definition_and_its_source(
    ontology: LoadedOntology,
) -> None:
    g = ontology.main
    own = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(MSCO))}
    assert len(own) > 150
    for term in own:
        assert re.fullmatch(r"https://w3id\.org/mscowl/MSCO_\d{7}", str(term)), term
        labels = list(g.objects(term, RDFS.label))
        assert len(labels) == 1 and isinstance(labels[0], Literal) and labels[0].language == "en", (
            term
        )
        assert len(list(g.objects(term, DEFINITION))) == 1, term
        assert g.value(term, DEFINITION_SOURCE) is not None, term


def test_own_properties_have_domain_or_range_where_they_hold(ontology: LoadedOntology) -> None:
    g = ontology.main
    assert g.value(MSCO["0000906"], RDFS.range) == MSCO["0000001"]  # has effect direction
    assert (MSCO["0000906"], RDF.type, OWL.FunctionalProperty) in g
    assert g.value(MSCO["0000934"], RDFS.range) == namespace.XSD.nonNegativeInteger  # enrolment
    assert g.value(MSCO["0000930"], RDFS.range) == namespace.XSD.decimal  # threshold percentage


def test_no_datatype_outside_the_owl2_datatype_map(ontology: LoadedOntology) -> None:
    """xsd:date is not in the OWL 2 datatype map; HermiT rejects it in axioms."""
    assert not any(ontology.closure.triples((None, RDFS.range, namespace.XSD.date)))


def equivalent_parts(ontology: LoadedOntology, cls: URIRef) -> tuple[URIRef, URIRef, URIRef]:
    """(genus, property, filler) of a class defined as 'genus and (property some filler)'."""
    g = ontology.main
    eq = g.value(cls, OWL.equivalentClass)
    members = list(g.items(g.value(eq, OWL.intersectionOf)))
    restriction = members[1]
    return (
        members[0],
        g.value(restriction, OWL.onProperty),
        g.value(restriction, OWL.someValuesFrom),
    )


def test_obsolete_own_terms_follow_the_obo_convention(ontology: LoadedOntology) -> None:
    """An obsoleted own term keeps its IRI, says so in its label, and has no logical axiom."""
    g = ontology.main
    obsolete = set(g.subjects(OWL.deprecated, Literal(True)))
    assert MSCO["0000105"] in obsolete and MSCO["0000421"] in obsolete
    for term in obsolete:
        assert str(g.value(term, RDFS.label)).startswith("obsolete "), term
        assert str(g.value(term, DEFINITION)).startswith("OBSOLETE. "), term
        assert g.value(term, RDFS.subClassOf) is None and g.value(term, OWL.equivalentClass) is None
        assert not any(g.triples((None, None, term))), f"{term} is still used"


def test_missing_msc_types_follow_the_cl_pattern(ontology: LoadedOntology) -> None:
    expected = {
        "MSCO:0000101": "UBERON:0001295",  # endometrium (review: endometrial polyps)
        "MSCO:0000102": "UBERON:8480042",  # menstrual fluid
        "MSCO:0000103": "UBERON:0012168",  # umbilical cord blood
    }
    for cls, tissue in expected.items():
        assert equivalent_parts(ontology, uri(cls)) == (
            uri("CL:0000134"),
            uri("BFO:0000050"),
            uri(tissue),
        )


def test_cl_msc_types_are_reused_as_cl_defines_them(ontology: LoadedOntology) -> None:
    """CL's own MSC types come from the CL import with their upstream parents; this package adds
    synonyms to them (components/external-annotations.ttl) and no axiom."""
    closure = ontology.closure
    for cls in ("CL:0002540", "CL:0002570", "CL:0002569", "CL:0002537", "CL:0002541"):
        assert uri("CL:0000134") in set(closure.objects(uri(cls), RDFS.subClassOf)), cls
    assert (uri("CL:0002568"), RDFS.subClassOf, uri("CL:0002569")) in closure


def test_msc_cancer_ttl_asserts_nothing_about_external_terms(ontology: LoadedOntology) -> None:
    """Every triple of the main file has an own term, a blank node of an own axiom or the
    ontology header as its subject (declarations of the annotation properties it uses aside)."""
    g = ontology.main
    header = URIRef("https://w3id.org/mscowl/msc-cancer.owl")
    external = {
        (s, p, o)
        for s, p, o in g
        if isinstance(s, URIRef)
        and not str(s).startswith(str(MSCO))
        and s != header
        and not (p == RDF.type and o == OWL.AnnotationProperty)
    }
    assert external == set()


def test_external_annotations_component_holds_only_annotations(ontology: LoadedOntology) -> None:
    from rdflib import Graph

    path = Path(ontology.path).parent / "components" / "external-annotations.ttl"
    component = Graph().parse(path)
    logical = {RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, RDFS.domain, RDFS.range}
    for s, p, o in component:
        assert p not in logical, (s, p, o)
        if p == RDF.type:
            assert o in (OWL.Ontology, OWL.AnnotationProperty), (s, p, o)
    # the component is imported and resolved through the catalog
    assert URIRef("https://w3id.org/mscowl/components/external-annotations.owl") in set(
        ontology.main.objects(None, OWL.imports)
    )
    assert (uri("UniProtKB:P21589"), IAO_PREFERRED, Literal("CD73", lang="en")) in ontology.closure


def test_imports_keep_the_upstream_superclass_chains(ontology: LoadedOntology) -> None:
    closure = ontology.closure
    chain = ["CL:0002568", "CL:0002569", "CL:0000134", "CL:0000048", "CL:0000034"]
    for child, parent in pairwise(chain):
        assert (uri(child), RDFS.subClassOf, uri(parent)) in closure, (child, parent)
    assert uri("CL:0000000") in set(closure.transitive_objects(uri("CL:0000034"), RDFS.subClassOf))
    # umbilical cord blood is a kind of blood upstream (UBERON efo-slim)
    assert (uri("UBERON:0012168"), RDFS.subClassOf, uri("UBERON:0000178")) in closure
    # every imported CL term reaches CL:0000000 through is_a
    cl_terms = {
        s for s in closure.subjects(RDF.type, OWL.Class) if str(s).startswith(expand("CL:"))
    }
    for term in cl_terms:
        assert uri("CL:0000000") in set(closure.transitive_objects(term, RDFS.subClassOf)), term


def test_no_label_is_a_uniprot_entry_name(ontology: LoadedOntology) -> None:
    """5NTD_HUMAN is an identifier; the label is the gene symbol, the display name the CD name."""
    mnemonic = re.compile(r"^[A-Z0-9]{1,10}_HUMAN$")
    for prop in (RDFS.label, IAO_PREFERRED, OBOINOWL.hasExactSynonym):
        for s, o in ontology.closure.subject_objects(prop):
            assert not mnemonic.match(str(o)), (s, o)
    assert ontology.closure.value(uri("UniProtKB:P21589"), RDFS.label) == Literal("NT5E")


def test_proteins_are_pr_terms_where_one_is_verified(ontology: LoadedOntology) -> None:
    """Issue 21: a protein with a verified PR term is that term, not its UniProtKB entry. The
    verified PR rows name their protein in the label or the note (CD45, CXCR4, TRAIL/TNFSF10);
    no imported UniProtKB entry may carry one of those names."""
    with default_reference_path().open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    pr_names: dict[str, str] = {}
    for row in rows:
        if row["curie"].startswith("PR:"):
            names = [row["label"], *row.get("note", "").split(";")[0].split("/")]
            for name in filter(None, (n.strip() for n in names)):
                pr_names[name.casefold()] = row["curie"]
    uniprot = expand("UniProtKB:")
    for entry in set(ontology.closure.subjects(RDF.type, OWL.Class)):
        if not str(entry).startswith(uniprot):
            continue
        for prop in (RDFS.label, IAO_PREFERRED, OBOINOWL.hasExactSynonym):
            for name in ontology.closure.objects(entry, prop):
                assert str(name).casefold() not in pr_names, (entry, name)
    cd90 = uri("PR:000001843")
    assert ontology.closure.value(cd90, IAO_PREFERRED) == Literal("CD90", lang="en")
    assert (cd90, RDFS.subClassOf, uri("CHEBI:36080")) in ontology.closure


def test_lineages_use_ro_develops_from_and_ro_declares_its_inverse(
    ontology: LoadedOntology,
) -> None:
    for cls, cell in {
        "MSCO:0000201": "CL:0000062",  # osteoblast
        "MSCO:0000202": "CL:0000137",  # osteocyte
        "MSCO:0000204": "CL:0000138",  # chondrocyte
        "MSCO:0000205": "CL:0000136",  # adipocyte
    }.items():
        assert equivalent_parts(ontology, uri(cls)) == (
            uri(cell),
            uri("RO:0002202"),
            uri("CL:0000134"),
        )
    assert ontology.closure.value(uri("RO:0002202"), OWL.inverseOf) == uri("RO:0002203")


def test_every_mechanism_leaf_has_one_direction_grouping(ontology: LoadedOntology) -> None:
    g = ontology.main
    directions = {MSCO["0000405"], MSCO["0000406"], MSCO["0000407"]}
    leaves = [
        MSCO[f"00004{n:02d}"]
        for n in (
            23,
            25,
            26,
            28,
            30,
            31,
            32,
            33,
            34,
            35,
            36,
            37,
            40,
            42,
            43,
            44,
            45,
        )
    ]
    for leaf in leaves:
        assert len(set(g.objects(leaf, RDFS.subClassOf)) & directions) == 1, leaf


def test_mechanisms_link_to_go_processes(ontology: LoadedOntology) -> None:
    g = ontology.main
    assert uri("GO:0090090") in set(g.objects(MSCO["0000443"], RDFS.subClassOf))  # DKK1 -> Wnt
    assert uri("GO:0051898") in set(g.objects(MSCO["0000444"], RDFS.subClassOf))  # AKT
    assert uri("GO:1905319") in set(g.objects(MSCO["0000410"], RDFS.subClassOf))  # homing


def test_required_pathways_are_imported_under_signal_transduction(ontology: LoadedOntology) -> None:
    closure = ontology.closure
    for pathway in (
        "GO:0060070",
        "GO:0043491",
        "GO:0007249",
        "GO:0007259",
        "GO:0007179",
        "GO:0070371",
        "GO:0007219",
        "GO:0007224",
        "GO:0035329",
    ):
        ancestors = set(closure.transitive_objects(uri(pathway), RDFS.subClassOf))
        assert uri("GO:0007165") in ancestors, pathway
    assert uri("GO:0007165") in set(closure.transitive_objects(MSCO["0000501"], RDFS.subClassOf))


def test_marker_panel_terms_carry_their_cd_names(ontology: LoadedOntology) -> None:
    synonyms = {
        str(o): s
        for prop in (OBOINOWL.hasExactSynonym, IAO_PREFERRED)
        for s, o in ontology.closure.subject_objects(prop)
    }
    for cd in (
        "CD73",
        "CD90",
        "CD105",
        "STRO-1",
        "CD29",
        "CD44",
        "CD71",
        "CD13",
        "CD166",
        "CD14",
        "CD34",
        "CD45",
        "HLA-DR",
        "CD31",
        "CD11b",
        "CD79a",
        "CD19",
    ):
        assert cd in synonyms, cd


def test_trial_kinds_are_disjoint_subclasses(ontology: LoadedOntology) -> None:
    g = ontology.main
    kinds = [MSCO["0000811"], MSCO["0000812"], MSCO["0000813"]]
    for kind in kinds:
        assert g.value(kind, RDFS.subClassOf) == MSCO["0000810"]
    disjoint = [
        list(g.items(g.value(b, OWL.members))) for b in g.subjects(RDF.type, OWL.AllDisjointClasses)
    ]
    assert kinds in disjoint


def test_strategies_cover_the_reviewed_approaches(ontology: LoadedOntology) -> None:
    closure = ontology.closure
    strategy = MSCO["0000600"]
    labels = {
        str(closure.value(s, RDFS.label))
        for s in closure.transitive_subjects(RDFS.subClassOf, strategy)
    }
    for expected in (
        "naive MSC therapy",
        "cytokine-secreting MSC therapy",
        "HSV-TK/ganciclovir MSC therapy",
        "cytosine deaminase/flucytosine MSC therapy",
        "oncolytic virus-loaded MSC therapy",
        "drug-loaded MSC therapy",
        "nanoparticle-loaded MSC therapy",
        "siRNA-loaded MSC extracellular vesicle therapy",
        "microRNA-loaded MSC extracellular vesicle therapy",
    ):
        assert expected in labels


def test_subject_iris_match_rdflib_and_name_a_broken_file(
    ontology: LoadedOntology, tmp_path: Path
) -> None:
    """The build checks own terms against these (pyoxigraph's parse, for speed)."""
    expected = {str(s) for s in ontology.main.subjects() if isinstance(s, URIRef)}
    assert subject_iris(ontology.path) == expected
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://x.org/a> <http://x.org/p> .\n")
    with pytest.raises(InputError, match="not valid turtle") as caught:
        subject_iris(broken)
    assert caught.value.origin == Origin(str(broken))
