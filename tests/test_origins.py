"""The origin index: written by the build, read back (whole, or only the rows a report needs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscowl.errors import InputError, Origin
from mscowl.seeds.origins import HEADER, OriginIndex, index_lines

TRIAL = "<https://w3id.org/mscowl/data/trial/NCT1>"
PRODUCT = "<https://w3id.org/mscowl/data/product/p1>"
ROUTE = "<https://w3id.org/mscowl/MSCO_0000911>"


def write_index(path: Path) -> Path:
    iv = "<http://purl.obolibrary.org/obo/NCIT_C38276>"
    triples = {
        (TRIAL, ROUTE, iv): Origin("trials.csv", None, 3, "route"),
        (PRODUCT, ROUTE, '"a\\ttab"'): Origin("products.csv", None, 2, "route"),
    }
    nodes = {
        TRIAL: Origin("trials.csv", None, 3, "id"),
        PRODUCT: Origin("products.csv", None, 2, "id"),
    }
    path.write_text("".join(index_lines(triples, nodes)), encoding="utf-8")
    return path


def test_the_index_reads_back_whole_or_for_some_subjects(tmp_path: Path) -> None:
    path = write_index(tmp_path / "origin-index.tsv")
    whole = OriginIndex.read(path)
    assert set(whole.nodes) == {TRIAL, PRODUCT}
    assert len(whole.triples) == 2
    assert whole.columns[("trials.csv", None, ROUTE)] == "route"
    some = OriginIndex.read(path, {TRIAL})
    assert set(some.nodes) == {TRIAL}
    assert [t[0] for t in some.triples] == [TRIAL]


def test_an_index_with_another_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "origin-index.tsv"
    path.write_text("\t".join(reversed(HEADER)) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected the header"):
        OriginIndex.read(path)
