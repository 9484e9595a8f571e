"""The OWL API (Protégé's library) loads the ontology: imports resolved, DL profile, labels.

Locally a missing Java or OWL API skips; `.ci/run` sets MSCOWL_REQUIRE_OWLAPI=1 to make it
mandatory.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES, ONTOLOGY, required
from mscowl.ontology.owlapi import check_with_owlapi, owlapi_available

pytestmark = [pytest.mark.java]
missing = owlapi_available()
if missing and not required("MSCOWL_REQUIRE_OWLAPI"):
    pytestmark.append(pytest.mark.skip(reason=f"OWL API check skipped: {missing}"))


def test_ontology_loads_with_zero_findings() -> None:
    report = check_with_owlapi(ONTOLOGY)
    assert report.findings == []
    assert "ontologies=16" in report.summary


def test_not_dl_fixture_reports_undeclared_punned_and_unparsed() -> None:
    report = check_with_owlapi(FIXTURES / "owlapi" / "not-dl.ttl")
    violations = " ".join(report.of_kind("DL_VIOLATION"))
    assert "UseOfUndeclaredClass" in violations and "MSCO_9100002" in violations
    assert "MSCO_9100003" in violations  # illegal punning of a property
    assert report.of_kind("UNPARSED")  # the restriction without owl:onProperty
    assert any("MSCO_9100002" in d for d in report.of_kind("NO_LABEL"))
