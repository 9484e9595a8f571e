"""Output folders: each command replaces only its own folder, whole and atomically, and refuses
every folder that holds something else (the seeds, the current folder, somebody's files, a link)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT
from mscowl.errors import InputError, InternalError, OutputError
from mscowl.outputs import (
    MARKER,
    check_output_folder,
    write_file,
    write_outputs,
    write_outputs_in_parts,
)


def test_an_earlier_output_of_the_same_command_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    write_outputs({"a.nt": b"1", "sub/b.txt": b"2"}, out, "build")
    write_outputs({"c.nt": b"3"}, out, "build")
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [MARKER, "c.nt"]
    assert (out / MARKER).read_text().startswith("mscowl build\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]  # no staging left


def test_a_folder_of_other_files_is_refused_and_untouched(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="holds files that mscowl did not write"):
        write_outputs({"a": b"x"}, out, "release")
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_the_output_of_another_command_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "x"
    write_outputs({"a": b"x"}, out, "build")
    with pytest.raises(InputError, match="output of `mscowl build`, not of `mscowl report`"):
        write_outputs({"b": b"y"}, out, "report")
    assert (out / "a").read_bytes() == b"x"


def test_an_empty_folder_is_taken(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write_outputs({"a": b"x"}, tmp_path / "empty", "report")
    assert (tmp_path / "empty" / "a").read_bytes() == b"x"


def test_the_current_folder_and_its_parents_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for out in (Path(), Path(".."), work):
        with pytest.raises(InputError, match="current folder or one of its parents"):
            check_output_folder(out, "build")


def test_the_seeds_are_never_an_output(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "trials.csv").write_text("id\n")
    for out in (seeds, tmp_path, seeds / "inside"):
        with pytest.raises(InputError, match="seeds"):
            write_outputs({"a": b"x"}, out, "build", [seeds])
    assert [p.name for p in seeds.iterdir()] == ["trials.csv"]


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    write_outputs({"a": b"x"}, real, "build")
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(InputError, match="symbolic link"):
        write_outputs({"b": b"y"}, tmp_path / "link", "build")
    with pytest.raises(InputError, match="behind a symbolic link"):
        write_outputs({"b": b"y"}, tmp_path / "link" / "deeper", "build")
    assert (real / "a").read_bytes() == b"x"


def test_a_working_folder_reached_through_a_link_is_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: every output was refused when the current folder's own path held a link."""
    (tmp_path / "real").mkdir()
    (tmp_path / "home").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path / "home")
    write_outputs({"a": b"x"}, Path("build") / "graph", "build")
    assert (tmp_path / "real" / "build" / "graph" / "a").read_bytes() == b"x"
    with pytest.raises(InputError, match="current folder"):
        check_output_folder(Path(), "build")


def test_folders_and_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_outputs({"a": b"x"}, tmp_path / "o", "build")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "o").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "o" / "a").stat().st_mode) == 0o644


def test_staging_of_a_killed_run_is_removed_by_the_next_run(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = tmp_path / f".graph.mscowl-staging-{dead.pid}-abc"
    abandoned.mkdir()
    (abandoned / "half.nt").write_text("x")
    alive = tmp_path / f".graph.mscowl-staging-{os.getpid()}-def"  # a run still going
    alive.mkdir()
    write_outputs({"a": b"x"}, tmp_path / "graph", "build")
    assert not abandoned.exists()
    assert alive.exists()


def test_concurrent_runs_each_leave_a_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "graph"

    def run(i: int) -> None:
        write_outputs({"a": str(i).encode(), "b": str(i).encode()}, out, "build")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(run, range(40)))
    a, b = (out / "a").read_bytes(), (out / "b").read_bytes()
    assert a == b  # never a mix of two runs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]


def test_the_writer_process_dies_with_a_killed_build(tmp_path: Path) -> None:
    """SIGKILL a build while its forked writer runs: the writer goes too, and the next build
    removes the staging folder it left."""
    script = f"""
import sys, time
sys.path.insert(0, {str(ROOT / "src")!r})
from mscowl.outputs import write_outputs
def slow(fh):
    time.sleep(30)
out = __import__("pathlib").Path(sys.argv[1])
write_outputs({{"a": lambda fh: fh.write("x"), "b": slow}}, out, "build")
"""
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "graph")])
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob(".graph.mscowl-staging-*/a")) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = _children(proc.pid)
    assert children, "the writer process did not start"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_exists(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_exists(pid) for pid in children)
    write_outputs({"a": b"x"}, tmp_path / "graph", "build")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = task.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(task.parent.name))
    return found


def _exists(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_write_file_is_atomic_and_refuses_what_it_must_not_touch(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "trials.csv").write_text("keep")
    with pytest.raises(InputError, match="lies in the seeds"):
        write_file(seeds / "trials.csv", b"report", [seeds])
    assert (seeds / "trials.csv").read_text() == "keep"
    with pytest.raises(InputError, match="no such folder"):
        write_file(tmp_path / "missing" / "r.txt", b"x")
    (tmp_path / "w.xlsx").write_text("a curator's workbook")
    with pytest.raises(InputError, match="exists already"):
        write_file(tmp_path / "w.xlsx", b"new", new=True)
    assert (tmp_path / "w.xlsx").read_text() == "a curator's workbook"
    write_file(tmp_path / "r.txt", b"one")
    write_file(tmp_path / "r.txt", b"two")
    assert (tmp_path / "r.txt").read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt", "seeds", "w.xlsx"]


def _part(pieces: dict[str, str], made: int = 1):  # type: ignore[no-untyped-def]
    """A part that writes ``pieces`` (file name -> text) and says it made ``made``."""

    def writer(text: str):  # type: ignore[no-untyped-def]
        return lambda fh: fh.write(text)

    def make():  # type: ignore[no-untyped-def]
        return {"made": made}, {name: writer(text) for name, text in pieces.items()}

    return make


def test_parts_are_made_in_processes_and_joined_in_order(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    parts = [_part({"a.nt": "1\n", "b.tsv": "h\n"}, 1), _part({"a.nt": "2\n"}, 2), _part({}, 3)]
    made = write_outputs_in_parts(parts, out, "build")
    assert made == [{"made": 1}, {"made": 2}, {"made": 3}]
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "a.nt", "b.tsv"]
    assert (out / "a.nt").read_text() == "1\n2\n" and (out / "b.tsv").read_text() == "h\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]  # no staging left


def test_a_rejecting_part_leaves_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    write_outputs({"a.nt": b"old"}, out, "build")
    assert write_outputs_in_parts([_part({"a.nt": "new"}), lambda: None], out, "build") is None
    assert (out / "a.nt").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]


def test_a_part_that_fails_is_named_and_the_old_output_kept(tmp_path: Path) -> None:
    out = tmp_path / "graph"
    write_outputs({"a.nt": b"old"}, out, "build")

    def bug():  # type: ignore[no-untyped-def]
        raise ValueError("a bug")

    def full(fh: object) -> None:
        raise OSError(28, "No space left on device")

    def killed():  # type: ignore[no-untyped-def]
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(InternalError, match="ValueError: a bug"):
        write_outputs_in_parts([_part({"a.nt": "new"}), bug], out, "build")
    with pytest.raises(OutputError, match=r"a\.nt: No space left"):
        write_outputs_in_parts([lambda: ({}, {"a.nt": full})], out, "build")
    with pytest.raises(OutputError, match="ended with status -9"):
        write_outputs_in_parts([_part({"a.nt": "new"}), killed], out, "build")
    assert (out / "a.nt").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]


def test_waiting_is_called_while_the_parts_run(tmp_path: Path) -> None:
    calls = []

    def slow():  # type: ignore[no-untyped-def]
        time.sleep(0.35)
        return {}, {}

    write_outputs_in_parts([slow], tmp_path / "out", "build", waiting=lambda: calls.append(1))
    assert len(calls) >= 2
