"""The native engine: shapes compiled once, evaluated shape by shape over a
:class:`~mscowl.validation.native.index.TripleIndex`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from mscowl.rdf.gcpause import paused_gc
from mscowl.rdf.namespaces import SH
from mscowl.validation.native.components import (
    SHAPE_PARAMETERS,
    Names,
    compile_check,
    default_message,
)
from mscowl.validation.native.errors import UnsupportedShapesError
from mscowl.validation.native.index import TripleIndex
from mscowl.validation.native.model import Finding, Shape
from mscowl.validation.native.paths import compile_path
from mscowl.validation.native.sparql import SparqlConstraint, fill_message
from mscowl.validation.report import (
    Result,
    ValidationReport,
    pick_labels,
    report_graph,
    sorted_results,
)

if TYPE_CHECKING:
    from mscowl.seeds.graph import KnowledgeGraph


class NativeValidator:
    """Validate a :class:`TripleIndex` against a shapes graph; see the module docstring."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._compiled: dict[Node, Shape] = {}
        self._compiling: set[Node] = set()
        self._conforms: dict[tuple[Node, Node], bool] = {}
        self.index = TripleIndex()
        self._names: Names | None = None
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

    @property
    def sparql_reads(self) -> frozenset[URIRef] | None:
        """The predicates whose triples the SHACL-SPARQL constraints can read (the part of the
        data their store needs; empty without such constraints), None for every triple."""
        reads: set[URIRef] = set()
        for shape in self._compiled.values():
            for constraint in shape.sparql:
                if constraint.reads is None:
                    return None
                reads |= constraint.reads
        return frozenset(reads)

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
            if predicate in SHAPE_PARAMETERS:
                continue
            if predicate in (SH.select, SH.ask) and (None, SH.sparql, node) in g:
                continue  # the shape is its own SPARQL constraint
            shape.checks.append((predicate, compile_check(self, node, predicate, value)))
        for prop in sorted(g.objects(node, SH.property), key=str):
            shape.properties.append(self.shape(prop))
        for constraint in sorted(g.objects(node, SH.sparql), key=str):
            if path is not None and not isinstance(path, URIRef):
                raise UnsupportedShapesError(
                    f"SPARQL constraint on the property shape {node.n3()} with a complex path"
                )
            shape.sparql.append(SparqlConstraint.of(g, constraint, path, node))
        return shape

    # Evaluating ---------------------------------------------------------------------------

    def validate(self, index: TripleIndex) -> list[Result]:
        """All results of the targeted shapes on ``index``."""
        self.index = index
        self._names = None
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
            for parameter, check in shape.checks:
                for finding in check(self, focus, values):
                    yield self._result(shape, finding, parameter)
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
            store = self.index.store(self.sparql_reads)
            for finding in constraint.run(self.index, store, focus_nodes):
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
        for _, check in shape.checks:
            for _ in check(self, node, values):
                return False
        about = [node] if shape.values is None else values
        return all(self.conforms(prop, n) for prop in shape.properties for n in about)

    def _default_message(self, shape: Shape, finding: Finding, parameter: URIRef | None) -> str:
        if self._names is None:
            index = self.index
            self._names = Names(self.shapes, index.prefixes, index.default_namespaces)
        return default_message(self._names, self, shape, finding, parameter)

    def _result(self, shape: Shape, finding: Finding, parameter: URIRef | None = None) -> Result:
        messages = [str(m) for m in shape.messages]
        if finding.variables is not None:
            # pySHACL: the constraint's messages, then the shape's, all filled in from the row.
            extra = [str(m) for m in finding.messages if m not in shape.messages]
            messages = [fill_message(m, dict(finding.variables)) for m in (*extra, *messages)]
        return Result(
            focus=finding.focus,
            path=finding.path if finding.path is not None else shape.path,
            value=finding.value,
            component=finding.component,
            severity=shape.severity,
            message=messages[0] if messages else self._default_message(shape, finding, parameter),
            shape=shape.node,
            constraint=finding.constraint,
        )


def validate_native(
    data_paths: list[Path], kg: KnowledgeGraph | None, shapes: Graph, ontology: Graph
) -> tuple[ValidationReport, dict[Node, str]]:
    """Validate data files (or a freshly built graph) with the ontology mixed in; the report and
    the labels of the data and ontology."""
    validator = NativeValidator(shapes)
    # The index is millions of terms, lists and dicts, and no cycle among them: while it is
    # made and held, each full pass of the cycle collector would walk all of it, for nothing.
    # What is made here is freed by reference counting as usual.
    with paused_gc():
        index = TripleIndex()
        if kg is not None:
            index.add_ntriples(kg.ntriples())
            index.prefixes.update(kg.prefixes())  # pySHACL's data graph binds only these
            index.default_namespaces = False
        for path in data_paths:
            index.add_file(path)
        index.add_triples(ontology)
        results = sorted_results(validator.validate(index))
        report = ValidationReport(results, report_graph(results), engine="native")
        labels = pick_labels(index.label_pairs())
    return report, labels
