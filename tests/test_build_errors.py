"""A corpus of broken seeds: each error kind gives a precise message at the right cell, exit code 2,
and leaves the previous good build untouched."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import FIXTURES
from mscowl.cli import main
from seedtools import SEEDS, copy_seeds, set_cell

BROKEN = FIXTURES / "seeds-broken"


@pytest.fixture
def good_build(tmp_path: Path) -> Path:
    """A previous good build in tmp_path/build; the test breaks the seeds and builds again."""
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "--seeds", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def build_broken(seeds: Path, out: Path, *extra: str) -> tuple[int, list[str]]:
    before = snapshot(out)
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out), *extra])
    assert snapshot(out) == before, "a failed build changed the previous output"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".build")], "staging left"
    errors = [
        line.removeprefix("mscowl: error: ")
        for line in result.output.splitlines()
        if line.startswith("mscowl: error: ")
    ]
    return result.exit_code, errors


# (case, sheet file, row id, column, bad value, expected message fragment)
CELL_CASES = [
    (
        "missing-required",
        "lineages.csv",
        "osteocyte",
        "evidence",
        "",
        "found an empty cell; expected a value",
    ),
    (
        "required-when",
        "marker-criteria.csv",
        "isct-cd105",
        "polarity",
        "",
        "found an empty cell; expected a value when kind is 'marker'",
    ),
    (
        "unknown-prefix",
        "lineages.csv",
        "osteocyte",
        "lineage",
        "CLL:0000137",
        "found 'CLL:0000137' with the unknown prefix 'CLL' (did you mean 'CL'?)",
    ),
    (
        "prefix-not-allowed",
        "lineages.csv",
        "osteocyte",
        "lineage",
        "UBERON:0002371",
        "found 'UBERON:0002371'; expected a CURIE with prefix MSCO or CL",
    ),
    (
        "not-a-curie",
        "lineages.csv",
        "osteocyte",
        "lineage",
        "osteocyte",
        "found 'osteocyte', which is not a CURIE; expected a CURIE with prefix MSCO or CL",
    ),
    (
        "iri-instead-of-curie",
        "lineages.csv",
        "osteocyte",
        "lineage",
        "http://purl.obolibrary.org/obo/CL_0000137",
        "found the IRI",
    ),
    (
        "invented-term",
        "lineages.csv",
        "osteocyte",
        "lineage",
        "CL:9999999",
        "found 'CL:9999999', which is in no verified source",
    ),
    (
        "undeclared-own-term",
        "mechanisms.csv",
        "immunosuppression",
        "process",
        "MSCO:0999999",
        "found 'MSCO:0999999', which the ontology does not declare",
    ),
    (
        "malformed-iri",
        "references.csv",
        "lan2021",
        "url",
        "htp://jhoonline example",
        "found 'htp://jhoonline example', which is not a well-formed IRI",
    ),
    (
        "bad-date",
        "trials.csv",
        "NCT02068794",
        "status_as_of",
        "2014-02-30",
        "found '2014-02-30', which is not a calendar date",
    ),
    (
        "bad-month",
        "trials.csv",
        "NCT02068794",
        "status_as_of",
        "2014-13",
        "found '2014-13'; expected a month from 01 to 12",
    ),
    (
        "bad-integer",
        "trials.csv",
        "NCT01844661",
        "enrolment",
        "34 recruited",
        "found '34 recruited'; expected a whole number of 0 or more",
    ),
    (
        "negative-integer",
        "trials.csv",
        "NCT01844661",
        "enrolment",
        "-3",
        "found '-3'; expected a whole number of 0 or more",
    ),
    (
        "bad-decimal",
        "marker-criteria.csv",
        "isct-cd105",
        "threshold",
        "95%",
        "found '95%'; expected a decimal number",
    ),
    (
        "out-of-range",
        "marker-criteria.csv",
        "isct-cd105",
        "threshold",
        "120",
        "found 120; expected a number of at most 100",
    ),
    (
        "bad-year",
        "references.csv",
        "lan2021",
        "year",
        "21",
        "found '21'; expected a year of four digits",
    ),
    (
        "not-allowed",
        "trials.csv",
        "NCT02068794",
        "phase",
        "Phase 5",
        "found 'Phase 5' (did you mean 'Phase 4'?); expected one of: Early Phase 1, Phase 1,",
    ),
    (
        "pattern",
        "references.csv",
        "lan2021",
        "pmid",
        "PMID:34789315",
        "found 'PMID:34789315'; expected text matching [1-9][0-9]{0,8}",
    ),
    (
        "bad-id",
        "lineages.csv",
        "osteocyte",
        "id",
        "osteo cyte",
        "found the id 'osteo cyte'; expected letters, digits and . _ ~ - only",
    ),
    (
        "duplicate-id",
        "lineages.csv",
        "chondrocyte",
        "id",
        "osteocyte",
        "found the id 'osteocyte' again; expected unique ids (first at row 2)",
    ),
    (
        "dangling-ref",
        "lineages.csv",
        "osteocyte",
        "source",
        "lan2021;nosuchref",
        "found 'nosuchref', which no row of sheet 'references' defines",
    ),
    (
        "dangling-product",
        "trials.csv",
        "NCT02068794",
        "product",
        "no-such-product",
        "found 'no-such-product', which no row of sheet 'products' defines",
    ),
    (
        "require-one-of",
        "references.csv",
        "pmc3870125",
        "pmcid",
        "",
        "found no value in pmid, pmcid, doi, registry_id or url with read_on; "
        "expected at least one",
    ),
    # untrusted cells (issue 25): each gives one line with its cell, never a traceback
    (
        "huge-integer",
        "trials.csv",
        "NCT02530047",
        "enrolment",
        "9" * 5000,
        "found a number of 5000 characters; expected at most 40 digits",
    ),
    (
        "zero-width-label",
        "tissue-sources.csv",
        "bone-marrow",
        "label",
        "\u200b",
        "found '\\u200b', which has no visible character; expected text",
    ),
    (
        "control-character-in-url",
        "references.csv",
        "EudraCT-2012-003741-15",
        "url",
        "https://example.org/a\x01b",
        "which is not a well-formed IRI",
    ),
    (
        "curie-that-breaks-an-iri",
        "trials.csv",
        "NCT02530047",
        "condition",
        "MONDO:0008170>x",
        "whose identifier has characters an IRI may not hold",
    ),
]


@pytest.mark.parametrize(
    ("case", "file", "row_id", "column", "value", "message"),
    CELL_CASES,
    ids=[c[0] for c in CELL_CASES],
)
def test_bad_cell_is_reported_at_its_cell(
    good_build: Path,
    tmp_path: Path,
    case: str,
    file: str,
    row_id: str,
    column: str,
    value: str,
    message: str,
) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    row = set_cell(seeds, file, row_id, column, value)
    if case == "require-one-of":
        row = set_cell(seeds, file, row_id, "pmcid", "")
        column = "pmid"
    code, errors = build_broken(seeds, good_build)
    assert code == 2
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{seeds / file}:{row}:{column}: "), errors[0]
    assert message in errors[0]


# (case directory in tests/fixtures/seeds-broken, expected location after the seeds dir, message)
FILE_CASES = [
    ("bom", "lineages.csv:1: ", "starts with a UTF-8 byte-order mark (BOM); expected UTF-8"),
    ("utf16", "lineages.csv:1: ", "UTF-16 byte-order mark; the file is UTF-16; expected UTF-8"),
    ("latin1", "lineages.csv:3: ", "byte 0xE9 at character 131 is not valid UTF-8"),
    ("empty", "lineages.csv: ", "the file is empty; expected a header row and data rows"),
    ("blank-header", "lineages.csv:1: ", "column 4 of the header is blank"),
    ("duplicate-header", "lineages.csv:1:label: ", "column name 'label' appears twice"),
    ("long-row", "lineages.csv:5: ", "row has a value ('stray value') in column 7"),
    ("unknown-column", "lineages.csv:1:comment: ", "unknown column 'comment'; expected one of"),
    ("missing-column", "lineages.csv:1:evidence: ", "the column 'evidence' is missing"),
    ("extra-file", "lineage.csv: ", "the file is not a sheet of the mapping"),
]


@pytest.mark.parametrize(("case", "where", "message"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_file_is_reported(
    good_build: Path, tmp_path: Path, case: str, where: str, message: str
) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    for path in (BROKEN / case).iterdir():
        shutil.copy(path, seeds / path.name)
    code, errors = build_broken(seeds, good_build)
    assert code == 2
    matching = [e for e in errors if e.startswith(f"{seeds}/{where}")]
    assert matching, errors
    assert message in matching[0]


def test_missing_sheet(good_build: Path, tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    (seeds / "pathways.csv").unlink()
    code, errors = build_broken(seeds, good_build)
    assert code == 2
    assert errors == [
        f"{seeds}/pathways.csv: the sheet 'pathways' is missing; expected the file pathways.csv"
    ]


def test_all_problems_of_a_run_are_reported_together(good_build: Path, tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    shutil.copy(BROKEN / "bom" / "lineages.csv", seeds / "lineages.csv")
    phase_row = set_cell(seeds, "trials.csv", "NCT02068794", "phase", "Phase 5")
    enrol_row = set_cell(seeds, "trials.csv", "NCT01844661", "enrolment", "many")
    set_cell(seeds, "marker-criteria.csv", "isct-cd73", "threshold", "x")
    code, errors = build_broken(seeds, good_build)
    assert code == 2
    assert [e.split(": ", 1)[0] for e in errors] == [
        f"{seeds}/lineages.csv:1",
        f"{seeds}/marker-criteria.csv:3:threshold",
        f"{seeds}/trials.csv:{phase_row}:phase",
        f"{seeds}/trials.csv:{enrol_row}:enrolment",
    ]


def test_cli_summarises_the_number_of_problems(good_build: Path, tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    set_cell(seeds, "lineages.csv", "osteocyte", "lineage", "CL:nope")
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(good_build)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "mscowl: 1 problem(s) found; nothing was written"


# --------------------------------------------------------------------------------------------
# Workbooks


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "seeds.xlsx"
    result = CliRunner().invoke(main, ["workbook", "--seeds", str(SEEDS), "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def build_workbook(path: Path, out: Path) -> tuple[int, list[str]]:
    return build_broken(path, out, "--mapping", str(SEEDS / "mapping.toml"))


def test_xlsx_merged_cells(good_build: Path, workbook: Path) -> None:
    book = load_workbook(workbook)
    book["lineages"].merge_cells("B3:C3")
    book.save(workbook)
    code, errors = build_workbook(workbook, good_build)
    assert code == 2
    assert errors == [
        f"{workbook}:lineages:3: cells B3:C3 are merged; expected one value per cell (unmerge them)"
    ]


def test_xlsx_formula(good_build: Path, workbook: Path) -> None:
    book = load_workbook(workbook)
    trials = book["trials"]
    letter = next(c.column_letter for c in trials[1] if c.value == "enrolment")
    trials[f"{letter}2"] = "=1+1"
    book.save(workbook)
    code, errors = build_workbook(workbook, good_build)
    assert code == 2
    assert errors == [
        f"{workbook}:trials:2:enrolment: cell {letter}2 holds the formula '=1+1'; "
        "expected a plain value (paste values instead)"
    ]


def test_xlsx_hidden_sheet(good_build: Path, workbook: Path) -> None:
    book = load_workbook(workbook)
    book["pathways"].sheet_state = "hidden"
    book.save(workbook)
    code, errors = build_workbook(workbook, good_build)
    assert code == 2
    assert errors == [
        f"{workbook}:pathways: the sheet is hidden; expected only visible sheets "
        "(unhide it, or delete it if its rows should not be built)"
    ]


def test_xlsx_unknown_and_missing_sheets(good_build: Path, workbook: Path) -> None:
    book = load_workbook(workbook)
    book["strategies"].title = "strategy"
    book.save(workbook)
    code, errors = build_workbook(workbook, good_build)
    assert code == 2
    assert f"{workbook}:strategies: the sheet 'strategies' is missing" in "\n".join(errors)
    assert f"{workbook}:strategy: unknown sheet 'strategy'" in "\n".join(errors)


def test_xlsx_zip_bomb(good_build: Path, workbook: Path) -> None:
    with zipfile.ZipFile(workbook, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    code, errors = build_workbook(workbook, good_build)
    assert code == 2
    assert len(errors) == 1
    assert errors[0].startswith(f"{workbook}: part 'xl/media/padding.bin' expands ")
    assert "a zip bomb?" in errors[0]


def test_not_a_workbook(good_build: Path, tmp_path: Path) -> None:
    fake = tmp_path / "seeds.xlsx"
    fake.write_text("id,label\n")
    code, errors = build_workbook(fake, good_build)
    assert code == 2
    assert errors[0].startswith(f"{fake}: not a readable .xlsx (zip) file")


def test_xlsx_numbers_and_dates_typed_by_a_curator_read_as_in_csv(
    good_build: Path, workbook: Path, tmp_path: Path
) -> None:
    import datetime as dt

    book = load_workbook(workbook)
    sheet = book["trials"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if cells["id"].value == "NCT03298763":
            cells["status_as_of"].value = dt.datetime(2025, 6, 26)
        if cells["id"].value == "NCT01844661":
            cells["enrolment"].value = 34.0
    book.save(workbook)
    out = tmp_path / "from-typed"
    result = CliRunner().invoke(
        main,
        [
            "build",
            "--seeds",
            str(workbook),
            "--mapping",
            str(SEEDS / "mapping.toml"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (out / "knowledge-graph.nt").read_bytes() == (
        good_build / "knowledge-graph.nt"
    ).read_bytes()


def test_xlsx_very_hidden_sheet_and_formula_beyond_column_z(
    good_build: Path, workbook: Path
) -> None:
    book = load_workbook(workbook)
    book["strategies"].sheet_state = "veryHidden"
    book["lineages"]["AB3"] = "=A3"
    book.save(workbook)
    code, errors = build_workbook(workbook, good_build)
    assert code == 2
    assert (
        f"{workbook}:lineages:3:AB: cell AB3 holds the formula '=A3'; expected a plain value "
        "(paste values instead)" in errors
    )
    assert any(e.startswith(f"{workbook}:strategies: the sheet is veryHidden;") for e in errors)
