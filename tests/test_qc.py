"""The QC report: clean on the ontology, and every ERROR kind caught on a broken fixture."""

from __future__ import annotations

from conftest import FIXTURES
from mscowl.ontology.load import LoadedOntology, load_ontology
from mscowl.ontology.qc import ERROR, Finding, report_table, report_tsv, run_qc
from mscowl.ontology.registry import TermRegistry


def test_ontology_has_no_error(ontology: LoadedOntology, registry: TermRegistry) -> None:
    findings = run_qc(ontology, registry)
    assert [f for f in findings if f.level == ERROR] == []


def test_broken_fixture_triggers_each_error_kind(registry: TermRegistry) -> None:
    findings = run_qc(load_ontology(FIXTURES / "qc" / "broken.ttl"), registry)
    errors = {(f.rule, f.subject) for f in findings if f.level == ERROR}
    expected = {
        ("missing_ontology_license", "https://w3id.org/mscowl/broken.owl"),
        ("missing_version_iri", "https://w3id.org/mscowl/broken.owl"),
        ("missing_ontology_title", "https://w3id.org/mscowl/broken.owl"),
        ("missing_ontology_description", "https://w3id.org/mscowl/broken.owl"),
        ("missing_label", "MSCO:9000001"),
        ("multiple_labels", "MSCO:9000002"),
        ("missing_definition", "MSCO:9000003"),
        ("duplicate_label", "MSCO:9000004"),
        ("duplicate_label", "MSCO:9000005"),
        ("label_not_english", "MSCO:9000006"),
        ("invalid_own_iri", "https://w3id.org/mscowl/not-numbered"),
        ("multiple_definitions", "MSCO:9000007"),
        ("unverified_term", "CL:9999999"),
        ("label_mismatch", "CL:0000134"),
        ("deprecated_reference", "MONDO:0018786"),
    }
    assert expected <= errors, expected - errors
    assert errors - expected == set(), errors - expected


def test_report_formats() -> None:
    findings = [Finding(ERROR, "missing_label", "MSCO:9000001", "rdfs:label")]
    assert (
        report_tsv(findings) == "Level\tRule Name\tSubject\tProperty\tValue\n"
        "ERROR\tmissing_label\tMSCO:9000001\trdfs:label\t\n"
    )
    table = report_table(findings)
    assert "missing_label" in table and table.endswith("QC: 1 ERROR, 0 WARN, 0 INFO\n")
    assert report_table([]) == "QC: no problems found.\n"
