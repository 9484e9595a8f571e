"""Result tables: what every store and endpoint answers, rendered as a table, CSV, TSV or SPARQL
JSON, read back from SPARQL JSON, and written as the golden answers of the tests."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from mscowl.rdf.namespaces import compress

if TYPE_CHECKING:  # rdflib is imported when rdflib terms are asked for (start-up, see bench/)
    from rdflib.term import Node

XSD: Final = "http://www.w3.org/2001/XMLSchema#"
XSD_DECIMAL: Final = XSD + "decimal"
#: Datatypes whose Oxigraph value is the text rdflib's term would give: strings as they are,
#: booleans as Oxigraph writes them; integers are checked to be canonical (see `_oxigraph_text`).
_TEXT_AS_IS: Final = frozenset({XSD + "string", XSD + "boolean"})
_INTEGERS: Final = frozenset(
    XSD + t
    for t in (
        "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
)  # fmt: skip
_CANONICAL_INTEGER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)")


class ResultTable:
    """SELECT results: column names and rows of RDF terms (rdflib's; ``None`` for unbound).

    A table from the embedded store keeps Oxigraph's terms and makes rdflib's on first use of
    :attr:`rows`: rendering it as text (:meth:`text_rows`) needs no rdflib, so a small answer
    does not pay for importing it.
    """

    def __init__(
        self,
        columns: list[str],
        rows: Sequence[tuple[Node | None, ...]] | None = None,
        *,
        oxigraph: list[tuple[Any, ...]] | None = None,
    ) -> None:
        self.columns = columns
        self._rows: list[tuple[Node | None, ...]] | None = (
            list(rows) if rows is not None else (None if oxigraph is not None else [])
        )
        self._oxigraph = oxigraph

    @property
    def rows(self) -> list[tuple[Node | None, ...]]:
        if self._rows is None:
            self._rows = _from_oxigraph_rows(self._oxigraph or [])
            self._oxigraph = None
        return self._rows

    def text_rows(self) -> list[tuple[str, ...]]:
        """Rows as text: IRIs as CURIEs where the prefix map covers them, literals as their
        lexical form (decimals canonical), unbound as empty."""
        if self._rows is None and self._oxigraph is not None:
            texts: dict[Any, str] = {None: ""}
            get = texts.get

            def text(term: Any) -> str:
                found = get(term)
                if found is None:
                    found = texts[term] = _oxigraph_text(term)
                return found

            return [tuple(map(text, row)) for row in self._oxigraph]
        return [tuple(cell_text(c) for c in row) for row in self.rows]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResultTable):
            return NotImplemented
        return self.columns == other.columns and self.rows == other.rows

    def __repr__(self) -> str:
        return f"ResultTable(columns={self.columns!r}, rows={self.rows!r})"


def _from_oxigraph_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Node | None, ...]]:
    """Oxigraph's terms as rdflib's; answers repeat their terms, so each is converted once."""
    from mscowl.rdf.gcpause import paused_gc
    from mscowl.rdf.terms import from_oxigraph

    converted: dict[Any, Node | None] = {None: None}
    get = converted.get

    def term(value: Any) -> Node | None:
        found = get(value, converted)
        if found is converted:
            found = converted[value] = from_oxigraph(value)
        return found  # type: ignore[return-value]

    # The rows make no cycles: collecting while they are made is wasted.
    with paused_gc():
        return [tuple(map(term, row)) for row in rows]


def _oxigraph_text(term: Any) -> str:
    """What :func:`cell_text` gives for the rdflib term of an Oxigraph term, without rdflib
    where the text is known to be the same (a test compares both on every kind of term)."""
    kind = type(term).__name__
    if kind == "NamedNode":
        value: str = term.value
        return compress(value) or value
    if kind == "BlankNode":
        return "_:" + str(term.value)
    if kind == "Literal":
        value = term.value
        if term.language:
            return value
        datatype = term.datatype.value
        if datatype in _TEXT_AS_IS:
            return value
        if datatype == XSD_DECIMAL:
            return _decimal_text(value)
        if datatype in _INTEGERS and _CANONICAL_INTEGER.fullmatch(value):
            return value
    from mscowl.rdf.terms import from_oxigraph

    return cell_text(from_oxigraph(term))


def _decimal_text(lexical: str) -> str:
    """A decimal in canonical form (engines write 95, 95.0 or 95.00)."""
    from decimal import Decimal, InvalidOperation

    from mscowl.seeds.mapping import canonical_decimal

    try:
        return canonical_decimal(Decimal(lexical))
    except InvalidOperation:
        return lexical


def cell_text(node: Node | None) -> str:
    """A result cell as text; decimals in canonical form (engines write 95, 95.0 or 95.00)."""
    from rdflib import BNode, Literal, URIRef

    if node is None:
        return ""
    if isinstance(node, URIRef):
        return compress(str(node)) or str(node)
    if isinstance(node, BNode):
        return "_:" + str(node)
    if isinstance(node, Literal) and str(node.datatype) == XSD_DECIMAL:
        return _decimal_text(str(node))
    return str(node)


def render(table: ResultTable, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_sparql_json(table), indent=2, ensure_ascii=False) + "\n"
    rows = table.text_rows()
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(rows)
        return out.getvalue()
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _sparql_json(table: ResultTable) -> dict[str, Any]:
    from rdflib import BNode, Literal, URIRef

    def term(node: Node) -> dict[str, str]:
        if isinstance(node, URIRef):
            return {"type": "uri", "value": str(node)}
        if isinstance(node, BNode):
            return {"type": "bnode", "value": str(node)}
        assert isinstance(node, Literal)
        out = {"type": "literal", "value": str(node)}
        if node.language:
            out["xml:lang"] = node.language
        elif node.datatype:
            out["datatype"] = str(node.datatype)
        return out

    bindings = [
        {c: term(v) for c, v in zip(table.columns, row, strict=True) if v is not None}
        for row in table.rows
    ]
    return {"head": {"vars": table.columns}, "results": {"bindings": bindings}}


def from_sparql_json(document: Mapping[str, Any]) -> ResultTable:
    """A table from the SPARQL 1.1 JSON results format.

    Answers repeat their terms (kinds, phases, statuses), so each distinct term is made once.

    >>> document = {"head": {"vars": ["x"]}, "results": {"bindings": [
    ...     {"x": {"type": "literal", "value": "bone marrow", "xml:lang": "en"}}, {}]}}
    >>> from_sparql_json(document).rows
    [(rdflib.term.Literal('bone marrow', lang='en'),), (None,)]
    """
    from rdflib import BNode, Literal, URIRef

    columns = list(document["head"]["vars"])
    made: dict[tuple[str, str, str | None, str | None], Node] = {}

    def node(value: Mapping[str, str]) -> Node:
        key = (value["type"], value["value"], value.get("xml:lang"), value.get("datatype"))
        found = made.get(key)
        if found is None:
            kind, text, language, datatype = key
            if kind == "uri":
                found = URIRef(text)
            elif kind == "bnode":
                found = BNode(text)
            else:
                found = Literal(
                    text, lang=language, datatype=URIRef(datatype) if datatype else None
                )
            made[key] = found
        return found

    rows = [
        tuple(node(b[c]) if c in b else None for c in columns)
        for b in document["results"]["bindings"]
    ]
    return ResultTable(columns, rows)


def golden_text(table: ResultTable) -> str:
    """A result as golden TSV: the header, then the rows as text, sorted (order aside)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(sorted(table.text_rows()))
    return out.getvalue()
