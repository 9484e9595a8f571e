"""HTTP towards the endpoints a user names, and nowhere else: checked URLs, credentials only for
their own origin, answers bounded in time and size, URLs printed without their secrets.

>>> check_endpoint("https://user:secret@example.org/sparql")
'https://example.org/sparql'
>>> redact("http://dba:dba@127.0.0.1:8890/sparql-auth")
'http://127.0.0.1:8890/sparql-auth'
>>> check_endpoint("not a url")
Traceback (most recent call last):
...
mscowl.errors.InputError: found --endpoint 'not a url'; expected an http(s) URL such as ...
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
import urllib.parse
import urllib.request
import urllib.response
from collections.abc import Iterator
from http.client import HTTPResponse
from typing import IO, Any, Final

from mscowl.errors import InputError
from mscowl.sparql import MAX_RETRIES as MAX_RETRIES

#: The largest answer read from an endpoint (``MSCOWL_MAX_ANSWER_BYTES`` raises it; a longer
#: answer is fetched in pages), and the longest --timeout (seconds).
MAX_ANSWER_BYTES = 256 * 1024 * 1024
ANSWER_LIMIT_ENV: Final = "MSCOWL_MAX_ANSWER_BYTES"
MAX_TIMEOUT: Final = 24 * 3600.0


class AnswerTooLargeError(Exception):
    """An endpoint's answer went past :data:`MAX_ANSWER_BYTES` (or the limit given)."""


class AnswerTooSlowError(Exception):
    """An endpoint's answer took longer than the time allowed in all."""


def max_answer_bytes() -> int:
    """The size limit of one answer: ``$MSCOWL_MAX_ANSWER_BYTES`` or :data:`MAX_ANSWER_BYTES`."""
    import os

    text = os.environ.get(ANSWER_LIMIT_ENV, "").strip()
    return int(text) if text.isdigit() else MAX_ANSWER_BYTES


def check_endpoint(url: str, option: str = "--endpoint") -> str:
    """The URL without its userinfo, or :class:`InputError` unless it is an absolute http(s)
    URL with a host. Credentials in a URL are taken by :func:`credentials_in`."""
    parts = urllib.parse.urlsplit(url.strip()) if url.strip() else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or ord(c) < 32 for c in url)
    ):
        shown = redact(url) if url else ""
        raise InputError(
            f"found {option} '{shown[:200]}'; expected an http(s) URL such as "
            "http://localhost:7878/query"
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        shown = redact(url)[:200]
        raise InputError(f"found {option} '{shown}'; its port is not a number") from None
    return redact(url)


def credentials_in(url: str) -> tuple[str, str] | None:
    """The ``user:password@`` of a URL (percent-decoded), or ``None``."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return None
    return urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")


def redact(url: str) -> str:
    """The URL without ``user:password@``: what may be printed."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "<an unreadable URL>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def check_timeout(seconds: float) -> float:
    if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_TIMEOUT:
        raise InputError(
            f"found --timeout {seconds}; expected a number of seconds above 0 and at most "
            f"{MAX_TIMEOUT:g}"
        )
    return seconds


class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to http(s), and sends no credentials to another origin (the
    standard handler forwards an ``Authorization`` header to any host it is sent to)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            return None
        new = super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]
        if new is not None and origin(newurl) != origin(req.full_url):
            for name in list(new.headers):
                if name.lower() in ("authorization", "cookie"):
                    del new.headers[name]
            new.unredirected_hdrs.clear()
        return new


def opener(*handlers: urllib.request.BaseHandler) -> urllib.request.OpenerDirector:
    """An opener with :class:`SameOriginRedirects` and no proxy from the environment other than
    the user's own (urllib's defaults otherwise)."""
    return urllib.request.build_opener(SameOriginRedirects(), *handlers)


class _Bounded:
    """A response body that may be read only until a deadline and up to a size: a server that
    drips a byte at a time never trips a per-read socket timeout, and one that sends gigabytes
    never fills the memory."""

    def __init__(self, raw: IO[bytes], deadline: float, limit: int) -> None:
        self.raw, self.deadline, self.limit, self.size = raw, deadline, limit, 0

    def read(self, amount: int | None = -1) -> bytes:
        whole = amount is None or amount < 0
        parts: list[bytes] = []
        got = 0
        while whole or got < (amount or 0):
            piece = self.read1(1 << 16 if whole else (amount or 0) - got)
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
        return b"".join(parts)

    def read1(self, amount: int = 1 << 16) -> bytes:
        if time.monotonic() > self.deadline:
            raise AnswerTooSlowError
        reader = getattr(self.raw, "read1", None)
        piece: bytes = reader(amount) if reader else self.raw.read(amount)
        self.size += len(piece)
        if self.size > self.limit:
            raise AnswerTooLargeError
        return piece

    def readline(self, limit: int = -1) -> bytes:
        return self.read1(1 << 16 if limit < 0 else limit)

    def close(self) -> None:
        self.raw.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self.raw, name)


class BoundedAnswers(urllib.request.BaseHandler):
    """Wraps every response (errors too, whose bodies SPARQLWrapper reads) in a body that may
    be read only until ``deadline`` and up to ``limit`` bytes."""

    handler_order = 100  # before HTTPErrorProcessor turns a 4xx or 5xx into an HTTPError

    def __init__(self, deadline: float, limit: int | None = None) -> None:
        self.deadline, self.limit = deadline, max_answer_bytes() if limit is None else limit

    def http_response(self, request: urllib.request.Request, response: HTTPResponse) -> object:
        bounded = _Bounded(response, self.deadline, self.limit)
        wrapped = urllib.response.addinfourl(
            bounded,  # type: ignore[arg-type]
            response.headers,
            response.geturl(),
            response.status,
        )
        wrapped.msg = response.reason  # type: ignore[attr-defined]
        return wrapped

    https_response = http_response


_PATCH_LOCK: Final = threading.Lock()


@contextlib.contextmanager
def sparqlwrapper_opener(director: urllib.request.OpenerDirector) -> Iterator[None]:
    """Make SPARQLWrapper open its requests with ``director`` (its module-level ``urlopen``
    otherwise follows redirects with the credentials to any host)."""
    import importlib

    module: Any = importlib.import_module("SPARQLWrapper.Wrapper")
    with _PATCH_LOCK:
        saved = module.urlopener
        module.urlopener = director.open
        try:
            yield
        finally:
            module.urlopener = saved
