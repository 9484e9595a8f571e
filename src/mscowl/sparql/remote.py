"""Queries on any SPARQL 1.1 endpoint (SPARQLWrapper) and Graph Store uploads (urllib).

A timeout for the whole answer, retries with back-off on connection errors, timeouts and 5xx
answers (never for an update, nor for an error the server says is in the query), and one-line
errors for everything else. Credentials come from ``MSCOWL_ENDPOINT_USER`` and
``MSCOWL_ENDPOINT_PASSWORD`` (or the URL) and are never printed; they go only to the endpoint's
own origin (:mod:`mscowl.sparql.http`).
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import time
import urllib.error
import urllib.request
from http.client import HTTPMessage
from typing import Final

from mscowl.errors import EndpointError
from mscowl.rdf.gcpause import paused_gc
from mscowl.sparql.results import ResultTable, from_sparql_json

USER_ENV: Final = "MSCOWL_ENDPOINT_USER"


PASSWORD_ENV: Final = "MSCOWL_ENDPOINT_PASSWORD"


_RESULT_TYPES: Final = ("application/sparql-results+json", "application/json")


def pause(seconds: float) -> None:
    """The back-off between two attempts (a function of its own, so that tests replace it
    instead of waiting)."""
    time.sleep(seconds)


def run_remote(
    endpoint: str,
    query: str,
    *,
    timeout: float = 30.0,
    retries: int = 2,
    backoff: float = 1.0,
    update: bool = False,
) -> ResultTable:
    """Run a query on a SPARQL 1.1 endpoint; raise :class:`EndpointError` with one clear line.

    The URL is checked (absolute http(s)); credentials (``MSCOWL_ENDPOINT_USER`` and
    ``_PASSWORD``, or the URL's ``user:password@``) go only to the endpoint's own origin, never
    along a redirect to another; the whole answer must arrive within ``timeout`` (each attempt)
    and :func:`mscowl.sparql.http.max_answer_bytes`; an update is sent once, never again on a retry.
    """
    from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from mscowl.sparql import http

    shown = http.check_endpoint(endpoint)
    timeout = http.check_timeout(timeout)
    retries = max(0, min(retries, http.MAX_RETRIES))
    user, password = _credentials(endpoint)
    client = SPARQLWrapper(shown)
    client.setTimeout(int(max(timeout, 1)))
    client.setMethod(POST)
    handlers: list[urllib.request.BaseHandler] = []
    if user:
        challenge = digest_challenge(shown, timeout)
        if challenge is None:
            client.setCredentials(user, password)
        else:  # Virtuoso's /sparql-auth: Basic credentials are refused without a challenge
            client.setHTTPAuth(DIGEST)
            client.setCredentials(user, password, realm=challenge.get("realm", ""))
            passwords = urllib.request.HTTPPasswordMgr()
            passwords.add_password(challenge.get("realm", ""), shown, user, password)
            handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
    client.setQuery(query)
    # Tell SPARQLWrapper the form rdflib's parser found: its own guess is a regular expression
    # that reads "loading" in a comment as a LOAD update.
    client.queryType = "INSERT" if update else "SELECT"
    if not update:
        client.setReturnFormat(JSON)
    where = f"endpoint {shown}"
    attempt = 0
    error: Exception | None
    while True:
        attempt += 1
        deadline = time.monotonic() + timeout
        director = http.opener(http.BoundedAnswers(deadline), *handlers)
        try:
            with http.sparqlwrapper_opener(director):
                response = client.query()
                raw = response.response
                content_type = (raw.headers.get("Content-Type") or "").split(";")[0].strip()
                body = raw.read()
            break
        except http.AnswerTooLargeError as exc:
            raise EndpointError(
                f"{where}: the answer is larger than {http.max_answer_bytes()} bytes; fetch it "
                f"in pages (--page-size), or raise {http.ANSWER_LIMIT_ENV}"
            ) from exc
        except http.AnswerTooSlowError:
            what = f"no whole answer within {timeout:g} s"
            retry, error = not update, None
        except (urllib.error.HTTPError, SPARQLWrapperException) as exc:
            said = ""
            if isinstance(exc, urllib.error.HTTPError):
                code, what = exc.code, f"HTTP {exc.code} {exc.reason}"
            else:
                text = str(exc).strip()
                code, what = _status(exc), text.splitlines()[0] if text else type(exc).__name__
                said = server_message(text)
                if said:
                    what = f"{what.rstrip('. ')}; the server says: {said}{_advice(said)}"
            # The server's fault, perhaps transient; unless it names an error in the query.
            retry = code >= 500 and not _QUERY_ERROR.match(said) and not update
            error = exc
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            timed_out = isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError)
            what = f"no answer within {timeout:g} s" if timed_out else f"unreachable ({reason})"
            # an update that may have reached the server is not sent again
            retry, error = not update, exc
        if not retry or attempt > retries:
            raise EndpointError(f"{where}: {what}" + _attempts(attempt)) from error
        pause(backoff * 2 ** (attempt - 1))
    if update:
        return ResultTable([])
    if content_type not in _RESULT_TYPES:
        raise EndpointError(
            f"{where}: answered with '{content_type or 'no content type'}', "
            "expected SPARQL JSON results (is this the query URL of a SPARQL "
            "endpoint?)"
        )
    try:
        with paused_gc():  # a large answer is millions of small objects and no cycles
            table = from_sparql_json(json.loads(body))
    except (ValueError, KeyError, TypeError) as exc:
        raise EndpointError(f"{where}: the answer is not valid SPARQL JSON results") from exc
    _refuse_partial_answer(where, raw.headers, len(table.rows))
    return table


def _credentials(endpoint: str) -> tuple[str | None, str]:
    """The user and password for an endpoint: from the environment, else from its URL."""
    from mscowl.sparql.http import credentials_in

    user = os.environ.get(USER_ENV)
    if user:
        return user, os.environ.get(PASSWORD_ENV) or ""
    found = credentials_in(endpoint)
    return found if found else (None, "")


def _refuse_partial_answer(where: str, headers: HTTPMessage, rows: int) -> None:
    """Virtuoso answers with a 200 and says only in headers when an answer is not whole:
    ``X-SPARQL-MaxRows`` when it returns at most ``ResultSetMaxRows`` rows (10,000 by default;
    sent whenever the cap applies, so an answer as long as the cap may have lost rows), and
    ``X-SQL-State`` for an "anytime" answer, what it found before its time ran out. Either is
    refused rather than passed on as whole."""
    sql_state = headers.get("X-SQL-State")
    if sql_state:
        message = headers.get("X-SQL-Message") or "an incomplete answer"
        raise EndpointError(
            f"{where}: the answer is incomplete (X-SQL-State {sql_state.strip()}: "
            f"{' '.join(message.split())}); give the server more time"
        )
    max_rows = (headers.get("X-SPARQL-MaxRows") or "").strip()
    if max_rows.isdigit() and rows >= int(max_rows):
        cap = int(max_rows)
        raise EndpointError(
            f"{where}: the server returns at most {cap} rows (X-SPARQL-MaxRows; Virtuoso's "
            f"ResultSetMaxRows) and this answer has {rows}, so rows may be missing; raise the "
            f"server's limit, or fetch the answer in pages of fewer rows (--page-size "
            f"{cap - 1}; {_SORTED_PAGES})"
        )


#: SQLSTATE classes (ISO/IEC 9075, ODBC) of errors in the query itself: data exception (22),
#: syntax error (37), syntax error or access rule violation (42). Virtuoso names the state in
#: every error, and answers the run-time ones with HTTP 500 ("Virtuoso 22023 Error SR353: ...");
#: the same query fails the same way again, so it is not sent again.
_QUERY_ERROR: Final = re.compile(r"Virtuoso (?:22|37|42)\w{3} Error ")


#: Said wherever a page may go past Virtuoso's sorting limit: a cut answer, and SR353.
_SORTED_PAGES: Final = (
    "Virtuoso sorts at most MaxSortedTopRows rows (10,000 by default) for a page, its offset "
    "included: raise it in [Parameters] of virtuoso.ini"
)


def _advice(said: str) -> str:
    """The setting to change for a server error whose message names none, as a clause to add:
    Virtuoso's SR353 (a page past ``MaxSortedTopRows``) suggests only smaller pages. Its SQ200
    names ``MaxMemPoolSize`` itself.

    >>> _advice("Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 10010 rows")[:41]
    '; Virtuoso sorts at most MaxSortedTopRows'
    """
    return f"; {_SORTED_PAGES}" if " SR353:" in said else ""


def server_message(text: str, limit: int = 300) -> str:
    """The first line of the server's own answer in a SPARQLWrapper error, which carries it as
    the ``repr`` of the body after "Response:" (Virtuoso's "Virtuoso 37000 Error SP030: SPARQL
    compiler, line 3: syntax error ...", Fuseki's "Parse error: ..."); "" when there is none.

    >>> from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
    >>> server_message(str(QueryBadFormed(b"Error SP030: syntax error\\n\\nSPARQL query: ...")))
    'Error SP030: syntax error'
    """
    _, found, body = text.partition("\n\nResponse:\n")
    if not found:
        return ""
    try:
        raw = ast.literal_eval(body.strip())
    except (ValueError, SyntaxError):
        return ""
    said = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if said.lstrip().startswith("<"):  # an HTML error page: its text
        said = re.sub(r"<[^>]*>", " ", said)
    line = next((" ".join(line.split()) for line in said.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _status(exc: Exception) -> int:
    names = {
        "EndPointInternalError": 500,
        "EndPointNotFound": 404,
        "QueryBadFormed": 400,
        "Unauthorized": 401,
        "URITooLong": 414,
    }
    return names.get(type(exc).__name__, 0)


def _attempts(attempt: int) -> str:
    return f" (after {attempt} attempts)" if attempt > 1 else ""


def put_graph(store_url: str, graph_iri: str | None, ntriples: bytes, timeout: float = 120) -> int:
    """SPARQL 1.1 Graph Store HTTP Protocol PUT: replace a named graph (or the default graph)
    with ``ntriples``; returns the HTTP status. Credentials as for queries."""
    return _graph_store(store_url, graph_iri, "PUT", ntriples, timeout)


def delete_graph(store_url: str, graph_iri: str, timeout: float = 120) -> int:
    """Graph Store HTTP Protocol DELETE of a named graph; returns the HTTP status."""
    return _graph_store(store_url, graph_iri, "DELETE", None, timeout)


def _graph_store(
    store_url: str, graph_iri: str | None, method: str, body: bytes | None, timeout: float
) -> int:
    from urllib.parse import quote

    from mscowl.sparql import http

    given = store_url
    store_url = http.check_endpoint(store_url)
    separator = "&" if "?" in store_url else "?"
    target = (
        store_url + separator + (f"graph={quote(graph_iri, safe='')}" if graph_iri else "default")
    )
    headers = {"Content-Type": "application/n-triples"} if body is not None else {}
    request = urllib.request.Request(target, data=body, method=method, headers=headers)
    where = f"graph store {store_url}"
    try:
        with _authorize(request, timeout, given).open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise EndpointError(f"{where}: HTTP {exc.code} {exc.reason}") from exc
    except TimeoutError as exc:
        # Virtuoso's Graph Store at times never answers a large PUT (1.13M triples: 3 of 4
        # tries; openlink/virtuoso-opensource#165), where its bulk loader takes seconds.
        raise EndpointError(
            f"{where}: no answer within {timeout:g} s; for a large graph, load the N-Triples "
            "with the server's bulk loader instead (docs/publish.md)"
        ) from exc
    except (urllib.error.URLError, ConnectionError) as exc:
        raise EndpointError(f"{where}: unreachable ({getattr(exc, 'reason', exc)})") from exc


def _authorize(
    request: urllib.request.Request, timeout: float, given: str
) -> urllib.request.OpenerDirector:
    """Put the endpoint credentials, if any, on the request itself, so that a large body is
    sent once: HTTP Basic (Fuseki, GraphDB), or HTTP Digest answered from the challenge of a
    ``HEAD`` request when the server asks for Digest (Virtuoso's ``/sparql-graph-crud-auth``,
    which refuses Basic without a challenge and drops the connection under a large body sent
    without credentials). Returns an opener that also answers a later Digest challenge, and
    sends no credentials along a redirect to another origin. ``given`` is the URL as the user
    gave it, which may carry ``user:password@``."""
    from mscowl.sparql.http import opener

    user, password = _credentials(given)
    if not user:
        return opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, request.full_url, user, password)
    digest = urllib.request.HTTPDigestAuthHandler(passwords)
    challenge = digest_challenge(request.full_url, timeout)
    if challenge is None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {token}")
    else:
        answer = digest.get_authorization(request, challenge)
        if answer:
            request.add_unredirected_header("Authorization", f"Digest {answer}")
    return opener(digest)


def digest_challenge(url: str, timeout: float) -> dict[str, str] | None:
    """The HTTP Digest challenge (realm, nonce, qop ...) a server answers a request without
    credentials with, or ``None`` (no challenge, or another scheme). A ``HEAD``: only headers.

    >>> digest_challenge("http://127.0.0.1:9/nothing-listens-here", 1) is None
    True
    """
    from mscowl.sparql.http import opener

    request = urllib.request.Request(url, method="HEAD")
    try:
        with opener().open(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        scheme, _, fields = (exc.headers.get("WWW-Authenticate") or "").partition(" ")
        if exc.code != 401 or scheme.lower() != "digest":
            return None
        found: dict[str, str] = urllib.request.parse_keqv_list(
            urllib.request.parse_http_list(fields)
        )
        return found
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        return None  # the request itself will say what is wrong


def count_triples(endpoint: str, graph_iri: str | None, timeout: float = 60) -> int:
    """The number of triples in a named graph (or the default graph) of an endpoint."""
    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    table = run_remote(
        endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", timeout=timeout, retries=1
    )
    return int(str(table.rows[0][0]))
