"""The embedded store's answers as rdflib terms: the same terms rdflib's constructors make."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from mscowl.rdf import terms
from mscowl.sparql.local import LocalStore

DATA = """\
<urn:s> <urn:p> <https://example.org/o> .
<urn:s> <urn:p> "plain" .
<urn:s> <urn:p> "" .
<urn:s> <urn:p> "Knochenmark \\u00FCber \\U0001F9EC"@de-CH .
<urn:s> <urn:p> "bone marrow"@en .
<urn:s> <urn:p> "line\\nbreak \\"quoted\\"" .
<urn:s> <urn:p> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .
<urn:s> <urn:p> "042"^^<http://www.w3.org/2001/XMLSchema#integer> .
<urn:s> <urn:p> "4.2"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<urn:s> <urn:p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<urn:s> <urn:p> "2021-06-05"^^<http://www.w3.org/2001/XMLSchema#date> .
<urn:s> <urn:p> "x"^^<https://example.org/custom> .
<urn:s> <urn:p> _:b1 .
<urn:s> <urn:p> <https://example.org/with%20escape#frag> .
"""

EXPECTED: set[Node] = {
    URIRef("https://example.org/o"),
    URIRef("https://example.org/with%20escape#frag"),
    Literal("plain"),
    Literal(""),
    Literal("Knochenmark \u00fcber \U0001f9ec", lang="de-ch"),
    Literal("bone marrow", lang="en"),
    Literal('line\nbreak "quoted"'),
    Literal("42", datatype=XSD.integer),
    Literal("042", datatype=XSD.integer),
    Literal("4.2", datatype=XSD.decimal),
    Literal("true", datatype=XSD.boolean),
    Literal("2021-06-05", datatype=XSD.date),
    Literal("x", datatype=URIRef("https://example.org/custom")),
}


def _answers() -> list[Node]:
    store = LocalStore()
    store.load_ntriples(DATA.encode())
    table = store.select("SELECT ?o WHERE { ?s ?p ?o }")
    return [row[0] for row in table.rows if row[0] is not None]


def _state(term: Node) -> tuple[object, ...]:
    """Everything rdflib compares, hashes, prints or casts for a term."""
    if isinstance(term, Literal):
        return (
            type(term),
            str(term),
            term.language,
            term.datatype,
            term.value,
            term.ill_typed,
            term.n3(),
            hash(term),
        )
    return (type(term), str(term), term.n3(), hash(term))


def test_answers_equal_the_terms_rdflibs_constructors_make() -> None:
    answers = _answers()
    named = [term for term in answers if not isinstance(term, BNode)]
    assert set(named) == EXPECTED
    made = {term: term for term in EXPECTED}
    for term in named:
        assert _state(term) == _state(made[term]), term
    assert sum(isinstance(term, BNode) for term in answers) == 1


def test_strings_are_made_with_every_slot_that_rdflibs_constructor_sets() -> None:
    iri, string = terms._checked_by_oxigraph()
    for text, language in [("plain", None), ("", None), ("bone marrow", "en")]:
        fast, slow = string(text, language), Literal(text, lang=language)
        assert {s: getattr(fast, s) for s in Literal.__slots__} == {
            s: getattr(slow, s) for s in Literal.__slots__
        }
    assert type(iri("https://example.org/o")) is URIRef


def test_a_differently_laid_out_literal_falls_back_to_rdflibs_constructors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Literal, "__slots__", ("_language", "_datatype", "_value"))
    iri, string = terms._checked_by_oxigraph()
    assert iri is URIRef
    assert _state(string("bone marrow", "en")) == _state(Literal("bone marrow", lang="en"))


OXIGRAPH_TERMS = [
    ("NamedNode", "http://purl.obolibrary.org/obo/CL_0000134", None, None),
    ("NamedNode", "http://example.org/not-in-the-prefix-map", None, None),
    ("BlankNode", "b0", None, None),
    ("Literal", "bone marrow", "en", None),
    ("Literal", "plain", None, "string"),
    ("Literal", "2.50", None, "decimal"),
    ("Literal", "95", None, "decimal"),
    ("Literal", "21", None, "nonNegativeInteger"),
    ("Literal", "-3", None, "integer"),
    ("Literal", "01", None, "integer"),  # not canonical: rdflib writes 1
    ("Literal", " 7", None, "integer"),
    ("Literal", "abc", None, "integer"),
    ("Literal", "true", None, "boolean"),
    ("Literal", "1E2", None, "double"),
    ("Literal", "2019-07", None, "gYearMonth"),
    ("Literal", "2014-02-19", None, "date"),
]


@pytest.mark.parametrize(
    "spec", OXIGRAPH_TERMS, ids=[f"{s[0]}-{s[1]}-{s[3]}" for s in OXIGRAPH_TERMS]
)
def test_text_of_an_oxigraph_term_is_the_text_of_its_rdflib_term(
    spec: tuple[str, str, str | None, str | None],
) -> None:
    """Tables from the embedded store render Oxigraph's terms without rdflib; the text must be
    what rdflib's term of it renders as."""
    import pyoxigraph as ox

    from mscowl.sparql.results import _oxigraph_text, cell_text

    kind, value, language, datatype = spec
    if kind == "NamedNode":
        term: object = ox.NamedNode(value)
    elif kind == "BlankNode":
        term = ox.BlankNode(value)
    elif language:
        term = ox.Literal(value, language=language)
    else:
        term = ox.Literal(value, datatype=ox.NamedNode(str(XSD) + str(datatype)))
    assert _oxigraph_text(term) == cell_text(terms.from_oxigraph(term))


def test_a_local_answer_renders_without_importing_rdflib() -> None:
    """`mscowl query` of a small answer does not pay for importing rdflib (bench/ measures the
    time; this pins the cause)."""
    code = (
        "import sys\n"
        "from mscowl.sparql.local import LocalStore\n"
        "from mscowl.sparql.results import render\n"
        "table = LocalStore().select('SELECT ?x ?n WHERE { VALUES (?x ?n) "
        '{ (<http://purl.obolibrary.org/obo/CL_0000134> "MSC"@en) } }\')\n'
        "assert render(table, 'tsv') == 'x\\tn\\nCL:0000134\\tMSC\\n', render(table, 'tsv')\n"
        "assert 'rdflib' not in sys.modules, 'rdflib imported'\n"
        "assert str(table.rows[0][0]) == 'http://purl.obolibrary.org/obo/CL_0000134'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
