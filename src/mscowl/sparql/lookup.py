"""``mscowl terms``: find terms by the words a person knows them by, and show one term.

A search runs over the names of :mod:`mscowl.sparql.resolver` (labels, synonyms, sheet words)
in the embedded store (the ontology with its imports and the knowledge graph): exact matches
first, then the most similar names, each with its CURIE, label, kind, source ontology and
synonyms. A CURIE or IRI shows that one term: label, definition, parents, synonyms, and where the
knowledge graph uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from rdflib import Literal, URIRef

from mscowl.rdf.namespaces import DATA, HTTP_IRI, compress
from mscowl.sparql.local import LocalStore
from mscowl.sparql.resolver import NAMING, Candidate, TermIndex

_OWL: Final = "http://www.w3.org/2002/07/owl#"
_KIND_OF_TYPE: Final = {
    _OWL + "Class": "class",
    _OWL + "ObjectProperty": "property",
    _OWL + "DatatypeProperty": "property",
    _OWL + "AnnotationProperty": "property",
    _OWL + "NamedIndividual": "individual",
}
_DEFINITION: Final = "http://purl.obolibrary.org/obo/IAO_0000115"


@dataclass(frozen=True)
class TermRow:
    """One search hit."""

    curie: str
    label: str
    kind: str
    source: str
    matched: str
    synonyms: tuple[str, ...]
    #: The name the field uses (IAO:0000111), when the ontology gives one beside the label.
    display: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "curie": self.curie,
            "label": self.label,
            "display": self.display,
            "kind": self.kind,
            "source": self.source,
            "matched": self.matched,
            "synonyms": list(self.synonyms),
        }


@dataclass
class TermInfo:
    """One term, shown whole."""

    curie: str
    iri: str
    label: str
    kind: str
    source: str
    display: str = ""
    definition: str = ""
    parents: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    #: (predicate, number of statements) of the graph's statements with the term as value.
    used_by: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "curie": self.curie,
            "iri": self.iri,
            "label": self.label,
            "display": self.display,
            "kind": self.kind,
            "source": self.source,
            "definition": self.definition,
            "parents": self.parents,
            "synonyms": self.synonyms,
            "used_by": [{"property": p, "statements": n} for p, n in self.used_by],
        }


def source_of(iri: str) -> str:
    """Where a term comes from: its ontology's prefix, or the knowledge graph."""
    if iri.startswith(DATA):
        return "knowledge graph"
    curie = compress(iri)
    return curie.split(":", 1)[0] if curie else "other"


def kinds_of(store: LocalStore, iris: list[str]) -> dict[str, str]:
    """The kind of each term, from its rdf:type (graph entities are "entity")."""
    found = {iri: ("entity" if iri.startswith(DATA) else "class") for iri in iris}
    if not iris:
        return found
    values = " ".join(f"<{iri}>" for iri in iris)
    table = store.select(f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}")
    for subject, kind in table.rows:
        named = _KIND_OF_TYPE.get(str(kind))
        if named and found.get(str(subject)) != "property":
            found[str(subject)] = named
    return found


def search(
    store: LocalStore, index: TermIndex, text: str, kind: str | None = None, limit: int = 20
) -> list[TermRow]:
    """Terms named like ``text``, ranked: exact matches, then the most similar names."""
    hits = index.search(text, limit=limit * 3 if kind else limit)
    kinds = kinds_of(store, [c.iri for c in hits])
    rows = [_row(c, index, kinds[c.iri]) for c in hits]
    return [r for r in rows if kind is None or r.kind == kind][:limit]


def _row(candidate: Candidate, index: TermIndex, kind: str) -> TermRow:
    label = index.labels.get(candidate.iri, candidate.text)
    display = index.displays.get(candidate.iri, "")
    synonyms = sorted(
        {
            c.text
            for c in index.names_of(candidate.iri)
            if c.how not in ("label", "display name") and c.text not in (label, display)
        }
    )
    matched = candidate.how if candidate.text == label else f"{candidate.how} '{candidate.text}'"
    source = source_of(candidate.iri)
    return TermRow(candidate.curie, label, kind, source, matched, tuple(synonyms), display)


def describe(store: LocalStore, index: TermIndex, iri: str) -> TermInfo | None:
    """One term whole, or ``None`` when the store says nothing about it. ``iri`` must be a
    well-formed IRI (it is written into the query)."""
    if not HTTP_IRI.fullmatch(iri):
        raise ValueError(f"not a well-formed IRI: {iri!r}")
    facts = store.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").rows
    used = store.select(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p <{iri}> }} GROUP BY ?p ORDER BY ?p"
    ).rows
    if not facts and not used:
        return None
    labels = index.labels
    info = TermInfo(
        compress(iri) or iri,
        iri,
        labels.get(iri, ""),
        kinds_of(store, [iri])[iri],
        source_of(iri),
        index.displays.get(iri, ""),
    )
    subclass = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    for predicate, value in facts:
        name = str(predicate)
        if name == _DEFINITION and isinstance(value, Literal):
            info.definition = str(value)
        elif name == subclass and isinstance(value, URIRef):
            info.parents.append(_named(str(value), labels))
        elif name in NAMING and NAMING[name] not in ("label", "display name"):
            info.synonyms.append(f"{value} ({NAMING[name]})")
    info.parents.sort()
    info.synonyms.sort()
    for predicate, count in used:
        info.used_by.append((_named(str(predicate), labels), int(str(count))))
    return info


def _named(iri: str, labels: dict[str, str]) -> str:
    curie = compress(iri) or iri
    label = labels.get(iri)
    return f"{label} ({curie})" if label else curie
