"""Import modules: generated from the term list and verified sources, never stale or unverified."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from mscowl.errors import CheckFailedError, InputError
from mscowl.ontology.imports import (
    catalog_xml,
    check_logical_definitions,
    plan_imports,
    read_logical_definitions,
    read_term_list,
    render_imports,
)
from mscowl.ontology.load import read_catalog
from mscowl.ontology.registry import TermRegistry

HEADER = "curie\tparent\tcharacteristics\n"


def write_list(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "terms.tsv"
    path.write_text("# comment\n" + HEADER + body, encoding="utf-8")
    return path


def test_committed_modules_and_catalog_are_up_to_date(registry: TermRegistry) -> None:
    for path, text in render_imports(ROOT / "ontology", registry).items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `mscowl imports`"


def test_catalog_resolves_every_import_of_the_ontology() -> None:
    catalog = read_catalog(ROOT / "ontology" / "catalog-v001.xml")
    assert catalog and all(path.is_file() for path in catalog.values())


def test_generation_is_deterministic(registry: TermRegistry) -> None:
    first = render_imports(ROOT / "ontology", registry)
    assert render_imports(ROOT / "ontology", registry) == first


def test_unverified_deprecated_and_misplaced_terms_are_all_reported(
    tmp_path: Path, registry: TermRegistry
) -> None:
    path = write_list(
        tmp_path,
        "CL:0000000\t\t\n"
        "CL:9999999\tCL:0000000\t\n"  # line 4: invented
        "MONDO:0018786\t\t\n"  # line 5: obsolete upstream
        "CL:0000134\tCL:0000062\t\n"  # line 6: osteoblast is not an ancestor of MSC
        "CL:0002540\tCL:0000134\t\n"  # line 7: parent not listed... (MSC is listed: fine)
        "UBERON:0002371\tUBERON:0001062\t\n"  # line 8: parent not listed
        "CL:0000000\t\t\n"  # line 9: listed twice
        "BFO:0000050\t\tsymmetric\n",  # line 10: unknown characteristic
    )
    with pytest.raises(CheckFailedError) as caught:
        plan_imports(read_term_list(path), registry)
    message = str(caught.value)
    assert f"{path}:4: CL:9999999 is in no verified source" in message
    assert f"{path}:5: MONDO:0018786 is deprecated upstream" in message
    assert f"{path}:6: CL:0000062 is not an ancestor of CL:0000134" in message
    assert f"{path}:8: parent UBERON:0001062 of UBERON:0002371 is not listed" in message
    assert f"{path}:9: CL:0000000 is listed twice" in message
    assert f"{path}:10: unknown characteristic 'symmetric'" in message
    assert ":7:" not in message


def test_bad_header_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "terms.tsv"
    path.write_text("id\tlabel\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"terms\.tsv:1: header"):
        read_term_list(path)


def test_mondo_terms_bring_their_ancestor_closure(tmp_path: Path, registry: TermRegistry) -> None:
    plan = plan_imports(read_term_list(write_list(tmp_path, "MONDO:0008170\t\t\n")), registry)
    mondo = plan.modules["mondo"]
    assert "MONDO:0004992" in mondo  # ovarian cancer -> ... -> cancer
    assert "MONDO:0000001" in mondo
    assert mondo["MONDO:0008170"].parents  # has its direct parents


def test_catalog_maps_module_iris_to_files() -> None:
    xml = catalog_xml(["cl", "go"])
    assert 'name="https://w3id.org/mscowl/imports/cl_import.owl" uri="imports/cl_import.ttl"' in xml


def test_a_logical_definition_with_a_term_not_imported_is_refused(
    tmp_path: Path, registry: TermRegistry
) -> None:
    plan = plan_imports(read_term_list(write_list(tmp_path, "CL:0002540\t\t\n")), registry)
    definitions = tmp_path / "cl-logical-definitions.tsv"
    definitions.write_text(
        "# comment\ncurie\tgenus\tproperty\tfiller\n"
        "CL:0002540\tCL:0000134\tBFO:0000050\tUBERON:0002371\n",
        encoding="utf-8",
    )
    with pytest.raises(CheckFailedError) as caught:
        check_logical_definitions(read_logical_definitions(definitions), plan)
    message = str(caught.value)
    for term in ("BFO:0000050", "UBERON:0002371"):
        assert f"{definitions}:3: {term} is not imported" in message
    assert "CL:0002540 is not imported" not in message
