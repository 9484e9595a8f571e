"""Saved SPARQL queries: their metadata, safe parameters, and running them locally or remotely.

A saved query is a ``queries/<name>.rq`` file whose header lines start with ``#+`` (as in grlc)
and hold YAML: ``title``, ``summary`` (the question in plain words), ``params`` (name, type,
required, default, example, description), ``columns``, ``tags`` and ``examples`` (parameter sets
whose answers are kept as golden results in ``queries/expected/``).

A parameter ``p`` appears in the query as ``VALUES ?_p { UNDEF }``. Binding replaces ``UNDEF``
by one RDF term, written by rdflib (IRIs checked, literals escaped), so a value can never change
the query around it; an unbound parameter stays ``UNDEF`` and the query treats it as "any".
Lines between ``#if ?_p`` and ``#endif`` are left out when ``p`` has no value, and lines between
``#ifnot ?_p`` and ``#endif`` when it has one; blocks may nest. They mark what does nothing in
that case (a filter that then keeps every row, a branch that then gives no row): the text as
written, run by any tool, gives the same answers, but an engine that plans the whole query
(Virtuoso) need not see those parts.
Parameter types: ``term`` (a CURIE or IRI becomes an IRI, anything else a string literal, so
queries can match an entity or its label), ``iri``, ``string``, ``integer``.

>>> q = SavedQuery.parse("demo", "#+ params: [{name: kind, type: string}]\\n"
...     "SELECT * WHERE { VALUES ?_kind { UNDEF } ?s ?p ?_kind }")
>>> "VALUES ?_kind { \\"a \\\\\\"quoted\\\\\\" }\\" }" in q.bind({"kind": 'a "quoted" }'})
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from mscowl.errors import InputError, Origin
from mscowl.rdf.namespaces import HTTP_IRI, PREFIXES, expand
from mscowl.safety import uses_service

if TYPE_CHECKING:
    from rdflib.term import Node

PARAM_TYPES: Final = ("term", "iri", "string", "integer", "date")
#: A ``date`` parameter: a year, a month or a day, as ISO 8601 writes them.
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*:[^\s<>\"{}|\\^`]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_VALUE_LENGTH: Final = 500
#: The largest saved query file read.
MAX_QUERY_BYTES: Final = 1024 * 1024


@dataclass(frozen=True)
class Parameter:
    """A declared query parameter."""

    name: str
    type: str = "term"
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""
    #: The CURIE prefixes of the terms a value may name (words resolve only to those).
    prefixes: tuple[str, ...] = ()

    def term(self, value: str, where: str) -> Node:
        """The RDF term a value stands for, or InputError when it cannot be bound safely."""
        from rdflib import Literal, URIRef  # here: listing the catalogue needs no rdflib

        if len(value) > MAX_VALUE_LENGTH or _CONTROL.search(value):
            raise InputError(
                f"{where}: the value of '{self.name}' contains control characters "
                f"(a newline, a tab ...) or is longer than {MAX_VALUE_LENGTH}; "
                "expected one line of text"
            )
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?[0-9]+", value):
                raise InputError(f"{where}: found '{value}' for '{self.name}'; expected an integer")
            return Literal(int(value))
        if self.type == "string":
            return Literal(value)
        if self.type == "date":
            return Literal(_checked_date(value, self.name, where))
        if is_quoted(value):  # "text": matched as text by the query, never resolved
            return Literal(value[1:-1])
        if HTTP_IRI.fullmatch(value):
            return URIRef(value)
        if _CURIE.fullmatch(value) and value.split(":", 1)[0] in PREFIXES:
            return URIRef(expand(value))
        if self.type == "iri":
            raise InputError(
                f"{where}: found '{value}' for '{self.name}'; expected a CURIE with "
                'a known prefix or an absolute http(s) IRI without <>"{}|\\^` or '
                "spaces"
            )
        return Literal(value)

    def needs_resolving(self, value: str) -> bool:
        """Whether a value is words to resolve to a term (not a CURIE, an IRI or "quoted")."""
        if self.type != "term" or is_quoted(value) or HTTP_IRI.fullmatch(value):
            return False
        return not (_CURIE.fullmatch(value) and value.split(":", 1)[0] in PREFIXES)


def _checked_date(value: str, name: str, where: str) -> str:
    """A year (2022), a month (2022-01) or a day (2022-01-31), as given; the queries compare
    it as text with dates written the same way, so 2022 means "before 2022 began"."""
    import datetime

    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError(value)
        year, month, day = match.groups()
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise InputError(
            f"{where}: found '{value}' for '{name}'; expected a year, month or day "
            "written YYYY, YYYY-MM or YYYY-MM-DD"
        ) from None
    return value


def is_quoted(value: str) -> bool:
    return len(value) >= 2 and value[0] == value[-1] == '"'


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its text and the metadata of its ``#+`` header."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    summary: str = ""
    params: tuple[Parameter, ...] = ()
    columns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    examples: tuple[Mapping[str, str], ...] = ()
    #: The ``#if ?_p`` and ``#ifnot ?_p`` ... ``#endif`` blocks: (parameter, whether the lines
    #: are kept when it has a value, line of ``#if``, line of ``#endif``), counted from 0.
    blocks: tuple[tuple[str, bool, int, int], ...] = ()

    @classmethod
    def parse(cls, name: str, text: str, path: Path | None = None) -> SavedQuery:
        from mscowl.sparql.headers import HeaderError, read_header

        where = str(path or name)
        header = "\n".join(line[2:] for line in text.splitlines() if line.startswith("#+"))
        try:
            meta = read_header(header) or {}
        except HeaderError as exc:
            raise InputError(f"the #+ header is not valid YAML: {exc}", Origin(where)) from exc
        if not isinstance(meta, dict):
            raise InputError("the #+ header must be a YAML mapping", Origin(where))
        params = []
        for raw in meta.get("params") or []:
            try:
                fields: dict[str, Any] = {
                    k: (str(v) if k in ("default", "example") else v) for k, v in raw.items()
                }
                if "prefixes" in fields:
                    fields["prefixes"] = tuple(str(p) for p in fields["prefixes"] or ())
                param = Parameter(**fields)
            except TypeError as exc:
                raise InputError(f"bad parameter declaration {raw}: {exc}", Origin(where)) from exc
            if param.type not in PARAM_TYPES:
                raise InputError(
                    f"parameter '{param.name}' has unknown type '{param.type}'; "
                    f"expected one of {', '.join(PARAM_TYPES)}",
                    Origin(where),
                )
            if _slot(param.name) not in text:
                # One slot per group that uses the value: SPARQL's nested groups do not see
                # bindings made outside them, so a query may repeat the slot.
                raise InputError(
                    f"parameter '{param.name}' needs '{_slot(param.name)}' in the query",
                    Origin(where),
                )
            params.append(param)
        if uses_service(text) and meta.get("service") is not True:
            raise InputError(
                "the query sends part of itself to another endpoint (SERVICE); refused unless "
                "its #+ header says 'service: true'",
                Origin(where),
            )
        examples = tuple(
            {str(k): str(v) for k, v in (e or {}).items()} for e in meta.get("examples") or [{}]
        )
        return cls(
            name=name,
            text=text,
            path=path,
            title=str(meta.get("title", name)),
            summary=str(meta.get("summary", "")),
            params=tuple(params),
            columns=tuple(meta.get("columns") or ()),
            tags=tuple(meta.get("tags") or ()),
            examples=examples,
            blocks=_optional_blocks(text, [p.name for p in params], where),
        )

    @classmethod
    def from_file(cls, path: Path) -> SavedQuery:
        from mscowl.safety import check_regular_file

        check_regular_file(path, "query file", MAX_QUERY_BYTES)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"is not UTF-8 text (byte {exc.start}); expected a SPARQL query", Origin(str(path))
            ) from exc
        except OSError as exc:
            raise InputError(f"cannot read the query: {exc.strerror}", Origin(str(path))) from exc
        if "\x00" in text:
            raise InputError("holds NUL bytes; expected a SPARQL query", Origin(str(path)))
        return cls.parse(path.stem, text, path)

    def bind(self, values: Mapping[str, str]) -> str:
        """The query text with each given parameter bound to its RDF term."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise InputError(
                f"query '{self.name}' has no parameter {', '.join(unknown)}; "
                f"its parameters: {known}"
            )
        given = {p.name: values.get(p.name, p.default) for p in self.params}
        text = self._without_blocks_of({name for name, value in given.items() if value is not None})
        terms: dict[str, str] = {}
        for param in self.params:
            value = given[param.name]
            if value is None:
                if param.required:
                    raise InputError(
                        f"query '{self.name}' needs --param {param.name}=... (e.g. {param.example})"
                    )
                continue
            terms[param.name] = param.term(value, f"query '{self.name}'").n3()

        def slot(match: re.Match[str]) -> str:
            term = terms.get(match[1])
            return f"VALUES ?_{match[1]} {{ {term} }}" if term is not None else match[0]

        # Every slot of the saved text is replaced in one pass, so a bound value (which may
        # itself read like a slot) is never scanned again.
        return _SLOTS.sub(slot, text)

    def example_command(self, params: Mapping[str, str] | None = None) -> str:
        """A command line that runs the query, with each parameter's example (or ``params``)."""
        given = (
            params
            if params is not None
            else {p.name: p.example for p in self.params if p.example is not None}
        )
        parts = [f"mscowl query {self.name}"]
        for name, value in given.items():
            shown = f"'{name}={value}'" if re.search(r"[\s\"'$;&|]", value) else f"{name}={value}"
            parts.append(f"-p {shown}")
        return " ".join(parts)

    def listing(self) -> str:
        """The query's line of ``mscowl query --list``: name, title, parameters, example."""
        names = ", ".join(p.name + ("" if p.required else "?") for p in self.params)
        line = f"{self.name:<20} {self.title}" + (f"  [{names}]" if names else "")
        if self.params:
            line += f"\n{'':<20}   e.g. {self.example_command()}"
        return line

    def description(self) -> str:
        """What ``mscowl query NAME --describe`` prints: question, parameters, columns, examples."""
        lines = [f"{self.name}: {self.title}", ""]
        if self.summary:
            lines += [self.summary, ""]
        lines.append("Parameters:" if self.params else "Parameters: none")
        for p in self.params:
            need = "required" if p.required else "optional"
            kinds = f"; terms of {', '.join(p.prefixes)}" if p.prefixes else ""
            example = f"; e.g. {p.example}" if p.example else ""
            lines.append(f"  {p.name} ({p.type}, {need}{kinds}){example}")
            if p.description:
                lines.append(f"      {p.description}")
        if any(p.type == "term" for p in self.params):
            lines.append(
                "  Words for a term resolve to the one term they name (labels, synonyms, the "
                'sheets\' words); a CURIE or IRI is taken as it is; "quoted" text is matched '
                "as text."
            )
        lines += ["", "Columns: " + ", ".join(self.columns), "", "Examples:"]
        lines += [f"  {self.example_command(dict(e))}" for e in self.examples]
        return "\n".join(lines) + "\n"

    def _without_blocks_of(self, bound: set[str]) -> str:
        """The text without its block markers, and without the lines of each block whose
        parameter is not given (``#if``) or given (``#ifnot``)."""
        if not self.blocks:
            return self.text
        left_out: set[int] = set()
        for name, kept_when_given, first, last in self.blocks:
            kept = (name in bound) == kept_when_given
            left_out.update((first, last) if kept else range(first, last + 1))
        lines = self.text.splitlines(keepends=True)
        return "".join(line for number, line in enumerate(lines) if number not in left_out)


def _slot(name: str) -> str:
    return f"VALUES ?_{name} {{ UNDEF }}"


_SLOTS: Final = re.compile(r"VALUES \?_(\w+) \{ UNDEF \}")


_BLOCK_START: Final = re.compile(r"#(if|ifnot) \?_(\w+)")
_BLOCK_END: Final = "#endif"


def _optional_blocks(
    text: str, params: list[str], where: str
) -> tuple[tuple[str, bool, int, int], ...]:
    r"""The ``#if ?_p`` and ``#ifnot ?_p`` ... ``#endif`` blocks of a query, each marker a line
    of its own and naming a declared parameter; an InputError with the line number otherwise.

    >>> text = "SELECT * WHERE {\n  #if ?_kind\n  ?s a ?_kind .\n  #endif\n}"
    >>> _optional_blocks(text, ["kind"], "q.rq")
    (('kind', True, 1, 3),)
    """
    blocks: list[tuple[str, bool, int, int]] = []
    opened: list[tuple[str, bool, int]] = []
    for number, line in enumerate(text.splitlines()):
        stripped = line.strip()
        start = _BLOCK_START.fullmatch(stripped)
        origin = Origin(where, row=number + 1)
        if start:
            if start[2] not in params:
                raise InputError(
                    f"'{stripped}' names no parameter of the query; its parameters: "
                    f"{', '.join(params) or 'none'}",
                    origin,
                )
            opened.append((start[2], start[1] == "if", number))
        elif stripped == _BLOCK_END:
            if not opened:
                raise InputError("'#endif' without an '#if ?_name' before it", origin)
            name, kept_when_given, first = opened.pop()
            blocks.append((name, kept_when_given, first, number))
    if opened:
        name, kept_when_given, first = opened[-1]
        marker = "#if" if kept_when_given else "#ifnot"
        raise InputError(f"'{marker} ?_{name}' has no '#endif'", Origin(where, row=first + 1))
    return tuple(sorted(blocks, key=lambda block: block[2]))


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``name=value`` pairs from the command line."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError(f"found --param '{pair}'; expected name=value")
        values[name.strip()] = value
    return values


def query_files(directory: Path) -> dict[str, Path]:
    """The ``*.rq`` files of a directory, by name, unparsed."""
    if not directory.is_dir():
        raise InputError("no such query directory", Origin(str(directory)))
    return {p.stem: p for p in sorted(directory.glob("*.rq"))}


def catalogue(directory: Path) -> dict[str, SavedQuery]:
    """Every ``*.rq`` of a directory, by name."""
    return {name: SavedQuery.from_file(p) for name, p in query_files(directory).items()}


def resolve(name_or_file: str, directory: Path) -> SavedQuery:
    """A saved query by name, or any ``.rq`` file by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" or path.is_file():
        return SavedQuery.from_file(path)
    # Only the file asked for is parsed: a broken sibling does not stop it, and start-up stays
    # short (parsing every header took a third of a small answer's time).
    files = query_files(directory)
    if name_or_file not in files:
        raise InputError(
            f"no saved query '{name_or_file}'; expected one of: "
            f"{', '.join(files)} (or a path to an .rq file)"
        )
    return SavedQuery.from_file(files[name_or_file])


# --------------------------------------------------------------------------------------------
# Results


# --------------------------------------------------------------------------------------------
# The catalogue as RDF (as the SIB sparql-examples publish theirs)
