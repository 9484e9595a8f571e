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

from mscowl.errors import InternalError, ToolMissingError


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
            raise InternalError(f"HermiT failed: {exc}") from exc
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
