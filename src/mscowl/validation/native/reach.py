"""Which triples a SHACL-SPARQL query can read: the predicates of its triple patterns.

The store that the SHACL-SPARQL constraints query is filled from the index of the one parse of
the data, and only with the triples these predicates name, so that a constraint about trial
dates does not need a second copy of the whole graph. A query answers the same on that part
of the graph as on all of it when:

* every triple pattern has a constant predicate or a property path of constants (a variable
  predicate or a negated property set ``!p`` can read any triple);
* every path that can match without a triple (``p*``, ``p?``; its zero-length match is every
  *node of the graph*, which the part has fewer of) has an end that is certainly a node of the
  part: a variable of a pattern of the same basic graph pattern that needs a triple, or a
  variable bound outside an ``EXISTS`` (SPARQL substitutes it before evaluating the inside).
  A constant end does not count: Oxigraph matches it only if it is a node of the graph.

Otherwise, or when rdflib cannot read the query, :func:`predicates_read` says None: the
constraint needs the whole graph.

>>> sorted(map(str, predicates_read('''PREFIX ex: <http://example.org/>
...     PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
...     SELECT $this WHERE { $this ex:kind ?k . ?k rdfs:subClassOf* ex:Strategy }''')))
['http://example.org/kind', 'http://www.w3.org/2000/01/rdf-schema#subClassOf']
>>> predicates_read("SELECT $this WHERE { $this ?p ?o }") is None
True
>>> predicates_read("SELECT $this WHERE { $this <urn:p>* ?o }") is None
True
"""

from __future__ import annotations

from typing import Any, Final

from rdflib import BNode, URIRef, Variable
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.term import Node

#: The algebra operators whose solutions are those of their pattern ``p`` (their expressions,
#: if any, are read for EXISTS).
_PASSING: Final = frozenset({"Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "Group"})


class _ReadsAnyError(Exception):
    """The query can read triples of any predicate."""


def predicates_read(query: str) -> frozenset[URIRef] | None:
    """The predicates whose triples ``query`` can read, or None when it can read any triple
    (see the module docstring for when the part of the graph they name gives the same answer)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # rdflib cannot read it (Oxigraph, which runs it, may): assume the worst
        return None
    reach = _Reach()
    try:
        reach.pattern(algebra["p"], frozenset())
    except _ReadsAnyError:
        return None
    return frozenset(reach.predicates)


class _Reach:
    """A walk over rdflib's SPARQL algebra that collects the predicates read."""

    def __init__(self) -> None:
        self.predicates: set[URIRef] = set()

    def pattern(self, node: Any, bound: frozenset[Node]) -> frozenset[Node]:
        """Walk a graph pattern whose variables in ``bound`` are nodes of the part (substituted
        by an enclosing EXISTS); return its variables that every solution binds to a node of
        the part."""
        name = node.name
        if name == "BGP":
            return self._triples(node["triples"], bound)
        if name == "Join":
            return self.pattern(node["p1"], bound) | self.pattern(node["p2"], bound)
        if name == "LeftJoin":
            certain = self.pattern(node["p1"], bound)
            self.pattern(node["p2"], bound)
            self.expression(node.get("expr"), bound | certain)
            return certain
        if name in ("Filter", "Extend"):
            certain = self.pattern(node["p"], bound)
            self.expression(node["expr"], bound | certain)
            return certain
        if name == "Union":
            return self.pattern(node["p1"], bound) & self.pattern(node["p2"], bound)
        if name == "Project":
            return self.pattern(node["p"], bound) & frozenset(node["PV"])
        if name in _PASSING:
            certain = self.pattern(node["p"], bound)
            self.expression(node.get("expr"), bound | certain)
            return certain
        if name == "AggregateJoin":  # GROUP BY: its Group, then the aggregates
            certain = self.pattern(node["p"], bound)
            self.expression(node["A"], bound | certain)
            return frozenset()  # what the aggregates bind is not a node read from the part
        # GRAPH, MINUS, VALUES, SERVICE, subqueries: not followed
        raise _ReadsAnyError(name)

    def expression(self, expr: Any, bound: frozenset[Node]) -> None:
        """Walk an expression for the graph patterns of its EXISTS and NOT EXISTS."""
        from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
        from rdflib.plugins.sparql.parserutils import CompValue

        if isinstance(expr, CompValue):
            if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                graph = expr["graph"]
                if graph.name == "GroupGraphPatternSub":  # rdflib leaves some untranslated
                    graph = translateGroupGraphPattern(graph)
                self.pattern(graph, bound)
                return
            for key, value in expr.items():
                if not key.startswith("_"):
                    self.expression(value, bound)
        elif isinstance(expr, list | tuple):
            for item in expr:
                self.expression(item, bound)

    def _triples(self, triples: list[Any], bound: frozenset[Node]) -> frozenset[Node]:
        certain: set[Node] = set()
        optional: list[tuple[Node, Node]] = []
        for subject, predicate, obj in triples:
            self.predicates.update(_iris(predicate))
            ends = [t for t in (subject, obj) if isinstance(t, Variable | BNode)]
            if _needs_a_triple(predicate):
                certain.update(ends)
            else:
                optional.append((subject, obj))
        known = set(bound) | certain
        while optional:  # a path that may match no triple, anchored by a node of the part
            anchored = [ends for ends in optional if ends[0] in known or ends[1] in known]
            if not anchored:
                raise _ReadsAnyError("a zero-length path with no end known to be in the graph")
            for pair in anchored:
                optional.remove(pair)
                fresh = {t for t in pair if isinstance(t, Variable | BNode)}
                known |= fresh
                certain |= fresh
        return frozenset(certain)


def _iris(predicate: Node | Path) -> list[URIRef]:
    if isinstance(predicate, URIRef):
        return [predicate]
    if isinstance(predicate, InvPath):
        return _iris(predicate.arg)
    if isinstance(predicate, SequencePath | AlternativePath):
        return [iri for step in predicate.args for iri in _iris(step)]
    if isinstance(predicate, MulPath):
        return _iris(predicate.path)
    if isinstance(predicate, NegatedPath):
        raise _ReadsAnyError("a negated property set")
    raise _ReadsAnyError("a variable predicate")


def _needs_a_triple(predicate: Node | Path) -> bool:
    """Whether every match of the path uses a triple (then both its ends are nodes of it)."""
    if isinstance(predicate, InvPath):
        return _needs_a_triple(predicate.arg)
    if isinstance(predicate, SequencePath):
        return any(_needs_a_triple(step) for step in predicate.args)
    if isinstance(predicate, AlternativePath):
        return all(_needs_a_triple(step) for step in predicate.args)
    if isinstance(predicate, MulPath):
        return predicate.mod == "+" and _needs_a_triple(predicate.path)
    return True  # an IRI (the others were refused by _iris)
