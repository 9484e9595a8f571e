"""Read seed spreadsheets (CSV, TSV or one XLSX workbook) into rows that remember their origin.

Every cell keeps the file, sheet, spreadsheet row (the header is row 1, as a curator sees it in
a spreadsheet program) and column it came from, so later errors can point at it. Input that would
be read wrongly is refused with a precise message instead of being guessed at: a byte-order mark
or a non-UTF-8 encoding, an empty file, a header with blank or repeated names, a row longer than
its header, and in workbooks merged cells, formulas, hidden sheets and archives that expand to
far more than they hold (zip bombs). All problems of a file are collected, not only the first.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "trials.csv"
>>> _ = path.write_text("id,phase\\nNCT02068794,Phase 1/2\\n")
>>> table = read_csv(path)
>>> row = table.rows[0]
>>> row.number, row["phase"], str(row.origin("phase")).endswith("trials.csv:2:phase")
(2, 'Phase 1/2', True)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Final

from mscowl.errors import InputError, InputProblemsError, Origin
from mscowl.safety import check_regular_file, excerpt, printable

#: Sheets of a workbook that are not data (``mscowl workbook`` writes them): never read.
README_SHEET: Final = "README"
VALUES_SHEET: Final = "allowed-values"
RESERVED_SHEETS: Final = frozenset({README_SHEET, VALUES_SHEET})

#: Largest CSV/TSV sheet read, and the most cells a workbook's sheet may span (calamine makes
#: every cell of the rectangle from A1 to the farthest cell, empty or not).
MAX_SHEET_BYTES = 2 * 1024**3
MAX_XLSX_CELLS = 20_000_000

#: Largest total size an .xlsx may expand to, and the largest compression ratio of its parts.
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100

_BOMS = (
    (b"\xef\xbb\xbf", "a UTF-8 byte-order mark (BOM)"),
    (b"\xff\xfe\x00\x00", "a UTF-32 byte-order mark; the file is UTF-32"),
    (b"\x00\x00\xfe\xff", "a UTF-32 byte-order mark; the file is UTF-32"),
    (b"\xff\xfe", "a UTF-16 byte-order mark; the file is UTF-16"),
    (b"\xfe\xff", "a UTF-16 byte-order mark; the file is UTF-16"),
)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its spreadsheet row number and its cells (stripped text) in the order of
    the header: a tuple, not a dict per row, which keeps 100k rows small."""

    table: Table
    number: int
    values: tuple[str, ...]

    def __getitem__(self, column: str) -> str:
        """The cell of ``column``; empty for a column the sheet does not have."""
        position = self.table.positions.get(column)
        return "" if position is None else self.values[position]

    @property
    def cells(self) -> dict[str, str]:
        """The cells by column name."""
        return dict(zip(self.table.header, self.values, strict=True))

    def origin(self, column: str | None = None) -> Origin:
        """Where a cell of this row (or the row itself) came from."""
        return Origin(self.table.file, self.table.sheet, self.number, column)


@dataclass
class Table:
    """A sheet: the file (and sheet, for workbooks) it came from, its header and its rows."""

    file: str
    sheet: str | None
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Column name -> position in a row's values (read once the header is set)."""
        return {column: position for position, column in enumerate(self.header)}

    def origin(self, row: int | None = None, column: str | None = None) -> Origin:
        return Origin(self.file, self.sheet, row, column)


def read_seeds(
    path: Path, names: Iterable[str], files: dict[str, str], shown_as: str | None = None
) -> tuple[dict[str, Table], list[InputError]]:
    """Read the sheets ``names`` from a seeds directory (``files[name]`` inside it) or a workbook.
    Origins name a directory ``shown_as`` instead of its path, when given.

    Returns the sheets that could be read and every problem found (including sheets that are
    absent), so that one run reports every problem.
    """
    problems: list[InputError] = []
    if path.is_dir():
        tables: dict[str, Table] = {}
        root = path.resolve()
        for name in names:
            file = path / files[name]
            shown = f"{shown_as}/{files[name]}" if shown_as else str(file)
            if file.is_symlink() and root not in file.resolve().parents:
                problems.append(
                    InputError(
                        f"is a link to {file.resolve()}, outside the seeds folder; expected the "
                        "sheet itself (copy it into the folder)",
                        Origin(shown),
                    )
                )
                continue
            if not file.exists():
                problems.append(
                    InputError(
                        f"the sheet '{name}' is missing; expected the file {files[name]}",
                        Origin(shown),
                    )
                )
                continue
            try:
                tables[name] = read_csv(file, shown)
            except InputProblemsError as exc:
                problems.extend(exc.problems)
        return tables, problems
    if path.suffix.lower() == ".xlsx" and path.is_file():
        tables, problems, titles = _read_workbook(path)
        problems += [
            InputError(
                f"the sheet '{name}' is missing; expected a sheet of that name",
                Origin(str(path), name),
            )
            for name in names
            if name not in titles
        ]
        return tables, problems
    if not path.exists():
        raise InputError(
            "no such file or directory; expected a seeds directory or an .xlsx file",
            Origin(str(path)),
        )
    raise InputError(
        f"unsupported file type '{path.suffix}'; expected a directory or .xlsx", Origin(str(path))
    )


# --------------------------------------------------------------------------------------------
# CSV / TSV


def read_csv(path: Path, shown: str | None = None) -> Table:
    """Read a UTF-8 CSV (or, for ``.tsv``, tab-separated) file with a header row; origins name
    it ``shown`` (default: its path)."""
    name = shown or str(path)
    try:
        check_regular_file(path, "sheet", MAX_SHEET_BYTES)
        data = path.read_bytes()
    except InputError as exc:
        raise InputProblemsError([InputError(exc.message, Origin(name))]) from exc
    except OSError as exc:
        problem = InputError(f"cannot read the file: {exc.strerror}", Origin(name))
        raise InputProblemsError([problem]) from exc
    text = _decode(data, name)
    if not text.strip():
        raise _fail("the file is empty; expected a header row and data rows", Origin(name))
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    return _table(name, None, _cleaned(_csv_records(reader, name)))


def _csv_records(reader: Iterator[list[str]], name: str) -> Iterator[list[str]]:
    """The records of a CSV reader, read as the table is made (no list of the raw records)."""
    try:
        yield from reader
    except csv.Error as exc:
        raise _fail(f"malformed CSV: {exc}; expected well-formed quoting", Origin(name)) from exc


def _cleaned(records: Iterable[list[str]]) -> Iterator[list[str]]:
    """Records with stripped cells (no spaces around a value), a value repeated in the sheet
    held once: codes and CURIEs repeat in every row, and one string each keeps a sheet small."""
    held: dict[str, str] = {}
    hold = held.setdefault
    for record in records:
        yield [hold(value, value) for value in map(str.strip, record)]


def _fail(message: str, origin: Origin) -> InputProblemsError:
    return InputProblemsError([InputError(message, origin)])


def _decode(data: bytes, name: str) -> str:
    for bom, what in _BOMS:
        if data.startswith(bom):
            raise _fail(
                f"the file starts with {what}; expected UTF-8 without a byte-order mark "
                "(save as plain 'CSV UTF-8' without BOM, or strip the first bytes)",
                Origin(name, row=1),
            )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(
            f"byte 0x{data[exc.start]:02X} at character {column} is not valid UTF-8 "
            "(the file looks like Latin-1 or Windows-1252); expected UTF-8",
            Origin(name, row=line),
        ) from exc


def _table(file: str, sheet: str | None, records: Iterator[list[str]]) -> Table:
    """Build a table from raw records (header first), checking the header and row lengths."""
    problems: list[InputError] = []
    header: list[str] | None = None
    table = Table(file, sheet, [])
    for number, record in enumerate(records, start=1):
        if header is None:
            if not any(record):
                raise _fail("the first row is empty; expected the header row", table.origin(number))
            header = _check_header(record, table, problems)
            table.header = header
            continue
        if not any(record):
            continue  # blank rows are layout, not data
        if len(record) > len(header) and any(record[len(header) :]):
            extra = next(i for i in range(len(header), len(record)) if record[i])
            problems.append(
                InputError(
                    f"row has a value ({excerpt(record[extra])}) in column {extra + 1}, beyond the "
                    f"{len(header)} columns of the header; expected at most {len(header)} cells",
                    table.origin(number),
                )
            )
            continue
        if len(record) != len(header):
            record = (record + [""] * len(header))[: len(header)]
        table.rows.append(Row(table, number, tuple(record)))
    if header is None:
        problems.append(
            InputError("the sheet is empty; expected a header row and data rows", table.origin())
        )
    if problems:
        raise InputProblemsError(problems)
    return table


def _check_header(record: list[str], table: Table, problems: list[InputError]) -> list[str]:
    while record and not record[-1]:
        record = record[:-1]
    seen: set[str] = set()
    for index, column in enumerate(record, start=1):
        if not column:
            problems.append(
                InputError(
                    f"column {index} of the header is blank; expected a column name",
                    table.origin(1),
                )
            )
        elif len(column) > 100 or printable(column) != column:
            problems.append(
                InputError(
                    f"column {index} of the header is {excerpt(column)}, which is no column name; "
                    "expected a short name (is this the right file?)",
                    table.origin(1),
                )
            )
        elif column in seen:
            problems.append(
                InputError(
                    f"column name '{column}' appears twice in the header; expected unique names",
                    table.origin(1, column),
                )
            )
        seen.add(column)
    return record


# --------------------------------------------------------------------------------------------
# XLSX


def read_xlsx(path: Path) -> tuple[dict[str, Table], list[InputError]]:
    """Read every sheet of a workbook; refuse merged cells, formulas, hidden sheets, zip bombs.

    Returns the clean sheets and the problems of the others (a sheet with any problem is left
    out). A file that is not a readable workbook at all raises :class:`InputProblemsError`.
    """
    tables, problems, _ = _read_workbook(path)
    return tables, problems


def _read_workbook(path: Path) -> tuple[dict[str, Table], list[InputError], list[str]]:
    """Values through python-calamine (much faster than openpyxl on large sheets); hidden
    sheets and merged cells from its metadata, formulas from the sheets' XML."""
    name = str(path)
    _check_archive(path)
    formulas, extents = _scan_sheets(path)
    for title, (far_row, far_col) in extents.items():
        span = (far_row + 1) * (far_col + 1)
        if span > MAX_XLSX_CELLS:
            raise _fail(
                f"the sheet reaches cell {_cell_name(far_row, far_col)}, so it spans {span} "
                f"cells, more than the limit of {MAX_XLSX_CELLS}; delete what lies far outside "
                "the data (select the empty rows and columns, Delete), or split the sheet",
                Origin(name, title),
            )
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(name)
    except Exception as exc:  # calamine raises several types for damaged files
        raise _fail(
            f"cannot open the workbook: {str(exc)[:200]}; expected a valid .xlsx", Origin(name)
        ) from exc
    tables: dict[str, Table] = {}
    problems: list[InputError] = []
    titles = [str(meta.name) for meta in workbook.sheets_metadata]
    for meta in workbook.sheets_metadata:
        title = str(meta.name)
        if title in RESERVED_SHEETS:
            continue
        before = len(problems)
        if meta.visible != python_calamine.SheetVisibleEnum.Visible:
            state = (
                "veryHidden"
                if meta.visible == python_calamine.SheetVisibleEnum.VeryHidden
                else ("hidden")
            )
            problems.append(
                InputError(
                    f"the sheet is {state}; expected only visible sheets "
                    "(unhide it, or delete it if its rows should not be built)",
                    Origin(name, title),
                )
            )
            continue
        sheet = workbook.get_sheet_by_name(title)
        for (row0, col0), (row1, col1) in sorted(sheet.merged_cell_ranges or []):
            cells = f"{_cell_name(row0, col0)}:{_cell_name(row1, col1)}"
            problems.append(
                InputError(
                    f"cells {cells} are merged; expected one value per cell (unmerge them)",
                    Origin(name, title, row0 + 1),
                )
            )
        records = list(
            _cleaned([_cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False))
        )
        header = next((r for r in records if any(r)), [])
        for row0, col0, formula in formulas.get(title, []):
            column = header[col0] if col0 < len(header) and header[col0] else column_letter(col0)
            problems.append(
                InputError(
                    f"cell {_cell_name(row0, col0)} holds the formula '={formula}'; "
                    "expected a plain value (paste values instead)",
                    Origin(name, title, row0 + 1, column),
                )
            )
        try:
            table = _table(name, title, iter(records))
        except InputProblemsError as exc:
            problems.extend(exc.problems)
            continue
        if len(problems) == before:
            tables[title] = table
    return tables, problems, titles


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based index.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_name(row0: int, col0: int) -> str:
    return f"{column_letter(col0)}{row0 + 1}"


_MAIN_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _scan_sheets(
    path: Path,
) -> tuple[dict[str, list[tuple[int, int, str]]], dict[str, tuple[int, int]]]:
    """Each sheet's formulas, (row, column, formula) 0-based, and its extent (the farthest row
    and column any cell or the sheet's dimension names), read by streaming each sheet's XML
    before calamine sees it: calamine gives cached values, not formulas, and allocates every
    cell of the extent. A part with a DTD, or one that is not XML, is refused."""
    from xml.etree.ElementTree import ParseError, fromstring, iterparse

    name = str(path)
    formulas: dict[str, list[tuple[int, int, str]]] = {}
    extents: dict[str, tuple[int, int]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
                return formulas, extents
            rels = fromstring(_xml_part(archive, "xl/_rels/workbook.xml.rels", name))
            targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
            book = fromstring(_xml_part(archive, "xl/workbook.xml", name))
            for sheet in book.iter(f"{_MAIN_NS}sheet"):
                target = targets.get(sheet.get(f"{_REL_NS}id"), "").lstrip("/")
                part = target if target.startswith("xl/") else f"xl/{target}"
                if part not in names:
                    continue
                title = str(sheet.get("name"))
                _xml_part(archive, part, name, head_only=True)
                cells = []
                far_row = far_col = 0
                with archive.open(part) as stream:
                    for _, element in iterparse(stream):
                        tag = element.tag
                        if tag == f"{_MAIN_NS}c":
                            row0, col0 = _cell_index(element.get("r", "A1"))
                            far_row, far_col = max(far_row, row0), max(far_col, col0)
                            formula = element.find(f"{_MAIN_NS}f")
                            if formula is not None:
                                cells.append((row0, col0, formula.text or ""))
                            element.clear()
                        elif tag == f"{_MAIN_NS}dimension":
                            last = element.get("ref", "A1").split(":")[-1]
                            row0, col0 = _cell_index(last)
                            far_row, far_col = max(far_row, row0), max(far_col, col0)
                extents[title] = (far_row, far_col)
                if cells:
                    formulas[title] = cells
    except (zipfile.BadZipFile, ParseError, EOFError, ValueError, OSError) as exc:
        # zlib.error is no OSError: damaged parts raise it through zipfile
        raise _fail(f"the workbook is damaged: {str(exc)[:200]}", Origin(name)) from exc
    except Exception as exc:
        if type(exc).__name__ == "error":  # zlib.error
            raise _fail(f"the workbook is damaged: {str(exc)[:200]}", Origin(name)) from exc
        raise
    return formulas, extents


def _xml_part(archive: zipfile.ZipFile, part: str, name: str, *, head_only: bool = False) -> bytes:
    """A part of the archive (or its first bytes), refused when it declares a DTD."""
    with archive.open(part) as stream:
        data = stream.read(4096) if head_only else stream.read(MAX_XLSX_UNCOMPRESSED)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        raise _fail(f"part '{part}' declares a DTD; expected a plain .xlsx", Origin(name))
    return data


def _cell_index(reference: str) -> tuple[int, int]:
    """0-based (row, column) of a cell reference.

    >>> _cell_index("Q2"), _cell_index("AA10")
    ((1, 16), (9, 26))
    """
    letters = "".join(ch for ch in reference if ch.isalpha())
    column = 0
    for ch in letters.upper():
        column = column * 26 + ord(ch) - 64
    return int(reference[len(letters) :]) - 1, column - 1


def _check_archive(path: Path) -> None:
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(f"not a readable .xlsx (zip) file: {exc}", Origin(name)) from exc
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO:
                raise _fail(
                    f"part '{info.filename}' expands {ratio:.0f}-fold to {info.file_size} bytes; "
                    f"expected at most {MAX_XLSX_RATIO}-fold (a zip bomb?)",
                    Origin(name),
                )
        if total > MAX_XLSX_UNCOMPRESSED:
            raise _fail(
                f"the workbook expands to {total} bytes; expected at most "
                f"{MAX_XLSX_UNCOMPRESSED} bytes (a zip bomb?)",
                Origin(name),
            )


def _cell_text(value: object) -> str:
    """The text a curator sees in a cell, normalised so that CSV and XLSX give the same text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
