"""Seeds → knowledge graph, with an origin index that maps every node and triple to its cell.

The build reads every sheet the mapping names (from a seeds directory of CSV/TSV files or from one
``.xlsx`` workbook), checks every cell, and only when the whole input is clean writes, atomically:

- ``knowledge-graph.ttl``: sorted Turtle (same input, same bytes);
- ``knowledge-graph.nt``: sorted N-Triples;
- ``origin-index.tsv``: for every subject and every triple, the file, sheet, row and column it
  came from (used by ``mscowl validate`` to report problems in spreadsheet terms).

Problems of the whole run are collected and raised together as :class:`InputProblemsError`, each as
``file[:sheet]:row:column: found ..., expected ...``; nothing is written then, so a previous good
build stays untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final

from rdflib import RDF, Graph

from mscowl.errors import InputError, InputProblemsError, Origin
from mscowl.ontology.registry import TermRegistry
from mscowl.outputs import Writer
from mscowl.pipeline import Seeds
from mscowl.rdf.gcpause import paused_gc
from mscowl.rdf.namespaces import DATA, PREFIXES, compress, is_own
from mscowl.rdf.serialize import (
    Block,
    Triple,
    nt_blocks,
    nt_lines,
    nt_term,
    subject_blocks,
    turtle_blocks,
)
from mscowl.safety import excerpt
from mscowl.seeds.mapping import LABELLED_CURIE, ColumnMap, Mapping, SheetMap
from mscowl.seeds.origins import ORIGIN_INDEX, OriginIndex, index_lines
from mscowl.seeds.sheets import Row, Table, read_seeds
from mscowl.shipped import MAPPING

MAPPING_FILE: Final = "mapping.toml"
TURTLE: Final = "knowledge-graph.ttl"
NTRIPLES: Final = "knowledge-graph.nt"

#: What an id may not hold, whatever a mapping's ``id_pattern`` allows: it becomes part of an IRI.
_NOT_IN_IRI: Final = re.compile(r"[\x00-\x20<>\"{}|^`\\]")

# A triple is three terms in N-Triples syntax (:data:`mscowl.rdf.serialize.Triple`): the build
# makes strings, not rdflib terms, which keeps 100k rows fast and small.


@dataclass(frozen=True)
class Part:
    """Some of the rows of the sheets, mapped on their own: every row whose subject falls in
    a range of subjects, so that its triples are a contiguous piece of every sorted output."""

    #: the rows to map, by sheet, in the sheet's order
    rows: dict[str, list[Row]]
    #: the ids of every row of every sheet (references may point into other parts)
    identifiers: dict[str, frozenset[str]]
    #: whether this part begins the outputs (their headers: Turtle prefixes, index columns)
    first: bool


@dataclass(frozen=True)
class BuildSummary:
    """What a build made, as `mscowl build` reports it."""

    triples: int
    subjects: int
    rows_per_sheet: dict[str, int]


@dataclass
class KnowledgeGraph:
    """The built triples (N-Triples terms) and where each came from."""

    triples: dict[Triple, Origin] = field(default_factory=dict)
    subjects: dict[str, Origin] = field(default_factory=dict)
    namespaces: dict[str, str] = field(default_factory=dict)
    rows_per_sheet: dict[str, int] = field(default_factory=dict)
    #: Terms given as "label (CURIE)" (a workbook's dropdown values): (term, label) → first cell.
    stated_labels: dict[tuple[str, str], Origin] = field(default_factory=dict)

    def add(self, triple: Triple, origin: Origin) -> None:
        self.triples.setdefault(triple, origin)

    def summary(self) -> BuildSummary:
        return BuildSummary(len(self.triples), len(self.subjects), dict(self.rows_per_sheet))

    def prefixes(self) -> dict[str, str]:
        return dict(sorted({**_USED_PREFIXES, **self.namespaces}.items()))

    def graph(self) -> Graph:
        """The triples as an rdflib graph (parsed from N-Triples; for small graphs)."""
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in self.prefixes().items():
            graph.bind(prefix, namespace)
        return graph.parse(data=self.ntriples(), format="nt")

    def origin_index(self) -> OriginIndex:
        return OriginIndex.of(self.triples.items(), self.subjects.items())

    def ntriples(self) -> bytes:
        """Sorted N-Triples (what a fast store such as pyoxigraph loads directly)."""
        return "".join(nt_lines(self.triples)).encode("utf-8")


_USED_PREFIXES: Final = {
    p: PREFIXES[p]
    for p in (
        "MSCO",
        "BFO",
        "CHEBI",
        "CL",
        "ECO",
        "GO",
        "IAO",
        "MONDO",
        "NCIT",
        "OBI",
        "RO",
        "UBERON",
        "UniProtKB",
        "dcterms",
        "rdf",
        "rdfs",
        "xsd",
    )
}


class TermChecker:
    """Checks that every CURIE in a cell is a real term: upstream, or declared by the ontology."""

    def __init__(
        self, registry: TermRegistry, own_terms: Iterable[str], ontology: Path | None = None
    ) -> None:
        self.registry = registry
        self.own_terms = frozenset(own_terms)
        self.ontology = ontology
        self._labels: dict[str, set[str]] | None = None

    @classmethod
    def for_ontology(cls, ontology: Path, registry: TermRegistry | None = None) -> TermChecker:
        from mscowl.ontology.load import subject_iris

        own = {iri for iri in subject_iris(ontology) if is_own(iri)}
        return cls(registry or TermRegistry(), own, ontology)

    def label_problem(self, iri: str, label: str) -> str | None:
        """Why ``label (CURIE)`` names another term than its label says, or ``None``."""
        if self._labels is None:
            from mscowl.ontology.load import closure_labels

            self._labels = closure_labels(self.ontology) if self.ontology else {}
        curie = compress(iri) or iri
        # the ontology's labels first (the workbook's dropdowns come from them); the verified
        # releases, whose reading takes seconds, only for a term the ontology does not hold
        known = self._labels.get(iri) or self.registry.labels(curie)
        if not known or label in known:
            return None
        return (
            f"found '{label} ({curie})', but the label of {curie} is '{sorted(known)[0]}'; "
            "expected the term's own label (or the CURIE alone)"
        )

    def problem(self, iri: str) -> str | None:
        """Why ``iri`` is not acceptable, or ``None`` when it is."""
        curie = compress(iri) or iri
        if is_own(iri):
            return (
                None
                if iri in self.own_terms
                else (
                    f"found '{curie}', which the ontology does not declare; "
                    "expected an MSCO term of ontology/msc-cancer.ttl"
                )
            )
        status = self.registry.status(curie)
        if status is None:
            return (
                f"found '{curie}', which is in no verified source; expected a term of a "
                "verified release (never an invented identifier)"
            )
        if status == "deprecated":
            return f"found '{curie}', which is obsolete upstream; expected a current term"
        return None


def load_tables(
    seeds: Path, mapping: Mapping, shown_as: str | None = None
) -> tuple[dict[str, Table], list[InputError]]:
    """Read the sheets of a seeds directory or workbook (origins name the folder ``shown_as``
    instead of its path, when given).

    Returns the sheets that were read and every problem found: unreadable sheets, sheets the
    mapping expects but the input lacks, and sheets (or CSV files) the mapping does not know.
    """
    files = {name: sheet.file for name, sheet in mapping.sheets.items()}
    tables, problems = read_seeds(seeds, mapping.sheets, files, shown_as)
    if seeds.is_dir():
        known = {sheet.file for sheet in mapping.sheets.values()}
        for path in sorted(seeds.iterdir()):
            if path.suffix.lower() in (".csv", ".tsv") and path.name not in known:
                problems.append(
                    InputError(
                        f"the file is not a sheet of the mapping; expected one of: "
                        f"{', '.join(sorted(known))}",
                        Origin(f"{shown_as}/{path.name}" if shown_as else str(path)),
                    )
                )
    else:
        for name, table in tables.items():
            if name not in mapping.sheets:
                problems.append(
                    InputError(
                        f"unknown sheet '{name}'; expected one of: {', '.join(mapping.sheets)}",
                        table.origin(),
                    )
                )
    return tables, problems


def build_graph(
    tables: dict[str, Table],
    mapping: Mapping,
    checker: TermChecker | None = None,
    on_row: Callable[[], None] | None = None,
    problems: Iterable[InputError] = (),
    part: Part | None = None,
) -> KnowledgeGraph:
    """Map every row of every sheet to triples; raise :class:`InputProblemsError` with all problems.

    ``problems`` found earlier (by :func:`load_tables`) are reported together with those found
    here. Sheets missing from ``tables`` are skipped, and so are references into them. With
    ``part``, only its rows are mapped (see :mod:`mscowl.seeds.parallel`).
    """
    kg = KnowledgeGraph()
    problems = list(problems)
    identifiers: dict[str, dict[str, Row]] = {}
    references: list[tuple[str, str, str, str, Origin]] = []
    for name, sheet in mapping.sheets.items():
        table = tables.get(name)
        if table is None:
            continue
        if sheet.namespace:
            prefix = sheet.namespace.strip("/").replace("/", "-")
            kg.namespaces[prefix] = mapping.base + sheet.namespace
        problems.extend(_check_columns(table, sheet))
        identifiers[name] = {}
        terms = _SheetTerms.of(sheet, table, mapping.base)
        for row in part.rows.get(name, ()) if part else table.rows:
            if on_row:
                on_row()
            _map_row(row, sheet, terms, kg, identifiers[name], references, problems)
        kg.rows_per_sheet[name] = len(table.rows)
    for subject, prop, target_sheet, value, origin in references:
        if target_sheet not in identifiers:
            continue  # that sheet could not be read; its problems are already reported
        known = part.identifiers[target_sheet] if part else identifiers[target_sheet]
        if value not in known:
            problems.append(
                InputError(
                    f"found {excerpt(value)}, which no row of sheet '{target_sheet}' defines; "
                    f"expected the id of a row of {mapping.sheets[target_sheet].file}",
                    origin,
                )
            )
            continue
        target = mapping.sheets[target_sheet].subject_iri(mapping.base, value)
        kg.add((subject, prop, f"<{target}>"), origin)
    if checker is not None:
        problems.extend(_check_terms(kg, checker))
        for (term, label), origin in kg.stated_labels.items():
            message = checker.label_problem(term[1:-1], label)
            if message:
                problems.append(InputError(message, origin))
    if problems:
        raise InputProblemsError(problems)
    return kg


def _check_columns(table: Table, sheet: SheetMap) -> list[InputError]:
    problems = []
    for column in table.header:
        if column not in sheet.columns:
            problems.append(
                InputError(
                    f"unknown column '{column}'; expected one of: {', '.join(sheet.columns)}",
                    table.origin(1, column),
                )
            )
    for column in sheet.columns:
        if column not in table.header:
            problems.append(
                InputError(
                    f"the column '{column}' is missing; expected it in the header",
                    table.origin(1, column),
                )
            )
    return problems


@dataclass
class _SheetTerms:
    """The N-Triples terms a sheet's rows repeat, made once per sheet: (predicate, object) of
    its classes and constants, the column properties, and converted values of columns whose
    values repeat (codes, CURIEs)."""

    constants: list[tuple[str, str]]
    #: a row's subject term is these joined by its id (SheetMap.subject_parts, in <>)
    subject_parts: list[str]
    #: the mapped columns the sheet has: the column, its position in a row, its property
    columns: list[tuple[ColumnMap, int, str | None]]
    converted: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, sheet: SheetMap, table: Table, base: str) -> _SheetTerms:
        rdf_type = nt_term(RDF.type)
        positions = table.positions
        parts = sheet.subject_parts(base)
        parts[0], parts[-1] = "<" + parts[0], parts[-1] + ">"
        return cls(
            constants=[(rdf_type, nt_term(c)) for c in sheet.classes]
            + [(nt_term(p), nt_term(v)) for p, v in sheet.constants],
            subject_parts=parts,
            # a column the sheet lacks is reported once per sheet (_check_columns)
            columns=[
                (c, positions[c.name], nt_term(c.property) if c.property else None)
                for c in sheet.columns.values()
                if c.name in positions
            ],
        )


#: Origin(file, sheet, row, column) from one tuple, without the NamedTuple's Python-level
#: constructor: the build makes one for every filled cell.
_origin: Final[Callable[[tuple[str, str | None, int, str]], Origin]] = partial(
    tuple.__new__, Origin
)


def _map_row(
    row: Row,
    sheet: SheetMap,
    terms: _SheetTerms,
    kg: KnowledgeGraph,
    seen: dict[str, Row],
    references: list[tuple[str, str, str, str, Origin]],
    problems: list[InputError],
) -> None:
    identifier = row[sheet.id]
    id_origin = row.origin(sheet.id)
    if not identifier:
        problems.append(InputError("found an empty id; expected a stable identifier", id_origin))
        return
    if not sheet.id_pattern.fullmatch(identifier) or _NOT_IN_IRI.search(identifier):
        problems.append(
            InputError(
                f"found the id {excerpt(identifier)}; expected letters, digits and . _ ~ - only "
                f"(pattern {sheet.id_pattern.pattern}, and nothing an IRI may not hold)",
                id_origin,
            )
        )
        return
    if identifier in seen:
        problems.append(
            InputError(
                f"found the id '{identifier}' again; expected unique ids (first at row "
                f"{seen[identifier].number})",
                id_origin,
            )
        )
        return
    seen[identifier] = row
    subject = identifier.join(terms.subject_parts)
    kg.subjects[subject] = id_origin
    add = kg.triples.setdefault
    for predicate, obj in terms.constants:
        add((subject, predicate, obj), id_origin)
    converted = terms.converted
    alternatives = sheet.require_one_of
    if alternatives and not any(all(row[c] for c in a.split("+")) for a in alternatives):
        named = [a.replace("+", " with ") for a in alternatives]
        listed = ", ".join(named[:-1]) + f" or {named[-1]}" if len(named) > 1 else named[0]
        problems.append(
            InputError(
                f"found no value in {listed}; expected at least one",
                row.origin(alternatives[0].split("+")[0]),
            )
        )
    cells = row.values
    file, sheet_name, number = row.table.file, row.table.sheet, row.number
    for column, position, property_term in terms.columns:
        cell = cells[position]
        if not cell:
            if not column.required and not column.required_when:
                continue
            values: list[str] = []
        else:
            values = [cell] if column.separator is None else column.split(cell)
        origin = _origin((file, sheet_name, number, column.name))
        if not values and column.is_required(row.__getitem__):
            condition = (
                ""
                if column.required
                else " when " + ", ".join(f"{c} is '{v}'" for c, v in column.required_when)
            )
            problems.append(InputError(f"found an empty cell; expected a value{condition}", origin))
        for value in values:
            key = (column.name, value)
            term = converted.get(key)
            if term is None:
                try:
                    term = column.nt(value, origin)
                except InputError as exc:
                    problems.append(exc)
                    continue
                if column.type != "string":  # repeated codes and CURIEs: convert once
                    converted[key] = term
                if column.type == "curie" and value.endswith(")"):
                    labelled = LABELLED_CURIE.fullmatch(value)
                    if labelled:
                        kg.stated_labels.setdefault((term, labelled.group(1)), origin)
            if property_term is None:
                continue
            if column.type == "ref":
                assert column.sheet is not None
                references.append((subject, property_term, column.sheet, value, origin))
            else:
                add((subject, property_term, term), origin)


def _check_terms(kg: KnowledgeGraph, checker: TermChecker) -> list[InputError]:
    problems = []
    checked: dict[str, str | None] = {}
    data = DATA
    for (_, _, obj), origin in kg.triples.items():
        if obj[0] != "<":
            continue
        iri = obj[1:-1]
        if iri not in checked:
            # web pages (rdfs:seeAlso) and generated subjects are not terms
            is_term = not iri.startswith(data) and compress(iri) is not None
            checked[iri] = checker.problem(iri) if is_term else None
        message = checked[iri]
        if message:
            problems.append(InputError(message, origin))
    return problems


#: Given the number of rows, a context manager yielding the per-row callback (or ``None``).
Progress = Callable[[int], AbstractContextManager[Callable[[], None] | None]]


def build_knowledge_graph(
    seeds: Path | Seeds,
    mapping_path: Path | None = None,
    ontology: Path | None = None,
    registry: TermRegistry | None = None,
    progress: Progress | None = None,
) -> KnowledgeGraph:
    """Read, check and map the seeds (a directory or a workbook, or :class:`Seeds`) in one call.

    With ``ontology``, every CURIE is checked against the verified releases and the ontology.
    ``progress`` lets a caller show a progress bar once the number of rows is known.
    Raises :class:`InputProblemsError` with every problem of the input.
    """
    tables, mapping, checker, problems = read_input(seeds, mapping_path, ontology, registry)
    total = sum(len(table.rows) for table in tables.values())
    with progress(total) if progress else nullcontext() as on_row, paused_gc():
        return build_graph(tables, mapping, checker, on_row, problems)


def read_input(
    seeds: Path | Seeds,
    mapping_path: Path | None = None,
    ontology: Path | None = None,
    registry: TermRegistry | None = None,
) -> tuple[dict[str, Table], Mapping, TermChecker | None, list[InputError]]:
    """What a build reads before it maps a row: the sheets, the mapping, the term checker
    (with ``ontology``) and the problems found so far (see :func:`load_tables`)."""
    where = Seeds.of(seeds)
    mapping = Mapping.load(mapping_path or default_mapping(where.path))
    tables, problems = load_tables(where.path, mapping, where.shown_as)
    checker = TermChecker.for_ontology(ontology, registry) if ontology else None
    return tables, mapping, checker, problems


# --------------------------------------------------------------------------------------------
# Output


def serialise(kg: KnowledgeGraph, headers: bool = True) -> dict[str, Writer]:
    """The output files, by name, as writers (deterministic; written piece by piece without an
    rdflib graph, so that only one sorted copy of the graph is held at a time). Without
    ``headers``, the pieces that follow another part's (see :class:`Part`)."""

    sorted_once: list[Block] = []  # made by the first writer that runs in a process

    def blocks() -> list[Block]:
        if not sorted_once and kg.triples:
            sorted_once.extend(subject_blocks(kg.triples))
        return sorted_once

    return {
        TURTLE: lambda fh: fh.writelines(turtle_blocks(blocks(), kg.prefixes(), headers)),
        NTRIPLES: lambda fh: fh.writelines(nt_blocks(blocks())),
        ORIGIN_INDEX: lambda fh: fh.writelines(
            index_lines(kg.triples, kg.subjects, headers, blocks())
        ),
    }


def default_mapping(seeds: Path) -> Path:
    """The mapping beside the seeds (``seeds/mapping.toml``, or beside an .xlsx workbook),
    falling back to the mapping shipped with mscowl."""
    beside = (seeds if seeds.is_dir() else seeds.parent) / MAPPING_FILE
    return beside if beside.exists() else MAPPING
