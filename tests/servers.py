"""Servers that tests start on 127.0.0.1 and stop: a real Oxigraph SPARQL server and a fake
endpoint that misbehaves on purpose."""

from __future__ import annotations

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


def wait_until_up(url: str, process: subprocess.Popen[bytes], name: str) -> None:
    """Poll ``url`` until the server answers (any HTTP status), or fail if it exits."""
    for _ in range(100):
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
        if self.server.mode == "500":  # type: ignore[attr-defined]
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"internal error")
        elif self.server.mode == "html":  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>Welcome to our portal</body></html>")
        elif self.server.mode == "slow":  # type: ignore[attr-defined]
            time.sleep(3)
            self.send_response(200)
            self.end_headers()
        self.server.requests += 1  # type: ignore[attr-defined]

    do_GET = _answer  # noqa: N815 - the names http.server dispatches to
    do_POST = _answer  # noqa: N815


@contextmanager
def misbehaving_endpoint(mode: str) -> Iterator[tuple[str, ThreadingHTTPServer]]:
    """A fake endpoint answering 500, an HTML page, or too slowly; yields (URL, server)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Misbehaving)
    server.mode = mode  # type: ignore[attr-defined]
    server.requests = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", server
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
