"""``mscowl workbook``: the seeds as one .xlsx workbook made for editing, made from the mapping.

Every sheet of the mapping becomes a worksheet with a bold, frozen header row, an autofilter,
column widths that fit the values, and on each header a comment with the column's meaning (the
label and definition of its property in the ontology), its type and whether it is required. Each
column with allowed values gets a dropdown (an Excel data validation):

- ``enum`` and ``boolean`` columns: their values, and nothing else may be typed;
- ``ref`` columns: the ids of the sheet they refer to (a new row there joins the list);
- ``curie`` columns: the ontology's terms of the column's prefixes, and every term the column
  already uses, each shown as ``label (CURIE)``, which ``mscowl build`` reads back as the CURIE
  (and checks the label). Another term may still be typed (the dropdown warns), since a
  curator may need a verified term that the ontology does not import yet.

The lists live on the hidden sheet ``allowed-values``; a first ``README`` sheet says what each
sheet is, how to build, and where errors will point. Both names are reserved: the build skips
them. A workbook written here and left unedited builds to the same bytes as the CSVs.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import TYPE_CHECKING, Final

from rdflib import RDFS, URIRef

from mscowl.errors import InputError, InputProblemsError, Origin
from mscowl.pipeline import Seeds
from mscowl.rdf.namespaces import compress
from mscowl.seeds.mapping import ColumnMap, Mapping
from mscowl.seeds.sheets import README_SHEET, VALUES_SHEET, Table, column_letter

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet
    from rdflib import Graph

_DEFINITION: Final = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
#: Rows a dropdown covers at least (a sheet may grow to this many rows and keep its dropdowns;
#: a longer sheet gets its own length and as many rows again).
ROWS: Final = 5000


def last_row(table: Table) -> int:
    """The last spreadsheet row that the dropdowns of ``table``'s columns cover."""
    return max(ROWS, 2 * (len(table.rows) + 1))


_MAX_WIDTH: Final = 60
_MIN_WIDTH: Final = 12


def workbook_of_seeds(seeds: Seeds, mapping: Path | None, ontology: Path | None, out: Path) -> int:
    """Write the editing workbook of a seeds folder (its mapping: ``mapping``, else the one
    beside the seeds, else the shipped one); the number of sheets written."""
    from mscowl.seeds.graph import default_mapping, load_tables

    if not seeds.path.is_dir():
        raise InputError(
            "is not a folder; expected a folder of CSV/TSV sheets", Origin(str(seeds.path))
        )
    loaded = Mapping.load(mapping or default_mapping(seeds.path))
    tables, problems = load_tables(seeds.path, loaded, seeds.shown_as)
    if problems:
        raise InputProblemsError(problems)
    write_workbook(tables, loaded, ontology, out)
    return len(tables)


def write_workbook(
    tables: MappingABC[str, Table], mapping: Mapping, ontology: Path | None, out: Path
) -> None:
    """Write ``tables`` (the sheets of ``mapping``) as an editing workbook at ``out``, a file
    that must not exist yet (written atomically)."""
    import io

    from openpyxl import Workbook

    from mscowl.outputs import write_file

    closure = _closure(ontology)
    labels = _labels(closure)
    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = README_SHEET
    lists = _ValueLists(workbook.create_sheet(VALUES_SHEET))
    for name, sheet_map in mapping.sheets.items():
        table = tables[name]
        sheet = workbook.create_sheet(title=name, index=len(workbook.sheetnames) - 1)
        _write_sheet(sheet, table, sheet_map.columns, labels)
        for index, column in enumerate(table.header):
            column_map = sheet_map.columns.get(column)
            if column_map is not None:
                _add_dropdown(sheet, index, column_map, tables, mapping, lists, labels, closure)
    _write_readme(readme, mapping, tables, labels)
    lists.sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_file(out, buffer.getvalue(), new=True)


def _closure(ontology: Path | None) -> Graph | None:
    if ontology is None:
        return None
    from mscowl.ontology.load import load_ontology

    return load_ontology(ontology).closure


def _labels(closure: Graph | None) -> dict[str, str]:
    """CURIE → one label (the first in sort order), of every labelled term of the ontology."""
    if closure is None:
        return {}
    found: dict[str, str] = {}
    for subject, label in sorted(closure.subject_objects(RDFS.label)):
        curie = compress(str(subject)) if isinstance(subject, URIRef) else None
        if curie and curie not in found:
            found[curie] = " ".join(str(label).split())
    return found


def _shown(value: str, column: ColumnMap, labels: MappingABC[str, str]) -> str:
    """A cell as the workbook shows it: terms of a curie column as "label (CURIE)"."""
    if column.type != "curie" or not value:
        return value
    parts = column.split(value) if column.separator else [value]
    shown = [f"{labels[p]} ({p})" if p in labels else p for p in parts]
    return f"{column.separator} ".join(shown) if column.separator else shown[0]


def _write_sheet(
    sheet: Worksheet,
    table: Table,
    columns: MappingABC[str, ColumnMap],
    labels: MappingABC[str, str],
) -> None:
    from openpyxl.styles import Font

    sheet.append(table.header)
    for row in table.rows:
        values = []
        for column in table.header:
            column_map = columns.get(column)
            value = row[column]
            values.append(_shown(value, column_map, labels) if column_map else value)
        sheet.append(values)
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # text, even when it looks like a number or a formula
    bold = Font(bold=True)
    for header_cell in sheet[1]:
        header_cell.font = bold
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{column_letter(len(table.header) - 1)}{len(table.rows) + 1}"
    for index, column in enumerate(table.header):
        values = [str(c.value or "") for c in next(sheet.iter_cols(index + 1, index + 1))]
        width = min(_MAX_WIDTH, max(len(v) for v in values) + 2)
        # room for a value to be typed, also in a sheet that has none yet
        sheet.column_dimensions[column_letter(index)].width = max(
            width, len(column) + 4, _MIN_WIDTH
        )


class _ValueLists:
    """The hidden sheet of allowed values: one column per list, found again by its name."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.ranges: dict[str, str] = {}

    def range_of(self, name: str, values: list[str]) -> str:
        if name not in self.ranges:
            index = len(self.ranges)
            letter = column_letter(index)
            self.sheet.cell(row=1, column=index + 1, value=name)
            for row, value in enumerate(values, start=2):
                cell = self.sheet.cell(row=row, column=index + 1, value=value)
                cell.data_type = "s"
            last = max(len(values) + 1, 2)
            self.ranges[name] = f"'{VALUES_SHEET}'!${letter}$2:${letter}${last}"
        return self.ranges[name]


def _add_dropdown(
    sheet: Worksheet,
    index: int,
    column: ColumnMap,
    tables: MappingABC[str, Table],
    mapping: Mapping,
    lists: _ValueLists,
    labels: MappingABC[str, str],
    closure: Graph | None,
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet.cell(row=1, column=index + 1).comment = Comment(
        _header_note(column, closure), "mscowl", width=360, height=200
    )
    table = tables[sheet.title]
    strict = True
    if column.type == "enum":
        source = lists.range_of(f"{sheet.title}.{column.name}", sorted(column.values))
    elif column.type == "boolean":
        source = lists.range_of("boolean", ["true", "false"])
    elif column.type == "ref" and column.sheet is not None and column.sheet in tables:
        target = mapping.sheets[column.sheet]
        id_letter = column_letter(tables[column.sheet].header.index(target.id))
        source = f"'{column.sheet}'!${id_letter}$2:${id_letter}${last_row(tables[column.sheet])}"
        strict = column.separator is None
    elif column.type == "curie":
        terms = _allowed_terms(column, table, labels)
        if not terms:
            return
        source = lists.range_of(f"{sheet.title}.{column.name}", terms)
        strict = False
    else:
        return
    multiple = (
        f" Several values: separate them with '{column.separator}'." if column.separator else ""
    )
    validation = DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        errorStyle="stop" if strict else "warning",
        showErrorMessage=True,
        errorTitle=f"{column.name}: not in the list",
        error=(
            "Choose a value from the list."
            if strict
            else "This is not one of the listed terms; "
            "keep it only if it is a verified term (mscowl build checks it)."
        )
        + multiple,
    )
    letter = column_letter(index)
    validation.add(f"{letter}2:{letter}{last_row(table)}")
    sheet.add_data_validation(validation)


def _allowed_terms(column: ColumnMap, table: Table, labels: MappingABC[str, str]) -> list[str]:
    """The dropdown of a curie column: the ontology's terms of its prefixes and the terms the
    column already uses, as "label (CURIE)", sorted by label."""
    curies = {c for c in labels if not column.prefixes or c.split(":", 1)[0] in column.prefixes}
    for row in table.rows:
        curies.update(column.split(row[column.name]))
    shown = {f"{labels[c]} ({c})" if c in labels else c for c in curies if c}
    return sorted(shown, key=lambda s: (s.casefold(), s))


def _header_note(column: ColumnMap, closure: Graph | None) -> str:
    lines = [column.name]
    if column.property is not None:
        curie = compress(str(column.property)) or str(column.property)
        label = closure.value(column.property, RDFS.label) if closure is not None else None
        definition = closure.value(column.property, _DEFINITION) if closure is not None else None
        lines.append(f"Property: {label} ({curie})" if label else f"Property: {curie}")
        if definition:
            lines.append(f"Meaning: {definition}")
    else:
        lines.append("Not mapped to a triple: read and checked only.")
    what = {
        "enum": "one of the listed values",
        "ref": f"the id of a row of the sheet '{column.sheet}'",
        "curie": "an ontology term"
        + (f" ({', '.join(column.prefixes)})" if column.prefixes else "")
        + ", chosen from the list as label (CURIE), or the CURIE alone",
    }.get(column.type, column.type)
    lines.append(f"Type: {what}")
    if column.pattern is not None:
        lines.append(f"Pattern: {column.pattern.pattern}")
    if column.separator:
        lines.append(f"Several values: separated by '{column.separator}'")
    if column.required:
        lines.append("Required: yes")
    elif column.required_when:
        when = ", ".join(f"{c} is '{v}'" for c, v in column.required_when)
        lines.append(f"Required: when {when}")
    else:
        lines.append("Required: no")
    return "\n".join(lines)


def _write_readme(
    sheet: Worksheet,
    mapping: Mapping,
    tables: MappingABC[str, Table],
    labels: MappingABC[str, str],
) -> None:
    from openpyxl.styles import Font

    rows: list[list[str]] = [
        ["mscowl seeds workbook"],
        [],
        [
            "Each sheet below holds one kind of record; each row becomes one subject of the "
            "knowledge graph, named by its id."
        ],
        [
            "Columns with a list (a dropdown arrow) take only its values; ontology terms are "
            "shown as 'label (CURIE)' and read back as the CURIE. Hover over a header for the "
            "column's meaning, type and whether it is required."
        ],
        ["Build:  mscowl build --seeds THIS-FILE.xlsx   (then mscowl validate)"],
        [
            "Errors name the file, the sheet, the row and the column to fix, e.g. "
            "seeds.xlsx:trials:14:route; nothing is written while any remains."
        ],
        [
            "Do not merge cells, write formulas or hide sheets; the sheets 'README' and "
            f"'{VALUES_SHEET}' (hidden, the lists) are not read as data."
        ],
        [],
        ["sheet", "rows", "one row is", "id column"],
    ]
    for name, sheet_map in mapping.sheets.items():
        curies = [compress(str(c)) or str(c) for c in sheet_map.classes]
        kinds = ", ".join(f"{labels[c]} ({c})" if c in labels else c for c in curies)
        rows.append([name, str(len(tables[name].rows)), kinds or "-", sheet_map.id])
    for row in rows:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[len(rows) - len(mapping.sheets)]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 18
