"""One typed error hierarchy for the package.

Every error knows where it came from (an :class:`Origin`: file, optional sheet, row, column), so the
CLI can print ``file[:sheet]:row:column: message`` and map the error class to an exit code.

>>> err = InputError("expected a CURIE", Origin("seeds/trials.csv", row=3, column="phase"))
>>> str(err)
'seeds/trials.csv:3:phase: expected a CURIE'
"""

from __future__ import annotations

from typing import NamedTuple


class Origin(NamedTuple):
    """Where something came from: a file, and optionally a sheet, a row and a column.

    A named tuple: a build makes one per cell, and tuples are the cheapest immutable records.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)


class MscowlError(Exception):
    """Base class of every error the package raises on purpose.

    ``exit_code`` follows pySHACL's contract: 1 for findings, 2 for bad input or usage, 3 for
    failures of the machinery itself.
    """

    exit_code = 3

    def __init__(self, message: str, origin: Origin | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}" if self.origin else self.message


class InputError(MscowlError):
    """Input that cannot be used: an unreadable file, a malformed value, an unknown term."""

    exit_code = 2


class InputProblemsError(InputError):
    """Several input problems found in one run, reported together (sorted by file, sheet, row)."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = sorted(problems, key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return self.message


def _sort_key(error: MscowlError) -> tuple[str, str, int]:
    # Stable sort: problems of one row keep the order they were found in (column order).
    origin = error.origin or Origin("")
    return (origin.file, origin.sheet or "", origin.row or 0)


class ToolMissingError(MscowlError):
    """An external tool (Java, the OWL API, ...) the requested check needs is not installed."""

    exit_code = 2


class CheckFailedError(MscowlError):
    """A check ran and found problems (QC errors, an inconsistent ontology, ...)."""

    exit_code = 1


class OutputError(MscowlError):
    """An output could not be written (disk full, no permission); the previous output is kept."""

    exit_code = 3


class InternalError(MscowlError):
    """Something that should not happen happened (a reasoner crash, a broken invariant)."""

    exit_code = 3


class EndpointError(MscowlError):
    """A remote SPARQL endpoint could not be used: unreachable, an HTTP error, a timeout, or an
    answer that is not SPARQL results. Exit code 2, like any unusable input."""

    exit_code = 2
