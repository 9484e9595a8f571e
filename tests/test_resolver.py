"""Researchers ask in their own words: a parameter's words resolve to the one term they name,
several terms are listed, none gives suggestions; `mscowl terms` finds and shows terms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from mscowl import api
from mscowl.cli import main
from mscowl.errors import InputError
from mscowl.sparql.catalogue import example_name
from mscowl.sparql.resolver import TermIndex, key
from mscowl.sparql.results import golden_text
from mscowl.sparql.saved import catalogue

SEEDS = ROOT / "seeds"
CATALOGUE = catalogue(ROOT / "queries")
EXAMPLES = [(q, e) for q in CATALOGUE.values() for e in q.examples]


@pytest.fixture(scope="module", autouse=True)
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped seeds built once; the queries below read the file (as after `mscowl
    build`), with the sheets' words from the seeds."""
    path = tmp_path_factory.mktemp("graph") / "knowledge-graph.nt"
    path.write_bytes(api.build(SEEDS).ntriples())
    GRAPH.append(path)
    return path


GRAPH: list[Path] = []


def rows(query: str, **params: str) -> list[tuple[str, ...]]:
    return api.query(query, params, seeds=SEEDS, data=GRAPH).text_rows()


def refused(query: str, **params: str) -> str:
    with pytest.raises(InputError) as caught:
        api.query(query, params, seeds=SEEDS, data=GRAPH)
    assert caught.value.exit_code == 2
    return str(caught.value)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("IFN-\u03b2", "IFN-beta"),
        ("IFN-beta", "ifn beta"),
        ("Interféron", "interferon"),
        ("IL-6", "il6"),
        ("TNF-\u03b1", "TNF alpha"),
        ("TGF-\u0392 1", "tgf beta1"),  # a capital Greek letter too
        ("\u00b5-opioid", "mu opioid"),  # the micro sign is mu
    ],
)
def test_names_match_whatever_the_case_accents_hyphens_and_greek_letters(a: str, b: str) -> None:
    assert key(a) == key(b)


def test_names_that_differ_stay_apart() -> None:
    assert key("Phase I/II Trial") != key("Phase III Trial")
    assert key("Phase 1/2") != key("Phase 12")


@pytest.mark.parametrize(
    ("param", "words", "term"),
    [
        ("route", "intravenous", "NCIT:C38276"),  # the trials sheet's words
        ("route", "INTRAVENOUS", "NCIT:C38276"),
        ("payload", "IFN-beta", "UniProtKB:P01574"),  # a synonym
        ("payload", "IFN-\u03b2", "UniProtKB:P01574"),
        ("payload", "IFNB1", "UniProtKB:P01574"),  # the gene symbol
        ("payload", "interferon beta", "UniProtKB:P01574"),  # UniProt's recommended name
        ("phase", "Phase 2", "NCIT:C15601"),  # what curators type
        ("phase", "phase ii trial", "NCIT:C15601"),  # the label
        ("kind", "anticancer", "MSCO:0000811"),
        ("source", "bone marrow", "UBERON:0002371"),
        ("cancer", "ovarian cancer", "MONDO:0008170"),
    ],
)
def test_words_give_the_rows_of_the_term_they_name(param: str, words: str, term: str) -> None:
    expected = rows("trials", **{param: term})
    assert expected, "the example should have rows"
    assert rows("trials", **{param: words}) == expected


@pytest.mark.parametrize(
    ("param", "words", "suggested"),
    [
        ("route", "intraveneous", "Intravenous Route of Administration (NCIT:C38276"),
        ("payload", "interferon betta", "IFNB1 (UniProtKB:P01574"),
        ("payload", "IFN-bta", "IFNB1 (UniProtKB:P01574"),
        ("phase", "Phase 22", "Phase II Trial (NCIT:C15601"),
        ("cancer", "ovarian", "ovarian cancer (MONDO:0008170)"),
        ("cancer", "ovarain cancer", "ovarian cancer (MONDO:0008170)"),
        ("source", "cord", "umbilical cord (UBERON:0002331)"),
        ("source", "bone marow", "bone marrow (UBERON:0002371)"),
    ],
)
def test_words_that_name_no_term_get_suggestions(param: str, words: str, suggested: str) -> None:
    message = refused("trials", **{param: words})
    assert f"{param}={words!r} names no term; did you mean" in message
    assert suggested in message
    offered = message.split("did you mean ", 1)[1].split("? (`mscowl terms", 1)[0]
    assert 1 <= len(offered.split(", or ")) <= 5


def test_words_that_name_several_terms_list_them() -> None:
    message = refused("evidence", about="extracellular vesicle")
    assert "about='extracellular vesicle' names 2 terms:" in message
    assert "extracellular vesicle (GO:1903561)" in message
    assert "MSC extracellular vesicle product (MSCO:0000802; sheet value" in message
    assert "give the CURIE" in message


def test_a_curie_an_iri_and_quoted_text_are_taken_as_they_are() -> None:
    by_curie = rows("trials", route="NCIT:C38276")
    assert rows("trials", route="http://purl.obolibrary.org/obo/NCIT_C38276") == by_curie
    # quoted: matched as text by the query (its label branch), never resolved
    assert rows("trials", route='"Intravenous Route of Administration"') == by_curie
    assert rows("trials", route='"intravenous"') == []


def test_a_parameter_resolves_only_to_the_terms_it_takes() -> None:
    # "cell" names CL:0000000 and a product kind (MSCO); a tissue source is neither
    assert "source='cell' names no term" in refused("trials", source="cell")
    assert "names 2 terms" in refused("evidence", about="cell")


@pytest.mark.parametrize(
    ("query", "params"), EXAMPLES, ids=[example_name(q, e) for q, e in EXAMPLES]
)
def test_every_example_gives_its_golden_answer_through_the_resolver(query, params) -> None:  # type: ignore[no-untyped-def]
    table = api.query(query.name, params, seeds=SEEDS, data=GRAPH)
    golden = ROOT / "queries" / "expected" / f"{example_name(query, params)}.tsv"
    assert golden_text(table) == golden.read_text(encoding="utf-8")


def test_the_cli_says_what_it_could_not_resolve() -> None:
    result = CliRunner().invoke(main, ["query", "trials", "-p", "route=intraveneous"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "did you mean Intravenous Route of Administration (NCIT:C38276" in result.stderr


def test_the_index_ranks_labels_before_synonyms() -> None:
    index = TermIndex()
    index.add("http://x.org/a", "CD73", "exact synonym")
    index.add("http://x.org/b", "CD73", "label")
    assert [c.iri for c in index.matches("cd-73")] == ["http://x.org/b", "http://x.org/a"]


# --------------------------------------------------------------------------------------------
# mscowl terms


def terms(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["terms", *args, "--seeds", str(SEEDS)])
    return result.exit_code, result.stdout, result.stderr


def test_terms_finds_a_term_by_a_synonym_with_its_curie_kind_and_source() -> None:
    code, out, _ = terms("IFN-\u03b2", "--format", "json")
    assert code == 0
    hits = json.loads(out)
    assert hits[0]["curie"] == "UniProtKB:P01574"
    assert hits[0]["kind"] == "class" and hits[0]["source"] == "UniProtKB"
    assert hits[0]["label"] == "IFNB1" and hits[0]["display"] == "IFN-beta"
    assert "interferon beta 1" in hits[0]["synonyms"]


def test_terms_ranks_exact_matches_first_and_filters_by_kind() -> None:
    code, out, _ = terms("umbilical cord", "--format", "tsv")
    assert code == 0
    first = out.splitlines()[1].split("\t")
    assert first[:5] == ["UBERON:0002331", "umbilical cord", "", "class", "UBERON"]
    code, out, _ = terms("bone marrow", "--kind", "entity", "--format", "json")
    assert code == 0
    assert {h["kind"] for h in json.loads(out)} == {"entity"}


def test_terms_shows_one_term_whole() -> None:
    code, out, _ = terms("CL:0002568")
    assert code == 0
    assert out.startswith("mesenchymal stem cell of Wharton's jelly (CL:0002568)  class, from CL")
    assert "definition  A mesenchymal stem cell that is part of Wharton's jelly." in out
    assert "parents     mesenchymal stem cell of umbilical cord (CL:0002569)" in out
    code, out, _ = terms("UniProtKB:P01574", "--format", "json")
    info = json.loads(out)
    assert info["used_by"] == [{"property": "has payload (MSCO:0000903)", "statements": 2}]


def test_terms_says_when_nothing_matches() -> None:
    code, _, err = terms("MONDO:9999999")
    assert code == 1 and "no term MONDO:9999999" in err


# --------------------------------------------------------------------------------------------
# mscowl query --list and --describe


def test_the_list_shows_each_querys_parameters_with_an_example() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    assert "e.g. mscowl query mediator -p name=CCL5" in result.stdout
    assert "e.g. mscowl query marker-panel -p 'source=bone marrow'" in result.stdout


def test_describe_prints_question_parameters_columns_and_examples() -> None:
    result = CliRunner().invoke(main, ["query", "trials", "--describe"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("trials: Clinical trials of MSCs\n")
    assert "route (term, optional; terms of NCIT, MSCO); e.g. Intravenous" in out
    assert "Columns: trial, trial_id" in out
    assert "  mscowl query trials -p 'cancer=ovarian cancer'" in out


def test_terms_shows_the_display_name_the_ontology_gives() -> None:
    """`mscowl terms` and the ontology agree: a marker labelled by its gene symbol is shown
    with the CD name of its IAO:0000111 annotation, and found by it."""
    from rdflib import Graph, URIRef

    from mscowl.rdf.namespaces import compress

    annotations = Graph().parse(ROOT / "ontology" / "components" / "external-annotations.ttl")
    display = URIRef("http://purl.obolibrary.org/obo/IAO_0000111")
    given = {compress(str(s)): str(o) for s, o in annotations.subject_objects(display)}
    assert given["UniProtKB:P21589"] == "CD73"
    for curie in ("UniProtKB:P21589", "UniProtKB:P17813"):
        code, out, _ = terms(curie, "--format", "json")
        assert code == 0 and json.loads(out)["display"] == given[curie]
    code, out, _ = terms("CD73", "--format", "json")
    hit = json.loads(out)[0]
    assert (hit["curie"], hit["label"], hit["display"]) == ("UniProtKB:P21589", "NT5E", "CD73")
    assert hit["matched"] == "display name 'CD73'"
