"""Words to terms: a parameter value as a person types it becomes the one term it names.

A value is matched against every label and synonym (exact, related, broad, narrow; SKOS labels)
of the ontology with its imports and of the knowledge graph's entities, against the words the
seed sheets use (the allowed values of the mapping, ``Phase 2``, ``allogeneic``, and the
``*_as_stated`` cells beside a controlled cell, ``intravenous``), and against CURIEs and IRIs.
Matching ignores case, accents, hyphens, spaces and punctuation, and reads Greek letters by
their names, so ``IFN-β``, ``IFN-beta`` and ``ifn beta`` are one word.

>>> index = TermIndex()
>>> index.add("http://purl.uniprot.org/uniprot/P01574", "IFN-beta", "exact synonym")
>>> [c.curie for c in index.matches("IFN-β")]
['UniProtKB:P01574']
>>> key("Phase 1/2"), key("Interféron  β"), key("IL-6") == key("il6")
('phase1 2', 'interferon beta', True)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from mscowl.errors import InputError
from mscowl.rdf.namespaces import compress, expand
from mscowl.sparql.local import LocalStore
from mscowl.sparql.saved import SavedQuery

#: The predicates whose values name a term, and what each match is called.
NAMING: Final = {
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "label",
    # IAO "editor preferred term": the name the field uses where the label is another one
    # (CD73 for the protein labelled by its gene symbol NT5E).
    "http://purl.obolibrary.org/obo/IAO_0000111": "display name",
    "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym": "exact synonym",
    "http://www.w3.org/2004/02/skos/core#altLabel": "exact synonym",
    "http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym": "related synonym",
    "http://www.geneontology.org/formats/oboInOwl#hasBroadSynonym": "broad synonym",
    "http://www.geneontology.org/formats/oboInOwl#hasNarrowSynonym": "narrow synonym",
}
#: Which matches win when one word names several terms in different ways.
_RANK: Final = ("CURIE", "label", "display name", "exact synonym", "sheet value", "as stated",
                "related synonym", "broad synonym", "narrow synonym")  # fmt: skip

_WORD: Final = re.compile(r"[0-9]+|[a-z]+")


def key(text: str) -> str:
    """The form two names are compared in: no case or accents, Greek letters spelt out, and
    punctuation and spaces read as one space, or as none between letters and digits (IL-6 =
    IL6 = il 6; Phase I/II stays apart from Phase III)."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    spelt = "".join(_spelt(ch) for ch in folded if not unicodedata.combining(ch))
    words = _WORD.findall(spelt)
    joined = words[:1]
    for word in words[1:]:
        glue = "" if word[0].isdigit() != joined[-1][-1].isdigit() else " "
        joined.append(glue + word)
    return "".join(joined)


def _spelt(char: str) -> str:
    """A Greek letter by its name (β → beta), any other character as it is."""
    if "\u0370" <= char <= "\u03ff":
        name = unicodedata.name(char, "")
        if name.startswith("GREEK SMALL LETTER "):
            return name.rsplit(" ", 1)[-1].lower()
    return char


@dataclass(frozen=True)
class Candidate:
    """A term a word may name: its IRI, the name that matched, and how it matched."""

    iri: str
    text: str
    how: str

    @property
    def curie(self) -> str:
        return compress(self.iri) or self.iri

    def shown(self, labels: dict[str, str]) -> str:
        label = labels.get(self.iri, self.text)
        how = "" if self.how == "label" and self.text == label else f"; {self.how} '{self.text}'"
        return f"{label} ({self.curie}{how})"


@dataclass
class TermIndex:
    """Names (labels, synonyms, sheet words) of terms, by :func:`key`."""

    by_key: dict[str, list[Candidate]] = field(default_factory=dict)
    #: One display label per term (its rdfs:label, the first in sort order).
    labels: dict[str, str] = field(default_factory=dict)
    #: The name the field uses, where the ontology gives one (IAO:0000111), per term.
    displays: dict[str, str] = field(default_factory=dict)

    def add(self, iri: str, text: str, how: str) -> None:
        word = key(text)
        if not word:
            return
        found = self.by_key.setdefault(word, [])
        candidate = Candidate(iri, text, how)
        if candidate not in found:
            found.append(candidate)
        if how == "label" and (iri not in self.labels or text < self.labels[iri]):
            self.labels[iri] = text
        if how == "display name" and (iri not in self.displays or text < self.displays[iri]):
            self.displays[iri] = text

    def add_triples(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Add (subject IRI, naming predicate IRI, name) rows."""
        for subject, predicate, text in rows:
            how = NAMING.get(predicate)
            if how:
                self.add(subject, text, how)

    def add_sheet_words(self, seeds: Path, mapping: Path) -> None:
        """The allowed values of the mapping's enum columns, and each ``X_as_stated`` cell
        beside a controlled cell ``X`` that holds one term (a CSV seeds folder)."""
        from mscowl.seeds.mapping import Mapping

        loaded = Mapping.load(mapping)
        for sheet in loaded.sheets.values():
            for column in sheet.columns.values():
                for word, iri in column.values.items():
                    self.add(str(iri), word, f"sheet value ({sheet.name}.{column.name})")
            if not seeds.is_dir() or not (seeds / sheet.file).is_file():
                continue
            stated = [
                (c, f"{c.name}_as_stated")
                for c in sheet.columns.values()
                if c.type in ("curie", "enum") and f"{c.name}_as_stated" in sheet.columns
            ]
            if not stated:
                continue
            with (seeds / sheet.file).open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    for column, as_stated in stated:
                        values = column.split(row.get(column.name) or "")
                        words = (row.get(as_stated) or "").strip()
                        if len(values) != 1 or not words or len(words) > 60:
                            continue
                        value = values[0]
                        term = column.values.get(value) if column.type == "enum" else None
                        target = str(term) if term is not None else _iri(value)
                        if target:
                            self.add(target, words, f"as stated ({sheet.name}.{column.name})")

    # Looking up ---------------------------------------------------------------------------

    def matches(self, value: str, prefixes: Sequence[str] = ()) -> list[Candidate]:
        """The terms ``value`` names exactly (in :func:`key` form), one candidate per term, the
        best kind of match first."""
        best: dict[str, Candidate] = {}
        for candidate in self.by_key.get(key(value), []):
            if prefixes and candidate.curie.split(":", 1)[0] not in prefixes:
                continue
            held = best.get(candidate.iri)
            if held is None or _rank(candidate) < _rank(held):
                best[candidate.iri] = candidate
        return sorted(best.values(), key=lambda c: (_rank(c), c.curie))

    def suggestions(
        self, value: str, prefixes: Sequence[str] = (), limit: int = 5
    ) -> list[Candidate]:
        """Up to ``limit`` terms whose names are most like ``value``: names that contain it
        (or that it contains) first, then by similarity."""
        import difflib  # here: only a value that names no term needs suggestions

        word = key(value)
        if not word:
            return []
        scored: dict[str, tuple[float, Candidate]] = {}
        for name, candidates in self.by_key.items():
            contains = f" {word} " in f" {name} " or (len(name) > 3 and f" {name} " in f" {word} ")
            ratio = difflib.SequenceMatcher(None, word, name).ratio()
            score = ratio + (1.0 if contains else 0.0)
            if score < 0.6:
                continue
            for candidate in candidates:
                if prefixes and candidate.curie.split(":", 1)[0] not in prefixes:
                    continue
                held = scored.get(candidate.iri)
                if held is None or score > held[0]:
                    scored[candidate.iri] = (score, candidate)
        ranked = sorted(scored.values(), key=lambda sc: (-sc[0], _rank(sc[1]), sc[1].curie))
        return [candidate for _, candidate in ranked[:limit]]

    def search(self, text: str, limit: int = 20) -> list[Candidate]:
        """Terms for ``mscowl terms``: exact matches, then the most similar."""
        exact = self.matches(text)
        seen = {c.iri for c in exact}
        more = [c for c in self.suggestions(text, limit=limit + len(seen)) if c.iri not in seen]
        return (exact + more)[:limit]

    def names_of(self, iri: str) -> Iterator[Candidate]:
        for candidates in self.by_key.values():
            for candidate in candidates:
                if candidate.iri == iri:
                    yield candidate


def _rank(candidate: Candidate) -> int:
    how = candidate.how.split(" (", 1)[0]
    return _RANK.index(how) if how in _RANK else len(_RANK)


def _iri(curie: str) -> str | None:
    try:
        return expand(curie)
    except ValueError:
        return None


def resolve_values(
    saved: SavedQuery, values: Mapping[str, str], index: Callable[[], TermIndex]
) -> dict[str, str]:
    """The values with every word of a ``term`` parameter replaced by the IRI of the one term it
    names; :class:`InputError` naming the candidates when it names several, or up to five
    suggestions when it names none. ``index`` is called only when there is a word to resolve."""
    declared = {p.name: p for p in saved.params}
    words = {
        name: value
        for name, value in values.items()
        if name in declared and declared[name].needs_resolving(value)
    }
    if not words:
        return dict(values)
    terms = index()
    resolved = dict(values)
    for name, value in words.items():
        prefixes = declared[name].prefixes
        found = terms.matches(value, prefixes)
        if len(found) == 1:
            resolved[name] = found[0].iri
            continue
        where = f"query '{saved.name}'"
        if found:
            listed = "; ".join(c.shown(terms.labels) for c in found)
            raise InputError(
                f"{where}: {name}={value!r} names {len(found)} terms: {listed}; give the CURIE "
                f'of the one you mean (or "quote" the value to match it as text)'
            )
        close = terms.suggestions(value, prefixes)
        hint = (
            "; did you mean " + ", or ".join(c.shown(terms.labels) for c in close) + "?"
            if close
            else ""
        )
        raise InputError(
            f"{where}: {name}={value!r} names no term{hint} (`mscowl terms TEXT` searches; "
            'give a CURIE, or "quote" the value to match it as text)'
        )
    return resolved


_NAMES_QUERY: Final = (
    "SELECT ?s ?p ?l WHERE { VALUES ?p { "
    + " ".join(f"<{p}>" for p in NAMING)
    + " } ?s ?p ?l . FILTER (isIRI(?s) && isLiteral(?l)) }"
)


def index_of_store(store: LocalStore) -> TermIndex:
    """Every name of every term in the embedded store (the ontology with its imports and the
    knowledge graph)."""
    index = TermIndex()
    table = store.select(_NAMES_QUERY)
    index.add_triples((str(s), str(p), str(name)) for s, p, name in table.rows)
    return index


def remote_names(
    endpoint: str, words: Iterable[str], *, timeout: float, retries: int
) -> list[tuple[str, str, str]]:
    """(term, predicate, name) rows of the endpoint's own terms whose name is one of ``words``
    in any case (what a server can compare; the shipped ontology's names are matched locally in
    every form :func:`key` allows)."""
    from rdflib import Literal

    from mscowl.sparql.remote import run_remote

    values = " ".join(Literal(w).n3() for w in words)
    text = (
        "SELECT DISTINCT ?s ?p ?l WHERE { VALUES ?w { "
        + values
        + " } VALUES ?p { "
        + " ".join(f"<{p}>" for p in NAMING)
        + " } ?s ?p ?l . FILTER (isIRI(?s) && LCASE(STR(?l)) = LCASE(STR(?w))) }"
    )
    table = run_remote(endpoint, text, timeout=timeout, retries=retries)
    return [(str(s), str(p), str(name)) for s, p, name in table.rows]
