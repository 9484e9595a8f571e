"""`mscowl validate`: default fresh build, exit codes, report formats, spreadsheet locations,
the pre-commit hook and the reusable GitHub workflow for other labs' CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner, Result
from rdflib import RDF, Graph, URIRef

from conftest import ROOT, required
from mscowl.cli import main
from mscowl.validation.jena import jena_available
from seedtools import SEEDS, copy_seeds, set_cell

TESTS = ROOT / "shapes" / "tests"
BIN = Path(sys.executable).parent


def validate(*args: str) -> Result:
    return CliRunner().invoke(main, ["validate", *args])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kg") / "build"
    result = CliRunner().invoke(main, ["build", "--seeds", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_default_validates_the_freshly_built_seeds() -> None:
    result = validate("--seeds", str(SEEDS))
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("SHACL validation (native): 0 violations, ")
    assert first.endswith("conforms: yes")
    assert "fix at " in result.output


def test_fail_on_warning_exits_1() -> None:
    result = validate("--seeds", str(SEEDS), "--fail-on", "warning")
    assert result.exit_code == 1
    assert "result(s) at or above warning" in result.output


def test_a_bad_cell_is_reported_with_its_file_row_and_column(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    # A verified NCIt term, so the build accepts it; but a trial phase is not a route.
    row = set_cell(seeds, "trials.csv", "NCT02068794", "route", "NCIT:C15600")
    result = validate("--seeds", str(seeds))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    at = lines.index(f"            fix at {seeds}/trials.csv:{row}:route")
    assert "Violation" in lines[at - 2] and "Phase I Trial (NCIT:C15600)" in lines[at - 2]
    assert lines[at - 1].strip().startswith("The route must be a route-of-administration class")


def test_a_bad_phase_in_a_spreadsheet_names_file_row_and_column(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    row = set_cell(seeds, "trials.csv", "NCT02068794", "phase", "Phase 5")
    result = validate("--seeds", str(seeds))
    assert result.exit_code == 2
    assert f"{seeds}/trials.csv:{row}:phase: found 'Phase 5'" in result.output


def test_rdf_file_with_its_origin_index(built: Path) -> None:
    result = validate(str(built / "knowledge-graph.ttl"), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["conforms"] is True
    assert report["counts"]["Violation"] == 0
    located = [r for r in report["results"] if r["source"]]
    assert located and all(r["source"]["file"].endswith(".csv") for r in located)
    gvhd = next(r for r in report["results"] if r["focus"].endswith("/trial/NCT04247945"))
    assert gvhd["source"]["column"] == "condition"


def test_turtle_report_is_a_standard_validation_report(built: Path) -> None:
    result = validate(str(built / "knowledge-graph.ttl"), "--format", "turtle")
    graph = Graph().parse(data=result.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    reports = list(graph.subjects(RDF.type, URIRef(sh + "ValidationReport")))
    assert len(reports) == 1
    assert graph.value(reports[0], URIRef(sh + "conforms")).toPython() is False  # warnings
    assert len(list(graph.objects(reports[0], URIRef(sh + "result")))) > 30


def test_junit_report(tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    result = validate(
        str(TESTS / "context.ttl"),
        str(TESTS / "trial-bad-status.ttl"),
        "--format",
        "junit",
        "--output",
        str(out),
    )
    assert result.exit_code == 1
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failures = suite.findall("testcase/failure")
    assert [f.get("type") for f in failures] == ["Violation"]
    assert "recruitment status" in (failures[0].get("message") or "")


def test_github_annotations_point_at_the_spreadsheet(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    row = set_cell(seeds, "trials.csv", "NCT02068794", "route", "NCIT:C15600")
    result = validate("--seeds", str(seeds), "--format", "github")
    assert result.exit_code == 1
    error = next(line for line in result.output.splitlines() if line.startswith("::error "))
    assert error.startswith(f"::error file={seeds}/trials.csv,line={row},title=SHACL Violation%3A")
    assert "[column route]" in error
    assert all(
        line.startswith(("::error ", "::warning ", "::notice "))
        for line in result.stdout.splitlines()
        if line
    )


def test_unreadable_data_and_broken_shapes_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .", encoding="utf-8")
    result = validate(str(bad))
    assert result.exit_code == 2
    assert str(bad) in result.output
    assert validate(str(tmp_path / "missing.ttl")).exit_code == 2
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ; sh:property [ sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    result = validate(str(TESTS / "context.ttl"), "--shapes", str(shapes))
    assert result.exit_code == 2
    assert "the shapes cannot be used" in result.output


@pytest.mark.java
def test_jena_engine_gives_the_same_results() -> None:
    why = jena_available()
    if why:
        if required("MSCOWL_REQUIRE_JENA"):
            pytest.fail(why)
        pytest.skip(why)
    args = [str(TESTS / "context.ttl"), str(TESTS / "trial-two-kinds.ttl"), "--format", "json"]
    pyshacl = json.loads(validate(*args).stdout)
    jena = json.loads(validate(*args, "--engine", "jena").stdout)

    def key(r: dict[str, str]) -> tuple[str, ...]:
        return (r["focus"], r["path"] or "", r["component"], r["severity"])

    assert sorted(map(key, jena["results"])) == sorted(map(key, pyshacl["results"]))
    assert jena["engine"] == "jena"


# --------------------------------------------------------------------------------------------
# For other labs' CI


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.slow
def test_pre_commit_hook_runs_the_real_command() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "mscowl-validate")
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    import re

    assert re.search(hook["files"], "data/trials.ttl")
    ok = subprocess.run(
        [*hook["entry"].split(), str(TESTS / "context.ttl")],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run(
        [*hook["entry"].split(), str(TESTS / "context.ttl"), str(TESTS / "trial-bad-status.ttl")],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "The recruitment status must be one of" in bad.stdout


@pytest.mark.slow
def test_reusable_github_workflow_runs_the_real_command() -> None:
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "mscowl-validate.yml").read_text(encoding="utf-8")
    )
    assert "workflow_call" in workflow[True]  # YAML 1.1 reads the key "on" as True
    steps = workflow["jobs"]["validate"]["steps"]
    command = next(s["run"] for s in steps if s.get("name") == "Validate")
    files = f"{TESTS / 'context.ttl'} {TESTS / 'trial-bad-status.ttl'}"
    command = command.replace("${{ inputs.files }}", files).replace(
        "${{ inputs.fail-on }}", "violation"
    )
    run = subprocess.run(
        ["bash", "-c", command], env=_env(), capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert run.stdout.startswith("::error title=SHACL Violation%3A has recruitment status")
