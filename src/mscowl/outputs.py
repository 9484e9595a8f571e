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
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable
from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import Final, TextIO

from mscowl.errors import InputError, Origin, OutputError

#: The file that marks a folder as a command's own output (its first line names the command).
MARKER: Final = ".mscowl-output"

#: Writes one output file, piece by piece, to a text file opened for it.
Writer = Callable[[TextIO], None]

_STAGING: Final = ".mscowl-staging-"


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
    target = check_output_folder(out, command, protected)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o777)
    _remove_abandoned_staging(target)
    prefix = f".{target.name}{_STAGING}{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    try:
        staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; a folder follows the umask
        failures = _write_files({**files, MARKER: _marker(command)}, staging)
        if failures:
            raise OutputError("cannot write " + "; ".join(failures), Origin(str(out)))
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
    and the pipe it reports failures on, one per line (``None`` when there is nothing to do).
    The child is killed when its parent dies, so a killed build leaves no writer behind."""
    if not files:
        return None
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: write, report, and leave without the parent's exit handlers
        status = 1  # unless every file was written
        try:
            os.close(read_end)
            libc = _libc()
            if libc is not None:
                libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before the prctl took effect
                os._exit(1)
            failures: list[str] = []
            for name, target, data in files:
                try:
                    failure = _write_file(target, data)
                except BaseException as exc:  # reported to the parent, which raises
                    failure = f"{type(exc).__name__}: {exc}"
                if failure:
                    failures.append(f"{name}: {failure}")
            os.write(write_end, "\n".join(failures).encode("utf-8", "replace")[:4096])
            status = 1 if failures else 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _join_writer(pid: int, pipe: int) -> list[str]:
    """Wait for the writer process; what it could not write, and why."""
    with os.fdopen(pipe, "rb") as fh:
        message = fh.read().decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return []
    return message.splitlines() or [f"the writing process ended with status {code}"]
