"""Persistent embedded stores: graph files are loaded once, and later queries open the store
read-only; a changed file gives a new store; concurrent first runs build one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ONTOLOGY, ROOT
from mscowl import api
from mscowl.sparql import stores
from mscowl.sparql.local import LocalStore
from mscowl.sparql.stores import KEEP, open_store, store_key


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    out = tmp_path / "built"
    api.build(ROOT / "seeds", out=out)
    return out / "knowledge-graph.nt"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "stores"
    monkeypatch.setenv("MSCOWL_STORE_CACHE", str(folder))
    return folder


def complete(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "mscowl-store.json").is_file())


def test_a_second_query_opens_the_store_without_parsing_anything(
    graph: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = api.query("lineages", data=[graph], seeds=ROOT / "seeds")
    assert len(complete(cache)) == 1

    def refuse(*_: object) -> None:
        raise AssertionError("the graph or the ontology was loaded again")

    monkeypatch.setattr(LocalStore, "load_file", refuse)
    monkeypatch.setattr(LocalStore, "load_ntriples", refuse)
    monkeypatch.setattr(stores, "_build", refuse)
    again = api.query("lineages", data=[graph], seeds=ROOT / "seeds")
    assert again.text_rows() == first.text_rows() and first.rows


def test_a_changed_file_gives_a_new_store_with_its_answers(graph: Path, cache: Path) -> None:
    before = api.query("lineages", data=[graph], seeds=ROOT / "seeds").text_rows()
    with graph.open("a", encoding="utf-8") as fh:  # one more lineage statement
        fh.write(
            "<https://w3id.org/mscowl/data/lineage/x> "
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/mscowl/MSCO_0000852> .\n"
            "<https://w3id.org/mscowl/data/lineage/x> <https://w3id.org/mscowl/MSCO_0000922> "
            "<http://purl.obolibrary.org/obo/CL_0000057> .\n"
            "<https://w3id.org/mscowl/data/lineage/x> <https://w3id.org/mscowl/MSCO_0000914> "
            "<https://w3id.org/mscowl/data/reference/lan2021> .\n"
        )
    after = api.query("lineages", data=[graph], seeds=ROOT / "seeds").text_rows()
    assert len(complete(cache)) == 2
    assert not any(row[0] == "CL:0000057" for row in before)
    assert any(row[0] == "CL:0000057" for row in after)


def test_the_key_is_the_content_not_the_file_time(graph: Path, cache: Path) -> None:
    key = store_key([graph], ONTOLOGY, cache)
    os.utime(graph, (time.time() + 10, time.time() + 10))  # touched, not changed
    assert store_key([graph], ONTOLOGY, cache) == key
    copy = graph.with_name("copy.nt")
    copy.write_bytes(graph.read_bytes())
    assert store_key([copy], ONTOLOGY, cache) == key


def test_concurrent_first_queries_build_one_store(graph: Path, cache: Path) -> None:
    command = [sys.executable, "-m", "mscowl", "query", "lineages", "--data", str(graph)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    assert len({out for out, _ in outputs}) == 1
    assert len(complete(cache)) == 1
    assert not [p for p in cache.iterdir() if p.name.startswith(".build-")]


def test_stores_turned_off_or_unwritable_answer_from_memory(
    graph: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSCOWL_STORE_CACHE", "off")
    expected = api.query("lineages", data=[graph], seeds=ROOT / "seeds").text_rows()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("MSCOWL_STORE_CACHE", str(blocker / "stores"))
    assert api.query("lineages", data=[graph], seeds=ROOT / "seeds").text_rows() == expected
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_the_store_is_read_only(graph: Path, cache: Path) -> None:
    store = open_store([graph], ROOT / "seeds", ONTOLOGY)
    with pytest.raises(Exception, match="read-write"):
        store.update("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")


def test_old_unused_stores_are_removed_beyond_the_newest(graph: Path, cache: Path) -> None:
    cache.mkdir(parents=True)
    old = time.time() - 2 * stores.IN_USE_SECONDS
    for n in range(KEEP + 2):
        folder = cache / f"{n:032x}"
        folder.mkdir()
        marker = folder / "mscowl-store.json"
        marker.write_text("{}", encoding="utf-8")
        os.utime(marker, (old + n, old + n))
    abandoned = cache / ".build-x-1-ab"
    abandoned.mkdir()
    os.utime(abandoned, (old, old))
    recent = cache / ("f" * 32)
    recent.mkdir()
    (recent / "mscowl-store.json").write_text("{}", encoding="utf-8")
    open_store([graph], ROOT / "seeds", ONTOLOGY)
    kept = {p.name for p in complete(cache)}
    assert len(kept) == KEEP + 1  # the one in use, the recent one, and the newest old ones
    assert "f" * 32 in kept and f"{KEEP + 1:032x}" in kept and f"{0:032x}" not in kept
    assert not abandoned.exists()
