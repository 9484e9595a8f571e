"""The `mscowl` command: exit codes 0 (fine), 1 (problems found), 2 (bad input or usage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, ONTOLOGY, ROOT, required
from mscowl.cli import main
from mscowl.errors import InputError, Origin
from mscowl.ontology.owlapi import owlapi_available


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_the_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "qc" in out and "imports" in out


@pytest.mark.java
def test_qc_on_the_ontology_passes_and_writes_tsv(tmp_path: Path) -> None:
    report = tmp_path / "report.tsv"
    code, out, err = run("qc", "--ontology", str(ONTOLOGY), "--output", str(report))
    assert code == 0, out + err
    assert report.read_text().startswith("Level\tRule Name\tSubject\tProperty\tValue\n")


def test_qc_on_a_broken_ontology_exits_1(tmp_path: Path) -> None:
    code, out, err = run(
        "qc", "--ontology", str(FIXTURES / "qc" / "broken.ttl"), "--no-reasoner", "--no-owlapi"
    )
    assert code == 1
    assert "unverified_term" in out and "ERROR finding(s)" in err


def test_qc_on_a_missing_file_exits_2() -> None:
    code, _, err = run("qc", "--ontology", "no/such/file.ttl", "--no-reasoner", "--no-owlapi")
    assert code == 2
    assert err.strip() == (
        "mscowl: error: --ontology no/such/file.ttl: no such file or folder; expected a file"
    )


def test_qc_on_invalid_turtle_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .\n", encoding="utf-8")
    code, _, err = run("qc", "--ontology", str(bad), "--no-reasoner", "--no-owlapi")
    assert code == 2 and "bad.ttl: not valid turtle" in err


def test_unresolved_import_exits_2(tmp_path: Path) -> None:
    onto = tmp_path / "o.ttl"
    onto.write_text(
        "<https://w3id.org/mscowl/o.owl> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        "  <http://www.w3.org/2002/07/owl#imports>\n"
        "  <https://w3id.org/mscowl/imports/nowhere.owl> .\n",
        encoding="utf-8",
    )
    code, _, err = run("qc", "--ontology", str(onto), "--no-reasoner", "--no-owlapi")
    assert code == 2 and "not resolved by the catalog" in err


@pytest.mark.slow
def test_imports_check_reports_up_to_date() -> None:
    code, out, _ = run("imports", "--check", "--ontology-dir", str(ROOT / "ontology"))
    assert code == 0 and "up to date" in out


def test_imports_check_detects_a_stale_module(tmp_path: Path) -> None:
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "terms.tsv").write_text(
        "curie\tparent\tcharacteristics\nCL:0000000\t\t\n"
    )
    code, _, err = run("imports", "--check", "--ontology-dir", str(tmp_path))
    assert code == 1 and "stale" in err


def test_errors_name_their_origin() -> None:
    err = InputError("expected a date", Origin("seeds/trials.csv", "trials", 14, "phase"))
    assert str(err) == "seeds/trials.csv:trials:14:phase: expected a date"
    assert err.exit_code == 2


@pytest.mark.java
def test_qc_reports_owlapi_findings_as_errors() -> None:
    missing = owlapi_available()
    if missing and not required("MSCOWL_REQUIRE_OWLAPI"):
        pytest.skip(missing)
    code, out, _ = run("qc", "--ontology", str(FIXTURES / "owlapi" / "not-dl.ttl"))
    assert code == 1
    assert "owlapi_dl_violation" in out and "owlapi_unparsed" in out
