"""Classify the ontology with HermiT (shipped with owlready2) and report what is wrong.

owlready2 reads RDF/XML, OWL/XML and N-Triples but not Turtle, so the import closure is
converted with rdflib first. HermiT needs Java (``java`` on the PATH).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, Graph

from mscowl.errors import InputError, InternalError, MscowlError, ToolMissingError


@dataclass
class ReasonerResult:
    """Outcome of one HermiT run."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    #: (subclass IRI, superclass IRI) pairs HermiT inferred that were not asserted.
    inferred_subclasses: list[tuple[str, str]] = field(default_factory=list)
    message: str = ""


def require_java() -> None:
    """Raise :class:`ToolMissingError` unless ``java`` is on the PATH (HermiT runs on it)."""
    if shutil.which("java") is None:
        raise ToolMissingError("HermiT needs Java; install a JRE (e.g. Debian openjdk-17-jre)")


def run_hermit(closure: Graph) -> ReasonerResult:
    """Run HermiT on a merged ontology graph: consistency, unsatisfiable classes, inferences."""
    require_java()
    import owlready2

    with tempfile.TemporaryDirectory(prefix="mscowl-hermit-") as tmp:
        source = Path(tmp) / "closure.nt"
        merged = Graph()
        for triple in closure:
            if triple[1] != OWL.imports:  # already merged; owlready2 would try to download them
                merged.add(triple)
        merged.serialize(source, format="nt", encoding="utf-8")
        world = owlready2.World()
        onto = world.get_ontology(source.as_uri()).load()
        asserted = {
            (c.iri, p.iri)
            for c in world.classes()
            for p in c.is_a
            if isinstance(p, owlready2.ThingClass)
        }
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasonerResult(consistent=False, message=str(exc))
        except Exception as exc:  # owlready2 wraps Java failures in plain exceptions
            raise _hermit_error(str(exc)) from exc
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes())
        inferred = sorted(
            (c.iri, p.iri)
            for c in world.classes()
            for p in c.is_a
            if isinstance(p, owlready2.ThingClass) and (c.iri, p.iri) not in asserted
        )
    return ReasonerResult(
        consistent=True, unsatisfiable=unsatisfiable, inferred_subclasses=inferred
    )


def _hermit_error(text: str) -> MscowlError:
    """The error for a HermiT failure: the Java exception's own sentence, on one line (owlready2
    passes Java's output with its line breaks escaped). A datatype outside the OWL 2 datatype
    map is the ontology's fault (bad input), anything else ours.

    >>> error = _hermit_error("Java error message is:\\nException in thread 'main' "
    ...     "org.semanticweb.HermiT.datatypes.UnsupportedDatatypeException: HermiT supports "
    ...     "all and only the datatypes of the OWL 2 datatype map.\\n\\tat org.x(Unknown Source)")
    >>> type(error).__name__, str(error).split(": ", 1)[1]
    ('InputError', 'HermiT supports all and only the datatypes of the OWL 2 datatype map.')
    """
    lines = [line.strip() for line in text.replace("\\n", "\n").splitlines() if line.strip()]
    cause = next((line for line in lines if "Exception" in line or "Error:" in line), "")
    sentence = cause.split(": ", 1)[1] if ": " in cause else (cause or (lines[0] if lines else ""))
    following = []
    for line in lines[lines.index(cause) + 1 :] if cause in lines else []:
        if line.startswith("at "):
            break
        following.append(line)
    message = " ".join([sentence, *following]).strip()
    if "UnsupportedDatatypeException" in cause:
        return InputError(
            f"the ontology uses a datatype outside the OWL 2 datatype map (HermiT refuses it): "
            f"{message}"
        )
    return InternalError(f"HermiT failed: {message}")
