"""Checks that every untrusted input passes before a parser or an engine sees it.

RDF files (data, shapes, ontologies) are read by rdflib, pyoxigraph, pySHACL and Jena, whose
defaults are made for trusted input. :func:`check_rdf_file` refuses what would make one of them
hang, fill the memory or reach the network: anything that is not a regular file (``/dev/zero``),
files above :func:`max_input_bytes`, empty files (which would "conform"), XML with a document type
declaration (entity expansion, the "billion laughs"), and JSON-LD whose ``@context`` is fetched
from elsewhere (``http://…``, ``file:///dev/zero``). Regular expressions from mappings and shapes
go through :func:`check_regex`, which refuses the nested unbounded repetitions that make Python's
backtracking engine take exponential time. :func:`excerpt` and :func:`printable` keep what an
error quotes of a file short and free of control characters and bidirectional overrides.

>>> printable("a\\nb\\u202ec")
'a\\\\nb\\\\u202ec'
>>> check_regex("(a+)+$", "sh:pattern")
Traceback (most recent call last):
...
mscowl.errors.InputError: sh:pattern: the regular expression '(a+)+$' repeats a repetition ...
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from mscowl.errors import InputError, Origin

#: Default size limit of one RDF input file; ``MSCOWL_MAX_INPUT_BYTES`` raises it.
MAX_INPUT_BYTES: Final = 4 * 1024**3
LIMIT_ENV: Final = "MSCOWL_MAX_INPUT_BYTES"

_XML_SUFFIXES: Final = frozenset({".owl", ".rdf", ".xml"})
_JSONLD_SUFFIXES: Final = frozenset({".jsonld", ".json"})
_DTD: Final = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def max_input_bytes() -> int:
    """The size limit of one input file: ``$MSCOWL_MAX_INPUT_BYTES`` or :data:`MAX_INPUT_BYTES`."""
    text = os.environ.get(LIMIT_ENV, "").strip()
    return int(text) if text.isdigit() else MAX_INPUT_BYTES


def check_regular_file(path: Path, what: str = "file", limit: int | None = None) -> int:
    """The size of ``path``, or :class:`InputError` unless it is a regular file within the
    limit (a device, a FIFO or a folder would be read forever or not at all)."""
    origin = Origin(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"no such {what}", origin) from None
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {exc.strerror}", origin) from exc
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise InputError(f"is {kind}; expected a {what}", origin)
    limit = max_input_bytes() if limit is None else limit
    if info.st_size > limit:
        raise InputError(
            f"is {info.st_size} bytes, more than the limit of {limit}; set {LIMIT_ENV} to "
            "read larger files",
            origin,
        )
    return info.st_size


def check_rdf_file(path: Path, what: str = "RDF file") -> None:
    """Refuse an RDF input that is unsafe to parse (see the module docstring)."""
    origin = Origin(str(path))
    size = check_regular_file(path, what)
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
        if not head.strip() and size <= len(head):
            raise InputError(f"is empty; expected an {what} with triples", origin)
        if suffix in _XML_SUFFIXES or head.lstrip().startswith(b"<"):
            fh.seek(0)
            _refuse_dtd(fh, origin)
    if suffix in _JSONLD_SUFFIXES:
        _refuse_remote_contexts(path, origin)


def _refuse_dtd(fh: Any, origin: Origin) -> None:
    tail = b""
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            return
        if _DTD.search(tail + chunk):
            raise InputError(
                "declares a DTD (<!DOCTYPE> or <!ENTITY>); refused, since entity expansion can "
                "fill the memory (expected RDF/XML without a DTD)",
                origin,
            )
        tail = chunk[-16:]


def _refuse_remote_contexts(path: Path, origin: Origin) -> None:
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"is not valid JSON: {str(exc)[:120]}", origin) from exc
    where = _remote_context(document)
    if where is not None:
        raise InputError(
            f"names a JSON-LD context to fetch ({excerpt(where)}); refused, since mscowl reads "
            "nothing from the network: put the context inline (an object under @context)",
            origin,
        )


def _remote_context(node: Any) -> str | None:
    """The first context a JSON-LD processor would fetch: a string in ``@context`` (or in a
    list under it), or an ``@import``; ``None`` when every context is inline."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict):
            for key, value in current.items():
                if key == "@context":
                    for context in value if isinstance(value, list) else [value]:
                        if isinstance(context, str):
                            return context
                        if isinstance(context, dict) and isinstance(context.get("@import"), str):
                            return str(context["@import"])
                stack.append(value)
    return None


# --------------------------------------------------------------------------------------------
# Regular expressions


def check_regex(pattern: str, where: str, flags: int = 0) -> re.Pattern[str]:
    """The compiled pattern, or :class:`InputError` when it does not compile or nests an
    unbounded repetition inside another (``(a+)+``, ``(.*)*``, ``(a|b+)*``): on a string that
    almost matches, Python's engine takes exponential time on those."""
    try:
        compiled = re.compile(pattern, flags)
    except (re.error, OverflowError, RecursionError) as exc:
        raise InputError(
            f"{where}: the regular expression {excerpt(pattern)} does not compile: {exc}"
        ) from exc
    import importlib

    parser: Any = importlib.import_module("re._parser")  # behind re.compile (Python 3.11+)
    if _nested_repeat(parser.parse(pattern, flags), inside=False):
        raise InputError(
            f"{where}: the regular expression {excerpt(pattern)} repeats a repetition "
            "(e.g. (a+)+), which can take exponential time; expected a pattern without "
            "nested unbounded repeats"
        )
    return compiled


_UNBOUNDED: Final = 65535  # sre's MAXREPEAT as the parser shows it


def _nested_repeat(parsed: Any, inside: bool) -> bool:
    for op, arg in parsed:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _, high, body = arg
            unbounded = high >= _UNBOUNDED or high > 100
            if unbounded and inside:
                return True
            if _nested_repeat(body, inside or unbounded):
                return True
        elif (
            (name == "SUBPATTERN" and _nested_repeat(arg[-1], inside))
            or (name == "BRANCH" and any(_nested_repeat(b, inside) for b in arg[1]))
            or (name in ("ASSERT", "ASSERT_NOT") and _nested_repeat(arg[1], inside))
        ):
            return True
    return False


# --------------------------------------------------------------------------------------------
# What messages quote


_UNSAFE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` with control characters, zero-width characters and bidirectional overrides
    written as escapes, so that it cannot forge a line of a log or reorder a terminal line."""

    def escape(match: re.Match[str]) -> str:
        char = match[0]
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or f"\\u{ord(char):04x}"

    return _UNSAFE.sub(escape, text)


def excerpt(text: str, limit: int = 60) -> str:
    """A short, quoted, :func:`printable` excerpt of untrusted text for an error message."""
    shown = printable(text[: limit + 1])
    if len(text) > limit:
        shown = shown[:limit] + "…"
    return f"'{shown}'"


#: Strings, IRIs and comments of SPARQL text: what a search for its keywords skips.
_SPARQL_SKIPPED: Final = (
    r'"""[\s\S]*?"""|'
    r"'''[\s\S]*?'''|"
    r'"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|"
    r'<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


@lru_cache(maxsize=16)
def _token_pattern(words: str) -> re.Pattern[str]:
    return re.compile(f"({_SPARQL_SKIPPED})|({words})", re.IGNORECASE)


def sparql_tokens(text: str, words: str) -> Iterator[re.Match[str]]:
    """The matches of the regular expression ``words`` (no capturing groups of its own) in
    SPARQL text outside its strings, IRIs and comments, in order; ``match[2]`` is the token.

    >>> [m[2] for m in sparql_tokens('SELECT * { ?s ?p "SELECT" } # SELECT', r"\\bSELECT\\b")]
    ['SELECT']
    """
    return (match for match in _token_pattern(words).finditer(text) if match[2])


def uses_service(text: str) -> bool:
    """Whether SPARQL text has the keyword SERVICE outside its strings, IRIs and comments.

    >>> uses_service("SELECT * { SERVICE <http://x> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT * { ?s ?p "SERVICE" } # a SERVICE in a comment')
    False
    """
    return any(sparql_tokens(text, r"\bSERVICE\b"))
