"""The data the native engine reads: an index of rdflib terms filled by one parse
(pyoxigraph's parser), and the pyoxigraph store that the SHACL-SPARQL constraints query, filled
from the same parsed terms with the triples they can read."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, XSD, Literal, URIRef
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

    The data is parsed once; each distinct term is converted from pyoxigraph to rdflib once,
    and the parsed term is kept, so that the SPARQL store (:meth:`store`) is filled from the
    index without a second parse and a blank node that a query returns is the index's.
    """

    def __init__(self) -> None:
        self.forward: dict[Node, dict[Node, list[Node]]] = {}
        self._backward: dict[Node, dict[Node, list[Node]]] = {}
        #: Each parsed pyoxigraph term and its rdflib term.
        self._terms: dict[Any, Node] = {}
        self._superclasses: dict[Node, frozenset[Node]] = {}
        self._instances: dict[Node, frozenset[Node]] = {}
        #: The SPARQL store, and the predicates whose triples it holds (None: all).
        self._store: pyoxigraph.Store | None = None
        self._store_scope: frozenset[Node] | None = None
        self._forms: dict[Any, list[Node]] | None = None
        #: The prefixes the data files declare (the names of terms in default messages).
        self.prefixes: dict[str, str] = {}
        #: Whether the data's names also use rdflib's default prefixes (files read as rdflib
        #: reads them do; a built knowledge graph binds only its own).
        self.default_namespaces = True

    # Filling ------------------------------------------------------------------------------

    def add(self, subject: Node, predicate: Node, obj: Node) -> None:
        objects = self.forward.setdefault(predicate, {}).setdefault(subject, [])
        if obj not in objects:
            objects.append(obj)

    def add_triples(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        for s, p, o in triples:
            self.add(s, p, o)

    def add_ntriples(self, data: bytes) -> None:
        ox = load_oxigraph()
        self._add_parsed(ox.parse(data, format=ox.RdfFormat.N_TRIPLES), Origin("<data>"))

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
        parsed = ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt), base_iri=base)
        self._add_parsed(parsed, Origin(str(path)))
        for prefix, namespace in (getattr(parsed, "prefixes", None) or {}).items():
            self.prefixes.setdefault(prefix, namespace)

    def _add_parsed(self, quads: Iterable[pyoxigraph.Quad], origin: Origin) -> None:
        try:
            self._parse_into_index(quads)
        except SyntaxError as exc:
            raise InputError(f"not valid RDF: {exc}", origin) from exc
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", origin) from exc

    def _parse_into_index(self, quads: Iterable[pyoxigraph.Quad]) -> None:
        forward, terms, convert = self.forward, self._terms, from_ox
        for quad in quads:  # the hot loop of validation: add() written out
            s, p, o = quad.subject, quad.predicate, quad.object
            s2 = terms.get(s)
            if s2 is None:
                s2 = terms[s] = convert(s)
            p2 = terms.get(p)
            if p2 is None:
                p2 = terms[p] = convert(p)
            o2 = terms.get(o)
            if o2 is None:
                o2 = terms[o] = convert(o)
            by_subject = forward.get(p2)
            if by_subject is None:
                by_subject = forward[p2] = {}
            objects = by_subject.get(s2)
            if objects is None:
                by_subject[s2] = [o2]
            elif o2 not in objects:
                objects.append(o2)

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

    def store(self, predicates: Collection[URIRef] | None = None) -> pyoxigraph.Store:
        """A pyoxigraph store with the index's triples of ``predicates`` (None: all of them),
        filled from the parsed terms on first use; asked for predicates it does not hold, it
        is filled again with those too."""
        wanted: frozenset[Node] | None = None if predicates is None else frozenset(predicates)
        held, scope = self._store, self._store_scope
        if held is not None and (scope is None or (wanted is not None and wanted <= scope)):
            return held
        if held is not None:
            wanted = None if wanted is None or scope is None else wanted | scope
        ox = load_oxigraph()
        parsed: dict[Node, Any] = {term: raw for raw, term in self._terms.items()}

        def raw(term: Node) -> Any:
            found = parsed.get(term)
            if found is None:  # a triple added as rdflib terms (the ontology)
                found = parsed[term] = to_ox(term)
            return found

        store: pyoxigraph.Store = ox.Store()
        store.bulk_extend(
            ox.Quad(raw(s), p, raw(o))
            for predicate, by_subject in self._scoped(wanted)
            for p in (raw(predicate),)
            for s, objects in by_subject.items()
            for o in objects
        )
        self._store, self._store_scope, self._forms = store, wanted, None
        return store

    def _scoped(
        self, scope: frozenset[Node] | None
    ) -> Iterator[tuple[Node, dict[Node, list[Node]]]]:
        """The index's predicates in ``scope`` (None: all), each with its triples."""
        if scope is None:
            yield from self.forward.items()
        else:
            for predicate in sorted(scope, key=str):
                by_subject = self.forward.get(predicate)
                if by_subject is not None:
                    yield predicate, by_subject

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
                    for _, by_subject in self._scoped(self._store_scope)
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
