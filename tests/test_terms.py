"""Every reused external IRI exists upstream with exactly the label used."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDFS, URIRef

from conftest import FIXTURES, ROOT, VERIFY_TERMS
from mscowl.ontology.imports import relabelled
from mscowl.ontology.load import LoadedOntology
from mscowl.ontology.qc import VERIFIED_PREFIXES
from mscowl.ontology.registry import TermRegistry, _cxg_index, cxg_package_version
from mscowl.rdf.namespaces import compress


def test_registry_knows_verified_terms_and_refuses_invented_ones(registry: TermRegistry) -> None:
    assert registry.lookup("CL:0000134").label == "mesenchymal stem cell"  # type: ignore[union-attr]
    # the upstream record keeps the UniProtKB entry name; the import relabels it (gene-names.tsv)
    assert registry.lookup("UniProtKB:P21589").label == "5NTD_HUMAN"  # type: ignore[union-attr]
    assert registry.lookup("GO:0060070").label == "canonical Wnt signaling pathway"  # type: ignore[union-attr]
    assert registry.lookup("CL:9999999") is None
    assert registry.lookup("NCIT:C9292") is None  # a plausible guess, never verified


def test_every_reused_iri_and_label_in_the_ontology_is_verified(
    ontology: LoadedOntology, registry: TermRegistry
) -> None:
    closure = ontology.closure
    iris = {t for triple in closure for t in triple if isinstance(t, URIRef)}
    genes = relabelled(ROOT / "ontology")  # UniProtKB entries show their gene symbol
    checked = 0
    for iri in iris:
        curie = compress(str(iri))
        if curie is None or curie.split(":")[0] not in VERIFIED_PREFIXES:
            continue
        term = registry.lookup(curie)
        assert term is not None, f"{curie} is in no verified source"
        assert not term.deprecated, f"{curie} is deprecated upstream"
        for label in closure.objects(iri, RDFS.label):
            truth = registry.labels(curie) | genes.get(curie, set())
            assert str(label) in truth, f"{curie}: {label!r} != {term.label!r}"
        checked += 1
    assert checked > 400


@pytest.mark.slow
def test_verify_terms_finds_no_problem_in_the_ontology_shapes_seeds_and_queries() -> None:
    result = subprocess.run(
        [sys.executable, str(VERIFY_TERMS), "ontology", "shapes", "seeds", "queries"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert "unverified: 0; label mismatches: 0; deprecated upstream: 0" in result.stdout


def test_copied_reference_tables_are_the_bytes_their_provenance_names() -> None:
    """Each copy of the verified reference data carries the checksum of its source: a copy
    edited by hand (or copied again without updating its provenance) fails here."""
    provenance = (FIXTURES / "reference" / "README.md").read_text(encoding="utf-8")
    rows = [
        [cell.strip().strip("`") for cell in line.split("|")[1:-1]]
        for line in provenance.splitlines()
        if line.startswith("| `")
    ]
    assert len(rows) == 3
    for copy, _, checksum, _ in rows:
        assert hashlib.sha256((ROOT / copy).read_bytes()).hexdigest() == checksum, copy


def test_status_through_the_cached_index(registry: TermRegistry) -> None:
    assert registry.status("MONDO:0008170") == "current"
    assert registry.status("MONDO:0033939") == "deprecated"  # obsolete upstream
    assert registry.status("UniProtKB:P17813") == "current"
    assert registry.status("ECO:0000304") == "current"  # from the reference table
    assert registry.status("MONDO:9999999") is None
    for curie in ("MONDO:0008170", "MONDO:0033939", "CL:0000134"):
        term = registry.lookup(curie)
        assert term is not None
        assert registry.status(curie) == ("deprecated" if term.deprecated else "current")


def test_a_broken_term_index_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-release index lives in an SQLite file under the cache directory; a damaged or
    foreign file there is replaced, not trusted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cache_dir = tmp_path / "mscowl" / "terms"
    cache_dir.mkdir(parents=True)
    (cache_dir / f"MONDO-{cxg_package_version()}.sqlite").write_bytes(b"not a database")
    _cxg_index.cache_clear()
    try:
        registry = TermRegistry()
        assert registry.status("MONDO:0008170") == "current"
        assert registry.status("MONDO:0033939") == "deprecated"
        assert registry.status("MONDO:9999999") is None
    finally:
        _cxg_index.cache_clear()
    assert (cache_dir / f"MONDO-{cxg_package_version()}.sqlite").read_bytes().startswith(b"SQLite")
