"""pyoxigraph terms as rdflib terms, and back: the one converter every stage uses.

rdflib's constructors validate the IRI and the language tag and cast the lexical form, most of
the time of turning a large answer into rdflib terms (bench/README.md). A term
that comes from Oxigraph is already valid RDF, so :func:`from_oxigraph` makes IRIs and strings
without those checks (``tests/test_sparql.py`` compares both ways on every kind of term).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, Final

from rdflib import Literal, URIRef
from rdflib.term import BNode, Node

from mscowl.rdf.namespaces import XSD_STRING


def from_oxigraph(term: Any) -> Node | None:
    """A pyoxigraph term as rdflib's (``None`` for an unbound value). A string without a
    language becomes a simple literal, as rdflib parses it from the data and as SPARQL JSON
    results carry it (RDF 1.1: the same term). IRIs and strings are made without rdflib's checks
    (see ``_checked_by_oxigraph``); an RDF-star triple term is a ValueError."""
    kind = type(term).__name__
    if kind == "NamedNode":
        return _iri(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if term is None:
        return None
    if kind != "Literal":
        raise ValueError(f"RDF-star terms are not supported: {term}")
    language = term.language
    if language:
        return _string(term.value, language)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return _string(term.value, None)
    return Literal(term.value, datatype=_datatype(datatype))


_LITERAL_SLOTS: Final = ("_language", "_datatype", "_value", "_ill_typed")


def _checked_by_oxigraph() -> tuple[Callable[[str], URIRef], Callable[[str, str | None], Literal]]:
    """Constructors for IRIs and strings that Oxigraph has already checked.

    rdflib's constructors validate the IRI, the language tag and cast the lexical form. A term
    from Oxigraph is valid RDF, and a string's value is its lexical form, so these set
    what rdflib's constructors would (``tests/test_sparql.py`` compares both on every kind of
    term). If a later rdflib lays out ``Literal`` differently, rdflib's own constructors are used.

    >>> iri, string = _checked_by_oxigraph()
    >>> string("bone marrow", "en") == Literal("bone marrow", lang="en")
    True
    """
    if getattr(Literal, "__slots__", None) != _LITERAL_SLOTS:
        return URIRef, lambda text, language: Literal(text, lang=language)
    new = str.__new__

    def iri(value: str) -> URIRef:
        return new(URIRef, value)

    def string(text: str, language: str | None) -> Literal:
        literal = new(Literal, text)
        literal._language = language
        literal._datatype = None
        literal._value = text
        literal._ill_typed = None
        return literal

    return iri, string


_iri, _string = _checked_by_oxigraph()


@cache
def _datatype(iri: str) -> URIRef:
    return URIRef(iri)


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as pyoxigraph's."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


@contextlib.contextmanager
def lexical_forms_kept() -> Iterator[None]:
    """Parse with rdflib without normalising literals: shapes mean what they write
    (``sh:uniqueLang "1"^^xsd:boolean`` is not ``true``, SHACL says). Not thread-safe: rdflib
    reads one global setting."""
    import rdflib

    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved
