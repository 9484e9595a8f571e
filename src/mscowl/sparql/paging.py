"""Pages of an answer: the form of a query, LIMIT/OFFSET for one page, and fetching a whole
answer in requests of N rows from servers that cap the rows of one answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mscowl.errors import EndpointError, InputError
from mscowl.safety import sparql_tokens
from mscowl.sparql.results import ResultTable

if TYPE_CHECKING:
    from rdflib.term import Node


@lru_cache(maxsize=4)
def _parsed_query(text: str) -> Any:
    """rdflib's parse of a query (not an update); kept, because ``query_form`` and ``page``
    read the same text and parsing a long query takes rdflib a fifth of a second."""
    from rdflib.plugins.sparql.parser import parseQuery

    return parseQuery(text)


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE.

    Oxigraph's parser (Rust) reads a query in a millisecond, where rdflib's takes a fifth of a
    second: the query is run on an empty in-memory store, which answers nothing and touches
    nothing. A query with ``SERVICE`` (Oxigraph would call the service) and text that Oxigraph
    does not read as a query (an update, or not SPARQL) go to rdflib's parser, which decides and
    words the error. Updates are never run here.

    >>> query_form("SELECT * WHERE { ?s ?p ?o }"), query_form("ASK { ?s ?p ?o }")
    ('SELECT', 'ASK')
    >>> query_form("DELETE WHERE { ?s ?p ?o }")
    'UPDATE'
    """
    import pyoxigraph

    keywords = {m[2].upper() for m in sparql_tokens(text, r"\b(?:SERVICE|DESCRIBE)\b")}
    if "SERVICE" not in keywords:
        try:
            result = pyoxigraph.Store().query(text)
        except SyntaxError:
            pass
        else:
            if isinstance(result, pyoxigraph.QuerySolutions):
                return "SELECT"
            if isinstance(result, pyoxigraph.QueryBoolean):
                return "ASK"
            return "DESCRIBE" if "DESCRIBE" in keywords else "CONSTRUCT"
    return _rdflib_form(text)


def _rdflib_form(text: str) -> str:
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

    >>> from mscowl.sparql.local import LocalStore
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
