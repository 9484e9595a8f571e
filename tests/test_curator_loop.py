"""The curator's daily loop, as a user runs it from a folder of their own: init, edit, build,
validate, report, release. Nothing earlier is lost, every path error is one line with exit 2,
and no message points into the installed package."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from seedtools import set_cell

pytestmark = pytest.mark.slow

VERSION = "2026-12-01"
EDITED = "MSCs are isolated from bone marrow (edited)"


def mscowl(cwd: Path, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(
        [python, "-m", "mscowl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_after_release_and_report_keeps_every_earlier_file(tmp_path: Path) -> None:
    assert mscowl(tmp_path, "init").returncode == 0
    first = mscowl(tmp_path, "release", "--version", VERSION)
    assert first.returncode == 0, first.stderr
    assert mscowl(tmp_path, "report").returncode == 0
    release = checksums(tmp_path / "releases" / VERSION)
    report = checksums(tmp_path / "build" / "report")
    seeds = checksums(tmp_path / "seeds")
    built = mscowl(tmp_path, "build")
    assert built.returncode == 0, built.stderr
    assert "into build/graph/" in built.stdout
    assert checksums(tmp_path / "releases" / VERSION) == release
    assert checksums(tmp_path / "build" / "report") == report
    assert checksums(tmp_path / "seeds") == seeds
    # the README's example works: a second release against the first
    second = mscowl(
        tmp_path, "release", "--version", "2026-12-02", "--previous", f"releases/{VERSION}"
    )
    assert second.returncode == 0, second.stderr
    diff = (tmp_path / "releases" / "2026-12-02" / "release-diff.md").read_text()
    assert f"Compared with the release in `{VERSION}`" in diff


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["release", "--previous", "releases/MISSING"],
            "mscowl: error: --previous releases/MISSING: no such file or folder; expected a folder",
        ),
        (
            ["release", "--previous", "seeds"],
            "mscowl: error: seeds: is not a release folder: it has no ontology/msc-cancer-base.ttl;"
            " expected the folder of an earlier `mscowl release`",
        ),
        (
            ["validate", "--shapes", "no/shapes.ttl"],
            "mscowl: error: --shapes no/shapes.ttl: no such file or folder; expected a file or "
            "folder",
        ),
        (
            ["validate", "missing.ttl"],
            "mscowl: error: DATA missing.ttl: no such file or folder; expected a file",
        ),
        (
            ["query", "trials", "--data", "gone.nt"],
            "mscowl: error: --data gone.nt: no such file or folder; expected a file",
        ),
        (
            ["build", "--seeds", "nowhere"],
            "mscowl: error: --seeds nowhere: no such file or folder; expected a file or folder",
        ),
        (
            ["build", "--mapping", "m.toml"],
            "mscowl: error: --mapping m.toml: no such file or folder; expected a file",
        ),
        (
            ["validate", "--output", "no/such/folder/report.txt"],
            "mscowl: error: no/such/folder/report.txt: no such folder: no/such/folder; expected "
            "an existing folder",
        ),
        (
            ["build", "--out", "seeds"],
            "mscowl: error: seeds: is or holds the seeds",
        ),
        (
            ["build", "--out", "."],
            "mscowl: error: .: is the current folder or one of its parents",
        ),
    ],
)
def test_a_bad_path_is_one_line_with_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    before = checksums(tmp_path)
    result = mscowl(tmp_path, *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message), lines[0]
    assert checksums(tmp_path) == before


def test_without_seeds_here_the_shipped_ones_are_said_and_named_as_init_writes_them(
    tmp_path: Path,
) -> None:
    """From an empty folder every command takes the shipped seeds by the one rule, says so,
    and names problems as seeds/FILE:row:column, the file `mscowl init` writes."""
    shapes = tmp_path / "strict.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<#s> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;\n"
        "  sh:property [ sh:path rdfs:label ; sh:maxLength 1 ] .\n"
    )
    work = tmp_path / "empty"
    work.mkdir()
    for args in (["build"], ["validate", "--shapes", str(shapes), "--engine", "pyshacl"]):
        result = mscowl(work, *args)
        assert "note: no ./seeds here: using the seeds shipped with mscowl" in result.stderr
        assert "mscowl/data" not in result.stdout + result.stderr
        assert "site-packages" not in result.stdout + result.stderr
    assert "fix at seeds/references.csv:" in result.stdout
    assert result.returncode == 1


def test_init_writes_an_editable_copy_once(tmp_path: Path) -> None:
    result = mscowl(tmp_path, "init")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "seeds" / "mapping.toml").read_bytes() == (
        ROOT / "seeds" / "mapping.toml"
    ).read_bytes()
    assert (tmp_path / "seeds" / "trials.csv").read_bytes() == (
        ROOT / "seeds" / "trials.csv"
    ).read_bytes()
    assert "mscowl build" in (tmp_path / "seeds" / "README.md").read_text()
    (tmp_path / "seeds" / "trials.csv").write_text("edited")
    again = mscowl(tmp_path, "init")
    assert again.returncode == 2
    assert "exists already" in again.stderr
    assert (tmp_path / "seeds" / "trials.csv").read_text() == "edited"


# --------------------------------------------------------------------------------------------
# From a wheel, installed into a fresh environment (its dependencies those of the test run).


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with mscowl installed from a wheel of this checkout; the python to run."""
    root = tmp_path_factory.mktemp("wheel")
    wheels = root / "dist"
    # built from a copy: setuptools writes build/ and *.egg-info beside the sources it builds
    source = root / "source"
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_symlink():
            target.symlink_to((ROOT / name).readlink())
        else:
            shutil.copy2(ROOT / name, target)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    ours = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(site, "test-dependencies.pth").write_text(ours + "\n")  # the packages, not mscowl
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", *map(str, wheels.glob("*.whl"))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    where = subprocess.run(
        [str(python), "-c", "import mscowl; print(mscowl.__file__)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(site), where
    return python


def test_the_wheel_runs_the_whole_loop_from_an_empty_folder(
    installed: Path, tmp_path: Path
) -> None:
    python = str(installed)
    steps = [
        ["init"],
        ["build"],
        ["validate"],
        ["report"],
        ["release", "--version", VERSION],
        ["query", "trials-per-phase"],
    ]
    for step in steps:
        if step == ["build"]:  # a curator's edit
            set_cell(tmp_path / "seeds", "tissue-sources.csv", "bone-marrow", "label", EDITED)
        result = mscowl(tmp_path, *step, python=python)
        assert result.returncode == 0, (step, result.stderr)
        assert "site-packages" not in result.stdout + result.stderr, step
    assert (tmp_path / "build" / "graph" / "knowledge-graph.nt").is_file()
    assert EDITED in (tmp_path / "build" / "graph" / "knowledge-graph.nt").read_text()
    assert (tmp_path / "releases" / VERSION / "SHA256SUMS").is_file()
    charts = tmp_path / "build" / "report"
    assert len(list(charts.glob("*.svg"))) == len(list(charts.glob("*.png"))) == 3


def test_the_wheel_points_problems_in_its_own_seeds_at_the_copy_init_writes(
    installed: Path, tmp_path: Path
) -> None:
    shapes = tmp_path / "strict.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<#s> a sh:NodeShape ; sh:targetSubjectsOf rdfs:label ;\n"
        "  sh:property [ sh:path rdfs:label ; sh:maxLength 1 ] .\n"
    )
    result = mscowl(tmp_path, "validate", "--shapes", str(shapes), python=str(installed))
    assert result.returncode == 1, result.stderr
    assert "note: no ./seeds here: using the seeds shipped with mscowl" in result.stderr
    assert "fix at seeds/" in result.stdout
    assert "site-packages" not in result.stdout + result.stderr
