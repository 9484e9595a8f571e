"""The build in parts (mscowl.seeds.parallel): the bytes of one process for any number of
parts, cuts where the sorted outputs can be joined, problems reported as one process reports
them, and the progress of every row."""

from __future__ import annotations

import csv
from contextlib import contextmanager
from pathlib import Path

import pytest

from mscowl import api
from mscowl.errors import InputProblemsError
from mscowl.seeds import parallel
from mscowl.seeds.graph import NTRIPLES, ORIGIN_INDEX, TURTLE, read_input
from mscowl.seeds.synthetic import write_synthetic_seeds
from seedtools import set_cell

FILES = (TURTLE, NTRIPLES, ORIGIN_INDEX)


def seeds_with_prefix_ids(target: Path, rows: int) -> Path:
    """Synthetic seeds, plus trials whose ids are prefixes of others' (SYN000001 of
    SYN0000010...): the one case where IRIs and their terms sort differently."""
    seeds = write_synthetic_seeds(target, rows, invalid_fraction=0.0)
    path = seeds / "trials.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    extra = [dict(table[-1], id=short) for short in ("SYN000001", "SYN000002", "SYN00001")]
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n").writerows(extra)
    return seeds


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parts of a few rows, so that small seeds are cut; the number of parts of each build."""
    monkeypatch.setattr(parallel, "MIN_ROWS_PER_PART", 20)
    counted: list[int] = []
    real = parallel.build_in_parts

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        counted.append(len(args[3]))
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "build_in_parts", counting)
    return counted


def test_build_in_parts_writes_the_bytes_of_one_process(
    tmp_path: Path, small_parts: list[int]
) -> None:
    seeds = seeds_with_prefix_ids(tmp_path / "seeds", 300)
    one = api.build_files(seeds, out=tmp_path / "one", jobs=1)
    assert small_parts == []
    for jobs in (2, 3, 7):
        many = api.build_files(seeds, out=tmp_path / f"in-{jobs}", jobs=jobs)
        assert small_parts[-1] == jobs
        assert many == one
        for name in FILES:
            assert (tmp_path / f"in-{jobs}" / name).read_bytes() == (
                tmp_path / "one" / name
            ).read_bytes(), name
    kg = api.build(seeds)
    assert one.triples == len(kg.triples) and one.subjects == len(kg.subjects)


def test_no_cut_falls_after_a_subject_that_is_a_prefix_of_one_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trials whose ids are each a prefix of the next (SYNX, SYNXX, ...) fill a third of the
    subjects: a cut inside them would join the outputs in the wrong order."""
    monkeypatch.setattr(parallel, "MIN_ROWS_PER_PART", 5)
    seeds = write_synthetic_seeds(tmp_path / "seeds", 60, invalid_fraction=0.0)
    path = seeds / "trials.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    chain = [dict(table[-1], id="SYN" + "X" * length) for length in range(1, 80)]
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n").writerows(chain)
    tables, mapping, _, problems = read_input(seeds)
    assert not problems
    total = sum(len(table.rows) for table in tables.values())
    for parts in range(2, 12):
        pieces = parallel.split_rows(tables, mapping, parts)
        assert pieces is not None and 2 <= len(pieces) <= parts
        subjects = [
            {
                mapping.base + mapping.sheets[name].subject.replace("{id}", row["id"])
                for name, rows in piece.rows.items()
                for row in rows
            }
            for piece in pieces
        ]
        for cut in range(1, len(pieces)):
            before = set().union(*subjects[:cut])
            for subject in set().union(*subjects[cut:]):
                assert not any(subject[:end] in before for end in range(1, len(subject) + 1))
        assert sum(len(rows) for piece in pieces for rows in piece.rows.values()) == total


def test_few_rows_are_built_in_one_process(tmp_path: Path) -> None:
    tables, mapping, _, _ = read_input(write_synthetic_seeds(tmp_path / "seeds", 10))
    assert parallel.split_rows(tables, mapping, 4) is None


def test_problems_found_in_parts_are_reported_as_by_one_process(
    tmp_path: Path, small_parts: list[int]
) -> None:
    seeds = write_synthetic_seeds(tmp_path / "seeds", 200, invalid_fraction=0.0)
    set_cell(seeds, "trials.csv", "SYN0000007", "phase", "Phase 9")
    set_cell(seeds, "products.csv", "p-syn0000190", "tissue", "UBERON:bone")
    out = tmp_path / "out"
    reports = []
    for jobs in (1, 3):
        with pytest.raises(InputProblemsError) as caught:
            api.build_files(seeds, out=out, jobs=jobs)
        reports.append([str(problem) for problem in caught.value.problems])
        assert not out.exists()
    assert small_parts == [3]
    assert reports[0] == reports[1] and len(reports[0]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["seeds"]  # no staging folder left


def test_the_progress_counts_every_row_of_every_part(
    tmp_path: Path, small_parts: list[int]
) -> None:
    seeds = write_synthetic_seeds(tmp_path / "seeds", 700)
    counted = []

    @contextmanager
    def progress(total: int):  # type: ignore[no-untyped-def]
        rows = [0]
        counted.append(rows)

        def on_row() -> None:
            rows[0] += 1

        yield on_row
        rows.append(total)

    summary = api.build_files(seeds, out=tmp_path / "out", jobs=2, progress=progress)
    assert small_parts == [2]
    (rows,) = counted
    assert rows[0] == rows[1] == sum(summary.rows_per_sheet.values())


def test_the_cli_builds_in_parts_by_default(tmp_path: Path) -> None:
    """`--jobs` defaults to the cores; `--jobs 1` is one process; both write the same files."""
    from click.testing import CliRunner

    from mscowl.cli import main

    seeds = write_synthetic_seeds(tmp_path / "seeds", 40)
    runner = CliRunner()
    for jobs, out in ((["--jobs", "1"], "one"), ([], "default")):
        result = runner.invoke(
            main, ["build", "--seeds", str(seeds), "--out", str(tmp_path / out), *jobs]
        )
        assert result.exit_code == 0, result.output
        assert "triples about" in result.output
    for name in FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "default" / name).read_bytes()
    result = runner.invoke(main, ["build", "--seeds", str(seeds), "--jobs", "0"])
    assert result.exit_code == 2
