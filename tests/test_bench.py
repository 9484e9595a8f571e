"""The benchmark runs end to end at its smallest scale, so it never rots (no timing assertions:
speed is measured by bench/bench.py, not by tests)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from conftest import ROOT, required
from mscowl.validation.jena import jena_available

pytestmark = pytest.mark.slow


def load_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench", ROOT / "bench" / "bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_smallest_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench()
    assert (
        bench.main(
            [
                "--scales",
                "20",
                "--repeat",
                "1",
                "--rdflib-timeout",
                "240",
                "--results",
                str(tmp_path),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert printed.startswith("| measurement | 20 rows / ")
    (result_file,) = tmp_path.glob("*.json")
    results = json.loads(result_file.read_text())
    scale = results["scales"][0]
    assert scale["trial_rows"] == 20 and scale["triples"] > 2000
    assert scale["build_csv"]["rc"] == 0 and scale["build_xlsx"]["rc"] == 0
    engines = scale["validate"]
    assert engines["reference"] == "plain pySHACL"
    assert engines["mscowl validate"]["agrees_with_pyshacl"] is True
    assert engines["mscowl validate --engine pyshacl"]["agrees_with_pyshacl"] is True
    if jena_available() is None:
        assert engines["Jena SHACL"]["agrees_with_pyshacl"] is True
    assert engines["plain pySHACL"]["results"] > 0  # the invalid synthetic rows are found
    core = scale["validate_core"]  # pyrudof, a peer of SHACL Core, on the Core shapes
    assert core["agree"] is True and core["pyrudof (Core shapes)"]["results"] > 0
    assert {k.split("#")[0] for k in scale["queries"]} == {
        p.stem for p in (ROOT / "queries").glob("*.rq")
    }
    assert "evidence#3" in scale["queries"]  # every example of every query
    assert all(q.get("identical", True) for q in scale["queries"].values())
    assert all(q["oxigraph_runs"] >= 5 for q in scale["queries"].values())
    assert max(q["oxigraph_runs"] for q in scale["queries"].values()) > 5  # fast ones: more
    assert sum("identical" in q for q in scale["queries"].values()) >= 10
    for name in ("mechanisms", "trials"):  # end to end, beside a bare script and the CLI
        end_to_end = scale["end_to_end"][name]
        assert end_to_end["later"] > 0 and end_to_end["raw_pyoxigraph"] > 0
        assert end_to_end["x_help"] > 0  # --help in the same rounds
        if bench.oxigraph_cli() is not None:
            assert end_to_end["oxigraph_cli"] is not None, end_to_end
    peers = scale["build_peers"]  # the build beside morph-kgc, where it is installed
    assert peers["mscowl"]["rc"] == 0 and peers["mscowl"]["tree_pss_mb"] > 0
    if "missing" not in peers["morph_kgc"]:
        assert peers["agreement"]["same"] is True, peers["agreement"]
        assert peers["agreement"]["triples"] > 500
    assert set(results["startup"]) == {
        "python -c pass",
        "python -c 'import click'",
        "mscowl --help",
        "mscowl query --list",
    }
    server = scale["server"]
    if "skipped" not in server or required("MSCOWL_REQUIRE_OXIGRAPH"):
        assert server["publish"]["rc"] == 0
        assert set(server["queries"]) == set(scale["queries"])
        assert all(q["identical"] for q in server["queries"].values())
    virtuoso = scale["virtuoso"]
    if "skipped" not in virtuoso or required("MSCOWL_REQUIRE_VIRTUOSO"):
        assert virtuoso["bulk_load"]["rc"] == 0 and virtuoso["publish"]["rc"] == 0
        assert set(virtuoso["queries"]) == set(scale["queries"])
        assert all(q.get("identical") for q in virtuoso["queries"].values())
    assert "| queries on Virtuoso: same answers as embedded |" in printed


def test_the_rml_peer_mapping_is_what_bench_rml_writes() -> None:
    """bench/rml/ (the RML mapping morph-kgc is given) is written from seeds/mapping.toml by
    bench/rml.py: a change of the mapping that is not carried over fails here."""
    spec = importlib.util.spec_from_file_location("rml", ROOT / "bench" / "rml.py")
    assert spec and spec.loader
    rml = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rml)
    written = rml.rml_files()
    assert sorted(written) == sorted(p.name for p in (ROOT / "bench" / "rml").iterdir())
    for name, text in written.items():
        assert (ROOT / "bench" / "rml" / name).read_text(encoding="utf-8") == text, name
    assert "rml:parentTriplesMap :lookup-trials-phase" in written["trials-products.rml.ttl"]
