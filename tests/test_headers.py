"""Saved-query headers (mscowl.sparql.headers): read from YAML once, then from the file beside
the stores without importing PyYAML; never for what JSON would change, never for SERVICE."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from mscowl.errors import InputError
from mscowl.sparql import headers
from mscowl.sparql.headers import HeaderError, read_header
from mscowl.sparql.saved import SavedQuery

HEADER = "title: T\nparams:\n  - {name: x, type: string}\nexamples:\n  - {x: 1}\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MSCOWL_STORE_CACHE", str(tmp_path / "stores"))
    return tmp_path / "stores"


def no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make importing PyYAML fail, as if it were not installed."""
    monkeypatch.setitem(sys.modules, "yaml", None)


def test_a_header_is_read_once_then_remembered(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = read_header(HEADER)
    assert first["examples"] == [{"x": 1}]
    assert len(json.loads((cache / headers.FILE).read_text())) == 1
    no_yaml(monkeypatch)
    assert read_header(HEADER) == first  # from the file: PyYAML is not imported


def test_values_json_would_change_are_not_remembered(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for text in ("when: 2021-05-01\n", "1: integer key\n", "x: .nan\n"):
        value = read_header(text)
        assert read_header(text) == value or text == "x: .nan\n"
    assert not (cache / headers.FILE).exists()
    no_yaml(monkeypatch)
    with pytest.raises(ImportError):
        read_header("when: 2021-05-01\n")


def test_service_is_always_read_from_the_header_itself(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "title: T\nservice: true\n"
    assert read_header(text)["service"] is True
    assert not (cache / headers.FILE).exists()
    # a file that says otherwise (written by anything) is not believed
    key = hashlib.sha256(b"title: T\n").hexdigest()
    cache.mkdir(parents=True)
    (cache / headers.FILE).write_text(json.dumps({key: {"title": "T", "service": True}}))
    assert read_header("title: T\n") == {"title": "T"}


def test_a_broken_file_is_a_miss_and_is_replaced(cache: Path) -> None:
    cache.mkdir(parents=True)
    (cache / headers.FILE).write_text("{not json")
    assert read_header(HEADER)["title"] == "T"
    assert len(json.loads((cache / headers.FILE).read_text())) == 1


def test_at_most_the_newest_headers_are_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headers, "MOST", 3)
    for number in range(5):
        read_header(f"title: T{number}\n")
    kept = json.loads((cache / headers.FILE).read_text())
    assert [value["title"] for value in kept.values()] == ["T2", "T3", "T4"]


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSCOWL_STORE_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert read_header(HEADER)["title"] == "T"
    assert list(tmp_path.iterdir()) == []


def test_bad_yaml_is_refused_with_its_file(cache: Path) -> None:
    with pytest.raises(HeaderError):
        read_header("title: [unclosed\n")
    with pytest.raises(InputError, match=r"q\.rq: the #\+ header is not valid YAML"):
        SavedQuery.parse("q", "#+ title: [unclosed\nSELECT * {}", Path("q.rq"))


def test_a_saved_query_runs_without_importing_pyyaml_the_second_time(cache: Path) -> None:
    code = (
        "import sys; from mscowl.sparql.saved import resolve; from pathlib import Path; "
        f"resolve('mechanisms', Path({str(ROOT / 'queries')!r})); "
        "print('yaml' in sys.modules)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]
