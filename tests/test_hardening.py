"""Untrusted input, options and servers: each class of probe gets exit 2 (or the safe success)
with one line, no traceback, and nothing touched; the listeners on 127.0.0.1 must receive
nothing they should not."""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from mscowl.cli import main
from mscowl.query import EndpointError, SavedQuery, resolve
from mscowl.sparql import PASSWORD_ENV, USER_ENV, run_remote
from servers import misbehaving_endpoint, recording_server

QUERIES = ROOT / "queries"


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --------------------------------------------------------------------------------------------
# Parameters: bound once, from the saved text; SERVICE only where a header allows it.


INJECTION = "UNDEF }} SERVICE SILENT <{url}> {{ ?a ?b ?c }} #"


def test_a_value_that_reads_like_another_slot_stays_a_literal() -> None:
    trials = resolve("trials", QUERIES)
    text = trials.bind({"kind": "x VALUES ?_phase { UNDEF }", "phase": INJECTION.format(url="u")})
    assert 'VALUES ?_kind { "x VALUES ?_phase { UNDEF }" }' in text
    assert 'VALUES ?_phase { "UNDEF } SERVICE SILENT <u> { ?a ?b ?c } #" }' in text
    assert text.count("SERVICE") == text.count('SERVICE SILENT <u> { ?a ?b ?c } #" }')


def test_the_injection_probe_reaches_no_listener_locally_or_through_an_endpoint() -> None:
    with recording_server() as (trap, caught), recording_server() as (endpoint, asked):
        params = [
            "-p",
            "kind=x VALUES ?_phase { UNDEF }",
            "-p",
            f"phase={INJECTION.format(url=trap)}",
        ]
        code, _, err = cli("query", "trials", "--seeds", str(ROOT / "seeds"), *params)
        assert code == 0, err
        code, _, err = cli("query", "trials", "--endpoint", endpoint, *params)
        assert code == 0, err
        assert len(asked) == 1  # the endpoint got the query, with the values as literals
        assert caught == []


def test_service_in_a_query_is_refused_unless_its_header_allows_it(tmp_path: Path) -> None:
    with recording_server() as (trap, caught):
        query = tmp_path / "q.rq"
        query.write_text(f"SELECT * WHERE {{ SERVICE <{trap}> {{ ?s ?p ?o }} }}\n")
        code, _, err = cli("query", str(query), "--seeds", str(ROOT / "seeds"))
        assert "SERVICE" in one_line_error(code, err)
        assert caught == []
    allowed = SavedQuery.parse(
        "q", "#+ service: true\nSELECT * { SERVICE <http://x/> { ?s ?p ?o } }"
    )
    assert allowed.text


def test_an_update_is_never_sent_twice() -> None:
    with misbehaving_endpoint("500") as (url, server):
        with pytest.raises(EndpointError):
            run_remote(url, "INSERT DATA { <a:b> <a:c> <a:d> }", update=True, retries=3, backoff=0)
        assert server.requests == 1  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# Endpoints: checked URLs, credentials for their own origin only, bounded answers.


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--endpoint", ""], "found --endpoint ''; expected an http(s) URL"),
        (["--endpoint", "not a url"], "found --endpoint 'not a url'; expected an http(s) URL"),
        (["--endpoint", "file:///etc/passwd"], "found --endpoint 'file:///etc/passwd'"),
        (["--endpoint", "http://127.0.0.1:1/x", "--timeout", "nan"], "found --timeout nan"),
        (["--endpoint", "http://127.0.0.1:1/x", "--timeout", "-1"], "found --timeout -1"),
        (["--endpoint", "http://127.0.0.1:1/x", "--retries", "1000"], "--retries"),
    ],
)
def test_bad_endpoint_options_are_one_line(args: list[str], expected: str) -> None:
    code, _, err = cli("query", "lineages", *args)
    assert expected in one_line_error(code, err)


def test_credentials_never_follow_a_redirect_to_another_origin() -> None:
    env = {USER_ENV: "alice", PASSWORD_ENV: "s3cret"}
    with (
        recording_server() as (elsewhere, stolen),
        recording_server(redirect=elsewhere) as (endpoint, asked),
    ):
        code, _, err = cli("query", "lineages", "--endpoint", endpoint, env=env)
        assert code == 0, err
    basic = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert any(h.get("Authorization") == basic for _, _, h, _ in asked)
    assert stolen, "the redirect was not followed"
    assert all("Authorization" not in h for _, _, h, _ in stolen)


def test_credentials_in_the_url_are_used_and_never_printed() -> None:
    with recording_server() as (endpoint, asked):
        secret = endpoint.replace("http://", "http://bob:hunter2@")
        code, _, err = cli("query", "lineages", "--endpoint", secret)
        assert code == 0, err
    assert asked[-1][2].get("Authorization") == "Basic " + base64.b64encode(b"bob:hunter2").decode()
    with misbehaving_endpoint("500") as (url, _):
        code, _, err = cli(
            "query",
            "lineages",
            "--endpoint",
            url.replace("http://", "http://bob:hunter2@"),
            "--retries",
            "0",
        )
    assert "hunter2" not in err and "bob" not in err
    assert url in one_line_error(code, err)


def test_an_answer_that_drips_stops_at_the_timeout() -> None:
    with misbehaving_endpoint("drip") as (url, _):
        started = time.monotonic()
        code, _, err = cli(
            "query", "lineages", "--endpoint", url, "--timeout", "1", "--retries", "0"
        )
        elapsed = time.monotonic() - started
    assert "no whole answer within 1 s" in one_line_error(code, err)
    assert elapsed < 5


def test_an_answer_larger_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import mscowl.http

    monkeypatch.setattr(mscowl.http, "MAX_ANSWER_BYTES", 1024 * 1024)
    with misbehaving_endpoint("huge") as (url, _):
        code, _, err = cli("query", "lineages", "--endpoint", url, "--retries", "0")
    assert "the answer is larger than 1048576 bytes" in one_line_error(code, err)


def test_a_big_answer_does_not_fill_the_memory() -> None:
    """Under an address-space limit, a 4 MB answer against a 1 MB cap is refused, not read."""
    script = f"""
import resource, sys
sys.path.insert(0, {str(ROOT / "tests")!r})
import mscowl.http
mscowl.http.MAX_ANSWER_BYTES = 1024 * 1024
from servers import misbehaving_endpoint
from mscowl.sparql import run_remote
with misbehaving_endpoint("huge") as (url, _):
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
    try:
        run_remote(url, "SELECT * {{}}", retries=0)
    except Exception as exc:
        print(type(exc).__name__, exc)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert "EndpointError" in result.stdout, result.stdout + result.stderr
    assert "larger than 1048576 bytes" in result.stdout


def test_reported_urls_have_no_userinfo() -> None:
    code, _, err = cli(
        "publish", "--endpoint", "http://carol:pw@127.0.0.1:1/store", "--seeds", str(ROOT / "seeds")
    )
    line = one_line_error(code, err)
    assert "carol" not in line and ":pw@" not in line
    assert "http://127.0.0.1:1/store" in line
