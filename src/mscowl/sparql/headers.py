"""The ``#+`` header of a saved query read as YAML, and remembered by its content.

Importing PyYAML is a noticeable part of a small answer's time end to end (its reader
compiles a large pattern on import), and a saved query's header changes far less often than
it is run.
So a header's value is kept, once read, in ``query-headers.json`` beside the persistent stores
(:func:`mscowl.pipeline.store_cache`; ``MSCOWL_STORE_CACHE=off`` turns it off), keyed by the
SHA-256 of the header's text: the next run of the same text takes it from there without
importing PyYAML. Only values that JSON holds exactly are kept (dates, for one, are not), at
most :data:`MOST` of them. A header that allows ``service`` is read from its text every time
and never taken from the file: what may leave for another endpoint is decided by the query
itself. A file that cannot be read or written is a cache miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any, Final

from mscowl.pipeline import store_cache

#: The file of remembered headers, in the folder of the persistent stores.
FILE: Final = "query-headers.json"
#: The most headers remembered (the newest are kept).
MOST: Final = 512


class HeaderError(ValueError):
    """The header is not valid YAML (the message says where)."""


def read_header(header: str) -> Any:
    """The value of a header's YAML text (``None`` for an empty one); :class:`HeaderError`
    when it is not valid YAML."""
    folder = store_cache()
    key = hashlib.sha256(header.encode("utf-8")).hexdigest()
    known = _remembered(folder) if folder is not None else {}
    if key in known and not _allows_service(known[key]):
        return known[key]
    import yaml

    # libyaml's safe loader where PyYAML was built with it (the wheels are): the same
    # documents, a tenth of the time, which `query --list` pays for every saved query.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        value = yaml.load(header, Loader=loader)
    except yaml.YAMLError as exc:
        raise HeaderError(str(exc)) from exc
    if folder is not None and not _allows_service(value) and _exact_in_json(value):
        known.pop(key, None)
        known[key] = value
        _remember(folder, dict(list(known.items())[-MOST:]))
    return value


def _allows_service(value: Any) -> bool:
    return isinstance(value, dict) and "service" in value


def _exact_in_json(value: Any) -> bool:
    try:
        return bool(json.loads(json.dumps(value, allow_nan=False)) == value)
    except (TypeError, ValueError):
        return False


def _remembered(folder: Path) -> dict[str, Any]:
    try:
        known = json.loads((folder / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _remember(folder: Path, known: dict[str, Any]) -> None:
    """Write the file whole and atomically (two runs at once: the last one wins, and the
    other's new header is read again next time)."""
    from mscowl.errors import MscowlError
    from mscowl.outputs import write_file  # here: only a header read from YAML is written

    with contextlib.suppress(OSError, MscowlError):
        folder.mkdir(parents=True, exist_ok=True)
        write_file(folder / FILE, json.dumps(known).encode("utf-8"))
