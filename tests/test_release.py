"""`mscowl release` and `mscowl publish`: versioned artefacts, reproducible bytes, checks on the
full ontology, documentation rendered in Chromium, w3id redirects served by Apache httpd, and
loading into a real SPARQL server."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import ONTOLOGY, ROOT, required
from mscowl.cli import main
from mscowl.errors import EndpointError
from mscowl.ontology.load import load_ontology
from mscowl.ontology.owlapi import check_with_owlapi, owlapi_available
from mscowl.ontology.reasoning import run_hermit
from mscowl.outputs import MARKER
from mscowl.sparql.remote import PASSWORD_ENV, USER_ENV, put_graph
from servers import (
    APACHE,
    apache_server,
    digest_graph_store,
    oxigraph_binary,
    oxigraph_server,
)

pytestmark = [pytest.mark.slow, pytest.mark.java]

VERSION = "2026-11-29"
BIN = Path(sys.executable).parent
RELEASE_FILES = [
    "SHA256SUMS",
    "release-diff.md",
    "void.ttl",
    "w3id/.htaccess",
    "data/msc-cancer-kg.ttl",
    "data/msc-cancer-kg.nt",
    "data/msc-cancer-kg.jsonld",
    "docs/index.html",
    "docs/ontology.html",
    "docs/shapes.html",
    "docs/queries.html",
    "docs/img/trials-per-source.svg",
    "docs/img/trials-per-phase.svg",
    "docs/img/mechanisms-by-direction.svg",
    "queries/catalogue.ttl",
    "queries/trials.rq",
    "shapes/msc-shapes.ttl",
    "ontology/catalog-v001.xml",
    "ontology/imports/cl_import.ttl",
    *[
        f"ontology/msc-cancer-{kind}.{suffix}"
        for kind in ("base", "full")
        for suffix in ("ttl", "owl", "jsonld")
    ],
]


def release_into(out: Path, *extra: str, env: dict[str, str] | None = None) -> None:
    command = [
        str(BIN / "mscowl"),
        "release",
        "--version",
        VERSION,
        "--out",
        str(out),
        "--seeds",
        str(ROOT / "seeds"),
        *extra,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / VERSION
    release_into(out, "--endpoint", "https://example.org/sparql")
    return out


def test_release_has_every_artefact(release: Path) -> None:
    for name in RELEASE_FILES:
        assert (release / name).is_file(), name


def test_checksums_cover_every_file(release: Path) -> None:
    listed = {}
    for line in (release / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {str(p.relative_to(release)) for p in release.rglob("*") if p.is_file()}
    # the marker says which command owns the folder; it is not part of the release
    assert set(listed) == files - {"SHA256SUMS", MARKER}
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


def test_same_input_same_bytes(release: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    release_into(again, "--endpoint", "https://example.org/sparql", env={"PYTHONHASHSEED": "12345"})
    assert (again / "SHA256SUMS").read_bytes() == (release / "SHA256SUMS").read_bytes()


@pytest.mark.parametrize("kind", ["base", "full"])
def test_ontology_formats_carry_version_iri_and_agree(release: Path, kind: str) -> None:
    graphs = {
        suffix: Graph().parse(release / "ontology" / f"msc-cancer-{kind}.{suffix}", format=fmt)
        for suffix, fmt in (("ttl", "turtle"), ("owl", "xml"), ("jsonld", "json-ld"))
    }
    assert isomorphic(graphs["ttl"], graphs["owl"])
    assert isomorphic(graphs["ttl"], graphs["jsonld"])
    name = "msc-cancer.owl" if kind == "full" else "msc-cancer-base.owl"
    ontology = next(iter(graphs["ttl"].subjects(RDF.type, OWL.Ontology)))
    assert graphs["ttl"].value(ontology, OWL.versionIRI) == URIRef(
        f"https://w3id.org/mscowl/releases/{VERSION}/{name}"
    )
    assert graphs["ttl"].value(ontology, OWL.versionInfo) == Literal(VERSION)
    imports = set(graphs["ttl"].objects(ontology, OWL.imports))
    assert (len(imports) == 15) if kind == "base" else not imports


def test_full_release_is_consistent_and_has_the_inferred_hierarchy(release: Path) -> None:
    full = Graph().parse(release / "ontology" / "msc-cancer-full.ttl")
    result = run_hermit(full)
    assert result.consistent and result.unsatisfiable == []
    closure = load_ontology(ONTOLOGY).closure
    named = {
        (s, o)
        for s, o in full.subject_objects(RDFS.subClassOf)
        if isinstance(s, URIRef) and isinstance(o, URIRef)
    }
    materialised = {(s, o) for s, o in named if (s, RDFS.subClassOf, o) not in closure}
    assert materialised, "HermiT's inferred hierarchy is not in the full release"
    inferred = {(URIRef(a), URIRef(b)) for a, b in run_hermit(closure).inferred_subclasses}
    assert materialised <= inferred


def test_full_release_loads_in_the_owl_api_without_dl_violations(release: Path) -> None:
    why = owlapi_available()
    if why:
        if required("MSCOWL_REQUIRE_OWLAPI"):
            pytest.fail(why)
        pytest.skip(why)
    for suffix in ("owl", "ttl"):
        report = check_with_owlapi(release / "ontology" / f"msc-cancer-full.{suffix}")
        assert report.findings == [], report.findings[:5]
        assert report.summary.startswith("ontologies=1")


def test_void_describes_the_graph(release: Path) -> None:
    void = Graph().parse(release / "void.ttl")
    kg = Graph().parse(release / "data" / "msc-cancer-kg.nt", format="nt")
    ns = "http://rdfs.org/ns/void#"
    dataset = URIRef(f"https://w3id.org/mscowl/releases/{VERSION}/void.ttl#dataset")
    assert int(void.value(dataset, URIRef(ns + "triples"))) == len(kg)  # type: ignore[arg-type]
    assert void.value(dataset, URIRef(ns + "sparqlEndpoint")) == URIRef(
        "https://example.org/sparql"
    )
    partitions = {
        void.value(p, URIRef(ns + "class")): int(void.value(p, URIRef(ns + "entities")))  # type: ignore[arg-type]
        for p in void.objects(dataset, URIRef(ns + "classPartition"))
    }
    assert partitions[URIRef("https://w3id.org/mscowl/MSCO_0000810")] == 28
    assert len(list(void.objects(dataset, URIRef(ns + "exampleResource")))) == 3


def test_release_diff_against_a_previous_release(release: Path, tmp_path: Path) -> None:
    previous = tmp_path / "previous"
    shutil.copytree(release, previous)
    base = previous / "ontology" / "msc-cancer-base.ttl"
    base.write_text(base.read_text().replace('"completed"@en', '"complete"@en'))
    lines = (previous / "data" / "msc-cancer-kg.nt").read_text().splitlines(keepends=True)
    dropped = [line for line in lines if "/trial/NCT03298763>" in line]
    (previous / "data" / "msc-cancer-kg.nt").write_text(
        "".join(line for line in lines if line not in dropped)
    )
    out = tmp_path / "next"
    release_into(out, "--previous", str(previous))
    diff = (out / "release-diff.md").read_text()
    assert "### Relabelled (1)\n\n- `MSCO:0000818`: 'complete' → 'completed'" in diff
    assert f"{len(dropped)} triples added, 0 removed" in diff
    assert f"| `MSCO:0000810` | {len(dropped)} | 0 |" in diff


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_documentation_renders_in_headless_chromium(release: Path) -> None:
    browser = chromium()
    if browser is None:
        if required("MSCOWL_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is not installed (Debian package chromium)")
        pytest.skip("chromium is not installed")
    with tempfile.TemporaryDirectory() as profile:

        def dom(page: str) -> str:
            result = subprocess.run(
                [
                    browser,
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    f"--user-data-dir={profile}",
                    "--virtual-time-budget=5000",
                    "--dump-dom",
                    (release / "docs" / page).as_uri(),
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
            )
            assert result.returncode == 0, result.stderr[-2000:]
            return result.stdout

        index = dom("index.html")
        assert '<body data-images="3" data-images-rendered="3">' in index
        ontology = dom("ontology.html")
        for anchor in ('id="hierarchy"', 'id="terms"', 'id="imported"', 'id="MSCO_0000811"'):
            assert anchor in ontology
        assert "anticancer MSC trial" in ontology
        assert "ISCT 2006 marker criteria" in dom("shapes.html")
        queries = dom("queries.html")
        for name in ("trials", "marker-panel", "mediator", "ev-trials"):
            assert f'id="{name}"' in queries
        assert "NCT03608631" in queries


def _get(base: str, path: str, accept: str) -> tuple[int, str, str]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    response.read()
    connection.close()
    return (
        response.status,
        response.getheader("Location") or "",
        (response.getheader("Content-Type") or ""),
    )


@pytest.fixture(scope="module")
def httpd(release: Path) -> Iterator[str]:
    if not APACHE.is_file():
        if required("MSCOWL_REQUIRE_APACHE"):
            pytest.fail("apache2 is not installed (Debian package apache2)")
        pytest.skip("apache2 is not installed")
    root = Path(tempfile.mkdtemp(prefix="mscowl-www-"))
    site = root / "mscowl"
    shutil.copytree(release, site / "releases" / VERSION)
    shutil.copy(release / "w3id" / ".htaccess", site / ".htaccess")
    with apache_server(root) as base:
        yield base
    shutil.rmtree(root, ignore_errors=True)


RELEASED = f"/mscowl/releases/{VERSION}"


@pytest.mark.parametrize(
    ("path", "accept", "target", "media_type"),
    [
        (
            "/mscowl/MSCO_0000811",
            "text/turtle",
            f"{RELEASED}/ontology/msc-cancer-full.ttl",
            "text/turtle",
        ),
        (
            "/mscowl/MSCO_0000811",
            "text/html,application/xhtml+xml",
            f"{RELEASED}/docs/ontology.html#MSCO_0000811",
            "text/html",
        ),
        (
            "/mscowl/msc-cancer.owl",
            "application/rdf+xml",
            f"{RELEASED}/ontology/msc-cancer-full.owl",
            "application/rdf+xml",
        ),
        (
            "/mscowl/msc-cancer.owl",
            "application/ld+json",
            f"{RELEASED}/ontology/msc-cancer-full.jsonld",
            "application/ld+json",
        ),
        ("/mscowl/msc-cancer.owl", "text/html", f"{RELEASED}/docs/index.html", "text/html"),
        (
            f"{RELEASED}/msc-cancer.owl",
            "text/turtle",
            f"{RELEASED}/ontology/msc-cancer-full.ttl",
            "text/turtle",
        ),
        (
            f"{RELEASED}/msc-cancer-base.owl",
            "application/rdf+xml",
            f"{RELEASED}/ontology/msc-cancer-base.owl",
            "application/rdf+xml",
        ),
        (
            "/mscowl/data/trial/NCT03298763",
            "application/n-triples",
            f"{RELEASED}/data/msc-cancer-kg.nt",
            "application/n-triples",
        ),
    ],
)
def test_w3id_content_negotiation(
    httpd: str, path: str, accept: str, target: str, media_type: str
) -> None:
    status, location, _ = _get(httpd, path, accept)
    assert status == 303, (path, accept, status)
    assert (
        urlsplit(location).path
        + (f"#{urlsplit(location).fragment}" if urlsplit(location).fragment else "")
        == target
    )
    status, _, content_type = _get(httpd, urlsplit(location).path, accept)
    assert status == 200
    assert content_type.split(";")[0] == media_type


def test_latest_is_an_alias_of_the_newest_release(httpd: str) -> None:
    status, location, _ = _get(httpd, "/mscowl/releases/latest/void.ttl", "text/turtle")
    assert status == 302 and urlsplit(location).path == f"{RELEASED}/void.ttl"


def _need_oxigraph() -> None:
    if oxigraph_binary() is None:
        if required("MSCOWL_REQUIRE_OXIGRAPH"):
            pytest.fail("oxigraph is not installed")
        pytest.skip("oxigraph is not installed")


def _golden_on(endpoint: str) -> None:
    """The saved queries answer on the published server exactly as on the embedded store."""
    from mscowl.sparql.catalogue import example_name
    from mscowl.sparql.remote import run_remote
    from mscowl.sparql.results import golden_text
    from mscowl.sparql.saved import catalogue

    for query in catalogue(ROOT / "queries").values():
        params = query.examples[0]
        golden = ROOT / "queries" / "expected" / f"{example_name(query, params)}.tsv"
        table = run_remote(endpoint, query.bind(params), retries=0)
        assert golden_text(table) == golden.read_text(encoding="utf-8"), query.name


@pytest.mark.servers
def test_publish_to_oxigraph_is_idempotent_and_queryable() -> None:
    _need_oxigraph()
    with oxigraph_server(union_default_graph=True) as base:
        args = ["publish", "--endpoint", f"{base}/store", "--seeds", str(ROOT / "seeds")]
        first = CliRunner().invoke(main, args)
        assert first.exit_code == 0, first.output
        second = CliRunner().invoke(main, args)
        assert second.exit_code == 0, second.output

        def counts(output: str) -> list[str]:
            return [line.split(": ")[1].split(" triples")[0] for line in output.splitlines()]

        assert counts(first.stdout) == counts(second.stdout)
        assert "(HTTP 204)" in second.stdout  # replaced, not added
        _golden_on(f"{base}/query")


@pytest.mark.servers
def test_publish_into_the_default_graph() -> None:
    _need_oxigraph()
    with oxigraph_server() as base:
        result = CliRunner().invoke(
            main,
            [
                "publish",
                "--endpoint",
                f"{base}/store",
                "--seeds",
                str(ROOT / "seeds"),
                "--default-graph",
            ],
        )
        assert result.exit_code == 0, result.output
        assert "into the default graph" in result.stdout
        _golden_on(f"{base}/query")


def test_regression_a_large_body_to_a_digest_store_was_sent_without_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Virtuoso's Graph Store takes only Digest credentials: publish sent Basic ones (refused
    with no challenge), then a body without credentials, which Virtuoso drops under 1.13M
    triples ("Connection reset by peer"). The Digest answer now goes with the one body."""
    monkeypatch.setenv(USER_ENV, "dba")
    monkeypatch.setenv(PASSWORD_ENV, "dba")
    body = b"<urn:a> <urn:b> <urn:c> .\n" * 1000
    with digest_graph_store() as (url, server):
        assert put_graph(url, "urn:mscowl:graph", body) == 201
        assert server.bodies == [len(body)]  # type: ignore[attr-defined]
        monkeypatch.setenv(PASSWORD_ENV, "wrong")
        with pytest.raises(EndpointError, match="HTTP 401"):
            put_graph(url, "urn:mscowl:graph", body)


def test_citation_metadata() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["license"] == "CC-BY-4.0"
    review = citation["references"][0]
    assert review["doi"] == "10.1186/s13045-021-01208-w"
    assert json.dumps(citation)  # plain data
