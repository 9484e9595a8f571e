"""Coverage of the reference notes: every fact of review-notes.md sections 2-6 is returned by a
saved query, paired as the source pairs it (tests/coverage/reference-facts.tsv, one row per
fact). The table is the checklist that keeps coverage from sliding back."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import ONTOLOGY, ROOT
from mscowl.api import term_index
from mscowl.pipeline import locate_seeds
from mscowl.sparql.local import LocalStore, open_local_store
from mscowl.sparql.resolver import TermIndex, resolve_values
from mscowl.sparql.saved import catalogue

TABLE = Path(__file__).parent / "coverage" / "reference-facts.tsv"
#: The reference notes the table is written from (a copy, see tests/fixtures/reference/).
NOTES = Path(__file__).parent / "fixtures" / "reference" / "review-notes.md"
CATALOGUE = catalogue(ROOT / "queries")


def facts() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def pairs(text: str) -> dict[str, str]:
    """``a=1; b=x y`` as {"a": "1", "b": "x y"} (an empty value stays empty)."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, _, value = part.partition("=")
        out[name.strip()] = value.strip()
    return out


FACTS = facts()


@pytest.fixture(scope="module")
def store() -> LocalStore:
    return open_local_store([], ROOT / "seeds", ONTOLOGY)


@pytest.fixture(scope="module")
def index(store: LocalStore) -> TermIndex:
    return term_index(store, locate_seeds(ROOT / "seeds"))


def test_the_table_covers_every_section_and_names_saved_queries() -> None:
    notes = NOTES.read_text(encoding="utf-8")
    sections = set(re.findall(r"^##+ ([0-9]+[a-z]?)\. ", notes, flags=re.MULTILINE))
    assert {f["section"] for f in FACTS} == {s for s in sections if s[0] in "23456"}
    assert len(FACTS) >= 120
    for fact in FACTS:
        assert fact["query"] in CATALOGUE, fact["fact"]
        assert pairs(fact["expect"]), fact["fact"]


@pytest.mark.parametrize("fact", FACTS, ids=[f"{f['section']}: {f['fact']}" for f in FACTS])
def test_the_fact_is_returned(store: LocalStore, index: TermIndex, fact: dict[str, str]) -> None:
    saved = CATALOGUE[fact["query"]]
    values = resolve_values(saved, pairs(fact["params"]), lambda: index)
    table = store.select(saved.bind(values))
    wanted = pairs(fact["expect"])
    assert set(wanted) <= set(table.columns), (
        f"{saved.name} has no column {set(wanted) - set(table.columns)}"
    )
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.text_rows()]
    assert any(all(row[c] == v for c, v in wanted.items()) for row in rows), (
        f"no row of {saved.name} {fact['params']} has {wanted}"
    )
