"""Saved queries on a real SPARQL server (oxigraph serve on 127.0.0.1) give the same answers as
on the embedded store; a bad endpoint gives a one-line error and a non-zero exit code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from conftest import ONTOLOGY, ROOT, required
from mscowl.cli import main
from mscowl.errors import EndpointError
from mscowl.ontology.load import load_ontology
from mscowl.seeds.graph import build_knowledge_graph
from mscowl.sparql import remote
from mscowl.sparql.catalogue import example_name
from mscowl.sparql.remote import run_remote, server_message
from mscowl.sparql.results import golden_text
from mscowl.sparql.saved import catalogue
from servers import free_port, misbehaving_endpoint, oxigraph_binary, oxigraph_server, put_graph

pytestmark = pytest.mark.servers

CATALOGUE = catalogue(ROOT / "queries")
EXAMPLES = [(q, e) for q in CATALOGUE.values() for e in q.examples]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    if oxigraph_binary() is None:
        if required("MSCOWL_REQUIRE_OXIGRAPH"):
            pytest.fail("oxigraph is not installed (PyPI package 'oxigraph', in the test extra)")
        pytest.skip("oxigraph is not installed")
    graph = build_knowledge_graph(ROOT / "seeds", ontology=ONTOLOGY).graph()
    release = graph + load_ontology(ONTOLOGY).closure
    with oxigraph_server() as base:
        assert put_graph(base, release.serialize(format="nt", encoding="utf-8")) in (200, 201, 204)
        yield f"{base}/query"


@pytest.mark.parametrize(
    ("query", "params"), EXAMPLES, ids=[example_name(q, e) for q, e in EXAMPLES]
)
def test_same_answers_on_the_server(endpoint: str, query, params) -> None:  # type: ignore[no-untyped-def]
    table = run_remote(endpoint, query.bind(params), timeout=30, retries=0)
    golden = ROOT / "queries" / "expected" / f"{example_name(query, params)}.tsv"
    assert golden_text(table) == golden.read_text(encoding="utf-8")


def test_cli_endpoint_option(endpoint: str) -> None:
    result = CliRunner().invoke(
        main,
        [
            "query",
            "trials",
            "-p",
            "cancer=ovarian cancer",
            "--endpoint",
            endpoint,
            "--format",
            "tsv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted({line.split("\t")[1] for line in result.stdout.splitlines()[1:]}) == [
        "NCT02068794",
        "NCT02530047",
    ]


def one_line_error(endpoint: str, *extra: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["query", "lineages", "--endpoint", endpoint, *extra])
    return result.exit_code, result.stderr.splitlines()


def test_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    code, lines = one_line_error(url, "--retries", "1", "--timeout", "2")
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith(f"mscowl: error: endpoint {url}: unreachable (")
    assert lines[0].endswith("(after 2 attempts)")


def test_server_error_is_retried_then_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []
    monkeypatch.setattr(remote, "pause", waited.append)  # the back-off, without waiting
    with misbehaving_endpoint("500") as (url, server):
        code, lines = one_line_error(url, "--retries", "2")
        assert server.requests == 3  # type: ignore[attr-defined]
    assert waited == [1.0, 2.0]  # exponential
    assert code == 2
    assert len(lines) == 1 and "500" in lines[0] and lines[0].endswith("(after 3 attempts)")
    # The first line of the server's own answer, as text: what went wrong, in its words.
    assert "; the server says: Error 42: out of memory (after" in lines[0]


def test_regression_an_error_in_the_query_was_sent_three_times() -> None:
    """Virtuoso answers errors in the query itself (SQLSTATE 22, 37, 42) with HTTP 500 too; the
    same query fails again, so it is sent once, and the setting to change is named."""
    with misbehaving_endpoint("SR353") as (url, server):
        code, lines = one_line_error(url, "--retries", "2")
        assert server.requests == 1  # type: ignore[attr-defined]
    assert code == 2 and len(lines) == 1
    assert "; the server says: Virtuoso 22023 Error SR353: Sorted TOP clause" in lines[0]
    assert lines[0].endswith("raise it in [Parameters] of virtuoso.ini")


def test_the_servers_message_keeps_its_iris_and_loses_an_html_pages_tags() -> None:
    from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed

    plain = QueryBadFormed(b"Virtuoso 37000 Error SP030: bad IRI <urn:x> here\n\nSPARQL: ...")
    assert server_message(str(plain)) == "Virtuoso 37000 Error SP030: bad IRI <urn:x> here"
    page = EndPointInternalError(b"<html>\n<body><h1>Error  500:</h1> <p>no store</p></body>")
    assert server_message(str(page)) == "Error 500: no store"
    assert server_message("QueryBadFormed: no body.") == ""


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        (
            "capped",  # Virtuoso's ResultSetMaxRows: rows may be missing, said in a header only
            "the server returns at most 2 rows (X-SPARQL-MaxRows; Virtuoso's ResultSetMaxRows) "
            "and this answer has 2, so rows may be missing; raise the server's limit, or fetch "
            "the answer in pages of fewer rows (--page-size 1; Virtuoso sorts at most "
            "MaxSortedTopRows rows (10,000 by default) for a page, its offset included: raise "
            "it in [Parameters] of virtuoso.ini)",
        ),
        (
            "anytime",  # Virtuoso out of time: what it found so far, said in a header only
            "the answer is incomplete (X-SQL-State S1TAT: RC...: Returning incomplete results, "
            "query interrupted by result timeout.); give the server more time",
        ),
        (
            "html",
            "answered with 'text/html', expected SPARQL JSON results (is this the query URL of "
            "a SPARQL endpoint?)",
        ),
    ],
)
def test_an_answer_that_is_not_whole_results_is_refused(mode: str, message: str) -> None:
    with misbehaving_endpoint(mode) as (url, _):
        code, lines = one_line_error(url)
    assert code == 2
    assert lines == [f"mscowl: error: endpoint {url}: {message}"]


def test_timeout() -> None:
    with misbehaving_endpoint("slow") as (url, _):
        code, lines = one_line_error(url, "--timeout", "1", "--retries", "0")
    assert code == 2
    assert lines == [f"mscowl: error: endpoint {url}: no answer within 1 s"]


def test_a_graph_store_that_does_not_answer_is_reported_with_the_bulk_loader_road() -> None:
    with misbehaving_endpoint("slow") as (url, _), pytest.raises(EndpointError) as caught:
        remote.put_graph(url, None, b"<urn:a> <urn:b> <urn:c> .\n", timeout=1)
    assert str(caught.value) == (
        f"graph store {url}: no answer within 1 s; for a large graph, load the N-Triples with "
        "the server's bulk loader instead (docs/publish.md)"
    )


def test_credentials_are_sent_and_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSCOWL_ENDPOINT_USER", "curator")
    monkeypatch.setenv("MSCOWL_ENDPOINT_PASSWORD", "s3cret-value")
    with misbehaving_endpoint("500") as (url, _):
        result = CliRunner().invoke(
            main, ["query", "lineages", "--endpoint", url, "--retries", "0"]
        )
    assert result.exit_code == 2
    assert "s3cret-value" not in result.output and "curator" not in result.output


def test_run_remote_raises_endpoint_error() -> None:
    with misbehaving_endpoint("html") as (url, _), pytest.raises(EndpointError):
        run_remote(url, "SELECT * WHERE { ?s ?p ?o }", retries=0)


def test_regression_sparqlwrapper_reads_loading_in_a_comment_as_an_update(endpoint: str) -> None:
    # SPARQLWrapper guesses the query form with a regular expression; "loading" in a comment made
    # it send the SELECT as an update (and the server answered 400).
    text = "# payload, vector or loading method\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    table = run_remote(endpoint, text, retries=0)
    assert table.columns == ["n"] and int(str(table.rows[0][0])) > 1000


def test_update_on_an_endpoint_needs_allow_update(endpoint: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    update = tmp_path / "insert.rq"
    update.write_text("INSERT DATA { <urn:mscowl:test> <urn:mscowl:p> 'loaded' }", encoding="utf-8")
    refused = CliRunner().invoke(main, ["query", str(update), "--endpoint", endpoint])
    assert refused.exit_code == 2
    update_url = endpoint.replace("/query", "/update")
    allowed = ["query", str(update), "--endpoint", update_url, "--allow-update"]
    paged = CliRunner().invoke(main, [*allowed, "--page-size", "5"])
    assert paged.exit_code == 2 and "page SELECT queries only" in paged.output
    done = CliRunner().invoke(main, allowed)
    assert done.exit_code == 0, done.output
    table = run_remote(endpoint, "SELECT ?o WHERE { <urn:mscowl:test> <urn:mscowl:p> ?o }")
    assert [str(row[0]) for row in table.rows] == ["loaded"]


def test_words_resolve_on_a_server_as_on_the_embedded_store(endpoint: str) -> None:
    """Resolution uses the shipped ontology, the sheets' words and the server's own names."""
    from mscowl import api

    seeds = ROOT / "seeds"
    for name, params in [
        ("trials", {"route": "intravenous"}),
        ("trials", {"payload": "IFN-\u03b2"}),
        # a name only the knowledge graph (the server's) knows
        (
            "evidence",
            {"about": "MSC-INFb (MSCs secreting interferon-beta) for advanced ovarian cancer"},
        ),
    ]:
        local = api.query(name, params, seeds=seeds)
        remote_table = api.query(name, params, seeds=seeds, endpoint=endpoint, retries=0)
        assert remote_table.text_rows() == local.text_rows(), params
        assert local.rows, params
    result = CliRunner().invoke(
        main, ["query", "trials", "-p", "route=intraveneous", "--endpoint", endpoint]
    )
    assert result.exit_code == 2
    assert "did you mean Intravenous Route of Administration (NCIT:C38276" in result.stderr
