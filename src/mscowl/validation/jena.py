"""Apache Jena SHACL (Debian ``libapache-jena-java``) as a second, independent SHACL engine.

Used to prove that the shapes are portable (pySHACL and Jena must report the same results) and
available as ``mscowl validate --engine jena``. A small runner (``resources/java/JenaShacl.java``,
compiled on first use and cached) validates any number of data files in one JVM, on a class path
of the Debian jars. Debian's jena-core 4.5 relocates the shaded Xerces classes to
``xerces.*`` but leaves their message bundles under ``org/apache/jena/ext/xerces``; without them
Jena's XSD datatypes fail to initialise ("internal error"), so the bundles are copied once into a
cache directory under the names the classes look for.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Final

from rdflib import Graph

from mscowl.errors import InternalError, ToolMissingError
from mscowl.pipeline import cache_dir as mscowl_cache

JAR_DIR: Final = Path(os.environ.get("MSCOWL_JAVA_LIB", "/usr/share/java"))
#: The jars Jena SHACL needs (Debian names, without versions), from the Debian POMs of
#: jena-shacl, jena-arq, jena-core, jena-base and jena-cmds.
JARS: Final = (
    "jena-shacl",
    "jena-arq",
    "jena-core",
    "jena-base",
    "jena-iri",
    "jena-cmds",
    "jena-dboe-base",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "jena-dboe-index",
    "jena-tdb",
    "jena-tdb2",
    "jena-rdfconnection",
    "jsonld-java",
    "httpclient",
    "httpclient-cache",
    "httpcore",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "titanium-json-ld",
    "jakarta.json-api",
    "protobuf",
    "thrift",
    "commons-lang3",
    "commons-cli",
    "commons-csv",
    "commons-io",
    "commons-codec",
    "commons-compress",
    "commons-logging",
    "slf4j-api",
    "slf4j-nop",
    "guava",
    "caffeine",
    "dexx.collection",
)
_SHADED: Final = "org/apache/jena/ext/xerces/"


def jena_available() -> str | None:
    """``None`` when Java and Jena SHACL are installed, else why not (for skip messages)."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        return "Java 17 (java and javac) is not on the PATH"
    missing = [jar for jar in JARS if not (JAR_DIR / f"{jar}.jar").is_file()]
    if missing:
        return (
            f"Apache Jena is not installed (missing {', '.join(missing[:3])} in {JAR_DIR}; "
            "Debian package libapache-jena-java)"
        )
    return None


def classpath() -> str:
    """The class path for ``shacl.shacl``, with the relocated Xerces bundles when needed."""
    why = jena_available()
    if why:
        raise ToolMissingError(why)
    entries = [str(JAR_DIR / f"{jar}.jar") for jar in JARS]
    fix = _xerces_bundles(JAR_DIR / "jena-core.jar")
    return os.pathsep.join(([str(fix)] if fix else []) + entries)


def _xerces_bundles(core: Path) -> Path | None:
    with zipfile.ZipFile(core) as jar:
        names = jar.namelist()
        if (
            "xerces/impl/xpath/regex/Match.class" not in names
            or "xerces/impl/xpath/regex/message.properties" in names
        ):
            return None
        digest = hashlib.sha256(core.read_bytes()).hexdigest()[:16]
        cache = mscowl_cache()
        target = cache / f"jena-xerces-{digest}"
        if not (target / "xerces").is_dir():
            staging = cache / f".jena-xerces-{digest}-{os.getpid()}"
            for name in names:
                if name.startswith(_SHADED) and name.endswith(".properties"):
                    out = staging / "xerces" / name[len(_SHADED) :]
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(jar.read(name))
            try:
                staging.replace(target)
            except OSError:  # another process won the race
                shutil.rmtree(staging, ignore_errors=True)
    return target


CHECKER: Final = "JenaShacl"


def _compiled(cp: str) -> Path:
    from importlib import resources

    code = (resources.files("mscowl") / "resources" / "java" / f"{CHECKER}.java").read_bytes()
    digest = hashlib.sha256(code + cp.encode()).hexdigest()[:16]
    target = mscowl_cache() / f"jena-shacl-{digest}"
    if (target / f"{CHECKER}.class").is_file():
        return target
    staging = mscowl_cache() / f".jena-shacl-{digest}-{os.getpid()}"
    staging.mkdir(parents=True, exist_ok=True)
    (staging / f"{CHECKER}.java").write_bytes(code)
    result = subprocess.run(
        ["javac", "-nowarn", "-cp", cp, "-d", str(staging), str(staging / f"{CHECKER}.java")],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise InternalError(f"cannot compile the Jena SHACL runner: {result.stderr.strip()}")
    try:
        staging.replace(target)
    except OSError:  # another process won the race
        shutil.rmtree(staging, ignore_errors=True)
    return target


def validate_with_jena(shapes: Path, data: list[Path], ontology: Path | None = None) -> list[Graph]:
    """Validate each data file (together with ``ontology``, if given) against ``shapes`` with
    Jena SHACL, in one JVM; return the ``sh:ValidationReport`` graphs, in order. Jena parses the
    files itself, so large data never goes through rdflib."""
    answers = _run([str(shapes), str(ontology) if ontology else "-", *map(str, data)], len(data))
    reports = [a for a in answers if isinstance(a, Graph)]
    if len(reports) != len(data):
        raise InternalError(f"Jena SHACL failed: {next(a for a in answers if isinstance(a, str))}")
    return reports


def validate_pairs_with_jena(pairs: list[tuple[Path, Path]]) -> list[Graph | str]:
    """Validate each data file against its own shapes file with Jena SHACL, in one JVM (the
    W3C test suite: a hundred small pairs); for each, the report graph, or Jena's message
    where it refuses the pair."""
    arguments = ["--pairs", *(str(p) for pair in pairs for p in pair)]
    return _run(arguments, len(pairs))


def _run(arguments: list[str], expected: int) -> list[Graph | str]:
    cp = classpath()
    runner = _compiled(cp)
    command = ["java", "-cp", os.pathsep.join([str(runner), cp]), CHECKER, *arguments]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    chunks = re.split(r"^#(REPORT|ERROR) ", result.stdout, flags=re.MULTILINE)[1:]
    if result.returncode != 0 or len(chunks) != 2 * expected:
        raise InternalError(
            f"Jena SHACL failed (exit {result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[:2000]}"
        )
    answers: list[Graph | str] = []
    for kind, chunk in zip(chunks[::2], chunks[1::2], strict=True):
        head, _, ntriples = chunk.partition("\n")
        if kind == "ERROR":
            answers.append(head.split(" ", 1)[1] if " " in head else head)
        else:
            answers.append(Graph().parse(data=ntriples, format="nt"))
    return answers
