"""Saved SPARQL queries: their metadata, safe parameters, and running them locally or remotely.

A saved query is a ``queries/<name>.rq`` file whose header lines start with ``#+`` (as in grlc)
and hold YAML: ``title``, ``summary`` (the question in plain words), ``params`` (name, type,
required, default, example, description), ``columns``, ``tags`` and ``examples`` (parameter sets
whose answers are kept as golden results in ``queries/expected/``).

A parameter ``p`` appears in the query as ``VALUES ?_p { UNDEF }``. Binding replaces ``UNDEF``
by one RDF term, written by rdflib (IRIs checked, literals escaped), so a value can never change
the query around it; an unbound parameter stays ``UNDEF`` and the query treats it as "any".
Lines between ``#if ?_p`` and ``#endif`` are left out when ``p`` has no value, and lines between
``#ifnot ?_p`` and ``#endif`` when it has one; blocks may nest. They mark what does nothing in
that case (a filter that then keeps every row, a branch that then gives no row): the text as
written, run by any tool, gives the same answers, but an engine that plans the whole query
(Virtuoso) need not see those parts.
Parameter types: ``term`` (a CURIE or IRI becomes an IRI, anything else a string literal, so
queries can match an entity or its label), ``iri``, ``string``, ``integer``.

>>> q = SavedQuery.parse("demo", "#+ params: [{name: kind, type: string}]\\n"
...     "SELECT * WHERE { VALUES ?_kind { UNDEF } ?s ?p ?_kind }")
>>> "VALUES ?_kind { \\"a \\\\\\"quoted\\\\\\" }\\" }" in q.bind({"kind": 'a "quoted" }'})
True
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from rdflib import Graph, Literal, URIRef
from rdflib.term import BNode, Node

from mscowl.errors import InputError, MscowlError, Origin
from mscowl.namespaces import PREFIXES, compress, expand

PARAM_TYPES: Final = ("term", "iri", "string", "integer")
FORMATS: Final = ("table", "csv", "tsv", "json")
_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*:[^\s<>\"{}|\\^`]+")
_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_VALUE_LENGTH: Final = 500
#: The largest saved query file read.
MAX_QUERY_BYTES: Final = 1024 * 1024
XSD_DECIMAL: Final = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


class EndpointError(MscowlError):
    """A remote SPARQL endpoint could not be used: unreachable, an HTTP error, a timeout, or an
    answer that is not SPARQL results. Exit code 2, like any unusable input."""

    exit_code = 2


@dataclass(frozen=True)
class Parameter:
    """A declared query parameter."""

    name: str
    type: str = "term"
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""

    def term(self, value: str, where: str) -> Node:
        """The RDF term a value stands for, or InputError when it cannot be bound safely."""
        if len(value) > MAX_VALUE_LENGTH or _CONTROL.search(value):
            raise InputError(
                f"{where}: the value of '{self.name}' contains control characters "
                f"(a newline, a tab ...) or is longer than {MAX_VALUE_LENGTH}; "
                "expected one line of text"
            )
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?[0-9]+", value):
                raise InputError(f"{where}: found '{value}' for '{self.name}'; expected an integer")
            return Literal(int(value))
        if self.type == "string":
            return Literal(value)
        if _IRI.fullmatch(value):
            return URIRef(value)
        if _CURIE.fullmatch(value) and value.split(":", 1)[0] in PREFIXES:
            return URIRef(expand(value))
        if self.type == "iri":
            raise InputError(
                f"{where}: found '{value}' for '{self.name}'; expected a CURIE with "
                'a known prefix or an absolute http(s) IRI without <>"{}|\\^` or '
                "spaces"
            )
        return Literal(value)


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its text and the metadata of its ``#+`` header."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    summary: str = ""
    params: tuple[Parameter, ...] = ()
    columns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    examples: tuple[Mapping[str, str], ...] = ()
    #: The ``#if ?_p`` and ``#ifnot ?_p`` ... ``#endif`` blocks: (parameter, whether the lines
    #: are kept when it has a value, line of ``#if``, line of ``#endif``), counted from 0.
    blocks: tuple[tuple[str, bool, int, int], ...] = ()

    @classmethod
    def parse(cls, name: str, text: str, path: Path | None = None) -> SavedQuery:
        import yaml

        where = str(path or name)
        header = "\n".join(line[2:] for line in text.splitlines() if line.startswith("#+"))
        try:
            meta = yaml.safe_load(header) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"the #+ header is not valid YAML: {exc}", Origin(where)) from exc
        if not isinstance(meta, dict):
            raise InputError("the #+ header must be a YAML mapping", Origin(where))
        params = []
        for raw in meta.get("params") or []:
            try:
                fields: dict[str, Any] = {
                    k: (str(v) if k in ("default", "example") else v) for k, v in raw.items()
                }
                param = Parameter(**fields)
            except TypeError as exc:
                raise InputError(f"bad parameter declaration {raw}: {exc}", Origin(where)) from exc
            if param.type not in PARAM_TYPES:
                raise InputError(
                    f"parameter '{param.name}' has unknown type '{param.type}'; "
                    f"expected one of {', '.join(PARAM_TYPES)}",
                    Origin(where),
                )
            if _slot(param.name) not in text:
                # One slot per group that uses the value: SPARQL's nested groups do not see
                # bindings made outside them, so a query may repeat the slot.
                raise InputError(
                    f"parameter '{param.name}' needs '{_slot(param.name)}' in the query",
                    Origin(where),
                )
            params.append(param)
        if uses_service(text) and meta.get("service") is not True:
            raise InputError(
                "the query sends part of itself to another endpoint (SERVICE); refused unless "
                "its #+ header says 'service: true'",
                Origin(where),
            )
        examples = tuple(
            {str(k): str(v) for k, v in (e or {}).items()} for e in meta.get("examples") or [{}]
        )
        return cls(
            name=name,
            text=text,
            path=path,
            title=str(meta.get("title", name)),
            summary=str(meta.get("summary", "")),
            params=tuple(params),
            columns=tuple(meta.get("columns") or ()),
            tags=tuple(meta.get("tags") or ()),
            examples=examples,
            blocks=_optional_blocks(text, [p.name for p in params], where),
        )

    @classmethod
    def from_file(cls, path: Path) -> SavedQuery:
        from mscowl.safety import check_regular_file

        check_regular_file(path, "query file", MAX_QUERY_BYTES)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"is not UTF-8 text (byte {exc.start}); expected a SPARQL query", Origin(str(path))
            ) from exc
        except OSError as exc:
            raise InputError(f"cannot read the query: {exc.strerror}", Origin(str(path))) from exc
        if "\x00" in text:
            raise InputError("holds NUL bytes; expected a SPARQL query", Origin(str(path)))
        return cls.parse(path.stem, text, path)

    def bind(self, values: Mapping[str, str]) -> str:
        """The query text with each given parameter bound to its RDF term."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise InputError(
                f"query '{self.name}' has no parameter {', '.join(unknown)}; "
                f"its parameters: {known}"
            )
        given = {p.name: values.get(p.name, p.default) for p in self.params}
        text = self._without_blocks_of({name for name, value in given.items() if value is not None})
        terms: dict[str, str] = {}
        for param in self.params:
            value = given[param.name]
            if value is None:
                if param.required:
                    raise InputError(
                        f"query '{self.name}' needs --param {param.name}=... (e.g. {param.example})"
                    )
                continue
            terms[param.name] = param.term(value, f"query '{self.name}'").n3()

        def slot(match: re.Match[str]) -> str:
            term = terms.get(match[1])
            return f"VALUES ?_{match[1]} {{ {term} }}" if term is not None else match[0]

        # Every slot of the saved text is replaced in one pass, so a bound value (which may
        # itself read like a slot) is never scanned again.
        return _SLOTS.sub(slot, text)

    def _without_blocks_of(self, bound: set[str]) -> str:
        """The text without its block markers, and without the lines of each block whose
        parameter is not given (``#if``) or given (``#ifnot``)."""
        if not self.blocks:
            return self.text
        left_out: set[int] = set()
        for name, kept_when_given, first, last in self.blocks:
            kept = (name in bound) == kept_when_given
            left_out.update((first, last) if kept else range(first, last + 1))
        lines = self.text.splitlines(keepends=True)
        return "".join(line for number, line in enumerate(lines) if number not in left_out)


def _slot(name: str) -> str:
    return f"VALUES ?_{name} {{ UNDEF }}"


#: Strings, IRIs and comments of SPARQL text (group 1), or the keyword SERVICE (group 2).
_SERVICE: Final = re.compile(
    r'("""[\s\S]*?"""|'
    r"'''[\s\S]*?'''|"
    r'"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|"
    r'<[^<>"{}|^`\\\s]*>|#[^\n]*)|(\bSERVICE\b)',
    re.IGNORECASE,
)


def uses_service(text: str) -> bool:
    """Whether SPARQL text has the keyword SERVICE outside its strings, IRIs and comments.

    >>> uses_service("SELECT * { SERVICE <http://x> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * { ?s ?p "SERVICE" } # a SERVICE in a comment')
    False
    """
    return any(match[2] for match in _SERVICE.finditer(text))


_SLOTS: Final = re.compile(r"VALUES \?_(\w+) \{ UNDEF \}")


_BLOCK_START: Final = re.compile(r"#(if|ifnot) \?_(\w+)")
_BLOCK_END: Final = "#endif"


def _optional_blocks(
    text: str, params: list[str], where: str
) -> tuple[tuple[str, bool, int, int], ...]:
    r"""The ``#if ?_p`` and ``#ifnot ?_p`` ... ``#endif`` blocks of a query, each marker a line
    of its own and naming a declared parameter; an InputError with the line number otherwise.

    >>> text = "SELECT * WHERE {\n  #if ?_kind\n  ?s a ?_kind .\n  #endif\n}"
    >>> _optional_blocks(text, ["kind"], "q.rq")
    (('kind', True, 1, 3),)
    """
    blocks: list[tuple[str, bool, int, int]] = []
    opened: list[tuple[str, bool, int]] = []
    for number, line in enumerate(text.splitlines()):
        stripped = line.strip()
        start = _BLOCK_START.fullmatch(stripped)
        origin = Origin(where, row=number + 1)
        if start:
            if start[2] not in params:
                raise InputError(
                    f"'{stripped}' names no parameter of the query; its parameters: "
                    f"{', '.join(params) or 'none'}",
                    origin,
                )
            opened.append((start[2], start[1] == "if", number))
        elif stripped == _BLOCK_END:
            if not opened:
                raise InputError("'#endif' without an '#if ?_name' before it", origin)
            name, kept_when_given, first = opened.pop()
            blocks.append((name, kept_when_given, first, number))
    if opened:
        name, kept_when_given, first = opened[-1]
        marker = "#if" if kept_when_given else "#ifnot"
        raise InputError(f"'{marker} ?_{name}' has no '#endif'", Origin(where, row=first + 1))
    return tuple(sorted(blocks, key=lambda block: block[2]))


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``name=value`` pairs from the command line."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError(f"found --param '{pair}'; expected name=value")
        values[name.strip()] = value
    return values


def catalogue(directory: Path) -> dict[str, SavedQuery]:
    """Every ``*.rq`` of a directory, by name."""
    if not directory.is_dir():
        raise InputError("no such query directory", Origin(str(directory)))
    return {p.stem: SavedQuery.from_file(p) for p in sorted(directory.glob("*.rq"))}


def resolve(name_or_file: str, directory: Path) -> SavedQuery:
    """A saved query by name, or any ``.rq`` file by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" or path.is_file():
        return SavedQuery.from_file(path)
    queries = catalogue(directory)
    if name_or_file not in queries:
        raise InputError(
            f"no saved query '{name_or_file}'; expected one of: "
            f"{', '.join(queries)} (or a path to an .rq file)"
        )
    return queries[name_or_file]


@lru_cache(maxsize=4)
def _parsed_query(text: str) -> Any:
    """rdflib's parse of a query (not an update); kept, because ``query_form`` and ``page``
    read the same text and parsing a long query takes rdflib a fifth of a second."""
    from rdflib.plugins.sparql.parser import parseQuery

    return parseQuery(text)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE (rdflib's parser decides)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parsed = _parsed_query(text)
    except Exception:
        try:
            parseUpdate(text)
        except Exception as exc:
            raise InputError(f"the query is not valid SPARQL 1.1: {exc}") from exc
        return "UPDATE"
    return str(parsed[1].name).removesuffix("Query").upper()


def page(text: str, limit: int | None, offset: int = 0) -> str:
    """A SELECT query cut to one page of its answer: ``LIMIT`` and ``OFFSET`` appended.

    For answers too large to take at once, and for servers that return at most so many rows
    (Virtuoso's ``ResultSetMaxRows``). Pages are only stable in a fixed order, so an offset
    needs the query's own ``ORDER BY``; a query with its own ``LIMIT``, ``OFFSET`` or final
    ``VALUES`` block is refused rather than rewritten.

    >>> page("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 10, 20).splitlines()[-1]
    'LIMIT 10 OFFSET 20'
    """
    if limit is None and not offset:
        return text
    try:
        parsed = _parsed_query(text)[1]
    except Exception as exc:
        raise InputError(f"the query is not valid SPARQL 1.1: {exc}") from exc
    if not str(parsed.name).startswith("Select"):
        raise InputError("--limit and --offset page SELECT queries only")
    if "limitoffset" in parsed or "valuesClause" in parsed:
        raise InputError(
            "this query ends with its own LIMIT, OFFSET or VALUES; --limit and --offset "
            "page only queries without them"
        )
    if offset and "orderby" not in parsed:
        raise InputError(
            "--offset needs a query with ORDER BY: without a fixed order, pages may overlap "
            "or miss rows"
        )
    clauses = ([f"LIMIT {limit}"] if limit is not None else []) + (
        [f"OFFSET {offset}"] if offset else []
    )
    return text.rstrip() + "\n" + " ".join(clauses) + "\n"


def fetch(
    run: Callable[[str], ResultTable],
    text: str,
    limit: int | None = None,
    offset: int = 0,
    page_size: int | None = None,
) -> ResultTable:
    """The rows ``offset`` to ``offset + limit`` of a SELECT query's answer (all of it after
    ``offset`` without a limit), in one request, or in requests of ``page_size`` rows each
    until a page comes back short: for servers that return at most so many rows per answer
    (Virtuoso's ``ResultSetMaxRows``). Paging needs the query's ``ORDER BY`` (see ``page``).

    >>> from mscowl.sparql import LocalStore
    >>> asked = []
    >>> def run(text):
    ...     asked.append(text.splitlines()[-1])
    ...     return LocalStore().select(text)
    >>> table = fetch(run, "SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 } } ORDER BY ?n", page_size=2)
    >>> [str(n) for n, in table.rows], asked
    (['1', '2', '3', '4', '5'], ['LIMIT 2', 'LIMIT 2 OFFSET 2', 'LIMIT 2 OFFSET 4'])
    """
    if page_size is None:
        return run(page(text, limit, offset))
    page(text, page_size, offset + page_size)  # what cannot be paged is refused before a request
    rows: list[tuple[Node | None, ...]] = []
    while True:
        wanted = page_size if limit is None else min(page_size, limit - len(rows))
        table = run(page(text, wanted, offset + len(rows)))
        if len(table.rows) > wanted:
            raise EndpointError(
                f"a page of {wanted} rows came back with {len(table.rows)}: the server does not "
                "apply LIMIT, so the pages cannot be put together"
            )
        rows.extend(table.rows)
        if len(table.rows) < wanted or len(rows) == limit:
            return ResultTable(table.columns, rows)


# --------------------------------------------------------------------------------------------
# Results


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

        from mscowl.mapping import canonical_decimal

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


# --------------------------------------------------------------------------------------------
# The catalogue as RDF (as the SIB sparql-examples publish theirs)

SCHEMA: Final = "https://schema.org/"
SH_NS: Final = "http://www.w3.org/ns/shacl#"
QUERY_NS: Final = "https://w3id.org/mscowl/queries/"
#: The dataset the queries are written for.
TARGET: Final = "https://w3id.org/mscowl/data/"


def catalogue_graph(queries: Iterable[SavedQuery], target: str = TARGET) -> Graph:
    """Each query as an ``sh:SPARQLSelectExecutable`` with ``sh:select``, ``rdfs:label``,
    ``rdfs:comment``, ``schema:keywords`` and ``schema:target``."""
    from rdflib import RDF, RDFS, Namespace

    sh, schema = Namespace(SH_NS), Namespace(SCHEMA)
    graph = Graph()
    graph.bind("sh", sh)
    graph.bind("schema", schema)
    graph.bind("query", QUERY_NS)
    for query in queries:
        node = URIRef(QUERY_NS + query.name)
        graph.add((node, RDF.type, sh.SPARQLExecutable))
        graph.add((node, RDF.type, sh.SPARQLSelectExecutable))
        graph.add((node, RDFS.label, Literal(query.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(query.summary, lang="en")))
        graph.add((node, sh.select, Literal(query.text)))
        graph.add((node, schema.target, URIRef(target)))
        for tag in query.tags:
            graph.add((node, schema.keywords, Literal(tag)))
    return graph


def example_name(query: SavedQuery, params: Mapping[str, str]) -> str:
    """File stem of an example's golden result: the query name, then name=value pairs.

    >>> example_name(SavedQuery("trials", ""), {"cancer": "ovarian cancer", "kind": "anticancer"})
    'trials.cancer=ovarian-cancer.kind=anticancer'
    """
    parts = [query.name] + [
        f"{k}={re.sub(r'[^A-Za-z0-9_.-]+', '-', v).strip('-')}" for k, v in sorted(params.items())
    ]
    return ".".join(parts)


def golden_text(table: ResultTable) -> str:
    """A result as golden TSV: the header, then the rows as text, sorted (order aside)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(sorted(table.text_rows()))
    return out.getvalue()
