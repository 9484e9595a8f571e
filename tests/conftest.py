"""Shared fixtures: the repository layout, the verified-term registry and the loaded ontology."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from mscowl.ontology.load import LoadedOntology, load_ontology
from mscowl.ontology.registry import TermRegistry

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "msc-cancer.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The term check the project runs on its own files (a copy of the verified-term checker).
VERIFY_TERMS = ROOT / "tools" / "verify_terms.py"

# The persistent stores of the tests go to a folder of their own (inherited by the commands the
# tests run), never into the user's cache.
os.environ.setdefault("MSCOWL_STORE_CACHE", tempfile.mkdtemp(prefix="mscowl-test-stores-"))


def required(variable: str) -> bool:
    """True when a tool that local runs may skip is mandatory: in CI (CI=true) or when asked."""
    return any(os.environ.get(v, "") not in ("", "0", "false") for v in (variable, "CI"))


@pytest.fixture(scope="session")
def registry() -> TermRegistry:
    return TermRegistry()


@pytest.fixture(scope="session")
def ontology() -> LoadedOntology:
    return load_ontology(ONTOLOGY)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The W3C SHACL suite's outcomes per section and engine, when its tests ran."""
    import sys

    module = sys.modules.get("test_w3c_shacl")
    summary = getattr(module, "SUMMARY", None)
    if not summary:
        return
    terminalreporter.section("W3C SHACL test suite")
    for (section, engine), counts in sorted(summary.items()):
        shown = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        terminalreporter.write_line(f"{section:<26} {engine:<8} {shown}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs Java, a server or a browser is slow too: `-m "not slow"` is the inner
    loop (under a minute), `pytest` alone runs everything."""
    for item in items:
        if any(item.get_closest_marker(m) for m in ("java", "servers", "browser")):
            item.add_marker(pytest.mark.slow)
