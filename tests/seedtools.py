"""Helpers for tests that need a private, editable copy of the shipped seeds."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable
from pathlib import Path

from conftest import ROOT
from mscowl.seeds.sheets import Table

SEEDS = ROOT / "seeds"


def copy_seeds(target: Path) -> Path:
    """Copy the shipped seeds (sheets and mapping) into ``target`` and return it."""
    shutil.copytree(SEEDS, target)
    return target


def set_cell(seeds: Path, file: str, row_id: str, column: str, value: str) -> int:
    """Set one cell of a seed sheet (by row id and column); return its spreadsheet row number."""
    path = seeds / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    for number, row in enumerate(rows, start=1):
        if number > 1 and row[header.index("id")] == row_id:
            row[header.index(column)] = value
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows)
            path.write_text(out.getvalue(), encoding="utf-8")
            return number
    raise KeyError(row_id)


def plain_workbook(tables: Iterable[tuple[str, Table]], path: Path) -> None:
    """Sheets as a bare .xlsx, every cell as text (no dropdowns, no README sheet): the input of
    the reader's tests, where `mscowl workbook` would add what they do not test."""
    from openpyxl import Workbook

    workbook = Workbook()
    for sheet in list(workbook.worksheets):
        workbook.remove(sheet)
    for name, table in tables:
        sheet = workbook.create_sheet(title=name)
        sheet.append(table.header)
        for row in table.rows:
            sheet.append([row[column] for column in table.header])
        for cells in sheet.iter_rows():
            for cell in cells:
                cell.data_type = "s"
    workbook.save(path)
