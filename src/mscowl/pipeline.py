"""Where every command finds its input and puts its output: one rule, decided here only.

Seeds (:func:`locate_seeds`): the ``--seeds`` path when one is given (it must exist); else
``./seeds`` when the current folder has one; else the seeds shipped inside the package, read but
never pointed at: problems in them are reported as ``seeds/FILE:row:column``, the file that
``mscowl init`` writes, and a note says which seeds were used.

Graph data (:func:`graph_files`): the RDF files given; else the output of ``mscowl build``
(``build/graph/knowledge-graph.nt``) when there is one; else nothing, and the command builds the
seeds in memory.

Outputs, one folder per command, each replaced whole by the next run of that command and by
nothing else (:mod:`mscowl.outputs`):

==================  ==========================  =====================================
command             folder                      what
==================  ==========================  =====================================
``mscowl build``    ``build/graph/``            the graph (Turtle, N-Triples), origin index
``mscowl report``   ``build/report/``           charts (SVG, PNG)
``mscowl release``  ``releases/VERSION/``       a versioned release
``mscowl init``     ``seeds/``                  an editable copy of the shipped seeds (once)
==================  ==========================  =====================================

Caches (:func:`cache_dir`), each rebuilt when missing and never needed for an answer: under
``$XDG_CACHE_HOME/mscowl`` (``~/.cache/mscowl``): ``terms/`` (indexes of the shipped ontology
releases), ``stores/`` (the embedded stores of graph files, :mod:`mscowl.sparql.stores`, and
the saved queries' headers, :mod:`mscowl.sparql.headers`), and the Java helpers' builds.

>>> locate_seeds(Path("no-such-folder"))
Traceback (most recent call last):
...
mscowl.errors.InputError: no-such-folder: no such file or folder; expected the seeds (a ...
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from mscowl.errors import InputError, Origin
from mscowl.shipped import SEEDS as SHIPPED_SEEDS

#: The seeds folder a command looks for in the current folder.
SEEDS_DIR: Final = Path("seeds")
#: Output folders by command (relative to the current folder).
GRAPH_DIR: Final = Path("build") / "graph"
REPORT_DIR: Final = Path("build") / "report"
RELEASES_DIR: Final = Path("releases")
#: The graph that ``mscowl build`` writes and the other commands read by default.
GRAPH_FILE: Final = GRAPH_DIR / "knowledge-graph.nt"


@dataclass(frozen=True)
class Seeds:
    """The seeds of a run: where they are, how reports name them, and what the user should know.

    ``shown_as`` replaces the folder's path in every origin (``None``: the path itself).
    """

    path: Path
    shown_as: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, seeds: Path | Seeds) -> Seeds:
        return seeds if isinstance(seeds, Seeds) else cls(seeds)

    @property
    def shipped(self) -> bool:
        return self.path.resolve() == SHIPPED_SEEDS.resolve()


def locate_seeds(given: Path | None = None) -> Seeds:
    """The seeds by the one rule of the module docstring."""
    if given is not None:
        if not given.exists():
            raise InputError(
                "no such file or folder; expected the seeds (a folder of CSV/TSV sheets or an "
                ".xlsx workbook)",
                Origin(str(given)),
            )
        return Seeds(given)
    if SEEDS_DIR.exists():
        return Seeds(SEEDS_DIR)
    return Seeds(
        SHIPPED_SEEDS,
        shown_as=str(SEEDS_DIR),
        note="no ./seeds here: using the seeds shipped with mscowl (read-only); "
        "`mscowl init` writes an editable copy into ./seeds",
    )


def graph_files(data: Sequence[Path] = ()) -> list[Path]:
    """The RDF files of the knowledge graph by the module's rule (empty: build the seeds)."""
    if data:
        return list(data)
    return [GRAPH_FILE] if GRAPH_FILE.is_file() else []


def release_folder(version: str) -> Path:
    """Where ``mscowl release`` writes a version by default."""
    return RELEASES_DIR / version


def cache_dir(*parts: str) -> Path:
    """A folder of mscowl's caches (not created here): ``$XDG_CACHE_HOME/mscowl/PARTS``."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mscowl"
    return root.joinpath(*parts)


def store_cache() -> Path | None:
    """The folder of the persistent stores and what a query remembers beside them (the
    hashes of graph files, the saved queries' headers): ``cache_dir("stores")``, or the folder
    ``MSCOWL_STORE_CACHE`` names; ``None`` when that is ``off``."""
    chosen = os.environ.get("MSCOWL_STORE_CACHE")
    if chosen is not None and chosen.strip().lower() in ("off", "0", "no", "false", ""):
        return None
    return Path(chosen) if chosen else cache_dir("stores")
