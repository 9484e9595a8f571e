"""Check the ontology with the OWL API, the library Protégé is built on.

A small Java checker (``resources/java/OwlApiCheck.java``) is compiled on first use against the
OWL API jars of Debian's ``libowlapi-java`` and cached. It loads the ontology with every import
resolved through the catalog and reports unparsed triples, OWL 2 DL profile violations and
unlabelled entities, i.e. what a curator would see when opening the file in Protégé.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from mscowl.errors import InputError, InternalError, Origin, ToolMissingError
from mscowl.pipeline import cache_dir as mscowl_cache

OWLAPI_JAR_DIR = Path(os.environ.get("MSCOWL_JAVA_LIB", "/usr/share/java"))
CHECKER = "OwlApiCheck"


@dataclass
class OwlApiReport:
    """Findings of the OWL API check: kind -> details."""

    findings: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""

    def of_kind(self, kind: str) -> list[str]:
        return [detail for k, detail in self.findings if k == kind]


def owlapi_available() -> str | None:
    """``None`` when Java and the OWL API are installed, else why not (for skip messages)."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        return "Java 17 (java and javac) is not on the PATH"
    if not (OWLAPI_JAR_DIR / "owlapi-distribution.jar").is_file():
        jar = OWLAPI_JAR_DIR / "owlapi-distribution.jar"
        return f"the OWL API is not installed ({jar}; Debian package libowlapi-java)"
    return None


def _compiled_checker() -> Path:
    source = resources.files("mscowl") / "resources" / "java" / f"{CHECKER}.java"
    code = source.read_bytes()
    digest = hashlib.sha256(code).hexdigest()[:16]
    cache = mscowl_cache(digest)
    if (cache / f"{CHECKER}.class").is_file():
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    java_file = cache / f"{CHECKER}.java"
    java_file.write_bytes(code)
    result = subprocess.run(
        ["javac", "-nowarn", "-cp", f"{OWLAPI_JAR_DIR}/*", "-d", str(cache), str(java_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise InternalError(f"could not compile the OWL API checker:\n{result.stderr}")
    return cache


def check_with_owlapi(ontology: Path, timeout: float = 300) -> OwlApiReport:
    """Load ``ontology`` in the OWL API and return what it found."""
    missing = owlapi_available()
    if missing:
        raise ToolMissingError(missing)
    classes = _compiled_checker()
    result = subprocess.run(
        ["java", "-cp", f"{classes}:{OWLAPI_JAR_DIR}/*", CHECKER, str(ontology)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    report = OwlApiReport()
    for line in result.stdout.splitlines():
        kind, _, detail = line.partition("\t")
        if kind == "SUMMARY":
            report.summary = detail
        elif kind == "LOAD_ERROR":
            raise InputError(f"the OWL API cannot load it: {detail}", Origin(str(ontology)))
        elif kind:
            report.findings.append((kind, detail))
    if result.returncode not in (0, 1) or not report.summary:
        raise InternalError(
            f"OWL API checker failed ({result.returncode}): {result.stderr[-2000:]}"
        )
    return report
