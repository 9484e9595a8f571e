"""Persistent embedded stores: graph files and the ontology loaded once into an on-disk Oxigraph
store, which every later query opens read-only instead of parsing them again.

A store is kept in the cache (``$XDG_CACHE_HOME/mscowl/stores/KEY``, or the folder that
``MSCOWL_STORE_CACHE`` names; ``MSCOWL_STORE_CACHE=off`` turns it off), keyed by the content of
what it holds: the SHA-256 of every data file and of every file of the ontology folder, and
:data:`STORE_FORMAT`. Hashing a large file costs more than a query, so a small index maps each
file's path, size, modification time and inode to its hash, and a file is hashed again only when
one of them changes.

Safe under concurrent readers and a rebuild: a store is written into a private folder and renamed
into place only when complete (a rename is atomic; when two processes build the same store, one
rename wins and the other's copy is removed); readers open it read-only; a changed file gives a
new key, so a store is never changed once it is in place. At most :data:`KEEP` stores are kept;
older ones, unused for an hour, are removed.

>>> store_key([], None) == store_key([], None)
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Final

from mscowl.pipeline import Seeds, store_cache
from mscowl.sparql.local import (
    LocalStore,
    check_data_files,
    ontology_files,
    open_local_store,
)

#: Changes when what a store holds, or how, changes (old stores are then not used).
STORE_FORMAT: Final = "1"
#: The most stores kept in the cache.
KEEP: Final = 4
#: A store used within this many seconds is never removed (a reader may have it open).
IN_USE_SECONDS: Final = 3600
_COMPLETE: Final = "mscowl-store.json"
_INDEX: Final = "hashes.json"
#: Above this many remembered hashes, those of files no longer as they were are forgotten.
_MOST_HASHES: Final = 256


def store_key(data: list[Path], ontology: Path | None, root: Path | None = None) -> str:
    """The key of the store of ``data`` with ``ontology``: a hash of their contents."""
    hashes = _Hashes(root)
    digest = hashlib.sha256(f"mscowl-store {STORE_FORMAT}\n".encode())
    for path in data:
        digest.update(f"data {hashes.of(path)}\n".encode())
    if ontology is not None:
        for path in ontology_files(ontology):
            relative = path.relative_to(ontology.resolve().parent).as_posix()
            digest.update(f"ontology {relative} {hashes.of(path)}\n".encode())
        digest.update(f"main {ontology.name}\n".encode())
    hashes.save()
    return digest.hexdigest()[:32]


def open_store(data: list[Path], seeds: Path | Seeds, ontology: Path | None) -> LocalStore:
    """The embedded store of ``mscowl query``: graph files from their persistent store (built
    on first use), or in memory when there are none or the stores are off."""
    check_data_files(data)
    kept = persistent_store(data, ontology) if data else None
    return kept if kept is not None else open_local_store(data, seeds, ontology)


def persistent_store(data: list[Path], ontology: Path | None) -> LocalStore | None:
    """The read-only store of ``data`` with ``ontology``, built on first use; None when the
    persistent stores are off or the cache cannot be written (the caller loads in memory)."""
    try:
        folder = store_folder(data, ontology)
        return LocalStore.read_only(folder) if folder is not None else None
    except OSError:
        return None


def store_folder(data: list[Path], ontology: Path | None) -> Path | None:
    """The folder of the complete store of ``data`` with ``ontology`` (built now if needed and
    marked as just used), or None when the persistent stores are off. OSError when the cache
    cannot be written."""
    root = store_cache()
    if root is None:
        return None
    root.mkdir(parents=True, exist_ok=True)
    key = store_key(data, ontology, root)
    target = root / key
    if not (target / _COMPLETE).is_file():
        _build(target, data, ontology)
    mark_used(target)
    _prune(root, keep=target)
    return target


def mark_used(folder: Path) -> None:
    """Mark a store as in use now (pruning leaves it alone for :data:`IN_USE_SECONDS`)."""
    os.utime(folder / _COMPLETE)


def _build(target: Path, data: list[Path], ontology: Path | None) -> None:
    import secrets

    from mscowl.sparql.local import ontology_ntriples

    scratch = target.parent / f".build-{target.name}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        store = LocalStore.on_disk(scratch)
        for path in data:
            store.load_file(path)
        if ontology is not None:
            store.load_ntriples(ontology_ntriples(ontology))
        store.flush()
        del store  # releases the folder's lock before the rename
        about = {
            "format": STORE_FORMAT,
            "data": [str(p.resolve()) for p in data],
            "ontology": str(ontology.resolve()) if ontology is not None else None,
        }
        (scratch / _COMPLETE).write_text(json.dumps(about, indent=2) + "\n", encoding="utf-8")
        try:
            scratch.rename(target)
        except OSError:
            if not (target / _COMPLETE).is_file():
                raise  # not another process's complete store: a real failure
    finally:
        if scratch.exists():
            _remove(scratch)


def _prune(root: Path, keep: Path) -> None:
    """Remove the least recently used complete stores beyond :data:`KEEP`, and abandoned
    builds, that nothing used within :data:`IN_USE_SECONDS`."""
    now = time.time()
    stores: list[tuple[float, Path]] = []
    for folder in root.iterdir():
        if not folder.is_dir() or folder == keep:
            continue
        marker = folder / _COMPLETE
        used = (marker if marker.is_file() else folder).stat().st_mtime
        if now - used < IN_USE_SECONDS:
            continue
        if folder.name.startswith(".build-") or not marker.is_file():
            _remove(folder)
        else:
            stores.append((used, folder))
    stores.sort(reverse=True)
    for _, folder in stores[KEEP - 1 :]:
        _remove(folder)


def _remove(folder: Path) -> None:
    import shutil  # here: most queries remove nothing

    shutil.rmtree(folder, ignore_errors=True)


class _Hashes:
    """SHA-256 of files, remembered by (path, size, modification time, inode)."""

    def __init__(self, root: Path | None) -> None:
        self._path = root / _INDEX if root is not None else None
        self._known: dict[str, str] = {}
        self._changed = False
        if self._path is not None:
            with contextlib.suppress(OSError, ValueError):
                loaded = json.loads(self._path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self._known = {str(k): str(v) for k, v in loaded.items()}

    def of(self, path: Path) -> str:
        info = path.stat()
        stamp = f"{path.resolve()}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}"
        known = self._known.get(stamp)
        if known is None:
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            known = self._known[stamp] = digest.hexdigest()
            self._changed = True
        return known

    def save(self) -> None:
        if self._path is None or not self._changed:
            return
        if len(self._known) > _MOST_HASHES:  # forget files that changed or went away
            self._known = {k: v for k, v in self._known.items() if _current(k)}
        import secrets  # here: a query whose files are known pays for no import

        scratch = self._path.with_name(f".{_INDEX}.{os.getpid()}-{secrets.token_hex(4)}")
        with contextlib.suppress(OSError):
            scratch.write_text(json.dumps(self._known, sort_keys=True), encoding="utf-8")
            scratch.replace(self._path)  # atomic: a reader sees the old index or the new


def _current(stamp: str) -> bool:
    """Whether a remembered stamp still describes its file."""
    path, size, mtime, inode = stamp.rsplit("|", 3)
    try:
        info = Path(path).stat()
    except OSError:
        return False
    return (str(info.st_size), str(info.st_mtime_ns), str(info.st_ino)) == (size, mtime, inode)
