"""`mscowl report`: charts drawn from the saved queries, as SVG and PNG, reproducibly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ONTOLOGY, ROOT
from mscowl.cli import main
from mscowl.release.charts import CHARTS, chart_data
from mscowl.sparql.local import open_local_store
from mscowl.sparql.saved import catalogue


@pytest.mark.slow
def test_chart_data_comes_from_the_queries() -> None:
    store = open_local_store([], ROOT / "seeds", ONTOLOGY)
    data = chart_data(store, catalogue(ROOT / "queries"))
    assert set(data) == set(CHARTS)
    sources = dict(data["trials-per-source"])
    assert sources["bone marrow"] == 8 and sources["not stated"] == 4
    assert sum(dict(data["trials-per-phase"]).values()) == sum(sources.values()) == 16
    assert {d for d, _ in data["mechanisms-by-direction"]} == {
        "pro-tumour",
        "anti-tumour",
        "context-dependent",
    }


@pytest.mark.slow
def test_report_writes_svg_and_png_reproducibly(tmp_path: Path) -> None:
    args = ["report", "--seeds", str(ROOT / "seeds")]
    first = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "b")])
    assert again.exit_code == 0
    for name in CHARTS:
        svg = (tmp_path / "a" / f"{name}.svg").read_bytes()
        assert svg.startswith(b"<?xml") and b"<svg" in svg
        assert svg == (tmp_path / "b" / f"{name}.svg").read_bytes()
        assert (tmp_path / "a" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"bone marrow" in (tmp_path / "a" / "trials-per-source.svg").read_bytes()
