"""Shared fixtures: the repository layout, the verified-term registry and the loaded ontology."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mscowl.ontology.load import LoadedOntology, load_ontology
from mscowl.ontology.registry import TermRegistry

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "msc-cancer.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The term check the project runs on its own files (a copy of the verified-term checker).
VERIFY_TERMS = ROOT / "tools" / "verify_terms.py"


def required(variable: str) -> bool:
    """True when a tool that local runs may skip is mandatory: in CI (CI=true) or when asked."""
    return any(os.environ.get(v, "") not in ("", "0", "false") for v in (variable, "CI"))


@pytest.fixture(scope="session")
def registry() -> TermRegistry:
    return TermRegistry()


@pytest.fixture(scope="session")
def ontology() -> LoadedOntology:
    return load_ontology(ONTOLOGY)
