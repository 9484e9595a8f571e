"""mscowl: an ontology and linked-data package for mesenchymal stem/stromal cells in cancer therapy.

The package publishes ``ontology/msc-cancer.ttl`` (OWL 2 DL) with its import modules, and the
Python layer that builds, validates, queries and releases its linked data. The stages live in
subpackages (``docs/architecture.md`` has the map); :func:`build`, :func:`validate` and
:func:`query` are the API (see :mod:`mscowl.api` for examples). The names are imported on first
use, so that ``import mscowl`` (and ``mscowl --help``) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → the module that defines it.
_EXPORTS = {
    "build": "mscowl.api",
    "validate": "mscowl.api",
    "query": "mscowl.api",
    "InputError": "mscowl.errors",
    "InputProblemsError": "mscowl.errors",
    "MscowlError": "mscowl.errors",
    "KnowledgeGraph": "mscowl.seeds.graph",
    "ResultTable": "mscowl.sparql.results",
    "LEVELS": "mscowl.validation.report",
    "Result": "mscowl.validation.report",
    "ValidationReport": "mscowl.validation.report",
    "ValidationRun": "mscowl.validation.run",
}

__all__ = [
    "LEVELS",
    "InputError",
    "InputProblemsError",
    "KnowledgeGraph",
    "MscowlError",
    "Result",
    "ResultTable",
    "ValidationReport",
    "ValidationRun",
    "__version__",
    "build",
    "query",
    "validate",
]

if TYPE_CHECKING:
    from mscowl.api import build, query, validate
    from mscowl.errors import InputError, InputProblemsError, MscowlError
    from mscowl.seeds.graph import KnowledgeGraph
    from mscowl.sparql.results import ResultTable
    from mscowl.validation.report import LEVELS, Result, ValidationReport
    from mscowl.validation.run import ValidationRun


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mscowl' has no attribute {name!r}")
