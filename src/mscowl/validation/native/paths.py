"""SHACL property paths, compiled into functions from a focus node to its value nodes."""

from __future__ import annotations

from rdflib import RDF, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mscowl.rdf.namespaces import SH
from mscowl.validation.native.errors import UnsupportedShapesError
from mscowl.validation.native.index import TripleIndex, closure
from mscowl.validation.native.model import PathFunction, distinct


def compile_path(shapes: Graph, path: Node) -> PathFunction:
    """A function from a focus node to its value nodes (no repeats) for a SHACL property path."""
    if isinstance(path, URIRef):
        return lambda index, node: index.objects(node, path)
    if shapes.value(path, RDF.first) is not None:
        steps = [compile_path(shapes, p) for p in Collection(shapes, path)]

        def sequence(index: TripleIndex, node: Node) -> list[Node]:
            current = [node]
            for step in steps:
                current = distinct(v for n in current for v in step(index, n))
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
        return lambda index, node: distinct(v for step in options for v in step(index, node))
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
            return distinct([node, *step(index, node)] if include_start else step(index, node))
        reached = closure(node, lambda n: step(index, n))
        if include_start:
            return reached
        # One or more: the start counts only if a cycle leads back to it.
        again = {v for n in reached for v in step(index, n)}
        return [n for n in reached if n != node or node in again]

    return walk
