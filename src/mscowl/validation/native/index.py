"""The data the native engine reads: an index of rdflib terms filled by pyoxigraph's parser,
with the pyoxigraph store that the SHACL-SPARQL constraints query, built from the same terms."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, BNode, Literal
from rdflib.term import Node

from mscowl.errors import InputError, Origin
from mscowl.ontology.load import OXIGRAPH_FORMATS
from mscowl.rdf.namespaces import XSD_STRING
from mscowl.rdf.terms import from_oxigraph, to_oxigraph
from mscowl.safety import check_rdf_file
from mscowl.validation.native.errors import UnsupportedShapesError

if TYPE_CHECKING:
    import pyoxigraph


class TripleIndex:
    """Triples as ``predicate → subject → [objects]`` (rdflib terms), plus what SHACL needs.

    Each distinct term is converted from pyoxigraph to rdflib once. A pyoxigraph store with the
    same triples is built when a SHACL-SPARQL constraint needs one; with ``load_store``, Oxigraph
    loads each source into it on a second thread while Python reads the same source into the
    index (the bulk loader does not hold the GIL: the load costs no wall time on two cores).
    """

    def __init__(self, *, load_store: bool = False) -> None:
        self.forward: dict[Node, dict[Node, list[Node]]] = {}
        self._backward: dict[Node, dict[Node, list[Node]]] = {}
        self._terms: dict[Any, Node] = {}
        self._superclasses: dict[Node, frozenset[Node]] = {}
        self._instances: dict[Node, frozenset[Node]] = {}
        self._store: pyoxigraph.Store | None = None
        self._forms: dict[Any, list[Node]] | None = None
        #: The prefixes the data files declare (the names of terms in default messages).
        self.prefixes: dict[str, str] = {}
        #: Whether the data's names also use rdflib's default prefixes (files read as rdflib
        #: reads them do; a built knowledge graph binds only its own).
        self.default_namespaces = True
        #: What was parsed, to load into the SPARQL store as it is (Rust, no conversion):
        #: (N-Triples bytes or a file, its format, its base IRI); None once a blank node was
        #: read, whose identity only the index's own terms keep.
        self._sources: list[tuple[bytes | Path, Any, str | None]] | None = []
        #: The triples added as rdflib terms (the ontology), converted for the store.
        self._added: list[tuple[Node, Node, Node]] = []
        #: The store being loaded beside the parse (``load_store``), its thread and its error.
        self._load_store = load_store
        self._loading: pyoxigraph.Store | None = None
        self._loader: threading.Thread | None = None
        self._load_error: BaseException | None = None

    # Filling ------------------------------------------------------------------------------

    def add(self, subject: Node, predicate: Node, obj: Node) -> None:
        objects = self.forward.setdefault(predicate, {}).setdefault(subject, [])
        if obj not in objects:
            objects.append(obj)

    def add_triples(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        added = self._added
        for s, p, o in triples:
            self.add(s, p, o)
            added.append((s, p, o))

    def add_ntriples(self, data: bytes) -> None:
        ox = load_oxigraph()
        self._start_loading(data, ox.RdfFormat.N_TRIPLES, None)
        self._add_parsed(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), Origin("<data>"))
        self._source(data, ox.RdfFormat.N_TRIPLES, None)

    def add_file(self, path: Path) -> None:
        """Add an RDF file: N-Triples, Turtle and RDF/XML by pyoxigraph, others (JSON-LD) by
        rdflib. Relative IRIs resolve against the file, as rdflib does."""
        ox = load_oxigraph()
        suffix = path.suffix.lower()
        fmt = OXIGRAPH_FORMATS.get(suffix)
        if not path.exists():
            raise InputError("no such data file", Origin(str(path)))
        check_rdf_file(path, "data file")
        if fmt is None:
            from mscowl.ontology.load import parse_rdf

            self.add_triples(parse_rdf(path))
            return
        base = path.resolve().as_uri()
        self._start_loading(path, getattr(ox.RdfFormat, fmt), base)
        parsed = ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt), base_iri=base)
        self._add_parsed(parsed, Origin(str(path)))
        self._source(path, getattr(ox.RdfFormat, fmt), base)
        for prefix, namespace in (getattr(parsed, "prefixes", None) or {}).items():
            self.prefixes.setdefault(prefix, namespace)

    def _add_parsed(self, quads: Iterable[pyoxigraph.Quad], origin: Origin) -> None:
        terms = self._terms
        convert = from_ox
        try:
            self._parse_into_index(quads, terms, convert)
        except SyntaxError as exc:
            self._stop_loading()
            raise InputError(f"not valid RDF: {exc}", origin) from exc
        except OSError as exc:
            self._stop_loading()
            raise InputError(f"cannot read: {exc.strerror}", origin) from exc

    def _parse_into_index(
        self,
        quads: Iterable[pyoxigraph.Quad],
        terms: dict[Any, Node],
        convert: Callable[[Any], Node],
    ) -> None:
        for quad in quads:
            s, p, o = quad.subject, quad.predicate, quad.object
            s2 = terms.get(s)
            if s2 is None:
                s2 = terms[s] = convert(s)
                if isinstance(s2, BNode):
                    self._sources = None
            p2 = terms.get(p)
            if p2 is None:
                p2 = terms[p] = convert(p)
            o2 = terms.get(o)
            if o2 is None:
                o2 = terms[o] = convert(o)
                if isinstance(o2, BNode):
                    self._sources = None
            self.add(s2, p2, o2)

    # Reading ------------------------------------------------------------------------------

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return self.forward.get(predicate, {}).get(subject, [])

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        backward = self._backward.get(predicate)
        if backward is None:
            backward = self._backward[predicate] = {}
            for subject, objects in self.forward.get(predicate, {}).items():
                for value in objects:
                    backward.setdefault(value, []).append(subject)
        return backward.get(obj, [])

    def superclasses(self, cls: Node) -> frozenset[Node]:
        """``cls`` and everything it reaches by ``rdfs:subClassOf*``."""
        found = self._superclasses.get(cls)
        if found is None:
            found = self._superclasses[cls] = frozenset(closure(cls, self._parents))
        return found

    def _parents(self, node: Node) -> list[Node]:
        return self.objects(node, RDFS.subClassOf)

    def instances(self, cls: Node) -> frozenset[Node]:
        """SHACL instances of ``cls``: ``rdf:type/rdfs:subClassOf*`` (targets of sh:targetClass)."""
        found = self._instances.get(cls)
        if found is None:
            members: set[Node] = set()
            for sub in closure(cls, lambda c: self.subjects(RDFS.subClassOf, c)):
                members.update(self.subjects(RDF.type, sub))
            found = self._instances[cls] = frozenset(members)
        return found

    def is_instance(self, node: Node, cls: Node) -> bool:
        return any(cls in self.superclasses(t) for t in self.objects(node, RDF.type))

    def label_pairs(self) -> Iterator[tuple[Node, Node]]:
        for subject, objects in self.forward.get(RDFS.label, {}).items():
            for label in objects:
                yield subject, label

    # SPARQL -------------------------------------------------------------------------------

    def _source(self, data: bytes | Path, fmt: Any, base: str | None) -> None:
        if self._sources is not None:
            self._sources.append((data, fmt, base))

    def _start_loading(self, data: bytes | Path, fmt: Any, base: str | None) -> None:
        """With ``load_store``, load a source into the store on a second thread, after the
        sources before it (one loader at a time keeps their order and the memory bounded)."""
        if not self._load_store or self._sources is None or self._load_error is not None:
            return
        previous = self._loader
        if self._loading is None:
            self._loading = load_oxigraph().Store()
        store = self._loading

        def load() -> None:
            if previous is not None:
                previous.join()
            try:
                _bulk_load(store, data, fmt, base)
            except BaseException as exc:  # reported by store(), which then loads again
                self._load_error = exc

        self._loader = threading.Thread(target=load, name="mscowl-store-loader", daemon=True)
        self._loader.start()

    def _stop_loading(self) -> None:
        """Wait for the loader (after bad input: nothing may still be writing) and drop it."""
        if self._loader is not None:
            self._loader.join()
        self._loader = self._loading = None
        self._load_store = False

    def _load_sources(self) -> pyoxigraph.Store:
        ox = load_oxigraph()
        assert self._sources is not None
        loaded_beside = self._loading
        if self._loader is not None:
            self._loader.join()
        if loaded_beside is not None and self._load_error is None:
            store = loaded_beside  # every source was loaded beside its parse
        else:
            store = ox.Store()
            for data, fmt, base in self._sources:
                _bulk_load(store, data, fmt, base)
        self._loader = self._loading = None
        store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in self._added)
        loaded: pyoxigraph.Store = store
        return loaded

    def store(self) -> pyoxigraph.Store:
        """A pyoxigraph store with the same triples, built on first use: the parsed data loaded
        again by Oxigraph's bulk loader (as fast as the parse) with the rdflib triples beside
        it, or, when the data has blank nodes, from the index's own terms, so that a blank node
        a query returns is the index's."""
        if self._store is None and self._sources is not None:
            self._store = self._load_sources()
        if self._store is None:
            self._stop_loading()  # a blank node was read: the loaded copy cannot be used
            ox = load_oxigraph()
            back: dict[Node, Any] = {term: raw for raw, term in self._terms.items()}

            def raw(term: Node) -> Any:
                found = back.get(term)
                if found is None:
                    found = back[term] = to_ox(term)
                return found

            self._store = ox.Store()
            self._store.bulk_extend(
                ox.Quad(raw(s), raw(p), raw(o))
                for p, by_subject in self.forward.items()
                for s, objects in by_subject.items()
                for o in objects
            )
        return self._store

    def term(self, value: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal) -> Node:
        """An rdflib term for a term that a SPARQL query returned, with the data's own lexical
        form for literals that the store keeps in canonical form."""
        ox = load_oxigraph()
        if (
            isinstance(value, ox.Literal)
            and value.language is None
            and value.datatype.value != XSD_STRING
        ):
            originals = self._lexical_forms().get(value)
            if originals is not None:
                if len(originals) > 1:
                    raise UnsupportedShapesError(
                        f"the data writes the literal {value} in {len(originals)} different "
                        "ways; a SPARQL store cannot tell them apart"
                    )
                return originals[0]
        known = self._terms.get(value)
        return known if known is not None else from_ox(value)

    def _lexical_forms(self) -> dict[Any, list[Node]]:
        forms = self._forms
        if forms is None:
            ox = load_oxigraph()
            typed = sorted(
                {
                    o
                    for by_subject in self.forward.values()
                    for objects in by_subject.values()
                    for o in objects
                    if isinstance(o, Literal) and o.datatype not in (None, XSD.string)
                },
                key=str,
            )
            scratch = ox.Store()
            predicate = ox.NamedNode("urn:mscowl:literal")
            scratch.extend(
                ox.Quad(ox.NamedNode(f"urn:mscowl:{i}"), predicate, to_ox(literal))
                for i, literal in enumerate(typed)
            )
            forms = {}
            for quad in scratch:
                forms.setdefault(quad.object, []).append(
                    typed[int(quad.subject.value.rsplit(":", 1)[1])]
                )
            self._forms = forms
        return forms


def _bulk_load(store: Any, data: bytes | Path, fmt: Any, base: str | None) -> None:
    if isinstance(data, Path):
        store.bulk_load(path=str(data), format=fmt, base_iri=base)
    else:
        store.bulk_load(input=data, format=fmt)


def load_oxigraph() -> Any:
    import pyoxigraph

    return pyoxigraph


def from_ox(term: Any) -> Node:
    try:
        node = from_oxigraph(term)
    except ValueError as exc:  # an RDF-star triple term
        raise UnsupportedShapesError(str(exc)) from exc
    assert node is not None
    return node


to_ox = to_oxigraph


def closure(start: Node, step: Callable[[Node], Iterable[Node]]) -> list[Node]:
    """``start`` and every node reachable from it by ``step`` (breadth first, no repeats)."""
    seen = {start}
    order = [start]
    for node in order:
        for nxt in step(node):
            if nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
    return order
