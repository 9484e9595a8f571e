"""``mscowl serve``: a SPARQL endpoint on the persistent store of the graph, for tools that speak
SPARQL (YASGUI, a notebook, another lab's scripts). It runs the Oxigraph server (PyPI package
``oxigraph``) read-only on the store that ``mscowl query`` uses (:mod:`mscowl.sparql.stores`),
on 127.0.0.1 unless told otherwise, and keeps the store marked as in use while it runs."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final

from mscowl.errors import InputError, ToolMissingError

#: While serving, the store is marked as used this often (seconds).
MARK_EVERY: Final = 300


def oxigraph_server() -> str:
    """The ``oxigraph`` command beside this Python, or on the PATH."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if found is None:
        raise ToolMissingError(
            "mscowl serve needs the Oxigraph server: pip install oxigraph (the PyPI package)"
        )
    return found


def check_bind(bind: str) -> str:
    """``HOST:PORT`` with a port from 1 to 65535."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"found --bind {bind!r}; expected HOST:PORT, such as 127.0.0.1:7878")
    return bind


def serve(data: list[Path], ontology: Path | None, bind: str, say: Callable[[str], None]) -> int:
    """Serve the store of ``data`` with ``ontology`` until interrupted; the server's exit code
    (0 after Ctrl-C or SIGTERM)."""
    from mscowl.sparql.local import check_data_files
    from mscowl.sparql.stores import mark_used, store_folder

    check_bind(bind)
    binary = oxigraph_server()
    if not data:
        raise InputError(
            "no graph to serve: run `mscowl build` first, or give --data FILE (the built graph)"
        )
    check_data_files(data)
    try:
        folder = store_folder(data, ontology)
    except OSError as exc:
        raise InputError(f"cannot write the store into the cache: {exc}") from exc
    if folder is None:
        raise InputError("mscowl serve serves the persistent store; MSCOWL_STORE_CACHE is off")
    command = [binary, "serve-read-only", "--location", str(folder), "--bind", bind]
    process = subprocess.Popen(command)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    say(f"serving the graph read-only at http://{bind}/query (Ctrl-C stops)")
    try:
        while True:
            try:
                return process.wait(timeout=MARK_EVERY)
            except subprocess.TimeoutExpired:
                mark_used(folder)
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
