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

import shutil
import tempfile
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from mscowl.errors import InputError, InputProblemsError, Origin
from mscowl.mapping import Mapping, SheetMap
from mscowl.namespaces import BASE, PREFIXES, compress, is_own
from mscowl.origins import OriginIndex, format_index
from mscowl.serialize import ntriples_lines, turtle
from mscowl.sheets import Row, Table, read_seeds
from mscowl.shipped import MAPPING
from mscowl.terms import TermRegistry

MAPPING_FILE: Final = "mapping.toml"
TURTLE: Final = "knowledge-graph.ttl"
NTRIPLES: Final = "knowledge-graph.nt"
ORIGIN_INDEX: Final = "origin-index.tsv"

Triple = tuple[URIRef, URIRef, Node]


@dataclass
class KnowledgeGraph:
    """The built triples and where each came from."""

    triples: dict[Triple, Origin] = field(default_factory=dict)
    subjects: dict[URIRef, Origin] = field(default_factory=dict)
    namespaces: dict[str, str] = field(default_factory=dict)
    rows_per_sheet: dict[str, int] = field(default_factory=dict)

    def add(self, triple: Triple, origin: Origin) -> None:
        self.triples.setdefault(triple, origin)

    def prefixes(self) -> dict[str, str]:
        return dict(sorted({**_USED_PREFIXES, **self.namespaces}.items()))

    def graph(self) -> Graph:
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in self.prefixes().items():
            graph.bind(prefix, namespace)
        for triple in self.triples:
            graph.add(triple)
        return graph

    def origin_index(self) -> OriginIndex:
        return OriginIndex.of(self.triples.items(), self.subjects.items())

    def ntriples(self) -> bytes:
        """Sorted N-Triples (what a fast store such as pyoxigraph loads directly)."""
        return "".join(line + "\n" for line in ntriples_lines(self.triples)).encode("utf-8")


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

    def __init__(self, registry: TermRegistry, own_terms: Iterable[str]) -> None:
        self.registry = registry
        self.own_terms = frozenset(own_terms)

    @classmethod
    def for_ontology(cls, ontology: Path, registry: TermRegistry | None = None) -> TermChecker:
        from mscowl.ontology import parse_rdf

        graph = parse_rdf(ontology)
        own = {str(s) for s in graph.subjects() if isinstance(s, URIRef) and is_own(str(s))}
        return cls(registry or TermRegistry(), own)

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


def load_tables(seeds: Path, mapping: Mapping) -> tuple[dict[str, Table], list[InputError]]:
    """Read the sheets of a seeds directory or workbook.

    Returns the sheets that were read and every problem found: unreadable sheets, sheets the
    mapping expects but the input lacks, and sheets (or CSV files) the mapping does not know.
    """
    files = {name: sheet.file for name, sheet in mapping.sheets.items()}
    tables, problems = read_seeds(seeds, mapping.sheets, files)
    if seeds.is_dir():
        known = {sheet.file for sheet in mapping.sheets.values()}
        for path in sorted(seeds.iterdir()):
            if path.suffix.lower() in (".csv", ".tsv") and path.name not in known:
                problems.append(
                    InputError(
                        f"the file is not a sheet of the mapping; expected one of: "
                        f"{', '.join(sorted(known))}",
                        Origin(str(path)),
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
) -> KnowledgeGraph:
    """Map every row of every sheet to triples; raise :class:`InputProblemsError` with all problems.

    ``problems`` found earlier (by :func:`load_tables`) are reported together with those found
    here. Sheets missing from ``tables`` are skipped, and so are references into them.
    """
    kg = KnowledgeGraph()
    problems = list(problems)
    identifiers: dict[str, dict[str, Row]] = {}
    references: list[tuple[URIRef, URIRef, str, str, Origin]] = []
    for name, sheet in mapping.sheets.items():
        table = tables.get(name)
        if table is None:
            continue
        if sheet.namespace:
            prefix = sheet.namespace.strip("/").replace("/", "-")
            kg.namespaces[prefix] = mapping.base + sheet.namespace
        problems.extend(_check_columns(table, sheet))
        identifiers[name] = {}
        converted: dict[tuple[str, str], Node] = {}
        for row in table.rows:
            if on_row:
                on_row()
            _map_row(
                row, sheet, mapping.base, kg, identifiers[name], references, problems, converted
            )
        kg.rows_per_sheet[name] = len(table.rows)
    for subject, prop, target_sheet, value, origin in references:
        if target_sheet not in identifiers:
            continue  # that sheet could not be read; its problems are already reported
        if value not in identifiers[target_sheet]:
            problems.append(
                InputError(
                    f"found '{value}', which no row of sheet '{target_sheet}' defines; "
                    f"expected the id of a row of {mapping.sheets[target_sheet].file}",
                    origin,
                )
            )
            continue
        target = mapping.sheets[target_sheet].subject_iri(mapping.base, value)
        kg.add((subject, prop, target), origin)
    if checker is not None:
        problems.extend(_check_terms(kg, checker))
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


def _map_row(
    row: Row,
    sheet: SheetMap,
    base: str,
    kg: KnowledgeGraph,
    seen: dict[str, Row],
    references: list[tuple[URIRef, URIRef, str, str, Origin]],
    problems: list[InputError],
    converted: dict[tuple[str, str], Node],
) -> None:
    identifier = row[sheet.id]
    id_origin = row.origin(sheet.id)
    if not identifier:
        problems.append(InputError("found an empty id; expected a stable identifier", id_origin))
        return
    if not sheet.id_pattern.fullmatch(identifier):
        problems.append(
            InputError(
                f"found the id '{identifier}'; expected letters, digits and . _ ~ - only "
                f"(pattern {sheet.id_pattern.pattern})",
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
    subject = sheet.subject_iri(base, identifier)
    kg.subjects[subject] = id_origin
    for cls in sheet.classes:
        kg.add((subject, URIRef(RDF.type), cls), id_origin)
    for prop, constant in sheet.constants:
        kg.add((subject, prop, constant), id_origin)
    if sheet.require_one_of and not any(row[c] for c in sheet.require_one_of):
        problems.append(
            InputError(
                f"found no value in {', '.join(sheet.require_one_of)}; expected at least one",
                row.origin(sheet.require_one_of[0]),
            )
        )
    for column in sheet.columns.values():
        if column.name not in row.table.header:
            continue  # reported once per sheet by _check_columns
        values = column.split(row[column.name])
        if not values and not column.required and not column.required_when:
            continue
        origin = row.origin(column.name)
        if not values and column.is_required(row.cells):
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
                    term = column.convert(value, origin)
                except InputError as exc:
                    problems.append(exc)
                    continue
                if column.type != "string":  # repeated codes and CURIEs: convert once
                    converted[key] = term
            if column.property is None:
                continue
            if column.type == "ref":
                assert column.sheet is not None
                references.append((subject, column.property, column.sheet, str(term), origin))
            else:
                kg.add((subject, column.property, term), origin)


def _check_terms(kg: KnowledgeGraph, checker: TermChecker) -> list[InputError]:
    problems = []
    checked: dict[str, str | None] = {}
    data = BASE + "data/"
    for (_, _, obj), origin in kg.triples.items():
        if not isinstance(obj, URIRef):
            continue
        iri = str(obj)
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
    seeds: Path,
    mapping_path: Path | None = None,
    ontology: Path | None = None,
    registry: TermRegistry | None = None,
    progress: Progress | None = None,
) -> KnowledgeGraph:
    """Read, check and map the seeds (a directory or a workbook) in one call.

    With ``ontology``, every CURIE is checked against the verified releases and the ontology.
    ``progress`` lets a caller show a progress bar once the number of rows is known.
    Raises :class:`InputProblemsError` with every problem of the input.
    """
    mapping = Mapping.load(mapping_path or default_mapping(seeds))
    tables, problems = load_tables(seeds, mapping)
    checker = TermChecker.for_ontology(ontology, registry) if ontology else None
    total = sum(len(table.rows) for table in tables.values())
    with progress(total) if progress else nullcontext() as on_row:
        return build_graph(tables, mapping, checker, on_row, problems)


# --------------------------------------------------------------------------------------------
# Output


def serialise(kg: KnowledgeGraph) -> dict[str, bytes]:
    """The output files, by name, as bytes (deterministic; written without an rdflib graph,
    which would take seconds per 100k triples)."""
    return {
        TURTLE: turtle(kg.triples, kg.prefixes()).encode("utf-8"),
        NTRIPLES: kg.ntriples(),
        ORIGIN_INDEX: format_index(kg.triples.items(), kg.subjects.items()).encode("utf-8"),
    }


def write_outputs(files: dict[str, bytes], out: Path) -> None:
    """Write ``files`` (relative paths → bytes) into ``out`` atomically: a temporary sibling
    directory, then a rename.

    A failure before the final rename leaves ``out`` exactly as it was.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            old.rmdir()
            out.replace(old)
            staging.replace(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.replace(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def default_mapping(seeds: Path) -> Path:
    """The mapping beside the seeds (``seeds/mapping.toml``, or beside an .xlsx workbook),
    falling back to the mapping shipped with mscowl."""
    beside = (seeds if seeds.is_dir() else seeds.parent) / MAPPING_FILE
    return beside if beside.exists() else MAPPING
