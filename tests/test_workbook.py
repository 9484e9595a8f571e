"""`mscowl workbook`: a workbook made for editing (dropdowns on every controlled column,
documented headers, a README sheet) that builds to the same bytes as the CSVs, also after
LibreOffice Calc has saved it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import ROOT, required
from mscowl.cli import main
from mscowl.seeds.mapping import Mapping
from mscowl.seeds.sheets import README_SHEET, VALUES_SHEET, column_letter
from mscowl.seeds.workbook import ROWS

SEEDS = ROOT / "seeds"
MAPPING = Mapping.load(SEEDS / "mapping.toml")
CONTROLLED = ("enum", "boolean", "ref", "curie")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "seeds.xlsx"
    code, _, err = run("workbook", "--seeds", str(SEEDS), "--out", str(path))
    assert code == 0, err
    return path


@pytest.fixture(scope="module")
def csv_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "graph"
    code, _, err = run("build", "--seeds", str(SEEDS), "--out", str(out))
    assert code == 0, err
    return out


def validations(sheet: Worksheet, rows: int | None = ROWS) -> dict[str, str]:
    """Column letter → the list formula of the data validation that covers rows 2 to ``rows``
    (``None``: to any row; LibreOffice shortens the ranges to the rows in use and 1000 more)."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cells in str(validation.sqref).split():
            first, last = cells.split(":")
            letter = first.rstrip("0123456789")
            assert first == f"{letter}2", cells
            assert rows is None or last == f"{letter}{rows}", cells
            found[letter] = str(validation.formula1)
    return found


def test_every_controlled_column_of_every_sheet_has_a_dropdown(workbook: Path) -> None:
    book = load_workbook(workbook)
    checked = 0
    for name, sheet_map in MAPPING.sheets.items():
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        dropdowns = validations(sheet)
        for column in sheet_map.columns.values():
            letter = column_letter(header.index(column.name))
            if column.type in CONTROLLED:
                assert letter in dropdowns, f"{name}.{column.name}"
                checked += 1
            else:
                assert letter not in dropdowns, f"{name}.{column.name}"
    assert checked >= 60
    trials = book["trials"]
    header = [c.value for c in trials[1]]
    kind = validations(trials)[column_letter(header.index("kind"))]
    first, last = kind.lstrip("=").split("!")[1].replace("$", "").split(":")
    values = [c.value for row in book[VALUES_SHEET][f"{first}:{last}"] for c in row]
    assert sorted(values) == sorted(MAPPING.sheets["trials"].columns["kind"].values)
    product = validations(trials)[column_letter(header.index("product"))]
    assert product == "='products'!$A$2:$A$5000"  # the ids of the sheet it refers to


def test_term_columns_list_label_and_curie(workbook: Path) -> None:
    book = load_workbook(workbook)
    trials = book["trials"]
    header = [c.value for c in trials[1]]
    route = validations(trials)[column_letter(header.index("route"))]
    letter = route.split("!")[1].split(":")[0].strip("$").rstrip("0123456789").strip("$")
    listed = {c.value for c in book[VALUES_SHEET][letter][1:] if c.value}
    assert "Intravenous Route of Administration (NCIT:C38276)" in listed
    column = header.index("condition") + 1
    assert trials.cell(row=2, column=column).value == "ovarian cancer (MONDO:0008170)"


def test_headers_are_frozen_bold_filtered_and_documented(workbook: Path) -> None:
    book = load_workbook(workbook)
    for name, sheet_map in MAPPING.sheets.items():
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
        for cell in sheet[1]:
            assert cell.font.bold, (name, cell.value)
            note = cell.comment.text if cell.comment else ""
            column = sheet_map.columns[str(cell.value)]
            assert "Type: " in note and "Required: " in note, (name, cell.value)
            if column.required:
                assert "Required: yes" in note
        widths = [sheet.column_dimensions[column_letter(i)].width for i in range(sheet.max_column)]
        assert all(8 <= w <= 60 for w in widths), (name, widths)
    phase = book["trials"]["I1"].comment
    assert phase is not None


def test_a_readme_sheet_comes_first_and_the_lists_are_hidden(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert book.sheetnames[0] == README_SHEET
    assert book.sheetnames[-1] == VALUES_SHEET
    assert book[VALUES_SHEET].sheet_state == "hidden"
    text = " ".join(str(c.value) for row in book[README_SHEET].iter_rows() for c in row if c.value)
    assert "mscowl build --seeds" in text
    for name in MAPPING.sheets:
        assert name in text


def test_an_unedited_workbook_builds_the_bytes_of_the_csvs(
    workbook: Path, csv_build: Path, tmp_path: Path
) -> None:
    code, _, err = run("build", "--seeds", str(workbook), "--out", str(tmp_path / "x"))
    assert code == 0, err
    for name in ("knowledge-graph.ttl", "knowledge-graph.nt"):
        assert (tmp_path / "x" / name).read_bytes() == (csv_build / name).read_bytes()


@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_builds_the_same_bytes(
    workbook: Path, csv_build: Path, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if required("MSCOWL_REQUIRE_LIBREOFFICE"):
            pytest.fail("soffice not found (Debian libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed (Debian libreoffice-calc-nogui)")
    converted = tmp_path / "lo"
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(converted), str(workbook)],
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    resaved = converted / workbook.name
    assert resaved.read_bytes() != workbook.read_bytes()
    code, _, err = run("build", "--seeds", str(resaved), "--out", str(tmp_path / "x"))
    assert code == 0, err
    for name in ("knowledge-graph.ttl", "knowledge-graph.nt"):
        assert (tmp_path / "x" / name).read_bytes() == (csv_build / name).read_bytes()
    book = load_workbook(resaved)
    assert validations(book["trials"], rows=None) == {
        letter: formula.lstrip("=")
        .replace("'products'", "products")
        .replace("'references'", "references")
        for letter, formula in validations(load_workbook(workbook)["trials"]).items()
    }


def edited(workbook: Path, tmp_path: Path, sheet: str, column: str, value: str) -> tuple[Path, int]:
    book = load_workbook(workbook)
    header = [c.value for c in book[sheet][1]]
    book[sheet].cell(row=3, column=header.index(column) + 1, value=value)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path, 3


def test_a_value_typed_outside_a_dropdown_is_reported_with_its_cell(
    workbook: Path, tmp_path: Path
) -> None:
    path, row = edited(workbook, tmp_path, "trials", "kind", "anti-cancer")
    code, _, err = run("build", "--seeds", str(path), "--out", str(tmp_path / "x"))
    assert code == 2
    assert f"{path}:trials:{row}:kind: found 'anti-cancer' (did you mean 'anticancer'?)" in err
    assert not (tmp_path / "x").exists()


def test_a_term_whose_label_names_another_term_is_refused(workbook: Path, tmp_path: Path) -> None:
    path, row = edited(workbook, tmp_path, "trials", "condition", "breast cancer (MONDO:0008170)")
    code, _, err = run("build", "--seeds", str(path), "--out", str(tmp_path / "x"))
    assert code == 2
    assert (
        f"{path}:trials:{row}:condition: found 'breast cancer (MONDO:0008170)', but the label of "
        "MONDO:0008170 is 'ovarian cancer'"
    ) in err


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "seeds.xlsx"
    target.write_text("a curator's edits")
    code, _, err = run("workbook", "--seeds", str(SEEDS), "--out", str(target))
    assert code == 2
    assert "exists already" in err
    assert target.read_text() == "a curator's edits"
