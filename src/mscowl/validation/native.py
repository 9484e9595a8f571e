"""A SHACL engine for large graphs that gives pySHACL's results, evaluated shape by shape.

pySHACL (the reference) walks an rdflib graph focus node by focus node and runs every SHACL-SPARQL
constraint once per focus node; on 10k products that is minutes. This engine keeps pySHACL's
answers and changes where the time goes:

* **Data.** Triples are parsed by pyoxigraph (Rust; lexical forms kept) into a :class:`TripleIndex`
  of rdflib terms: subject → objects per predicate, with the inverse built on demand.
* **Core constraints** are evaluated shape by shape: the focus nodes of a shape are found once, the
  value nodes of each property shape are read from the index, and each value node is checked with
  the *same* rdflib-term tests pySHACL applies (its datatype and string rules, its literal
  comparison, its ``langMatches`` reading). Nested shapes (``sh:node``, ``sh:or``,
  ``sh:qualifiedValueShape``) are decided once per distinct value node and remembered, so the
  ontology classes that thousands of rows use as values are walked once.
* **SHACL-SPARQL constraints** run on a pyoxigraph store holding the same triples, once per shape:
  the focus nodes are pre-bound by a ``VALUES ?this`` block at the start of the ``WHERE`` group
  (in chunks), instead of one query per focus node. Focus nodes that are blank nodes, and queries
  whose ``WHERE`` group cannot be found, are pre-bound one by one with pyoxigraph's SEP-0007
  substitution, which is SHACL's pre-binding.
  Oxigraph stores typed literals in canonical form (``"2.50"`` becomes ``"2.5"``); literals that a
  query returns are mapped back to the data's own lexical form.

Shapes or data that this engine cannot answer exactly as pySHACL would raise
:class:`UnsupportedShapesError`, naming the feature; ``mscowl validate --engine auto`` then uses
pySHACL. Covered: all of SHACL Core (targets, implicit class targets included; all property
paths; the constraint components in :data:`COMPONENTS`, ``sh:closed`` and ``sh:property`` on
property shapes) and SHACL-SPARQL constraints (``sh:select``) on node and property shapes. The
W3C test suite (``tests/test_w3c_shacl.py``), the shapes tests (``shapes/tests/``) and the
benchmark compare its results with the expected reports and pySHACL's.

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''
...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
...     ex:S a sh:NodeShape ; sh:targetClass ex:C ;
...        sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "needs a name" ] .''',
...     format="turtle")
>>> index = TripleIndex()
>>> index.add_ntriples(b'<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
...                    b'<http://example.org/C> .\\n')
>>> [(str(r.focus), r.message) for r in NativeValidator(shapes).validate(index)]
[('http://example.org/a', 'needs a name')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mscowl.errors import InputError, MscowlError, Origin
from mscowl.ontology.load import OXIGRAPH_FORMATS
from mscowl.rdf.namespaces import SH, XSD_STRING
from mscowl.rdf.terms import from_oxigraph, to_oxigraph
from mscowl.safety import check_rdf_file, check_regex
from mscowl.validation.report import (
    Result,
    ValidationReport,
    pick_labels,
    report_graph,
    sorted_results,
)

if TYPE_CHECKING:
    import pyoxigraph

    from mscowl.seeds.graph import KnowledgeGraph


class UnsupportedShapesError(MscowlError):
    """The shapes (or data) use something the native engine does not reproduce exactly."""

    exit_code = 2


# --------------------------------------------------------------------------------------------
# Data: an index of rdflib terms, filled by pyoxigraph's parser


class TripleIndex:
    """Triples as ``predicate → subject → [objects]`` (rdflib terms), plus what SHACL needs.

    Each distinct term is converted from pyoxigraph to rdflib once. A pyoxigraph store with the
    same triples is built when a SHACL-SPARQL constraint needs one.
    """

    def __init__(self) -> None:
        self.forward: dict[Node, dict[Node, list[Node]]] = {}
        self._backward: dict[Node, dict[Node, list[Node]]] = {}
        self._terms: dict[Any, Node] = {}
        self._superclasses: dict[Node, frozenset[Node]] = {}
        self._instances: dict[Node, frozenset[Node]] = {}
        self._store: pyoxigraph.Store | None = None
        self._forms: dict[Any, list[Node]] | None = None

    # Filling ------------------------------------------------------------------------------

    def add(self, subject: Node, predicate: Node, obj: Node) -> None:
        objects = self.forward.setdefault(predicate, {}).setdefault(subject, [])
        if obj not in objects:
            objects.append(obj)

    def add_triples(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        for s, p, o in triples:
            self.add(s, p, o)

    def add_ntriples(self, data: bytes) -> None:
        self._add_parsed(_ox().parse(data, format=_ox().RdfFormat.N_TRIPLES), Origin("<data>"))

    def add_file(self, path: Path) -> None:
        """Add an RDF file: N-Triples, Turtle and RDF/XML by pyoxigraph, others (JSON-LD) by
        rdflib. Relative IRIs resolve against the file, as rdflib does."""
        ox = _ox()
        suffix = path.suffix.lower()
        fmt = OXIGRAPH_FORMATS.get(suffix)
        if not path.exists():
            raise InputError("no such data file", Origin(str(path)))
        check_rdf_file(path, "data file")
        if fmt is None:
            from mscowl.ontology.load import parse_rdf

            self.add_triples(parse_rdf(path))
            return
        parsed = ox.parse(
            path=str(path), format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri()
        )
        self._add_parsed(parsed, Origin(str(path)))

    def _add_parsed(self, quads: Iterable[pyoxigraph.Quad], origin: Origin) -> None:
        terms = self._terms
        convert = _from_ox
        try:
            for quad in quads:
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
                self.add(s2, p2, o2)
        except SyntaxError as exc:
            raise InputError(f"not valid RDF: {exc}", origin) from exc
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", origin) from exc

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
            found = self._superclasses[cls] = frozenset(_closure(cls, self._parents))
        return found

    def _parents(self, node: Node) -> list[Node]:
        return self.objects(node, RDFS.subClassOf)

    def instances(self, cls: Node) -> frozenset[Node]:
        """SHACL instances of ``cls``: ``rdf:type/rdfs:subClassOf*`` (targets of sh:targetClass)."""
        found = self._instances.get(cls)
        if found is None:
            members: set[Node] = set()
            for sub in _closure(cls, lambda c: self.subjects(RDFS.subClassOf, c)):
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

    def store(self) -> pyoxigraph.Store:
        """A pyoxigraph store with the same triples (built on first use, from the index, so that
        blank nodes keep their identity)."""
        if self._store is None:
            ox = _ox()
            back: dict[Node, Any] = {term: raw for raw, term in self._terms.items()}

            def raw(term: Node) -> Any:
                found = back.get(term)
                if found is None:
                    found = back[term] = _to_ox(term)
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
        ox = _ox()
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
        return known if known is not None else _from_ox(value)

    def _lexical_forms(self) -> dict[Any, list[Node]]:
        forms = self._forms
        if forms is None:
            ox = _ox()
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
                ox.Quad(ox.NamedNode(f"urn:mscowl:{i}"), predicate, _to_ox(literal))
                for i, literal in enumerate(typed)
            )
            forms = {}
            for quad in scratch:
                forms.setdefault(quad.object, []).append(
                    typed[int(quad.subject.value.rsplit(":", 1)[1])]
                )
            self._forms = forms
        return forms


def _ox() -> Any:
    import pyoxigraph

    return pyoxigraph


def _from_ox(term: Any) -> Node:
    try:
        node = from_oxigraph(term)
    except ValueError as exc:  # an RDF-star triple term
        raise UnsupportedShapesError(str(exc)) from exc
    assert node is not None
    return node


_to_ox = to_oxigraph


def _closure(start: Node, step: Callable[[Node], Iterable[Node]]) -> list[Node]:
    """``start`` and every node reachable from it by ``step`` (breadth first, no repeats)."""
    seen = {start}
    order = [start]
    for node in order:
        for nxt in step(node):
            if nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
    return order


# --------------------------------------------------------------------------------------------
# Paths


PathFunction = Callable[[TripleIndex, Node], list[Node]]


def compile_path(shapes: Graph, path: Node) -> PathFunction:
    """A function from a focus node to its value nodes (no repeats) for a SHACL property path."""
    if isinstance(path, URIRef):
        return lambda index, node: index.objects(node, path)
    if shapes.value(path, RDF.first) is not None:
        steps = [compile_path(shapes, p) for p in Collection(shapes, path)]

        def sequence(index: TripleIndex, node: Node) -> list[Node]:
            current = [node]
            for step in steps:
                current = _distinct(v for n in current for v in step(index, n))
            return current

        return sequence
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        if not isinstance(inverse, URIRef):
            raise UnsupportedShapesError("sh:inversePath of a complex path")
        return lambda index, node: index.subjects(inverse, node)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        options = [compile_path(shapes, p) for p in Collection(shapes, alternatives)]
        return lambda index, node: _distinct(v for step in options for v in step(index, node))
    for predicate, include_start, repeat in (
        (SH.zeroOrMorePath, True, True),
        (SH.oneOrMorePath, False, True),
        (SH.zeroOrOnePath, True, False),
    ):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return _repeated(compile_path(shapes, inner), include_start, repeat)
    raise UnsupportedShapesError(f"not a SHACL property path: {path.n3()}")


def _repeated(step: PathFunction, include_start: bool, repeat: bool) -> PathFunction:
    def walk(index: TripleIndex, node: Node) -> list[Node]:
        if not repeat:
            return _distinct([node, *step(index, node)] if include_start else step(index, node))
        reached = _closure(node, lambda n: step(index, n))
        if include_start:
            return reached
        # One or more: the start counts only if a cycle leads back to it.
        again = {v for n in reached for v in step(index, n)}
        return [n for n in reached if n != node or node in again]

    return walk


def _distinct(values: Iterable[Node]) -> list[Node]:
    return list(dict.fromkeys(values))


# --------------------------------------------------------------------------------------------
# Shapes


@dataclass(frozen=True)
class Finding:
    """A failed check before it becomes a :class:`Result`."""

    focus: Node
    value: Node | None
    component: URIRef
    path: Node | None = None
    #: SHACL-SPARQL only: the constraint, its messages and the solution's variables.
    constraint: Node | None = None
    messages: tuple[Literal, ...] = ()
    variables: tuple[tuple[str, Node], ...] | None = None


Check = Callable[["NativeValidator", Node, list[Node]], Iterator[Finding]]


@dataclass
class Shape:
    """One node or property shape, compiled."""

    node: Node
    path: Node | None
    values: PathFunction | None
    severity: Node
    messages: tuple[Literal, ...]
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    deactivated: bool = False

    def value_nodes(self, index: TripleIndex, focus: Node) -> list[Node]:
        return [focus] if self.values is None else self.values(index, focus)


#: Parameters that describe a shape or are read with another parameter.
_NON_CONSTRAINT: Final = {
    SH.path, SH.property, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.sparql, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.flags, SH.ignoredProperties, SH.prefixes,
    SH.declare, SH.prefix, SH.namespace,
}  # fmt: skip

#: The constraint components this engine evaluates (parameter → component).
COMPONENTS: Final = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.qualifiedValueShape: SH.QualifiedMinCountConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
}


class NativeValidator:
    """Validate a :class:`TripleIndex` against a shapes graph; see the module docstring."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._compiled: dict[Node, Shape] = {}
        self._compiling: set[Node] = set()
        self._conforms: dict[tuple[Node, Node], bool] = {}
        self.index = TripleIndex()
        targeted = {
            s
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            for s in shapes.subjects(p, None)
        }
        for marker in (SH.validator, SH.nodeValidator, SH.propertyValidator, SH.parameter):
            for component in shapes.subjects(marker, None):  # whatever class it is typed with
                raise UnsupportedShapesError(
                    f"the SPARQL-based constraint component {component.n3()}"
                )
        #: Shapes that are classes too: their instances are their focus nodes (SHACL 2.1.3.1).
        self.implicit: set[Node] = set()
        for implicit in (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class")):
            for shape in shapes.subjects(RDF.type, implicit):
                kinds = set(shapes.objects(shape, RDF.type))
                if kinds & {SH.NodeShape, SH.PropertyShape}:
                    self.implicit.add(shape)
        targeted |= self.implicit
        self.targeted = [self.shape(s) for s in sorted(targeted, key=str)]

    # Compiling ----------------------------------------------------------------------------

    def shape(self, node: Node) -> Shape:
        compiled = self._compiled.get(node)
        if compiled is not None:
            return compiled
        if node in self._compiling:
            raise UnsupportedShapesError(f"recursive shape {node.n3()}")
        self._compiling.add(node)
        try:
            compiled = self._compile(node)
        finally:
            self._compiling.discard(node)
        self._compiled[node] = compiled
        return compiled

    def _compile(self, node: Node) -> Shape:
        g = self.shapes
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1 or (not paths and (None, SH.property, node) in g):
            # pySHACL rejects these shapes; let it say why.
            raise UnsupportedShapesError(f"{node.n3()} has {len(paths)} values of sh:path")
        path = paths[0] if paths else None
        messages = tuple(
            sorted((m for m in g.objects(node, SH.message) if isinstance(m, Literal)), key=str)
        )
        shape = Shape(
            node=node,
            path=path,
            values=compile_path(g, path) if path is not None else None,
            severity=g.value(node, SH.severity) or SH.Violation,
            messages=messages,
            deactivated=bool(getattr(g.value(node, SH.deactivated), "value", False)),
        )
        for predicate, value in sorted(
            g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))
        ):
            if not isinstance(predicate, URIRef) or not predicate.startswith(str(SH)):
                continue
            if predicate in _NON_CONSTRAINT:
                continue
            if predicate in (SH.select, SH.ask) and (None, SH.sparql, node) in g:
                continue  # the shape is its own SPARQL constraint
            if predicate not in COMPONENTS:
                raise UnsupportedShapesError(f"sh:{predicate[len(SH) :]} (on shape {node.n3()})")
            shape.checks.append(self._check(node, predicate, value))
        for prop in sorted(g.objects(node, SH.property), key=str):
            shape.properties.append(self.shape(prop))
        for constraint in sorted(g.objects(node, SH.sparql), key=str):
            if path is not None and not isinstance(path, URIRef):
                raise UnsupportedShapesError(
                    f"SPARQL constraint on the property shape {node.n3()} with a complex path"
                )
            shape.sparql.append(SparqlConstraint.of(g, constraint, path))
        return shape

    def _check(self, node: Node, parameter: URIRef, value: Node) -> Check:
        g = self.shapes
        component = COMPONENTS[parameter]
        if parameter == SH.minCount:
            return _count_check(_integer(value), None, component)
        if parameter == SH.maxCount:
            return _count_check(None, _integer(value), component)
        if parameter == SH.hasValue:
            return _has_value_check(value, component)
        if parameter == SH.qualifiedValueShape:
            low, high = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
            return _qualified_check(
                self.shape(value),
                _integer(low) if low is not None else None,
                _integer(high) if high is not None else None,
                self._siblings(node, value),
            )
        if parameter == SH.uniqueLang:
            return _unique_lang_check(value == Literal(True), component)
        if parameter in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            return _pair_check(parameter, value, component)
        if parameter == SH.closed:
            if value != Literal(True):
                return _value_check(lambda v: True, component)
            allowed = {p for prop in g.objects(node, SH.property) for p in g.objects(prop, SH.path)}
            ignored = g.value(node, SH.ignoredProperties)
            if ignored is not None:
                allowed.update(Collection(g, ignored))
            return _closed_check(frozenset(p for p in allowed if isinstance(p, URIRef)), component)
        test: Callable[[Node], bool]
        if parameter == SH["class"]:
            return _value_check(
                lambda v: not isinstance(v, Literal) and self.index.is_instance(v, value), component
            )
        if parameter == SH.node:
            other = self.shape(value)
            test = lambda v: self.conforms(other, v)  # noqa: E731
        elif parameter == SH["or"]:
            members = [self.shape(m) for m in Collection(g, value)]
            test = lambda v: any(self.conforms(m, v) for m in members)  # noqa: E731
        elif parameter == SH["and"]:
            members = [self.shape(m) for m in Collection(g, value)]
            test = lambda v: all(self.conforms(m, v) for m in members)  # noqa: E731
        elif parameter == SH.xone:
            members = [self.shape(m) for m in Collection(g, value)]
            test = lambda v: sum(self.conforms(m, v) for m in members) == 1  # noqa: E731
        elif parameter == SH["not"]:
            negated = self.shape(value)
            test = lambda v: not self.conforms(negated, v)  # noqa: E731
        elif parameter == SH.nodeKind:
            test = _node_kind_test(value)
        elif parameter in (SH.minLength, SH.maxLength):
            test = _length_test(parameter, _integer(value))
        elif parameter == SH["in"]:
            allowed = set(Collection(g, value))
            test = allowed.__contains__
        elif parameter == SH.datatype:
            test = _datatype_test(value)
        elif parameter == SH.pattern:
            test = _pattern_test(value, g.value(node, SH.flags))
        elif parameter == SH.languageIn:
            test = _language_test([str(x) for x in Collection(g, value)])
        else:
            if not isinstance(value, Literal):
                raise UnsupportedShapesError(f"{parameter.n3()} {value.n3()} is not a literal")
            test = _range_test(parameter, value)
        return _value_check(test, component)

    def _siblings(self, node: Node, qualified: Node) -> list[Shape]:
        """With ``sh:qualifiedValueShapesDisjoint true``, the qualified value shapes of the
        other property shapes of the same node shapes (their conforming values do not count)."""
        g = self.shapes
        if g.value(node, SH.qualifiedValueShapesDisjoint) != Literal(True):
            return []
        found: dict[Node, Shape] = {}
        for parent in g.subjects(SH.property, node):
            for sibling in g.objects(parent, SH.property):
                for other in g.objects(sibling, SH.qualifiedValueShape):
                    if sibling != node and other != qualified:
                        found[other] = self.shape(other)
        return [found[k] for k in sorted(found, key=str)]

    # Evaluating ---------------------------------------------------------------------------

    def validate(self, index: TripleIndex) -> list[Result]:
        """All results of the targeted shapes on ``index``."""
        self.index = index
        self._conforms.clear()
        results: list[Result] = []
        for shape in self.targeted:
            if shape.deactivated:
                continue
            focus = self.focus_nodes(shape)
            results.extend(self._evaluate(shape, focus))
        return results

    def focus_nodes(self, shape: Shape) -> list[Node]:
        g, index = self.shapes, self.index
        nodes: set[Node] = set()
        for cls in g.objects(shape.node, SH.targetClass):
            nodes.update(index.instances(cls))
        if shape.node in self.implicit:
            nodes.update(index.instances(shape.node))
        nodes.update(g.objects(shape.node, SH.targetNode))
        for predicate in g.objects(shape.node, SH.targetSubjectsOf):
            nodes.update(index.forward.get(predicate, {}))
        for predicate in g.objects(shape.node, SH.targetObjectsOf):
            for objects in index.forward.get(predicate, {}).values():
                nodes.update(objects)
        return sorted(nodes, key=lambda n: (type(n).__name__, str(n)))

    def _evaluate(self, shape: Shape, focus_nodes: list[Node]) -> Iterator[Result]:
        for focus in focus_nodes:
            values = shape.value_nodes(self.index, focus)
            for check in shape.checks:
                for finding in check(self, focus, values):
                    yield self._result(shape, finding)
        for prop in shape.properties:
            if prop.deactivated:
                continue
            if shape.values is None:
                yield from self._evaluate(prop, focus_nodes)
            else:  # sh:property of a property shape: about its value nodes
                # each focus node's value nodes: a value reached from two focus nodes is checked
                # (and reported) for each
                values = [v for f in focus_nodes for v in shape.value_nodes(self.index, f)]
                yield from self._evaluate(prop, values)
        for constraint in shape.sparql:
            for finding in constraint.run(self.index, focus_nodes):
                yield self._result(shape, finding)

    def conforms(self, shape: Shape, node: Node) -> bool:
        """Whether ``node`` conforms to ``shape`` (remembered per shape and node)."""
        key = (shape.node, node)
        known = self._conforms.get(key)
        if known is None:
            known = self._conforms[key] = self._conforms_now(shape, node)
        return known

    def _conforms_now(self, shape: Shape, node: Node) -> bool:
        if shape.deactivated:
            return True
        if shape.sparql:
            raise UnsupportedShapesError(f"SPARQL constraint on the nested shape {shape.node.n3()}")
        values = shape.value_nodes(self.index, node)
        for check in shape.checks:
            for _ in check(self, node, values):
                return False
        about = [node] if shape.values is None else values
        return all(self.conforms(prop, n) for prop in shape.properties for n in about)

    def _result(self, shape: Shape, finding: Finding) -> Result:
        messages = [str(m) for m in shape.messages]
        if finding.variables is not None:
            # pySHACL: the constraint's messages, then the shape's, all filled in from the row.
            extra = [str(m) for m in finding.messages if m not in shape.messages]
            messages = [_format(m, dict(finding.variables)) for m in (*extra, *messages)]
        return Result(
            focus=finding.focus,
            path=finding.path if finding.path is not None else shape.path,
            value=finding.value,
            component=finding.component,
            severity=shape.severity,
            message=messages[0] if messages else _generic_message(finding),
            shape=shape.node,
            constraint=finding.constraint,
        )


def _generic_message(finding: Finding) -> str:
    name = str(finding.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return f"{name} constraint not met" + (
        f" by {finding.value.n3()}" if finding.value is not None else ""
    )


def _integer(node: Node) -> int:
    if (
        isinstance(node, Literal)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    raise UnsupportedShapesError(f"expected an integer, found {node.n3()}")


# Checks: each repeats pySHACL 0.40's test for its component ---------------------------------


def _count_check(low: int | None, high: int | None, component: URIRef) -> Check:
    def check(_: NativeValidator, focus: Node, values: list[Node]) -> Iterator[Finding]:
        if (low is not None and len(values) < low) or (high is not None and len(values) > high):
            yield Finding(focus, None, component)

    return check


def _has_value_check(expected: Node, component: URIRef) -> Check:
    def check(_: NativeValidator, focus: Node, values: list[Node]) -> Iterator[Finding]:
        if expected not in values:
            yield Finding(focus, None, component)

    return check


def _value_check(test: Callable[[Node], bool], component: URIRef) -> Check:
    def check(_: NativeValidator, focus: Node, values: list[Node]) -> Iterator[Finding]:
        for value in values:
            if not test(value):
                yield Finding(focus, value, component)

    return check


def _qualified_check(
    other: Shape,
    low: int | None,
    high: int | None,
    siblings: list[Shape] = (),  # type: ignore[assignment]
) -> Check:
    def check(validator: NativeValidator, focus: Node, values: list[Node]) -> Iterator[Finding]:
        conforming = sum(
            1
            for v in values
            if validator.conforms(other, v) and not any(validator.conforms(s, v) for s in siblings)
        )
        if high is not None and conforming > high:
            yield Finding(focus, None, SH.QualifiedMaxCountConstraintComponent)
        if low is not None and conforming < low:
            yield Finding(focus, None, SH.QualifiedMinCountConstraintComponent)

    return check


_NODE_KINDS: Final = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _node_kind_test(kind: Node) -> Callable[[Node], bool]:
    if not isinstance(kind, URIRef) or kind not in _NODE_KINDS:
        raise UnsupportedShapesError(f"sh:nodeKind {kind.n3()} is no node kind")
    kinds = _NODE_KINDS[kind]
    return lambda value: isinstance(value, kinds)


def _length_test(parameter: URIRef, limit: int) -> Callable[[Node], bool]:
    """sh:minLength and sh:maxLength: the length of the IRI or the lexical form; a blank node
    never satisfies them."""
    shortest = parameter == SH.minLength

    def test(value: Node) -> bool:
        if isinstance(value, BNode):
            return False
        size = len(str(value))
        return size >= limit if shortest else size <= limit

    return test


def _unique_lang_check(active: bool, component: URIRef) -> Check:
    def check(_: NativeValidator, focus: Node, values: list[Node]) -> Iterator[Finding]:
        if not active:
            return
        seen: dict[str, int] = {}
        for value in values:
            if isinstance(value, Literal) and value.language:
                tag = str(value.language).lower()
                seen[tag] = seen.get(tag, 0) + 1
        for tag in sorted(t for t, n in seen.items() if n > 1):
            del tag
            yield Finding(focus, None, component)

    return check


def _pair_check(parameter: URIRef, other: Node, component: URIRef) -> Check:
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals: the value nodes against the
    values of ``other`` at the focus node."""

    def in_order(a: Node, b: Node) -> bool:
        order = _literal_order(a, b)
        return order is not None and (order < 0 if parameter == SH.lessThan else order <= 0)

    def check(validator: NativeValidator, focus: Node, values: list[Node]) -> Iterator[Finding]:
        theirs = validator.index.objects(focus, other)
        if parameter == SH.equals:
            for value in _distinct([*values, *theirs]):
                if (value in values) != (value in theirs):
                    yield Finding(focus, value, component)
        elif parameter == SH.disjoint:
            for value in values:
                if value in theirs:
                    yield Finding(focus, value, component)
        else:  # one result for each pair out of order, or that cannot be compared
            for value in values:
                for their in theirs:
                    if not in_order(value, their):
                        yield Finding(focus, value, component)

    return check


def _literal_order(a: Node, b: Node) -> int | None:
    """-1, 0 or 1 for two comparable literals (numbers, strings without language, the same
    date and time types), ``None`` when they cannot be compared (SPARQL's ``<`` errs)."""
    from datetime import date, datetime, time

    if not isinstance(a, Literal) or not isinstance(b, Literal):
        return None
    x, y = a.value, b.value
    numbers = (int, float, Decimal)
    if isinstance(x, bool) or isinstance(y, bool):
        return None
    if isinstance(x, numbers) and isinstance(y, numbers):
        return (x > y) - (x < y)
    if isinstance(x, str) and isinstance(y, str) and not a.language and not b.language:
        return (x > y) - (x < y)
    for kind in (datetime, date, time):
        if isinstance(x, kind) and isinstance(y, kind):
            if type(x) is not type(y):
                return None
            try:
                return (x > y) - (x < y)  # type: ignore[operator]
            except TypeError:  # one with a time zone, one without
                return None
    return None


def _closed_check(allowed: frozenset[URIRef], component: URIRef) -> Check:
    def check(validator: NativeValidator, focus: Node, values: list[Node]) -> Iterator[Finding]:
        for predicate, by_subject in validator.index.forward.items():
            if predicate in allowed:
                continue
            for value in by_subject.get(focus, ()):
                yield Finding(focus, value, component, path=predicate)

    return check


def _datatype_test(datatype: Node) -> Callable[[Node], bool]:
    from datetime import date, datetime, time

    kinds: dict[Node, type | tuple[type, ...]] = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }

    def actual(value: Literal) -> bool:
        kind = kinds.get(datatype)
        return kind is None or isinstance(value.value, kind)

    def test(value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if value.datatype == datatype:
            return getattr(value, "ill_typed", None) is not True and actual(value)
        if datatype == RDFS.Literal:
            return True
        if datatype == RDFS.Datatype and value.datatype:
            return True
        if value.datatype is None and value.language is None and datatype == XSD.string:
            return actual(value)
        if datatype == RDF.langString and value.language:
            return actual(value)
        return False

    return test


def _pattern_test(pattern: Node, flags: Node | None) -> Callable[[Node], bool]:
    from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase

    re_flags = 0
    text = str(flags.value if isinstance(flags, Literal) else "").lower() if flags else ""
    if "i" in text:
        re_flags |= re.I
    if "m" in text:
        re_flags |= re.M
    assert isinstance(pattern, Literal)
    source = (
        str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    )
    matcher = check_regex(source, "sh:pattern", re_flags)
    to_string = cast(Callable[[Node], str], StringBasedConstraintBase.value_node_to_string)

    def test(value: Node) -> bool:
        if isinstance(value, BNode):
            return False
        text = to_string(value)
        return bool(matcher.match(text) or matcher.search(text))

    return test


def _language_test(ranges: list[str]) -> Callable[[Node], bool]:
    wanted = {r.lower() for r in ranges}

    def test(value: Node) -> bool:
        if not isinstance(value, Literal) or not value.language:
            return False
        lang = str(value.language).lower()
        return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted

    return test


def _range_test(parameter: URIRef, limit: Literal) -> Callable[[Node], bool]:
    from pyshacl.rdfutil import compare

    compare_literal = cast(Callable[[Literal, Literal], int], compare.compare_literal)
    accept: Callable[[int], bool] = {
        SH.minInclusive: lambda c: c >= 0,
        SH.minExclusive: lambda c: c > 0,
        SH.maxInclusive: lambda c: c <= 0,
        SH.maxExclusive: lambda c: c < 0,
    }[parameter]
    limit_is_string = isinstance(limit.value, str)

    def test(value: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if isinstance(value.value, str) != limit_is_string:
            return False
        try:
            return bool(accept(compare_literal(value, limit)))
        except (TypeError, NotImplementedError):
            return False

    return test


# --------------------------------------------------------------------------------------------
# SHACL-SPARQL


_CHUNK: Final = 5000
_WHERE: Final = re.compile(r"\bWHERE\s*$", re.IGNORECASE)


#: The variables SHACL-SPARQL pre-binds in an ``sh:sparql`` constraint (section 5.2), as a
#: query may write them (``$value`` and ``$PATH`` are pre-bound only in the validators of
#: constraint components, which this engine refuses).
_PREBOUND: Final = r"[?$](?:this|currentShape|shapesGraph)\b"
#: Strings, IRIs and comments (group 1, skipped), or the braces, keywords and variables that
#: matter for pre-binding (group 2).
_PREBINDING_TOKENS: Final = re.compile(
    r'("""[\s\S]*?"""|'
    r"'''[\s\S]*?'''|"
    r'"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|"
    r'<[^<>"{}|^`\\\s]*>|#[^\n]*)'
    r"|([{}]|\b(?:MINUS|SERVICE|VALUES|SELECT|EXISTS)\b|\bAS\s+"
    + _PREBOUND
    + "|"
    + _PREBOUND
    + ")",
    re.IGNORECASE,
)


def check_prebinding(text: str, node: Node) -> None:
    """Refuse a SHACL-SPARQL query the way section 5.2.1 of SHACL asks: MINUS, SERVICE, VALUES,
    ``AS`` a pre-bound variable, or a subquery that does not return ``$this`` are a failure
    (:class:`InputError`). A query this engine would answer differently from pre-binding (a
    subquery, or a pre-bound variable inside a nested group outside ``EXISTS``: the engine binds
    ``$this`` with a ``VALUES`` block at the top) is :class:`UnsupportedShapesError`, so that
    ``auto`` hands it to pySHACL."""
    what = f"the query of the SPARQL constraint {node.n3()}"
    depth = 0
    exists_depths: list[int] = []
    pending_exists = False
    selects = 0
    for match in _PREBINDING_TOKENS.finditer(text):
        token = match[2]
        if token is None:
            continue
        word = token.upper()
        if word == "{":
            depth += 1
            if pending_exists:
                exists_depths.append(depth)
                pending_exists = False
        elif word == "}":
            if exists_depths and exists_depths[-1] == depth:
                exists_depths.pop()
            depth -= 1
        elif word == "EXISTS":
            pending_exists = True
        elif word in ("MINUS", "SERVICE", "VALUES"):
            raise InputError(f"{what} uses {word}, which SHACL-SPARQL does not allow (5.2.1)")
        elif word.startswith("AS"):
            raise InputError(
                f"{what} binds a pre-bound variable ({' '.join(token.split())}), which "
                "SHACL-SPARQL does not allow (5.2.1)"
            )
        elif word == "SELECT":
            selects += 1
            if selects > 1:
                projection = text[match.end() :].split("{", 1)[0]
                if not re.search(r"[?$]this\b", projection):
                    raise InputError(
                        f"{what} has a subquery that does not return $this, which SHACL-SPARQL "
                        "does not allow (5.2.1)"
                    )
                raise UnsupportedShapesError(f"a subquery in {what}")
        elif depth > 1 and not exists_depths:
            raise UnsupportedShapesError(
                f"{token} inside a nested group of {what} (pre-binding there is not covered)"
            )


@dataclass(frozen=True)
class SparqlConstraint:
    """An ``sh:SPARQLConstraint`` with ``sh:select``, run once per shape over its focus nodes."""

    node: Node
    query: str
    messages: tuple[Literal, ...]

    @classmethod
    def of(cls, shapes: Graph, node: Node, path: URIRef | None = None) -> SparqlConstraint:
        """The constraint ``node``; on a property shape whose path is ``path``, ``$PATH``
        stands for it (SHACL 5.3.2)."""
        select = shapes.value(node, SH.select)
        if select is None:
            raise UnsupportedShapesError(f"SPARQL constraint {node.n3()} without sh:select")
        text = str(select)
        check_prebinding(text, node)
        if path is not None:
            text = re.sub(r"\$PATH\b", f"<{path}>", text)
        for variable in ("currentShape", "shapesGraph", "PATH"):
            if re.search(r"\$" + variable + r"\b", text):
                raise UnsupportedShapesError(f"${variable} in the SPARQL constraint {node.n3()}")
        prefixes = []
        imports = URIRef("http://www.w3.org/2002/07/owl#imports")
        sources = _distinct(  # the declared prefixes, and those of what they owl:imports
            reached
            for start in shapes.objects(node, SH.prefixes)
            for reached in _closure(start, lambda n: shapes.objects(n, imports))
        )
        for declared in sources:
            for declaration in shapes.objects(declared, SH.declare):
                prefix = shapes.value(declaration, SH.prefix)
                namespace = shapes.value(declaration, SH.namespace)
                prefixes.append(f"PREFIX {prefix}: <{namespace}>\n")
        messages = tuple(
            sorted((m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)), key=str)
        )
        deactivated = shapes.value(node, SH.deactivated)
        if deactivated is not None and getattr(deactivated, "value", False):
            text = "SELECT ?this WHERE { FILTER (false) }"
        return cls(node, "".join(sorted(prefixes)) + text, messages)

    def run(self, index: TripleIndex, focus_nodes: list[Node]) -> Iterator[Finding]:
        """pySHACL's results for each focus node: one per distinct solution row."""
        try:
            yield from self._run(index, focus_nodes)
        except SyntaxError as exc:
            raise UnsupportedShapesError(
                f"the query of the SPARQL constraint {self.node.n3()} does not parse: {exc}"
            ) from exc

    def _run(self, index: TripleIndex, focus_nodes: list[Node]) -> Iterator[Finding]:
        store = index.store()
        opening = _where_group(self.query)
        iris = [n for n in focus_nodes if isinstance(n, URIRef)]
        others = [n for n in focus_nodes if not isinstance(n, URIRef)] if opening else focus_nodes
        seen: set[tuple[Any, ...]] = set()
        if opening is not None:
            for start in range(0, len(iris), _CHUNK):
                chunk = " ".join(f"<{n}>" for n in iris[start : start + _CHUNK])
                text = f"{self.query[:opening]} VALUES ?this {{ {chunk} }} {self.query[opening:]}"
                yield from self._findings(index, store.query(text), None, seen)
        else:
            others = focus_nodes
        ox = _ox()
        for focus in others:
            solutions = store.query(self.query, substitutions={ox.Variable("this"): _to_ox(focus)})
            yield from self._findings(index, solutions, focus, seen)

    def _findings(
        self, index: TripleIndex, solutions: Any, focus: Node | None, seen: set[tuple[Any, ...]]
    ) -> Iterator[Finding]:
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            bound = {n: index.term(solution[n]) for n in names if solution[n] is not None}
            this = bound.pop("this", None) or focus
            if this is None:
                continue
            if "failure" in bound:
                raise UnsupportedShapesError(f"?failure in the SPARQL constraint {self.node.n3()}")
            path, value = bound.pop("path", None), bound.pop("value", None)
            key = (this, path, value, tuple(sorted(bound.items())))
            if key in seen:
                continue
            seen.add(key)
            value = value if value is not None else this
            variables = {**bound, "this": this, **({"path": path} if path else {}), "value": value}
            yield Finding(
                this,
                value,
                SH.SPARQLConstraintComponent,
                path=path,
                constraint=self.node,
                messages=self.messages,
                variables=tuple(variables.items()),
            )


def _format(message: str, variables: dict[str, Node]) -> str:
    """pySHACL's message templating: ``{?var}`` and ``{$var}`` become ``str(value)``."""
    for name, value in variables.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _where_group(query: str) -> int | None:
    """The offset just after the ``{`` that opens the ``WHERE`` group, skipping comments,
    strings and IRIs; None when the group is not introduced by the WHERE keyword."""
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch in "\"'":
            quote = query[i : i + 3] if query[i : i + 3] in ('"""', "'''") else ch
            end = query.find(quote, i + len(quote))
            while end > 0 and query[end - 1] == "\\":
                end = query.find(quote, end + 1)
            if end < 0:
                return None
            i = end + len(quote)
        elif ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", query[i:]):
            i = query.index(">", i) + 1
        elif ch == "{":
            stripped = re.sub(r"#[^\n]*", "", query[:i])
            return i + 1 if _WHERE.search(stripped) else None
        else:
            i += 1
    return None


# --------------------------------------------------------------------------------------------
# The engine behind `mscowl validate --engine native`


def validate_native(
    data_paths: list[Path], kg: KnowledgeGraph | None, shapes: Graph, ontology: Graph
) -> tuple[ValidationReport, dict[Node, str]]:
    """Validate data files (or a freshly built graph) with the ontology mixed in; the report and
    the labels of the data and ontology."""
    validator = NativeValidator(shapes)
    index = TripleIndex()
    if kg is not None:
        index.add_ntriples(kg.ntriples())
    for path in data_paths:
        index.add_file(path)
    index.add_triples(ontology)
    results = sorted_results(validator.validate(index))
    report = ValidationReport(results, report_graph(results), engine="native")
    return report, pick_labels(index.label_pairs())
