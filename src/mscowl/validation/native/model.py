"""What the parts of the native engine share: a compiled shape, a finding, and the view of the
validator that a constraint component's check is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from mscowl.validation.native.errors import UnsupportedShapesError

if TYPE_CHECKING:
    import pyoxigraph

    from mscowl.validation.native.index import TripleIndex


#: A compiled SHACL property path: a focus node's value nodes, without repeats.
PathFunction = Callable[["TripleIndex", Node], list[Node]]


@dataclass(frozen=True)
class Finding:
    """A failed check before it becomes a :class:`~mscowl.validation.report.Result`."""

    focus: Node
    value: Node | None
    component: URIRef
    path: Node | None = None
    #: SHACL-SPARQL only: the constraint, its messages and the solution's variables.
    constraint: Node | None = None
    messages: tuple[Literal, ...] = ()
    variables: tuple[tuple[str, Node], ...] | None = None


class ShapeConstraint(Protocol):
    """A constraint evaluated for all focus nodes of a shape at once (SHACL-SPARQL)."""

    #: The predicates whose triples it can read (the part of the data it needs), None: all.
    @property
    def reads(self) -> frozenset[URIRef] | None: ...

    def run(
        self, index: TripleIndex, store: pyoxigraph.Store, focus_nodes: list[Node]
    ) -> Iterator[Finding]: ...


class Context(Protocol):
    """What a check sees of the validator while it runs."""

    shapes: Graph
    index: TripleIndex

    def shape(self, node: Node) -> Shape: ...

    def conforms(self, shape: Shape, node: Node) -> bool: ...


#: A compiled constraint: the findings for one focus node and its value nodes.
Check = Callable[[Context, Node, list[Node]], Iterator[Finding]]


@dataclass
class Shape:
    """One node or property shape, compiled."""

    node: Node
    path: Node | None
    values: PathFunction | None
    severity: Node
    messages: tuple[Literal, ...]
    #: (parameter, check): the parameter names the component (and its default message).
    checks: list[tuple[URIRef, Check]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[ShapeConstraint] = field(default_factory=list)
    deactivated: bool = False

    def value_nodes(self, index: TripleIndex, focus: Node) -> list[Node]:
        return [focus] if self.values is None else self.values(index, focus)


def integer(node: Node) -> int:
    """The value of an integer literal of the shapes graph (sh:minCount 1)."""
    if (
        isinstance(node, Literal)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    raise UnsupportedShapesError(f"expected an integer, found {node.n3()}")


def distinct(values: Iterable[Node]) -> list[Node]:
    """The values in their first order, without repeats."""
    return list(dict.fromkeys(values))
