"""`mscowl serve`: the Oxigraph server, read-only, on the persistent store of the graph; it
answers what the embedded store answers, and stops (with its server) on SIGTERM."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from mscowl import api
from mscowl.cli import main
from servers import free_port, oxigraph_binary, wait_until_up

pytestmark = pytest.mark.skipif(oxigraph_binary() is None, reason="needs the oxigraph server")


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve") / "built"
    api.build(ROOT / "seeds", out=out)
    return out / "knowledge-graph.nt"


def test_serve_answers_as_the_embedded_store_and_stops_with_its_server(graph: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "mscowl", "serve", "--data", str(graph),
               "--bind", f"127.0.0.1:{port}"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process, "mscowl serve", 60)
        served = api.query("mechanisms", endpoint=f"http://127.0.0.1:{port}/query")
        embedded = api.query("mechanisms", data=[graph], seeds=ROOT / "seeds")
        assert served.text_rows() == embedded.text_rows() and served.rows
        update = urllib.request.Request(  # the store is read-only
            f"http://127.0.0.1:{port}/update",
            data=b"INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
            headers={"Content-Type": "application/sparql-update"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(update, timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert b"serving the graph read-only at http://127.0.0.1:" in err
    with socket.socket() as sock:  # the Oxigraph server stopped too
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_serve_refuses_a_bad_bind_and_a_missing_graph(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--bind", "nowhere"])
    assert result.exit_code == 2 and "expected HOST:PORT" in result.stderr
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path / "none.nt")])
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
