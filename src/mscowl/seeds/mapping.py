"""The declarative mapping from seed-sheet columns to RDF (``seeds/mapping.toml``).

A mapping names, for each sheet kind, the IRI template of its subjects, their classes, and for each
column the property it becomes, its datatype, whether it is required, the separator of several
values in one cell, its language, pattern, bounds, allowed values or the sheet it refers to. A
new sheet kind needs a mapping entry, not new Python. CURIEs expand through the package's one
prefix map (:func:`mscowl.rdf.namespaces.converter`). The file format is documented at the top of
``seeds/mapping.toml`` and in ``seeds/README.md``.

>>> column = ColumnMap(name="enrolment", property=None, type="nonNegativeInteger")
>>> column.convert("30", Origin("trials.csv", row=2, column="enrolment"))
rdflib.term.Literal('30', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#nonNegativeInteger'))
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Callable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, NamedTuple

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from mscowl.errors import InputError, InputProblemsError, Origin
from mscowl.rdf.namespaces import HTTP_IRI, PREFIXES, expand
from mscowl.rdf.serialize import NT_ESCAPES
from mscowl.safety import check_regex, excerpt

#: Column types a mapping may use.
TYPES: Final = (
    "string",
    "integer",
    "nonNegativeInteger",
    "decimal",
    "date",
    "partial_date",
    "gYear",
    "boolean",
    "curie",
    "iri",
    "ref",
    "enum",
)
#: Identifiers become the last IRI segment, so they are restricted to unreserved characters.
DEFAULT_ID_PATTERN: Final = r"[A-Za-z0-9][A-Za-z0-9._~-]*"

_CURIE = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*):(\S+)")
#: A term as a workbook's dropdown shows it, "label (CURIE)": read back as the CURIE.
LABELLED_CURIE: Final = re.compile(r"(.*\S)\s+\(([A-Za-z][A-Za-z0-9_.-]*:[^\s()]+)\)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_YEAR = re.compile(r"[0-9]{4}")
#: A character that shows: not white space, a control, or a zero-width or format character.
_VISIBLE: Final = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
#: The longest number a cell may hold (Python refuses to read integers of 4,300 digits).
MAX_DIGITS: Final = 40
_COLUMN_KEYS: Final = {
    "name",
    "property",
    "type",
    "required",
    "required_when",
    "separator",
    "language",
    "template",
    "pattern",
    "minimum",
    "maximum",
    "prefixes",
    "sheet",
    "values",
}
_SHEET_KEYS: Final = {
    "file",
    "subject",
    "id",
    "id_pattern",
    "class",
    "constants",
    "require_one_of",
    "columns",
}


#: A language tag (BCP 47, as RDF 1.1 literals take it).
LANGUAGE_TAG: Final = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_strs(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _is_text_map(v: Any) -> bool:
    return isinstance(v, dict) and all(isinstance(x, str) for x in v.values())


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_separator(v: Any) -> bool:
    return isinstance(v, str) and len(v) == 1 and not v.isspace()


def _is_sheet_file(v: Any) -> bool:
    return isinstance(v, str) and bool(re.fullmatch(r"[\w-][\w.-]*\.(csv|tsv)", v))


def _is_pairs(v: Any) -> bool:
    return isinstance(v, list) and all(_is_strs(x) and len(x) == 2 for x in v)


#: What each key of a column or a sheet holds: (check, what a mistake is told to expect).
_COLUMN_SCHEMA: Final[dict[str, tuple[Callable[[Any], bool], str]]] = {
    "name": (_is_str, "a string"),
    "property": (_is_str, "a string"),
    "type": (_is_str, "a string"),
    "required": (lambda v: isinstance(v, bool), "true or false"),
    "required_when": (_is_text_map, "a table of strings"),
    "separator": (_is_separator, "one character"),
    "language": (
        lambda v: isinstance(v, str) and bool(LANGUAGE_TAG.fullmatch(v)),
        "a language tag such as en or pt-BR",
    ),
    "template": (lambda v: isinstance(v, str) and "{}" in v, "a string with {} in it"),
    "pattern": (_is_str, "a string"),
    "minimum": (_is_number, "a number"),
    "maximum": (_is_number, "a number"),
    "prefixes": (_is_strs, "a list of strings"),
    "sheet": (_is_str, "a string"),
    "values": (_is_text_map, "a table of strings"),
}
_SHEET_SCHEMA: Final[dict[str, tuple[Callable[[Any], bool], str]]] = {
    "file": (_is_sheet_file, "a file name ending .csv or .tsv, without a folder"),
    "subject": (_is_str, "a string"),
    "id": (_is_str, "a string"),
    "id_pattern": (_is_str, "a string"),
    "class": (_is_strs, "a list of strings"),
    "constants": (_is_pairs, "a list of [property, CURIE] pairs"),
    "require_one_of": (_is_strs, "a list of strings"),
    "columns": (
        lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
        "a list of [[sheets.<name>.columns]] tables",
    ),
}


def _schema_problems(
    raw: MappingABC[str, Any],
    schema: MappingABC[str, tuple[Callable[[Any], bool], str]],
    where: Origin,
) -> list[InputError]:
    problems = []
    for key, (valid, expected) in schema.items():
        if key in raw and not valid(raw[key]):
            found = str(raw[key])
            found = found if len(found) <= 40 else found[:40] + "…"
            problems.append(InputError(f"'{key}' must be {expected}; found {found!r}", where))
    return problems


class LiteralForm(NamedTuple):
    """A literal as the converters make it: cheaper than an rdflib Literal (which parses its
    value), and written straight to N-Triples by :meth:`ColumnMap.nt`."""

    lexical: str
    datatype: str | None = None
    language: str | None = None

    def nt(self) -> str:
        quoted = f'"{self.lexical.translate(NT_ESCAPES)}"'
        if self.language:
            return f"{quoted}@{self.language}"
        return f"{quoted}^^<{self.datatype}>" if self.datatype else quoted


@dataclass(frozen=True)
class ColumnMap:
    """How one column becomes triples (see the module docstring and ``seeds/mapping.toml``)."""

    name: str
    property: URIRef | None
    type: str = "string"
    required: bool = False
    required_when: tuple[tuple[str, str], ...] = ()
    separator: str | None = None
    language: str | None = None
    template: str | None = None
    pattern: re.Pattern[str] | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    prefixes: tuple[str, ...] = ()
    sheet: str | None = None
    values: MappingABC[str, URIRef] = field(default_factory=dict)

    def split(self, cell: str) -> list[str]:
        """The values of a cell: one, or several when the column has a separator."""
        if not cell:
            return []
        if self.separator is None:
            return [cell]
        return [part.strip() for part in cell.split(self.separator) if part.strip()]

    def is_required(self, cell: Callable[[str], str]) -> bool:
        """Whether a row must have a value here; ``cell`` gives the row's cell of a column."""
        if self.required:
            return True
        return bool(self.required_when) and all(cell(c) == v for c, v in self.required_when)

    def convert(self, value: str, origin: Origin) -> Node:
        """Turn one value into an RDF term, or raise :class:`InputError` saying what was expected.

        For ``ref`` columns the result is the identifier as a plain literal; the builder turns it
        into the IRI of the referenced row once all sheets are read.
        """
        term = _CONVERTERS[self.type](self, value, origin)
        if isinstance(term, LiteralForm):
            datatype = URIRef(term.datatype) if term.datatype else None
            return Literal(term.lexical, lang=term.language, datatype=datatype)
        return term

    def nt(self, value: str, origin: Origin) -> str:
        """:meth:`convert`, as an N-Triples term; text goes straight to its N-Triples form and
        a ``ref`` to the identifier itself (the builder makes the IRI once all sheets are read).
        """
        term = _CONVERTERS[self.type](self, value, origin)
        if isinstance(term, LiteralForm):
            return value if self.type == "ref" else term.nt()
        return f"<{term}>"

    # --- one converter per type -----------------------------------------------------------

    def _string(self, value: str, origin: Origin) -> LiteralForm:
        if not _VISIBLE.search(value):
            raise InputError(
                f"found {excerpt(value)}, which has no visible character; expected text", origin
            )
        if self.pattern and not self.pattern.fullmatch(value):
            raise InputError(
                f"found {excerpt(value)}; expected text matching {self.pattern.pattern}", origin
            )
        text = self.template.replace("{}", value) if self.template else value
        return LiteralForm(text, language=self.language)

    def _integer(self, value: str, origin: Origin) -> LiteralForm:
        non_negative = self.type == "nonNegativeInteger"
        if len(value) > MAX_DIGITS:
            raise InputError(
                f"found a number of {len(value)} characters; expected at most {MAX_DIGITS} digits",
                origin,
            )
        if not _INTEGER.fullmatch(value) or (non_negative and value.startswith("-")):
            what = "a whole number of 0 or more" if non_negative else "a whole number"
            raise InputError(
                f"found {excerpt(value)}; expected {what} (digits only, e.g. 30)", origin
            )
        number = int(value)
        self._check_bounds(Decimal(number), value, origin)
        datatype = XSD.nonNegativeInteger if non_negative else XSD.integer
        return LiteralForm(str(number), str(datatype))

    def _decimal(self, value: str, origin: Origin) -> LiteralForm:
        if len(value) > MAX_DIGITS:
            raise InputError(
                f"found a number of {len(value)} characters; expected at most {MAX_DIGITS} digits",
                origin,
            )
        if not _DECIMAL.fullmatch(value):
            raise InputError(
                f"found {excerpt(value)}; expected a decimal number (e.g. 95 or 2.5)", origin
            )
        try:
            number = Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern excludes this
            raise InputError(f"found {excerpt(value)}; expected a decimal number", origin) from exc
        self._check_bounds(number, value, origin)
        return LiteralForm(canonical_decimal(number), str(XSD.decimal))

    def _check_bounds(self, number: Decimal, value: str, origin: Origin) -> None:
        if self.minimum is not None and number < self.minimum:
            raise InputError(f"found {value}; expected a number of at least {self.minimum}", origin)
        if self.maximum is not None and number > self.maximum:
            raise InputError(f"found {value}; expected a number of at most {self.maximum}", origin)

    def _date(self, value: str, origin: Origin) -> LiteralForm:
        return LiteralForm(_full_date(value, origin), str(XSD.date))

    def _partial_date(self, value: str, origin: Origin) -> LiteralForm:
        if _YEAR.fullmatch(value):
            return LiteralForm(value, str(XSD.gYear))
        match = _YEAR_MONTH.fullmatch(value)
        if match:
            if not 1 <= int(match.group(2)) <= 12:
                raise InputError(f"found {excerpt(value)}; expected a month from 01 to 12", origin)
            return LiteralForm(value, str(XSD.gYearMonth))
        return LiteralForm(_full_date(value, origin, partial=True), str(XSD.date))

    def _gyear(self, value: str, origin: Origin) -> LiteralForm:
        if not _YEAR.fullmatch(value):
            raise InputError(
                f"found {excerpt(value)}; expected a year of four digits (e.g. 2021)", origin
            )
        return LiteralForm(value, str(XSD.gYear))

    def _boolean(self, value: str, origin: Origin) -> LiteralForm:
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise InputError(f"found {excerpt(value)}; expected true or false", origin)
        return LiteralForm(lowered, str(XSD.boolean))

    def _curie(self, value: str, origin: Origin) -> URIRef:
        expected = _expected_curie(self.prefixes)
        labelled = LABELLED_CURIE.fullmatch(value)
        if (
            labelled
        ):  # "label (CURIE)", as a workbook dropdown writes it; the build checks the label
            value = labelled.group(2)
        if HTTP_IRI.fullmatch(value):
            raise InputError(f"found the IRI {excerpt(value)}; expected {expected}", origin)
        match = _CURIE.fullmatch(value)
        if not match:
            raise InputError(
                f"found {excerpt(value)}, which is not a CURIE; expected {expected}", origin
            )
        prefix = match.group(1)
        if prefix not in PREFIXES:
            known = _suggest(prefix, PREFIXES)
            raise InputError(
                f"found {excerpt(value)} with the unknown prefix '{prefix}'{known}; "
                f"expected {expected}",
                origin,
            )
        if self.prefixes and prefix not in self.prefixes:
            raise InputError(f"found {excerpt(value)}; expected {expected}", origin)
        iri = expand(value)
        if not HTTP_IRI.fullmatch(iri):
            raise InputError(
                f"found {excerpt(value)}, whose identifier has characters an IRI may not hold; "
                f"expected {expected}",
                origin,
            )
        return URIRef(iri)

    def _iri(self, value: str, origin: Origin) -> URIRef:
        if not HTTP_IRI.fullmatch(value):
            raise InputError(
                f"found {excerpt(value)}, which is not a well-formed IRI; expected an "
                'absolute http(s) IRI without spaces or <>"{}|\\^` characters',
                origin,
            )
        return URIRef(value)

    def _ref(self, value: str, origin: Origin) -> LiteralForm:
        if not re.fullmatch(DEFAULT_ID_PATTERN, value):
            raise InputError(
                f"found {excerpt(value)}; expected the id of a row of sheet '{self.sheet}'", origin
            )
        return LiteralForm(value)

    def _enum(self, value: str, origin: Origin) -> URIRef:
        if value not in self.values:
            allowed = ", ".join(sorted(self.values))
            hint = _suggest(value, self.values)
            raise InputError(f"found {excerpt(value)}{hint}; expected one of: {allowed}", origin)
        return self.values[value]


_CONVERTERS: Final[dict[str, Callable[[ColumnMap, str, Origin], LiteralForm | URIRef]]] = {
    "string": ColumnMap._string,
    "integer": ColumnMap._integer,
    "nonNegativeInteger": ColumnMap._integer,
    "decimal": ColumnMap._decimal,
    "date": ColumnMap._date,
    "partial_date": ColumnMap._partial_date,
    "gYear": ColumnMap._gyear,
    "boolean": ColumnMap._boolean,
    "curie": ColumnMap._curie,
    "iri": ColumnMap._iri,
    "ref": ColumnMap._ref,
    "enum": ColumnMap._enum,
}


def canonical_decimal(number: Decimal) -> str:
    """The canonical xsd:decimal form: no exponent, no trailing zeros, at least one decimal.

    >>> canonical_decimal(Decimal("95")), canonical_decimal(Decimal("2.50"))
    ('95.0', '2.5')
    """
    text = format(number.normalize(), "f")
    if "." not in text:
        return text + ".0"
    return text


def _full_date(value: str, origin: Origin, *, partial: bool = False) -> str:
    forms = "YYYY, YYYY-MM or YYYY-MM-DD" if partial else "YYYY-MM-DD"
    if not _DATE.fullmatch(value):
        raise InputError(
            f"found {excerpt(value)}; expected a date as {forms} (e.g. 2019-04-01)", origin
        )
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise InputError(
            f"found {excerpt(value)}, which is not a calendar date; expected {forms}", origin
        ) from exc


def _expected_curie(prefixes: tuple[str, ...]) -> str:
    if not prefixes:
        return "a CURIE such as MONDO:0008170"
    return "a CURIE with prefix " + " or ".join(prefixes)


def _with_line(problem: InputError, text: str) -> InputError:
    """The problem with the line of the mapping file it is about: the line of its column's
    ``name = "..."`` in its sheet's tables, of ``[sheets.<name>]``, or of ``base``."""
    origin = problem.origin
    if origin is None or origin.row is not None:
        return problem
    lines = text.splitlines()

    def first(pattern: str, start: int = 0) -> int | None:
        compiled = re.compile(pattern)
        return next((i for i in range(start, len(lines)) if compiled.match(lines[i])), None)

    found: int | None
    if origin.sheet is None:
        found = first(r"\s*base\s*=")
    else:
        sheet = re.escape(origin.sheet)
        found = first(rf"\s*\[\[?\s*sheets\.(\"{sheet}\"|{sheet})[\].]")
        if found is not None and origin.column:
            column = first(rf"\s*name\s*=\s*[\"']{re.escape(origin.column)}[\"']", found)
            found = column if column is not None else found
    if found is None:
        return problem
    return InputError(problem.message, origin._replace(row=found + 1))


def _iri_of(curie: str) -> URIRef:
    """The IRI of a CURIE of the mapping; ValueError unless it is a well-formed IRI."""
    iri = expand(curie)
    if not HTTP_IRI.fullmatch(iri) and not iri.startswith("urn:"):
        raise ValueError(f"'{curie}' expands to '{iri}', which is not a well-formed IRI")
    return URIRef(iri)


def _suggest(value: str, choices: MappingABC[str, Any]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class SheetMap:
    """How the rows of one sheet kind become subjects and triples."""

    name: str
    file: str
    subject: str
    id: str
    columns: MappingABC[str, ColumnMap]
    id_pattern: re.Pattern[str] = re.compile(DEFAULT_ID_PATTERN)
    classes: tuple[URIRef, ...] = ()
    constants: tuple[tuple[URIRef, URIRef], ...] = ()
    #: Each row must fill one of these: a column name, or names joined by "+" (all of them).
    require_one_of: tuple[str, ...] = ()

    def subject_parts(self, base: str) -> list[str]:
        """The subject IRI's text around ``{id}``: a row's IRI is these joined by its id."""
        return (base + self.subject).split("{id}")

    def subject_iri(self, base: str, identifier: str) -> URIRef:
        return URIRef(identifier.join(self.subject_parts(base)))

    @property
    def namespace(self) -> str | None:
        """The IRI path before ``{id}`` (e.g. ``trial/``), used as a Turtle prefix."""
        head, _, tail = self.subject.partition("{id}")
        return head if head and not tail else None


@dataclass(frozen=True)
class Mapping:
    """All sheet kinds, read from one mapping file."""

    path: Path
    base: str
    sheets: MappingABC[str, SheetMap]

    @classmethod
    def load(cls, path: Path) -> Mapping:
        """Read and check a mapping file; every problem in it is reported at once."""
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except UnicodeDecodeError as exc:
            raise InputError("the mapping is not UTF-8 text", Origin(name)) from exc
        except OSError as exc:
            raise InputError(f"cannot read the mapping: {exc.strerror}", Origin(name)) from exc
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"the mapping is not valid TOML: {exc}", Origin(name)) from exc
        problems: list[InputError] = []
        base = data.get("base")
        if not isinstance(base, str) or not HTTP_IRI.fullmatch(base):
            problems.append(InputError("'base' must be an absolute http(s) IRI", Origin(name)))
            base = ""
        sheets: dict[str, SheetMap] = {}
        raw_sheets = data.get("sheets")
        if not isinstance(raw_sheets, dict) or not raw_sheets:
            problems.append(InputError("expected at least one [sheets.<name>] table", Origin(name)))
            raw_sheets = {}
        for sheet_name, raw in raw_sheets.items():
            sheet = _read_sheet(name, sheet_name, raw, problems)
            if sheet is not None:
                sheets[sheet_name] = sheet
        for sheet in sheets.values():
            for column in sheet.columns.values():
                if column.type == "ref" and column.sheet not in sheets:
                    problems.append(
                        InputError(
                            f"refers to sheet '{column.sheet}', which the mapping does not define",
                            Origin(name, sheet.name, column=column.name),
                        )
                    )
        if problems:
            raise InputProblemsError([_with_line(p, text) for p in problems])
        return cls(path, base, sheets)


def _read_sheet(file: str, sheet: str, raw: Any, problems: list[InputError]) -> SheetMap | None:
    where = Origin(file, sheet)
    if not isinstance(raw, dict):
        problems.append(InputError("expected a table", where))
        return None
    for key in sorted(set(raw) - _SHEET_KEYS):
        problems.append(
            InputError(
                f"unknown key '{key}'; expected one of {', '.join(sorted(_SHEET_KEYS))}", where
            )
        )
    wrong = _schema_problems(raw, _SHEET_SCHEMA, where)
    if wrong:
        problems.extend(wrong)
        return None
    subject = raw.get("subject", "")
    if "{id}" not in subject:
        problems.append(InputError("'subject' must be an IRI template containing {id}", where))
    columns: dict[str, ColumnMap] = {}
    for index, raw_column in enumerate(raw.get("columns", []), start=1):
        column = _read_column(file, sheet, index, raw_column, problems)
        if column is None:
            continue
        if column.name in columns:
            problems.append(
                InputError("column is mapped twice", Origin(file, sheet, column=column.name))
            )
        columns[column.name] = column
    identifier = raw.get("id", "")
    if identifier not in columns:
        problems.append(InputError(f"the id column '{identifier}' is not among the columns", where))
    for alternative in raw.get("require_one_of", []):
        for name in alternative.split("+"):
            if name not in columns:
                problems.append(
                    InputError(f"require_one_of names the unknown column '{name}'", where)
                )
    if "{id}" in subject and not HTTP_IRI.fullmatch(
        "https://x.org/" + subject.replace("{id}", "x")
    ):
        problems.append(InputError("'subject' makes IRIs with characters IRIs may not hold", where))
    try:
        classes = tuple(_iri_of(c) for c in raw.get("class", []))
        constants = tuple((_iri_of(p), _iri_of(o)) for p, o in raw.get("constants", []))
        id_pattern = check_regex(raw.get("id_pattern", DEFAULT_ID_PATTERN), "'id_pattern'")
    except (ValueError, TypeError) as exc:
        problems.append(InputError(f"bad class or constants: {exc}", where))
        return None
    except InputError as exc:
        problems.append(InputError(exc.message, where))
        return None
    return SheetMap(
        name=sheet,
        file=str(raw.get("file", f"{sheet}.csv")),
        subject=subject,
        id=identifier,
        columns=columns,
        id_pattern=id_pattern,
        classes=classes,
        constants=constants,
        require_one_of=tuple(raw.get("require_one_of", [])),
    )


def _read_column(
    file: str, sheet: str, index: int, raw: Any, problems: list[InputError]
) -> ColumnMap | None:
    name = raw.get("name") if isinstance(raw, dict) else None
    where = Origin(file, sheet, column=name or f"columns[{index}]")
    if not isinstance(raw, dict) or not isinstance(name, str):
        problems.append(InputError("expected a table with a 'name'", where))
        return None
    before = len(problems)
    for key in sorted(set(raw) - _COLUMN_KEYS):
        problems.append(InputError(f"unknown key '{key}'", where))
    problems.extend(_schema_problems(raw, _COLUMN_SCHEMA, where))
    if len(problems) > before:
        return None
    kind = raw.get("type", "enum" if "values" in raw else "string")
    if kind not in TYPES:
        problems.append(
            InputError(f"unknown type '{kind}'; expected one of {', '.join(TYPES)}", where)
        )
    if kind == "enum" and not raw.get("values"):
        problems.append(InputError("an enum column needs 'values'", where))
    if kind == "ref" and not raw.get("sheet"):
        problems.append(InputError("a ref column needs 'sheet'", where))
    for prefix in raw.get("prefixes", []):
        if prefix not in PREFIXES:
            problems.append(InputError(f"unknown prefix '{prefix}' in 'prefixes'", where))
    try:
        prop = _iri_of(raw["property"]) if "property" in raw else None
        values = {str(k): _iri_of(v) for k, v in raw.get("values", {}).items()}
        pattern = check_regex(raw["pattern"], "'pattern'") if "pattern" in raw else None
    except ValueError as exc:
        problems.append(InputError(f"bad property or values: {exc}", where))
        return None
    except InputError as exc:
        problems.append(InputError(exc.message, where))
        return None
    if len(problems) > before:
        return None
    bounds = {k: Decimal(str(raw[k])) if k in raw else None for k in ("minimum", "maximum")}
    return ColumnMap(
        name=name,
        property=prop,
        type=kind,
        required=bool(raw.get("required", False)),
        required_when=tuple(
            sorted((str(k), str(v)) for k, v in raw.get("required_when", {}).items())
        ),
        separator=raw.get("separator"),
        language=raw.get("language"),
        template=raw.get("template"),
        pattern=pattern,
        minimum=bounds["minimum"],
        maximum=bounds["maximum"],
        prefixes=tuple(raw.get("prefixes", [])),
        sheet=raw.get("sheet"),
        values=values,
    )
