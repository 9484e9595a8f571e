"""Reading CSV/TSV and XLSX sheets: rows keep their origin; misreadable input is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mscowl.errors import InputProblemsError
from mscowl.seeds.sheets import _cell_text, read_csv, read_seeds, read_xlsx
from seedtools import plain_workbook


def test_rows_are_numbered_as_in_a_spreadsheet_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,note\na, padded \n,\nb,"two\nlines"\nc\n', encoding="utf-8")
    table = read_csv(path)
    assert table.header == ["id", "note"]
    assert [(r.number, r.cells) for r in table.rows] == [
        (2, {"id": "a", "note": "padded"}),
        (4, {"id": "b", "note": "two\nlines"}),
        (5, {"id": "c", "note": ""}),
    ]
    assert str(table.rows[1].origin("note")) == f"{path}:4:note"


def test_a_value_repeated_in_a_sheet_is_held_once(tmp_path: Path) -> None:
    """100k rows repeat their codes and CURIEs: one string for each keeps the rows small."""
    path = tmp_path / "t.csv"
    path.write_text("id,phase\na,Phase 1\nb, Phase 1\nc,Phase 2\n", encoding="utf-8")
    first, second, third = read_csv(path).rows
    assert first["phase"] == second["phase"] == "Phase 1"
    assert first["phase"] is second["phase"] and third["phase"] == "Phase 2"
    assert first["missing"] == "" and first.values == ("a", "Phase 1")


def test_a_malformed_csv_is_refused_even_after_good_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,note\na,x\nb,"open\n', encoding="utf-8")
    with pytest.raises(InputProblemsError, match="malformed CSV"):
        read_csv(path)


def test_tsv_is_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("id\tnote\na\tx, y\n", encoding="utf-8")
    assert read_csv(path).rows[0].cells == {"id": "a", "note": "x, y"}


def test_header_problems_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,,id\n", encoding="utf-8")
    with pytest.raises(InputProblemsError) as caught:
        read_csv(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: column 2 of the header is blank; expected a column name",
        f"{path}:1:id: column name 'id' appears twice in the header; expected unique names",
    ]


def test_trailing_empty_cells_beyond_the_header_are_layout(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,note,,\na,b,,\n", encoding="utf-8")
    assert read_csv(path).rows[0].cells == {"id": "a", "note": "b"}


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(InputProblemsError, match="the file is empty"):
        read_csv(path)


def test_unreadable_path_and_unsupported_type(tmp_path: Path) -> None:
    from mscowl.errors import InputError

    with pytest.raises(InputError, match="no such file or directory"):
        read_seeds(tmp_path / "nope.xlsx", [], {})
    (tmp_path / "seeds.ods").write_bytes(b"")
    with pytest.raises(InputError, match=r"unsupported file type '\.ods'"):
        read_seeds(tmp_path / "seeds.ods", [], {})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (30, "30"),
        (95.0, "95"),
        (2.5, "2.5"),
        (0.1, "0.1"),
        (dt.datetime(2019, 4, 1), "2019-04-01"),
        (dt.date(2019, 4, 1), "2019-04-01"),
        ("Phase 1", "Phase 1"),
    ],
)
def test_xlsx_cell_values_read_as_the_text_a_csv_would_hold(value: object, text: str) -> None:
    assert _cell_text(value) == text


def test_workbook_round_trip_keeps_text_that_looks_like_numbers(tmp_path: Path) -> None:
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("id,threshold,formula_like\na,95.0,=1+1\n", encoding="utf-8")
    table = read_csv(csv_path)
    path = tmp_path / "w.xlsx"
    plain_workbook([("t", table)], path)
    tables, problems = read_xlsx(path)
    assert problems == []
    assert tables["t"].rows[0].cells == {"id": "a", "threshold": "95.0", "formula_like": "=1+1"}
    assert str(tables["t"].rows[0].origin("id")) == f"{path}:t:2:id"
