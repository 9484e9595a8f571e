"""Output folders that a command owns: replaced whole and atomically, and nothing else touched.

Each command that writes files owns one folder (``mscowl build`` → ``build/graph/``,
``mscowl report`` → ``build/report/``, ``mscowl release`` → ``releases/VERSION/``; see
``docs/outputs.md``). :func:`write_outputs` writes every file into a staging folder beside the
target and then swaps it in with one atomic rename, so that a reader sees the old folder or the
new one and never a mix, and a failure leaves the old folder exactly as it was.

A folder is replaced only when it is new, empty, or holds the marker file :data:`MARKER` that
an earlier run of the same command wrote; anything else (a folder of somebody's files, the
seeds, the current directory or one of its parents, a symbolic link) is refused with an
:class:`~mscowl.errors.InputError` before anything is written.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "graph"
>>> write_outputs({"a.txt": b"one"}, out, "build")
>>> write_outputs({"b.txt": b"two"}, out, "build")  # replaced whole: a.txt is gone
>>> sorted(p.name for p in out.iterdir())
['.mscowl-output', 'b.txt']
>>> write_outputs({"c.txt": b"x"}, out, "report")
Traceback (most recent call last):
...
mscowl.errors.InputError: ...: the folder holds the output of `mscowl build`, not of ...
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import selectors
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Mapping as MappingABC
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Final, TextIO

from mscowl.errors import InputError, InternalError, Origin, OutputError

#: The file that marks a folder as a command's own output (its first line names the command).
MARKER: Final = ".mscowl-output"

#: Writes one output file, piece by piece, to a text file opened for it.
Writer = Callable[[TextIO], None]

_STAGING: Final = ".mscowl-staging-"
#: A part's folder inside the staging folder (see :func:`write_outputs_in_parts`).
_PART: Final = ".part-"


def write_outputs(
    files: MappingABC[str, bytes | Writer],
    out: Path,
    command: str,
    protected: Iterable[Path] = (),
) -> None:
    """Write ``files`` (relative paths → bytes, or writers of UTF-8 text) as the folder ``out``,
    owned by ``command``, replacing its earlier output atomically.

    ``protected`` folders (the seeds of the run) may be neither ``out`` nor inside it. Raises
    :class:`InputError` (nothing written) when ``out`` may not be replaced, and
    :class:`OutputError` naming the file when a file cannot be written (``out`` kept as it was).
    """
    with _staging(out, command, protected) as staging:
        failures = _write_files({**files, MARKER: _marker(command)}, staging)
        if failures:
            raise OutputError("cannot write " + "; ".join(failures), Origin(str(out)))


#: One part of every file of an output, made in its own process: what it made (counts, for
#: the caller) and a writer per file name; or ``None`` when the part found that the output
#: must not be written (e.g. a problem of the input, which the caller then reports).
Part = Callable[[], tuple[dict[str, int], MappingABC[str, Writer]] | None]


def write_outputs_in_parts(
    parts: Sequence[Part],
    out: Path,
    command: str,
    protected: Iterable[Path] = (),
    waiting: Callable[[], None] | None = None,
) -> list[dict[str, int]] | None:
    """Write an output whose every file is the concatenation, in order, of the parts' pieces
    of it, each part made in a process of its own (forked, so that it shares the caller's
    memory); the folder ``out`` is replaced as by :func:`write_outputs`.

    Returns what each part made, or ``None`` when a part rejected the output (nothing is
    written then, ``out`` is untouched). ``waiting`` is called about ten times a second
    while the parts run (a progress bar). Needs ``os.fork``: a caller on a platform without
    it makes its output in one process (:func:`write_outputs`).
    """
    with _staging(out, command, protected) as staging:
        folders = [staging / f"{_PART}{number}" for number in range(len(parts))]
        for folder in folders:
            folder.mkdir()
        children = [
            _fork(partial(_make_part, part, folder))
            for part, folder in zip(parts, folders, strict=True)
        ]
        reports = _join_all(children, waiting)
        made: list[dict[str, int]] = []
        failures: list[str] = []
        rejected = False
        for report in reports:
            answer: dict[str, Any] = (
                json.loads(report) if report.startswith("{") else {"failures": [report]}
            )
            if "error" in answer:
                raise InternalError(f"a part of {out} could not be made: {answer['error']}")
            failures.extend(answer.get("failures", []))
            if answer.get("made") is None:
                rejected = True
            else:
                made.append(answer["made"])
        if failures:
            raise OutputError("cannot write " + "; ".join(failures), Origin(str(out)))
        if rejected:
            return None
        names = sorted({p.name for folder in folders for p in folder.iterdir()})
        for name in names:
            _concatenate([folder / name for folder in folders], staging / name)
        for folder in folders:
            shutil.rmtree(folder)
        failure = _write_file(staging / MARKER, _marker(command))
        if failure:
            raise OutputError(f"cannot write {MARKER}: {failure}", Origin(str(out)))
        return made


def _make_part(part: Part, folder: Path) -> str:
    """Run one part and write its pieces into ``folder``; the JSON report for the parent."""
    try:
        result = part()
    except Exception as exc:  # our bug: reported to the parent, which raises InternalError
        return json.dumps({"error": f"{type(exc).__name__}: {exc}"})
    if result is None:
        return json.dumps({"made": None})
    made, writers = result
    failures = []
    for name, writer in writers.items():
        try:
            failure = _write_file(folder / name, writer)
        except Exception as exc:  # a writer's bug, reported with the file it was writing
            failure = f"{type(exc).__name__}: {exc}"
        if failure:
            failures.append(f"{name}: {failure}")
    return json.dumps({"made": made, "failures": failures})


def _concatenate(pieces: Sequence[Path], target: Path) -> None:
    """``target`` as the pieces one after another: the first renamed, the others appended
    (in the kernel where it can, without reading them into this process)."""
    first, *rest = [piece for piece in pieces if piece.exists()]
    first.rename(target)
    with target.open("ab") as sink:
        for piece in rest:
            with piece.open("rb") as source:
                _copy_to_end(source, sink)


def _copy_to_end(source: BinaryIO, sink: BinaryIO) -> None:
    size = os.fstat(source.fileno()).st_size
    copied = 0
    try:
        while copied < size:
            step = os.copy_file_range(source.fileno(), sink.fileno(), size - copied)
            if step == 0:
                break
            copied += step
    except (AttributeError, OSError):  # no copy_file_range here, or not between these files
        source.seek(copied)
        shutil.copyfileobj(source, sink)


@contextlib.contextmanager
def _staging(out: Path, command: str, protected: Iterable[Path]) -> Iterator[Path]:
    """A staging folder beside ``out``, for the block to fill; swapped in for ``out`` when the
    block ends normally, removed in any case (afterwards it holds the old output)."""
    target = check_output_folder(out, command, protected)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o777)
    _remove_abandoned_staging(target)
    prefix = f".{target.name}{_STAGING}{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    try:
        staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; a folder follows the umask
        yield staging
        if (staging / MARKER).exists():  # written last: the output is whole
            _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the new files, or after the swap the old


def write_file(
    path: Path, data: bytes, protected: Iterable[Path] = (), *, new: bool = False
) -> None:
    """Write one file the user named (``--output``), atomically: a temporary file beside it,
    then a rename. Refused (:class:`InputError`, nothing written): a missing folder, a path
    inside the ``protected`` seeds, a symbolic link, and with ``new`` an existing file."""
    origin = Origin(str(path))
    if path.is_symlink():
        raise InputError("is a symbolic link; expected a plain file to write", origin)
    if path.is_dir():
        raise InputError("is a folder; expected a file to write", origin)
    if new and path.exists():
        raise InputError(
            "exists already; expected a new file (move it away, or give another name): "
            "nothing was written",
            origin,
        )
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise InputError(f"no such folder: {parent}; expected an existing folder", origin)
    absolute = path.resolve()
    for folder in protected:
        folder = folder.resolve()
        if absolute == folder or folder in absolute.parents:
            raise InputError(
                f"lies in the seeds ({folder}); expected a file apart from them", origin
            )
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        Path(temporary).chmod(0o666 & ~current_umask())
        if new:
            os.link(temporary, path)  # fails, rather than replaces, if the file appeared meanwhile
        else:
            Path(temporary).replace(path)
    except FileExistsError:
        raise InputError(
            "exists already; expected a new file: nothing was written", origin
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot write the file: {exc.strerror}", origin) from exc
    finally:
        Path(temporary).unlink(missing_ok=True)


def check_output_folder(out: Path, command: str, protected: Iterable[Path] = ()) -> Path:
    """The absolute folder ``command`` may replace for ``out``, or :class:`InputError` saying
    why not (the message names ``out`` as the user gave it)."""
    origin = Origin(str(out))
    if out.is_symlink():
        raise InputError(
            f"is a symbolic link (to {out.readlink()}); expected a real folder: give the "
            "folder it points to, or a new one",
            origin,
        )
    # The folders the user named: a link among them is refused; links above them (a home
    # folder on another mount) are where the user works, and are resolved.
    named = [out, *out.parents] if not out.is_absolute() else [out.parent]
    if any(str(part) not in (".", "") and part.is_symlink() for part in named):
        raise InputError("lies behind a symbolic link; expected a folder on a real path", origin)
    full = Path(os.path.abspath(out))  # noqa: PTH100 - '..' folded, the links kept
    target = full.parent.resolve() / full.name
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise InputError(
            "is the current folder or one of its parents; expected a folder of its own "
            f"(e.g. {command}-output/), since the whole folder is replaced",
            origin,
        )
    for folder in protected:
        folder = folder.resolve()
        if target == folder or target in folder.parents or folder in target.parents:
            raise InputError(
                f"is or holds the seeds ({folder}), or lies inside them; expected a folder "
                "apart from the seeds",
                origin,
            )
    if not target.exists():
        return target
    if not target.is_dir():
        raise InputError("is a file; expected a folder (new, empty, or an earlier output)", origin)
    marker = target / MARKER
    if marker.is_file() and not marker.is_symlink():
        owner = marker.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0].strip()
        if owner == f"mscowl {command}":
            return target
        raise InputError(
            f"the folder holds the output of `{owner[:40]}`, not of `mscowl {command}`; "
            "expected a new or empty folder, or an earlier output of this command",
            origin,
        )
    if any(target.iterdir()):
        raise InputError(
            f"the folder holds files that mscowl did not write (no {MARKER} marker); expected a "
            "new or empty folder, or an earlier output of this command: nothing was touched",
            origin,
        )
    return target


def _marker(command: str) -> bytes:
    return (
        f"mscowl {command}\n"
        "This folder is the output of the command above. The next run of it replaces the whole\n"
        "folder: keep nothing else here.\n"
    ).encode()


def current_umask() -> int:
    """The process umask (read by setting it and back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_abandoned_staging(target: Path) -> None:
    """Remove staging folders that runs killed before they finished left beside ``target``
    (their process is gone); those of runs still going are left alone."""
    prefix = f".{target.name}{_STAGING}"
    for path in target.parent.glob(f"{prefix}*"):
        pid_text = path.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)) and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_RENAME_EXCHANGE: Final = 2
_AT_FDCWD: Final = -100


def _swap_in(staging: Path, target: Path) -> None:
    """Make ``staging`` the folder ``target`` in one atomic step; afterwards ``staging`` holds
    the old output (or nothing). Two runs at once each swap in a whole folder, never a mix."""
    for _ in range(5):
        try:
            staging.rename(target)  # no folder yet (or an empty one)
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        if _exchange(staging, target):
            return
    raise OutputError(
        "cannot swap the new output in: another run keeps replacing it", Origin(str(target))
    )


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically (Linux renameat2 RENAME_EXCHANGE); False when ``b`` is
    gone. Elsewhere: move ``b`` aside and ``a`` in, two renames."""
    libc = _libc()
    if libc is not None:
        result = libc.renameat2(
            _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE
        )
        if result == 0:
            return True
        error = ctypes.get_errno()
        if error == errno.ENOENT:
            return False
        if error not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(error, os.strerror(error), str(b))
    aside = Path(tempfile.mkdtemp(prefix=f".{b.name}{_STAGING}{os.getpid()}-old-", dir=b.parent))
    aside.rmdir()
    try:
        b.rename(aside)
    except FileNotFoundError:
        return False
    a.rename(b)
    aside.rename(a)
    return True


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.renameat2  # noqa: B018 - present in glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    return libc


def _write_files(files: MappingABC[str, bytes | Writer], staging: Path) -> list[str]:
    """Write every file into ``staging``; what could not be written, and why.

    Where the platform can fork, the first writer runs here while one child process runs the
    others: every output is a sort and a serialisation of the same data in memory, shared
    copy-on-write and never changed. One child, not one per writer: each child's sorted copy
    and the pages its reference counts touch cost memory (bench/README.md has the figures).
    """
    writers = [name for name, data in files.items() if callable(data)]
    in_child = writers[1:] if hasattr(os, "fork") else []
    for name in files:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
    child = _start_writer([(name, staging / name, files[name]) for name in in_child])
    failures: list[str] = []
    try:
        for name, data in files.items():
            if name not in in_child:
                failure = _write_file(staging / name, data)
                if failure:
                    failures.append(f"{name}: {failure}")
    except BaseException:
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child[0], signal.SIGKILL)
            _join_writer(*child)
        raise
    if child:
        failures.extend(_join_writer(*child))
    return failures


def _write_file(target: Path, data: bytes | Writer) -> str | None:
    """Write one file; why it failed, or ``None``."""
    try:
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            with target.open("w", encoding="utf-8", newline="") as fh:
                data(fh)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


_PR_SET_PDEATHSIG: Final = 1


def _start_writer(files: list[tuple[str, Path, bytes | Writer]]) -> tuple[int, int] | None:
    """Fork a process that writes ``files`` (name, target, data) one after another; its pid
    and the pipe it reports failures on, one per line (``None`` when there is nothing to do)."""
    if not files:
        return None

    def write() -> str:
        failures: list[str] = []
        for name, target, data in files:
            try:
                failure = _write_file(target, data)
            except BaseException as exc:  # reported to the parent, which raises
                failure = f"{type(exc).__name__}: {exc}"
            if failure:
                failures.append(f"{name}: {failure}")
        return "\n".join(failures)

    return _fork(write)


def _fork(task: Callable[[], str]) -> tuple[int, int]:
    """Fork a process that runs ``task`` and sends back its report; the pid and the pipe to
    read the report from. The child ends with status 0 on an empty report or a JSON one, 1
    otherwise (an exception is reported by its type and text); it is killed when its parent
    dies, so that a killed command leaves no process behind."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without the parent's exit handlers
        status = 1  # unless the task ran to its end
        try:
            os.close(read_end)
            libc = _libc()
            if libc is not None:
                libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before the prctl took effect
                os._exit(1)
            try:
                report = task()
            except BaseException as exc:  # reported to the parent, which raises
                report = f"{type(exc).__name__}: {exc}"
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(report.encode("utf-8", "replace"))
            status = 0 if not report or report.startswith("{") else 1
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _join_all(children: Sequence[tuple[int, int]], waiting: Callable[[], None] | None) -> list[str]:
    """Wait for forked children (pid, pipe); their reports, in order (see :func:`_report`).
    ``waiting`` is called about ten times a second meanwhile. Should this process be
    interrupted, the children are killed first."""
    reports = [b""] * len(children)
    codes = [1] * len(children)
    open_pipes = {pipe: number for number, (_, pipe) in enumerate(children)}
    try:
        with selectors.DefaultSelector() as selector:
            for pipe in open_pipes:
                selector.register(pipe, selectors.EVENT_READ)
            while open_pipes:
                for key, _ in selector.select(timeout=0.1):
                    chunk = os.read(key.fd, 65536)
                    if chunk:
                        reports[open_pipes[key.fd]] += chunk
                    else:
                        selector.unregister(key.fd)
                        del open_pipes[key.fd]
                if waiting:
                    waiting()
    except BaseException:
        for pid, _ in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        raise
    finally:
        for number, (pid, pipe) in enumerate(children):
            with contextlib.suppress(OSError):
                os.close(pipe)
            with contextlib.suppress(ChildProcessError):
                codes[number] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    return [
        _report(report.decode("utf-8", "replace"), code)
        for report, code in zip(reports, codes, strict=True)
    ]


def _report(report: str, code: int) -> str:
    """A child's report; when it ended otherwise than by finishing its task (killed, out of
    memory), a report that says so."""
    if code == 0 or report:
        return report
    return f"the writing process ended with status {code}"


def _join_writer(pid: int, pipe: int) -> list[str]:
    """Wait for the writer process; what it could not write, and why."""
    (report,) = _join_all([(pid, pipe)], None)
    return report.splitlines()  # empty when every file was written
