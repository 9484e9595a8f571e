"""Verified sources of external ontology terms.

Two sources count as verified:

1. the upstream ontology releases shipped in the PyPI package ``cellxgene-ontology-guide``
   (CL, UBERON, MONDO, ChEBI, NCBITaxon, PATO, EFO and UniProt: label, definition, ancestors,
   deprecated flag), and
2. the project's reference table of verified terms (``reference-terms.tsv``, a copy of
   ``shared/reference/terms.tsv`` with the page or release each row was read from).

:class:`TermRegistry` answers "does this IRI exist upstream, and with which label?" from both,
without network access. Nothing here guesses: a term found in neither source is unverified.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mscowl.errors import InputError, Origin
from mscowl.pipeline import cache_dir as mscowl_cache

#: CURIE prefixes whose releases ship in cellxgene-ontology-guide, and their file stem there.
CXG_PREFIXES: dict[str, str] = {
    "CL": "CL",
    "UBERON": "UBERON",
    "MONDO": "MONDO",
    "CHEBI": "CHEBI",
    "NCBITaxon": "NCBITaxon",
    "PATO": "PATO",
    "EFO": "EFO",
    "UniProtKB": "UniProt",
}

REFERENCE_ENV = "MSCOWL_REFERENCE_TERMS"


@dataclass(frozen=True)
class VerifiedTerm:
    """What a verified source says about one term."""

    curie: str
    label: str
    source: str
    #: "class", "object_property", "annotation_property" or "individual".
    kind: str = "class"
    definition: str | None = None
    synonyms: tuple[str, ...] = ()
    deprecated: bool = False
    #: ancestors with their distance, as the source gives them (may mix is_a and part_of).
    ancestors: dict[str, int] = field(default_factory=dict)


def default_reference_path() -> Path:
    """The reference table in use: ``$MSCOWL_REFERENCE_TERMS`` or the copy in the package."""
    env = os.environ.get(REFERENCE_ENV)
    if env:
        return Path(env)
    return Path(str(resources.files("mscowl") / "resources" / "reference-terms.tsv"))


@cache
def _cxg_release(prefix: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """(version, terms) of the newest release of an ontology shipped in cellxgene-ontology-guide."""
    try:
        import cellxgene_ontology_guide
        import zstandard
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(f"cellxgene-ontology-guide is needed to verify {prefix} terms") from exc
    data = Path(cellxgene_ontology_guide.__file__).parent / "data"
    stem = CXG_PREFIXES[prefix]
    info = json.loads((data / "latest_ontology_info.json").read_text())["ontologies"]
    if stem in info:
        version = str(info[stem]["version"])
        path = data / f"{stem}-ontology-{version}.json.zst"
    else:  # not listed as "latest": take the newest file on disk
        candidates = sorted(data.glob(f"{stem}-ontology-*.json.zst"))
        if not candidates:
            return "", {}
        path = candidates[-1]
        version = path.name[len(stem) + len("-ontology-") : -len(".json.zst")]
    with path.open("rb") as fh:
        terms: dict[str, dict[str, Any]] = json.loads(
            zstandard.ZstdDecompressor().stream_reader(fh).read()
        )
    return version, terms


class _TermIndex:
    """CURIE → deprecated for one shipped release, in an SQLite file: a lookup reads a few pages
    instead of loading a whole ontology's terms (ChEBI has 200k) into memory first."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        self._db.execute("SELECT count(*) FROM terms").fetchone()  # fail early on a broken file

    def get(self, curie: str) -> bool | None:
        row = self._db.execute("SELECT deprecated FROM terms WHERE curie = ?", (curie,)).fetchone()
        return None if row is None else bool(row[0])

    @staticmethod
    def write(path: Path, index: Iterable[tuple[str, bool]]) -> None:
        staging = path.with_suffix(f".{os.getpid()}.tmp")
        staging.unlink(missing_ok=True)
        with closing(sqlite3.connect(staging)) as db, db:
            db.execute(
                "CREATE TABLE terms (curie TEXT PRIMARY KEY, deprecated INTEGER) WITHOUT ROWID"
            )
            db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?)", index)
        staging.replace(path)


@cache
def _cxg_index(prefix: str) -> _TermIndex | dict[str, bool]:
    """CURIE → deprecated, for one shipped release; cached on disk per package version."""
    version = cxg_package_version()
    cache_dir = mscowl_cache("terms")
    path = cache_dir / f"{CXG_PREFIXES[prefix]}-{version}.sqlite"
    try:
        return _TermIndex(path)
    except sqlite3.Error:
        pass
    _, terms = _cxg_release(prefix)
    back = "UniProtKB:" if prefix == "UniProtKB" else ""
    index = {
        (back + key.split(":", 1)[1] if back else key): bool(record.get("deprecated"))
        for key, record in terms.items()
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _TermIndex.write(path, index.items())
    except (OSError, sqlite3.Error):
        return index  # a read-only home: the index is rebuilt next time
    return _TermIndex(path)


@cache
def cxg_package_version() -> str:
    from importlib.metadata import version

    return version("cellxgene-ontology-guide")


def _cxg_key(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return f"uniprot:{local}" if prefix == "UniProtKB" else curie


class TermRegistry:
    """Look up external terms in the verified sources.

    >>> registry = TermRegistry()
    >>> registry.lookup("CL:0000134").label
    'mesenchymal stem cell'
    >>> registry.lookup("CL:9999999") is None
    True
    """

    def __init__(self, reference: Path | None = None) -> None:
        self.reference_path = reference or default_reference_path()
        self._reference = self._read_reference(self.reference_path)

    @staticmethod
    def _read_reference(path: Path) -> dict[str, VerifiedTerm]:
        if not path.is_file():
            raise InputError("reference table of verified terms not found", Origin(str(path)))
        rows: dict[str, VerifiedTerm] = {}
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                curie = row["curie"].strip()
                rows[curie] = VerifiedTerm(
                    curie=curie,
                    label=row["label"].strip(),
                    source=f"reference table: {row.get('source', '').strip()}",
                    kind=row.get("kind", "class").strip() or "class",
                )
        return rows

    def lookup(self, curie: str) -> VerifiedTerm | None:
        """The verified record of a CURIE, or ``None`` if no verified source knows it.

        An upstream release wins over the reference table for label, definition and
        deprecation (it is the newer reading); the reference table fills what releases lack.
        """
        prefix = curie.split(":", 1)[0]
        upstream: VerifiedTerm | None = None
        if prefix in CXG_PREFIXES:
            version, terms = _cxg_release(prefix)
            record = terms.get(_cxg_key(curie))
            if record is not None:
                upstream = VerifiedTerm(
                    curie=curie,
                    label=str(record["label"]),
                    source=(
                        f"{CXG_PREFIXES[prefix]} {version} "
                        f"(cellxgene-ontology-guide {cxg_package_version()})"
                    ),
                    definition=record.get("description") or None,
                    synonyms=tuple(record.get("synonyms") or ()),
                    deprecated=bool(record.get("deprecated")),
                    ancestors=dict(record.get("ancestors") or {}),
                )
        return upstream or self._reference.get(curie)

    def status(self, curie: str) -> str | None:
        """``"current"``, ``"deprecated"``, or ``None`` when no verified source knows the term.

        Cheaper than :meth:`lookup` for checking many CURIEs: the upstream releases are read
        through a small per-release index cached on disk (``~/.cache/mscowl/terms/``), built
        on first use, instead of the whole release (seconds and hundreds of MB).
        """
        prefix = curie.split(":", 1)[0]
        if prefix in CXG_PREFIXES:
            deprecated = _cxg_index(prefix).get(curie)
            if deprecated is not None:
                return "deprecated" if deprecated else "current"
        return "current" if curie in self._reference else None

    def labels(self, curie: str) -> set[str]:
        """Every label a verified source gives for the term (upstream and reference may differ)."""
        found = set()
        prefix = curie.split(":", 1)[0]
        if prefix in CXG_PREFIXES:
            record = _cxg_release(prefix)[1].get(_cxg_key(curie))
            if record is not None:
                found.add(str(record["label"]))
        if curie in self._reference:
            found.add(self._reference[curie].label)
        return found
