"""Servers that tests (and the benchmark) start on 127.0.0.1 and stop: real Oxigraph, Virtuoso
and Apache httpd servers, a fake endpoint that misbehaves on purpose, and a fake Graph Store that
takes only HTTP Digest credentials."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str, process: subprocess.Popen[bytes], name: str, seconds: float = 10
) -> None:
    """Poll ``url`` until the server answers (any HTTP status), or fail if it exits."""
    for _ in range(int(seconds * 10)):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError as exc:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"{name} did not start: {error}") from exc
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer at {url}")


def oxigraph_binary() -> str | None:
    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )


@contextmanager
def oxigraph_server(union_default_graph: bool = False) -> Iterator[str]:
    """An in-memory ``oxigraph serve`` on a free port; yields its base URL."""
    binary = oxigraph_binary()
    assert binary, "oxigraph (PyPI package 'oxigraph') is not installed"
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            *(["--union-default-graph"] if union_default_graph else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D", process, "oxigraph")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def put_graph(base: str, ntriples: bytes, graph: str | None = None) -> int:
    """Graph Store Protocol PUT into the default graph (or a named graph)."""
    from urllib.parse import quote

    target = f"{base}/store?" + (f"graph={quote(graph, safe='')}" if graph else "default")
    request = urllib.request.Request(
        target, data=ntriples, method="PUT", headers={"Content-Type": "application/n-triples"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


class _Misbehaving(BaseHTTPRequestHandler):
    mode = "500"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # unread, it would make the close a reset
        if self.server.mode == "500":  # type: ignore[attr-defined]
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"<html><body>\n<h1>Error 42: out of memory</h1>\n</body></html>")
        elif self.server.mode == "SR353":  # type: ignore[attr-defined]
            # Virtuoso's words for a page past MaxSortedTopRows: an error in the query
            self.send_response(500, "SPARQL Request Failed")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(
                b"Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 10010 rows "
                b"to sort. Only 10000 are allowed. Either decrease the offset and/or row count "
                b"or use a scrollable cursor\n\nSPARQL query:\nSELECT ..."
            )
        elif self.server.mode == "html":  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>Welcome to our portal</body></html>")
        elif self.server.mode in ("capped", "anytime"):  # type: ignore[attr-defined]
            # Virtuoso at its ResultSetMaxRows, or out of time for an "anytime" query: a 200,
            # two rows, and what happened in headers only.
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            if self.server.mode == "capped":  # type: ignore[attr-defined]
                self.send_header("X-SPARQL-MaxRows", "2")
            else:
                self.send_header("X-SQL-State", "S1TAT")
                self.send_header(
                    "X-SQL-Message",
                    "RC...: Returning incomplete results, query interrupted by result timeout.",
                )
            self.end_headers()
            rows = [{"x": {"type": "literal", "value": str(n)}} for n in range(2)]
            body = {"head": {"vars": ["x"]}, "results": {"bindings": rows}}
            self.wfile.write(json.dumps(body).encode())
        elif self.server.mode == "slow":  # type: ignore[attr-defined]
            time.sleep(3)
            self.send_response(200)
            self.end_headers()
        elif self.server.mode == "drip":  # type: ignore[attr-defined]
            # a byte every 0.2 s: no single read ever waits long enough to time out
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            for byte in b'{"head": {"vars": []}, "results": {"bindings": []}}' * 10:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    break
                time.sleep(0.2)
        elif self.server.mode == "huge":  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
        self.server.requests += 1  # type: ignore[attr-defined]

    do_GET = _answer  # noqa: N815 - the names http.server dispatches to
    do_POST = _answer  # noqa: N815
    do_PUT = _answer  # noqa: N815


@contextmanager
def misbehaving_endpoint(mode: str) -> Iterator[tuple[str, ThreadingHTTPServer]]:
    """A fake endpoint answering 500, an error in the query ("SR353"), an HTML page, a cut
    answer ("capped"), an incomplete answer ("anytime"), or too slowly; yields (URL, server)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.mode = mode  # type: ignore[attr-defined]
    server.requests = 0  # type: ignore[attr-defined]
    with _serving(server, "/sparql") as url:
        yield url, server


class _Recording(BaseHTTPRequestHandler):
    """Records every request (method, path, headers, body); answers an empty SPARQL result,
    or with a redirect to ``server.redirect`` when one is set."""

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(  # type: ignore[attr-defined]
            (self.command, self.path, dict(self.headers.items()), body)
        )
        target = self.server.redirect  # type: ignore[attr-defined]
        if target:
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}')

    do_GET = _answer  # noqa: N815
    do_POST = _answer  # noqa: N815
    do_PUT = _answer  # noqa: N815
    do_HEAD = _answer  # noqa: N815


@contextmanager
def recording_server(
    redirect: str | None = None,
) -> Iterator[tuple[str, list[tuple[str, str, dict[str, str], bytes]]]]:
    """A listener on 127.0.0.1 that records what reaches it (and may redirect elsewhere):
    the tests assert what it must never receive. Yields (URL, requests)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    server.seen = []  # type: ignore[attr-defined]
    server.redirect = redirect  # type: ignore[attr-defined]
    with _serving(server, "/sparql") as url:
        yield url, server.seen  # type: ignore[attr-defined]


@contextmanager
def _serving(server: ThreadingHTTPServer, path: str) -> Iterator[str]:
    """Serve in a thread until the block ends; yields the URL of ``path``."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


APACHE = Path("/usr/sbin/apache2")
APACHE_MODULES = Path("/usr/lib/apache2/modules")


@contextmanager
def apache_server(document_root: Path) -> Iterator[str]:
    """Apache httpd (Debian apache2) on a free port, serving ``document_root`` with .htaccess
    files allowed (mod_rewrite, mod_mime); yields its base URL."""
    import os
    import tempfile

    assert APACHE.is_file(), "apache2 is not installed (Debian package apache2)"
    port = free_port()
    run_dir = Path(tempfile.mkdtemp(prefix="mscowl-httpd-"))
    root_user = os.geteuid() == 0
    config = run_dir / "httpd.conf"
    config.write_text(
        f"""ServerRoot "{run_dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{run_dir}/httpd.pid"
ErrorLog "{run_dir}/error.log"
LoadModule mpm_event_module {APACHE_MODULES}/mod_mpm_event.so
LoadModule authz_core_module {APACHE_MODULES}/mod_authz_core.so
LoadModule mime_module {APACHE_MODULES}/mod_mime.so
LoadModule rewrite_module {APACHE_MODULES}/mod_rewrite.so
{"User www-data" if root_user else ""}
{"Group www-data" if root_user else ""}
TypesConfig /etc/mime.types
DocumentRoot "{document_root}"
<Directory "{document_root}">
    AllowOverride All
    Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    for path in [document_root, *document_root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    process = subprocess.Popen(
        [str(APACHE), "-f", str(config), "-DFOREGROUND"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    passed = False
    try:
        wait_until_up(base + "/", process, f"apache2 (log: {run_dir}/error.log)")
        yield base
        passed = True
    finally:
        process.terminate()
        process.wait(timeout=10)
        if passed:  # else the configuration and the error log stay for a look
            shutil.rmtree(run_dir, ignore_errors=True)


VIRTUOSO = "virtuoso-t"


def virtuoso_binary() -> str | None:
    return shutil.which(VIRTUOSO)


@contextmanager
def virtuoso_server(
    max_rows: int = 10000,
    buffers: int = 2000,
    sorted_rows: int | None = None,
) -> Iterator[tuple[str, int, Path]]:
    """Virtuoso Open Source (Debian virtuoso-opensource) with a new database in a temporary
    folder, its HTTP and SQL ports on 127.0.0.1; yields (base URL, SQL port, a folder its bulk
    loader may read). A new database has the user dba with password dba. ``max_rows`` is
    ``[SPARQL] ResultSetMaxRows``: the most rows one answer holds; ``buffers`` is
    ``NumberOfBuffers`` (8 kB pages of cache; Virtuoso's guide gives 170,000 for 2 GB of RAM);
    ``sorted_rows`` is ``MaxSortedTopRows``, the most rows sorted for one page, offset included
    (None: not set, 10,000)."""
    import tempfile

    binary = virtuoso_binary()
    assert binary, "virtuoso-t is not installed (Debian package virtuoso-opensource)"
    run_dir = Path(tempfile.mkdtemp(prefix="mscowl-virtuoso-"))
    loadable = run_dir / "load"
    loadable.mkdir()
    http_port, sql_port = free_port(), free_port()
    database = run_dir / "virtuoso"
    (run_dir / "virtuoso.ini").write_text(
        f"""[Database]
DatabaseFile = {database}.db
ErrorLogFile = {database}.log
LockFile = {database}.lck
TransactionFile = {database}.trx
xa_persistent_file = {database}.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {database}-temp.db
TransactionFile = {database}-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {loadable}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * 3 // 4}
{f"MaxSortedTopRows = {sorted_rows}" if sorted_rows else ""}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {run_dir}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = {max_rows}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(run_dir / "virtuoso.ini")],
        cwd=run_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{http_port}"
    passed = False
    try:
        wait_until_up(
            f"{base}/sparql?query=ASK%7B%7D", process, f"virtuoso (log: {database}.log)", 60
        )
        yield base, sql_port, loadable
        passed = True
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if passed:  # else the database folder and its log stay for a look
            shutil.rmtree(run_dir, ignore_errors=True)


class _DigestStore(BaseHTTPRequestHandler):
    """A Graph Store that takes only HTTP Digest credentials (user dba, password dba), as
    Virtuoso's ``/sparql-graph-crud-auth`` does, and counts the bodies it is sent."""

    realm, nonce = "SPARQL", "3f1a9c"

    def log_message(self, *args: object) -> None:
        pass

    def _authorized(self) -> bool:
        import hashlib

        scheme, _, fields = (self.headers.get("Authorization") or "").partition(" ")
        if scheme != "Digest":
            return False
        given = urllib.request.parse_keqv_list(urllib.request.parse_http_list(fields))

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        first = md5(f"dba:{self.realm}:dba")
        second = md5(f"{self.command}:{given.get('uri', '')}")
        parts = [given.get(k, "") for k in ("nonce", "nc", "cnonce", "qop")]
        return given.get("response") == md5(":".join([first, *parts, second]))

    def _challenge(self) -> None:
        self.send_response(401)
        self.send_header(
            "WWW-Authenticate",
            f'Digest realm="{self.realm}", nonce="{self.nonce}", qop="auth", algorithm="MD5"',
        )
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._challenge()

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.bodies.append(len(self.rfile.read(length)))  # type: ignore[attr-defined]
        if not self._authorized():
            self._challenge()
            return
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


@contextmanager
def digest_graph_store() -> Iterator[tuple[str, ThreadingHTTPServer]]:
    """A Graph Store on 127.0.0.1 that demands HTTP Digest; yields (URL, server), where
    ``server.bodies`` lists the size of every body it was sent."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _DigestStore)
    server.bodies = []  # type: ignore[attr-defined]
    with _serving(server, "/sparql-graph-crud-auth") as url:
        yield url, server
