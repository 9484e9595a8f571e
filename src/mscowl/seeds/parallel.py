"""The build over the machine's cores: the rows split by subject, each part mapped, checked
and written in a process of its own, the outputs joined from the parts' pieces.

Every output of the build is sorted by subject first (:mod:`mscowl.rdf.serialize`,
:mod:`mscowl.seeds.origins`), and every triple of a row has the row's subject. So when the
subjects are cut into ranges, the triples of a range are one contiguous piece of every file,
and the pieces written one after another are the one-process build's files, byte for byte.

The parent reads the sheets once; the parts are forked from it, so they share the rows
without copying them up front, and each holds only its own triples (memory and time both
spread). A part that meets a problem of the input writes nothing and says so; the build is then
run again in one process, which reports every problem in its usual order, so that what a
curator reads never depends on the number of cores.
"""

from __future__ import annotations

import mmap
import os
import struct
from contextlib import nullcontext
from pathlib import Path
from typing import Final

from mscowl.errors import InputError, InputProblemsError
from mscowl.outputs import Part as OutputPart
from mscowl.outputs import Writer, write_outputs, write_outputs_in_parts
from mscowl.rdf.gcpause import paused_gc
from mscowl.seeds.graph import (
    BuildSummary,
    Part,
    Progress,
    TermChecker,
    build_graph,
    serialise,
)
from mscowl.seeds.mapping import Mapping
from mscowl.seeds.sheets import Row, Table

#: Below this many rows one process is quicker than starting others.
MIN_ROWS_PER_PART: Final = 5_000

#: Rows a part maps between two updates of its progress counter.
_PROGRESS_STEP: Final = 256


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return os.cpu_count() or 1


def split_rows(tables: dict[str, Table], mapping: Mapping, parts: int) -> list[Part] | None:
    """The rows cut into at most ``parts`` ranges of subjects with about equal numbers of
    cells (a row makes about one triple per filled cell), or ``None`` when there is too little
    to cut (fewer than :data:`MIN_ROWS_PER_PART` rows a part).

    A cut falls neither between two rows of one subject nor where a subject before it is a
    prefix of the subject after it: that is the one case where IRIs and their N-Triples terms
    (``<...>``) sort differently, and the Turtle file sorts on the one, the N-Triples file and
    the origin index on the other.
    """
    names = [name for name in mapping.sheets if name in tables]
    total = sum(len(tables[name].rows) for name in names)
    parts = min(parts, total // MIN_ROWS_PER_PART)
    if parts < 2:
        return None
    # (subject, cells, sheet, row index): the rows in the order of their subjects
    entries: list[tuple[str, int, int, int]] = []
    for number, name in enumerate(names):
        sheet, table = mapping.sheets[name], tables[name]
        template = sheet.subject_parts(mapping.base)
        position = table.positions.get(sheet.id)
        for index, row in enumerate(table.rows):
            values = row.values
            identifier = values[position] if position is not None else ""
            entries.append(
                (identifier.join(template), len(values) - values.count(""), number, index)
            )
    entries.sort()
    known = {entry[0] for entry in entries}
    goal = sum(entry[1] for entry in entries) / parts
    assigned = [[0] * len(tables[name].rows) for name in names]
    part, cells, previous = 0, 0, ""
    for subject, filled, number, index in entries:
        due = part < parts - 1 and cells >= goal * (part + 1) and subject != previous
        if due and not any(subject[:end] in known for end in range(1, len(subject))):
            part += 1
        assigned[number][index] = part
        cells += filled
        previous = subject
    if part == 0:
        return None  # no place to cut
    identifiers = {
        name: frozenset(row[mapping.sheets[name].id] for row in tables[name].rows) for name in names
    }
    rows: list[dict[str, list[Row]]] = [{name: [] for name in names} for _ in range(part + 1)]
    for number, name in enumerate(names):
        for row, where in zip(tables[name].rows, assigned[number], strict=True):
            rows[where][name].append(row)  # each sheet in its own order
    return [Part(piece, identifiers, first=n == 0) for n, piece in enumerate(rows)]


def build_in_parts(
    tables: dict[str, Table],
    mapping: Mapping,
    checker: TermChecker | None,
    pieces: list[Part],
    out: Path,
    protected: list[Path],
    progress: Progress | None = None,
) -> BuildSummary | None:
    """Map and write the parts in processes of their own (see the module's text); what was
    built, or ``None`` when a part met a problem of the input (nothing written then)."""
    total = sum(len(rows) for piece in pieces for rows in piece.rows.values())
    with mmap.mmap(-1, 8 * len(pieces)) as counters:  # shared with the forked parts

        def part(number: int, piece: Part) -> OutputPart:
            def make() -> tuple[dict[str, int], dict[str, Writer]] | None:
                mapped = 0

                def on_row() -> None:
                    nonlocal mapped
                    mapped += 1
                    if mapped % _PROGRESS_STEP == 0:
                        struct.pack_into("q", counters, 8 * number, mapped)

                with paused_gc():
                    try:
                        kg = build_graph(tables, mapping, checker, on_row, part=piece)
                    except InputProblemsError:
                        return None
                made = {"triples": len(kg.triples), "subjects": len(kg.subjects)}
                return made, serialise(kg, headers=piece.first)

            return make

        with progress(total) if progress else nullcontext() as on_row:
            shown = 0

            def waiting() -> None:
                nonlocal shown
                if on_row is None:
                    return
                done = sum(struct.unpack_from("q", counters, 8 * n)[0] for n in range(len(pieces)))
                for _ in range(done - shown):
                    on_row()
                shown = max(shown, done)

            made = write_outputs_in_parts(
                [part(n, piece) for n, piece in enumerate(pieces)], out, "build", protected, waiting
            )
            if made is not None and on_row is not None:
                for _ in range(total - shown):  # the rows since the parts' last count
                    on_row()
    if made is None:
        return None
    return BuildSummary(
        sum(m["triples"] for m in made),
        sum(m["subjects"] for m in made),
        {name: len(table.rows) for name, table in tables.items() if name in mapping.sheets},
    )


def write_build(
    tables: dict[str, Table],
    mapping: Mapping,
    checker: TermChecker | None,
    out: Path,
    protected: list[Path],
    problems: list[InputError] | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> BuildSummary:
    """Build and write the graph, in parts over ``jobs`` processes (default: one per core)
    where the input is large enough and the platform can fork, else in this process; the
    same files either way. Raises :class:`InputProblemsError` with every problem of the input.
    """
    jobs = available_cores() if jobs is None else jobs
    pieces = (
        split_rows(tables, mapping, jobs)
        if jobs > 1 and hasattr(os, "fork") and not problems
        else None
    )
    if pieces:
        summary = build_in_parts(tables, mapping, checker, pieces, out, protected, progress)
        if summary is not None:
            return summary
        progress = None  # the bar was shown; the run below only finds the problems
    total = sum(len(table.rows) for table in tables.values())
    with progress(total) if progress else nullcontext() as on_row, paused_gc():
        kg = build_graph(tables, mapping, checker, on_row, problems or ())
        write_outputs(serialise(kg), out, "build", protected)
    return kg.summary()
