"""Untrusted input, options and servers: each class of probe gets exit 2 (or the safe success)
with one line, no traceback, and nothing touched; the listeners on 127.0.0.1 must receive
nothing they should not."""

from __future__ import annotations

import base64
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from mscowl.cli import main
from mscowl.errors import EndpointError
from mscowl.sparql.remote import PASSWORD_ENV, USER_ENV, run_remote
from mscowl.sparql.saved import SavedQuery, resolve
from seedtools import copy_seeds
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


@pytest.mark.servers
def test_the_injection_probe_reaches_no_listener_locally_or_through_an_endpoint() -> None:
    with recording_server() as (trap, caught), recording_server() as (endpoint, asked):
        phase = INJECTION.format(url=trap)
        # as words: they name no term, so nothing is sent anywhere
        params = ["-p", "kind=x VALUES ?_phase { UNDEF }", "-p", f"phase={phase}"]
        code, _, err = cli("query", "trials", "--seeds", str(ROOT / "seeds"), *params)
        assert code == 2 and "names no term" in err
        # "quoted", as text: bound as literals, one pass, so still nothing reaches the trap
        params = ["-p", 'kind="x VALUES ?_phase { UNDEF }"', "-p", f'phase="{phase}"']
        code, _, err = cli("query", "trials", "--seeds", str(ROOT / "seeds"), *params)
        assert code == 0, err
        code, _, err = cli("query", "trials", "--endpoint", endpoint, *params)
        assert code == 0, err
        queries = [body for method, _, _, body in asked if method == "POST"]
        assert len(queries) == 1  # the endpoint got the query, its values as literals
        assert caught == []


@pytest.mark.servers
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


@pytest.mark.servers
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


@pytest.mark.servers
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


@pytest.mark.servers
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


@pytest.mark.servers
def test_an_answer_that_drips_stops_at_the_timeout() -> None:
    with misbehaving_endpoint("drip") as (url, _):
        started = time.monotonic()
        code, _, err = cli(
            "query", "lineages", "--endpoint", url, "--timeout", "1", "--retries", "0"
        )
        elapsed = time.monotonic() - started
    assert "no whole answer within 1 s" in one_line_error(code, err)
    assert elapsed < 5


@pytest.mark.servers
def test_an_answer_larger_than_the_limit_is_refused() -> None:
    with misbehaving_endpoint("huge") as (url, _):
        args = ["--endpoint", url, "--retries", "0"]
        code, _, err = cli("query", "lineages", *args, env={"MSCOWL_MAX_ANSWER_BYTES": "1048576"})
    assert "the answer is larger than 1048576 bytes" in one_line_error(code, err)


@pytest.mark.servers
def test_a_big_answer_does_not_fill_the_memory() -> None:
    """Under an address-space limit, a 4 MB answer against a 1 MB cap is refused, not read."""
    script = f"""
import resource, sys
sys.path.insert(0, {str(ROOT / "tests")!r})
import mscowl.sparql.http
mscowl.sparql.http.MAX_ANSWER_BYTES = 1024 * 1024
from servers import misbehaving_endpoint
from mscowl.sparql.remote import run_remote
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


# --------------------------------------------------------------------------------------------
# Outputs (the folder rules are tested in test_outputs.py): through the commands.


def test_release_into_a_folder_of_other_files_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    code, _, err = cli("release", "--out", str(out), "--seeds", str(ROOT / "seeds"))
    assert "holds files that mscowl did not write" in one_line_error(code, err)
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


# --------------------------------------------------------------------------------------------
# Parsers: no entity expansion, no remote contexts, bounded workbooks, no links out of the seeds.

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="http://example.org/x"><rdfs:label>&e;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("engine", ["native", "pyshacl", "jena", "auto"])
def test_entity_expansion_is_refused_by_every_engine(tmp_path: Path, engine: str) -> None:
    data = tmp_path / "laughs.owl"
    data.write_text(LAUGHS)
    code, out, err = cli("validate", str(data), "--engine", engine)
    assert "declares a DTD" in one_line_error(code, err)
    assert "conforms" not in out


def test_entity_expansion_is_refused_within_a_memory_limit(tmp_path: Path) -> None:
    data = tmp_path / "laughs.rdf"
    data.write_text(LAUGHS.replace("&e;</rdfs", "&e;&e;&e;&e;</rdfs"))
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))\n"
        "from mscowl.cli import main\n"
        "sys.argv = ['mscowl', 'validate', sys.argv[1], '--engine', 'native']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(data)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "declares a DTD" in result.stderr


@pytest.mark.servers
def test_a_remote_json_ld_context_is_never_fetched(tmp_path: Path) -> None:
    with recording_server() as (context, fetched):
        for where in (context, "file:///dev/zero"):
            data = tmp_path / "data.jsonld"
            data.write_text(
                '{"@context": "' + where + '", "@id": "http://example.org/x", "label": "x"}'
            )
            code, _, err = cli("validate", str(data))
            assert "names a JSON-LD context to fetch" in one_line_error(code, err)
        assert fetched == []


def test_a_stray_far_cell_is_refused_before_the_workbook_is_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "trials"
    sheet["A1"] = "id"
    sheet["XFD1048576"] = "stray"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert path.stat().st_size < 50_000
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))\n"
        "from mscowl.cli import main\n"
        "sys.argv = ['mscowl', 'build', '--seeds', sys.argv[1], '--out', sys.argv[2]]\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "reaches cell XFD1048576" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["/proc/self/environ", "/dev/zero", "outside"])
def test_a_sheet_that_links_out_of_the_seeds_is_refused_unread(tmp_path: Path, target: str) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    if target == "outside":
        outside = tmp_path / "secret.csv"
        outside.write_text("SECRET_TOKEN=abc123,x\n")
        target = str(outside)
    (seeds / "pathways.csv").unlink()
    (seeds / "pathways.csv").symlink_to(target)
    code, _, err = cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"pathways.csv: is a link to {Path(target).resolve()}, outside the seeds folder" in err
    assert "SECRET" not in err and "PATH=" not in err


def test_a_sheet_that_is_no_regular_file_is_refused(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    (seeds / "pathways.csv").unlink()
    os.mkfifo(seeds / "pathways.csv")
    code, _, err = cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "pathways.csv: is not a regular file; expected a sheet" in err


def test_an_error_quotes_only_a_short_escaped_excerpt(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    (seeds / "pathways.csv").write_text("id," + "x" * 5000 + "\x1b[31m\n")
    code, _, err = cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"))
    assert code == 2
    line = next(x for x in err.splitlines() if "pathways.csv:1" in x)
    assert len(line) < 400 and "\x1b" not in line


@pytest.mark.parametrize(
    ("where", "pattern"),
    [("mapping", "(a+)+$"), ("shapes", "^(\\\\w+\\\\s?)*$")],
)
def test_a_catastrophic_regular_expression_is_refused(
    tmp_path: Path, where: str, pattern: str
) -> None:
    started = time.monotonic()
    if where == "mapping":
        seeds = copy_seeds(tmp_path / "seeds")
        mapping = seeds / "mapping.toml"
        text = mapping.read_text()
        mapping.write_text(text.replace('pattern = "PMC[0-9]+"', f'pattern = "{pattern}"'))
        code, _, err = cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"))
        assert code == 2
        assert "repeats a repetition" in err and "mapping.toml:references:" in err
    else:
        shapes = tmp_path / "s.ttl"
        shapes.write_text(
            "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "<#s> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;\n"
            f'  sh:property [ sh:path rdfs:label ; sh:pattern "{pattern}" ] .\n'
        )
        code, _, err = cli("validate", "--shapes", str(shapes), "--seeds", str(ROOT / "seeds"))
        assert "repeats a repetition" in one_line_error(code, err)
    assert time.monotonic() - started < 30


# --------------------------------------------------------------------------------------------
# Every bad input is one line with exit 2.


def test_mapping_values_of_the_wrong_type_name_file_and_line(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    mapping = seeds / "mapping.toml"
    lines = mapping.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line == 'name = "enrolment"')
    lines.insert(number + 1, 'separator = 7\nlanguage = "not a tag!"\nfile = "../../etc/passwd"')
    mapping.write_text("\n".join(lines) + "\n")
    code, _, err = cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"mapping.toml:trials:{number + 1}:enrolment: 'separator' must be one character" in err
    assert "'language' must be a language tag" in err
    assert "Traceback" not in err


SHAPES_HEAD = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        (
            "<#s> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ; "
            'sh:property [ sh:path rdfs:label ; sh:pattern "([a-z" ] .',
            "does not compile",
        ),
        (
            "<#s> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ; "
            'sh:sparql [ sh:select "SELECT $this WHERE { $this ?p }" ] .',
            "is not SPARQL",
        ),
    ],
)
def test_broken_shapes_are_one_line(tmp_path: Path, shape: str, message: str) -> None:
    shapes = tmp_path / "s.ttl"
    shapes.write_text(SHAPES_HEAD + shape + "\n")
    for engine in ("auto", "pyshacl"):
        code, _, err = cli("validate", "--shapes", str(shapes), "--engine", engine)
        assert message in one_line_error(code, err)


def test_a_damaged_workbook_is_one_line(tmp_path: Path) -> None:
    good = tmp_path / "w.xlsx"
    code, _, err = cli("workbook", "--seeds", str(ROOT / "seeds"), "--out", str(good))
    assert code == 0, err
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    lying = bytearray(good.read_bytes())  # every part claims to expand to 10 bytes
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = lying.find(signature)
        while at >= 0:
            struct.pack_into("<I", lying, at + offset, 10)
            at = lying.find(signature, at + 4)
    (tmp_path / "lying.xlsx").write_bytes(lying)
    for name in ("cut.xlsx", "lying.xlsx"):
        code, _, err = cli("build", "--seeds", str(tmp_path / name), "--out", str(tmp_path / "o"))
        assert code == 2 and "Traceback" not in err
        assert f"{name}: " in err
        assert not (tmp_path / "o").exists()


def test_a_binary_query_file_is_one_line(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    code, _, err = cli("query", str(query))
    assert "is not UTF-8 text" in one_line_error(code, err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--version", ""], "found version ''"),
        (["--version", "2026-02-30"], "found version '2026-02-30', which is no calendar date"),
    ],
)
def test_a_release_version_that_is_no_version_is_refused(args: list[str], message: str) -> None:
    code, _, err = cli("release", *args, "--seeds", str(ROOT / "seeds"))
    assert message in one_line_error(code, err)


def test_an_empty_data_file_does_not_conform(tmp_path: Path) -> None:
    data = tmp_path / "empty.ttl"
    data.write_text("")
    code, out, err = cli("validate", str(data))
    assert "is empty" in one_line_error(code, err)
    assert "conforms" not in out


# --------------------------------------------------------------------------------------------
# Output: a label cannot forge a CI log line or reorder a terminal line.


def test_a_label_with_line_breaks_cannot_forge_a_ci_annotation(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<http://example.org/x> rdfs:label "x\\n::error file=README.md,line=1::forged\\u202e" .\n'
    )
    shapes = tmp_path / "s.ttl"
    shapes.write_text(
        SHAPES_HEAD + "<#s> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ; "
        "sh:property [ sh:path rdfs:label ; sh:minLength 100 ] .\n"
    )
    for fmt in ("text", "github"):
        code, out, _ = cli("validate", str(data), "--shapes", str(shapes), "--format", fmt)
        assert code == 1
        assert not any(line.startswith("::error file=README.md") for line in out.splitlines())
        assert "\u202e" not in out


# --------------------------------------------------------------------------------------------
# publish: nothing sent before everything is checked; a failure says what the server holds.


@pytest.mark.servers
def test_publish_of_a_broken_file_sends_nothing(tmp_path: Path) -> None:
    data = tmp_path / "kg.nt"
    data.write_text("<http://example.org/a> <http://example.org/b> .\n")
    with recording_server() as (store, received):
        code, _, err = cli(
            "publish", "--endpoint", store, "--query-endpoint", store, "--data", str(data)
        )
        assert "not valid N-Triples" in one_line_error(code, err)
        assert received == []


def test_publish_says_what_the_server_holds_when_the_second_graph_fails() -> None:
    from mscowl.errors import CheckFailedError
    from mscowl.sparql.publish import Upload, publish

    uploads = [
        Upload("http://g/kg", b"x", 2, "knowledge graph"),
        Upload("http://g/o", b"y", 3, "ontology"),
    ]
    counts = {"http://g/kg": 2}

    def put(graph: str | None, body: bytes) -> int:
        if graph == "http://g/o":
            raise EndpointError("graph store http://s/store: HTTP 500 Internal Server Error")
        return 204

    with pytest.raises(EndpointError) as caught:
        publish(uploads, put, lambda g: counts[g or ""], lambda _: None)
    message = str(caught.value)
    assert "replaced and verified: <http://g/kg> (2 triples)" in message
    assert "<http://g/o> was not replaced (the PUT failed)" in message
    counts["http://g/o"] = 1
    with pytest.raises(CheckFailedError, match="<http://g/o> holds 1 triples after the PUT"):
        publish(uploads, lambda g, b: 204, lambda g: counts[g or ""], lambda _: None)


def test_publish_stages_first_and_touches_no_target_when_staging_fails() -> None:
    from mscowl.errors import CheckFailedError
    from mscowl.sparql.publish import Upload, publish

    uploads = [
        Upload("http://g/kg", b"x", 2, "knowledge graph"),
        Upload("http://g/o", b"y", 3, "ontology"),
    ]
    calls: list[tuple[str, str | None]] = []

    def put(graph: str | None, body: bytes) -> int:
        calls.append(("PUT", graph))
        return 204

    def delete(graph: str) -> int:
        calls.append(("DELETE", graph))
        return 204

    def count_cut(graph: str | None) -> int:  # the server keeps only one triple of each
        return 1

    with pytest.raises(CheckFailedError, match="kept 1 of the 2 triples sent into a staging"):
        publish(uploads, put, count_cut, lambda _: None, delete)
    assert all(graph and graph.startswith("https://w3id.org/mscowl/upload/") for _, graph in calls)
    assert [m for m, _ in calls] == ["PUT", "DELETE"]  # staged, removed; no target touched
    calls.clear()
    sizes = {"http://g/kg": 2, "http://g/o": 3}

    def count(graph: str | None) -> int:
        assert graph is not None
        return sizes.get(graph) or (2 if graph.endswith("/1") else 3)

    publish(uploads, put, count, lambda _: None, delete)
    staged = [g for m, g in calls if m == "PUT" and g and "/upload/" in g]
    assert len(staged) == 2
    assert [g for m, g in calls if m == "DELETE"] == staged  # every staging graph removed
    assert [g for m, g in calls if m == "PUT" and g and "/upload/" not in g] == list(sizes)


@pytest.mark.servers
def test_publish_leaves_no_staging_graph_on_a_real_server(tmp_path: Path) -> None:
    from mscowl.sparql.remote import run_remote
    from servers import oxigraph_binary, oxigraph_server

    if oxigraph_binary() is None:
        pytest.skip("oxigraph is not installed")
    with oxigraph_server() as base:
        code, out, err = cli(
            "publish", "--endpoint", f"{base}/store", "--seeds", str(ROOT / "seeds")
        )
        assert code == 0, err
        graphs = run_remote(f"{base}/query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    names = sorted(str(row[0]) for row in graphs.rows)
    assert names == ["https://w3id.org/mscowl/data/", "https://w3id.org/mscowl/msc-cancer.owl"]
    assert "published knowledge graph" in out
