"""Result tables: what every store and endpoint answers, rendered as a table, CSV, TSV or SPARQL
JSON, read back from SPARQL JSON, and written as the golden answers of the tests."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from rdflib import Literal, URIRef
from rdflib.term import BNode, Node

from mscowl.rdf.namespaces import compress

XSD_DECIMAL: Final = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


@dataclass
class ResultTable:
    """SELECT results: column names and rows of RDF terms (``None`` for unbound)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def text_rows(self) -> list[tuple[str, ...]]:
        """Rows as text: IRIs as CURIEs where the prefix map covers them, literals as their
        lexical form, unbound as empty."""
        return [tuple(cell_text(c) for c in row) for row in self.rows]


def cell_text(node: Node | None) -> str:
    """A result cell as text; decimals in canonical form (engines write 95, 95.0 or 95.00)."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return compress(str(node)) or str(node)
    if isinstance(node, BNode):
        return "_:" + str(node)
    if isinstance(node, Literal) and node.datatype == XSD_DECIMAL:
        from decimal import Decimal, InvalidOperation

        from mscowl.seeds.mapping import canonical_decimal

        try:
            return canonical_decimal(Decimal(str(node)))
        except InvalidOperation:
            return str(node)
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
