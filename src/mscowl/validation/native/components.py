"""The SHACL Core constraint components of the native engine, one registry entry each.

An entry (:class:`Component`) names the parameter that introduces the component
(``sh:minCount``), the component's IRI, how a shape's value of that parameter compiles into a
check, and the message pySHACL 0.40 gives when the shape has no ``sh:message``. Adding a
component is adding one entry: the engine reads :data:`REGISTRY` and nothing else. Each check
repeats pySHACL 0.40's test for its component (the version ``pyproject.toml`` pins), so that the
two engines give the same results.

>>> REGISTRY[SH.minCount].iri == SH.MinCountConstraintComponent
True
>>> sorted(str(p).rsplit("#", 1)[1] for p in REGISTRY)[:4]
['and', 'class', 'closed', 'datatype']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, cast

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from mscowl.rdf.namespaces import SH
from mscowl.safety import check_regex
from mscowl.validation.native.errors import UnsupportedShapesError
from mscowl.validation.native.model import (
    Check,
    Context,
    Finding,
    Shape,
    distinct,
    integer,
)

#: Parameters that describe a shape, or that are read together with another parameter.
SHAPE_PARAMETERS: Final = {
    SH.path, SH.property, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.sparql, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.flags, SH.ignoredProperties, SH.prefixes,
    SH.declare, SH.prefix, SH.namespace,
}  # fmt: skip


class Names:
    """Terms written as pySHACL writes them in its messages: shape-side terms with the shapes
    graph's prefixes, data terms with the data's (``pyshacl.rdfutil.stringify_node``)."""

    def __init__(self, shapes: Graph, data_prefixes: dict[str, str], defaults: bool) -> None:
        self.shapes = shapes
        self._data = Graph(bind_namespaces="rdflib" if defaults else "none")
        for prefix, namespace in data_prefixes.items():
            self._data.bind(prefix, namespace, override=False)
        self.data_manager: NamespaceManager = self._data.namespace_manager

    def shape_term(self, node: Node) -> str:
        from pyshacl.rdfutil.stringify import stringify_node

        return str(stringify_node(self.shapes, node))

    def data_term(self, ctx: Context, node: Node) -> str:
        from pyshacl.rdfutil.stringify import stringify_node

        graph = self._data
        if isinstance(node, BNode):  # described by its triples, as pySHACL does
            graph = Graph(namespace_manager=self.data_manager)
            for predicate, by_subject in ctx.index.forward.items():
                for value in by_subject.get(node, ()):
                    graph.add((node, predicate, value))
        try:
            return str(stringify_node(graph, node, ns_manager=self.data_manager))
        except (LookupError, ValueError):
            return str(node)


Message = Callable[[Names, Context, Shape, Finding, list[Node]], str]


@dataclass(frozen=True)
class Component:
    """One SHACL constraint component: its parameter, IRI, compiler and default message."""

    parameter: URIRef
    iri: URIRef
    build: Callable[[Context, Node, Node], Check]
    message: Message


REGISTRY: dict[URIRef, Component] = {}


def _component(
    parameter: URIRef, iri: URIRef, message: Message
) -> Callable[[Callable[[Context, Node, Node], Check]], Callable[[Context, Node, Node], Check]]:
    def register(
        build: Callable[[Context, Node, Node], Check],
    ) -> Callable[[Context, Node, Node], Check]:
        REGISTRY[parameter] = Component(parameter, iri, build, message)
        return build

    return register


def compile_check(ctx: Context, node: Node, parameter: URIRef, value: Node) -> Check:
    """The check of ``node``'s ``parameter`` ``value``, or a refusal for a parameter that no
    registry entry knows."""
    entry = REGISTRY.get(parameter)
    if entry is None:
        raise UnsupportedShapesError(f"sh:{parameter[len(SH) :]} (on shape {node.n3()})")
    return entry.build(ctx, node, value)


def default_message(
    names: Names, ctx: Context, shape: Shape, finding: Finding, parameter: URIRef | None
) -> str:
    """pySHACL's message for a finding of a shape without ``sh:message``; ``parameter`` is the
    one whose check failed."""
    entry = REGISTRY.get(parameter) if parameter is not None else None
    if entry is None:
        name = str(finding.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        return f"{name} constraint not met"
    rules = list(names.shapes.objects(shape.node, entry.parameter))  # pySHACL's order
    return entry.message(names, ctx, shape, finding, rules)


# Messages: pySHACL 0.40's wording (pyshacl/constraints/core/*.py, make_generic_messages) -------


def _listed(names: Names, rules: list[Node]) -> str:
    return ", ".join(names.shape_term(r) for r in rules)


def _one_or_many(one: str, many: str) -> Message:
    def message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
        if len(rules) < 2:
            return one.format(names.shape_term(rules[0]) if rules else "")
        return many.format(_listed(names, rules))

    return message


def _count_message(word: str) -> Message:
    def message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
        limit = str(getattr(rules[0], "value", rules[0])) if rules else ""
        focus = names.data_term(ctx, f.focus)
        if shape.path is not None:
            return f"{word} than {limit} values on {focus}->{names.shape_term(shape.path)}"
        return f"{word} than {limit} values on {focus}"

    return message


def _logical_message(verb: str) -> Message:
    def message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
        def members(rule: Node) -> str:
            return " , ".join(names.shape_term(m) for m in Collection(names.shapes, rule))

        listed = (
            members(rules[0]) if len(rules) < 2 else " and ".join(f"({members(r)})" for r in rules)
        )
        value = names.data_term(ctx, f.value) if f.value is not None else ""
        return f"Node {value} must conform to {verb} {listed}"

    return message


def _not_message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
    value = names.data_term(ctx, f.value) if f.value is not None else ""
    if len(rules) == 1:
        return f"Node {value} must not conform to shape {names.shape_term(rules[0])}"
    listed = " , ".join(names.shape_term(r) for r in rules)
    return f"Node {value} must not conform to any shapes in {listed}"


def _node_message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
    if len(rules) < 2:
        text = f"Value does not conform to Shape {names.shape_term(rules[0])}."
    else:
        joined = "', '".join(names.shape_term(r) for r in rules)
        text = f"Value must conform to every Shape in ('{joined}')."
    return text + " See details for more information."


def _in_message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
    allowed = [names.shape_term(v) for v in Collection(names.shapes, rules[0])] if rules else []
    value = names.data_term(ctx, f.value) if f.value is not None else ""
    return f"Value {value} not in list {allowed}"


def _has_value_message(
    names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]
) -> str:
    wanted = [names.shape_term(r) for r in rules]
    focus = names.data_term(ctx, f.focus)
    if shape.path is not None:
        path = names.shape_term(shape.path)
        return f"Node {focus}->{path} does not contain a value in the set: {wanted}"
    return f"Node {focus} value is not a in the set of values: {wanted}"


def _pair_message(sign: str) -> Message:
    def message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
        focus = names.data_term(ctx, f.focus)
        value = names.data_term(ctx, f.value) if f.value is not None else ""
        return f"Value of {focus}->{_listed(names, rules)} {sign} {value}"

    return message


def _closed_message(names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]) -> str:
    value = names.data_term(ctx, f.value) if f.value is not None else ""
    return f"Node {names.data_term(ctx, f.focus)} is closed. It cannot have value: {value}"


def _qualified_message(
    names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]
) -> str:
    low = names.shapes.value(shape.node, SH.qualifiedMinCount)
    high = names.shapes.value(shape.node, SH.qualifiedMaxCount)
    counts = (f" MinCount {low}" if low is not None else "") + (
        f" MaxCount {high}" if high is not None else ""
    )
    listed = ",".join(names.shape_term(r) for r in rules)
    if len(rules) > 1:
        return f"Focus node does not conform to shapes{counts}: ({listed})"
    return f"Focus node does not conform to shape{counts}: {listed}"


def _pattern_message(
    names: Names, ctx: Context, shape: Shape, f: Finding, rules: list[Node]
) -> str:
    rule = rules[0] if rules else Literal("")
    return f"Value does not match pattern '{getattr(rule, 'value', rule)}'"


def _fixed(text: str) -> Message:
    return lambda names, ctx, shape, f, rules: text


# Components ---------------------------------------------------------------------------------


@_component(SH.minCount, SH.MinCountConstraintComponent, _count_message("Less"))
def _min_count(ctx: Context, node: Node, value: Node) -> Check:
    return _count_check(integer(value), None, SH.MinCountConstraintComponent)


@_component(SH.maxCount, SH.MaxCountConstraintComponent, _count_message("More"))
def _max_count(ctx: Context, node: Node, value: Node) -> Check:
    return _count_check(None, integer(value), SH.MaxCountConstraintComponent)


@_component(SH.hasValue, SH.HasValueConstraintComponent, _has_value_message)
def _has_value(ctx: Context, node: Node, value: Node) -> Check:
    return _has_value_check(value, SH.HasValueConstraintComponent)


@_component(SH.qualifiedValueShape, SH.QualifiedMinCountConstraintComponent, _qualified_message)
def _qualified(ctx: Context, node: Node, value: Node) -> Check:
    g = ctx.shapes
    low, high = g.value(node, SH.qualifiedMinCount), g.value(node, SH.qualifiedMaxCount)
    return _qualified_check(
        ctx.shape(value),
        integer(low) if low is not None else None,
        integer(high) if high is not None else None,
        _siblings(ctx, node, value),
    )


def _siblings(ctx: Context, node: Node, qualified: Node) -> list[Shape]:
    """With ``sh:qualifiedValueShapesDisjoint true``, the qualified value shapes of the other
    property shapes of the same node shapes (their conforming values do not count)."""
    g = ctx.shapes
    if g.value(node, SH.qualifiedValueShapesDisjoint) != Literal(True):
        return []
    found: dict[Node, Shape] = {}
    for parent in g.subjects(SH.property, node):
        for sibling in g.objects(parent, SH.property):
            for other in g.objects(sibling, SH.qualifiedValueShape):
                if sibling != node and other != qualified:
                    found[other] = ctx.shape(other)
    return [found[k] for k in sorted(found, key=str)]


@_component(
    SH.uniqueLang,
    SH.UniqueLangConstraintComponent,
    _fixed("More than one String shares the same Language"),
)
def _unique_lang(ctx: Context, node: Node, value: Node) -> Check:
    return _unique_lang_check(value == Literal(True), SH.UniqueLangConstraintComponent)


for _parameter, _iri, _sign in (
    (SH.equals, SH.EqualsConstraintComponent, "!="),
    (SH.disjoint, SH.DisjointConstraintComponent, "=="),
    # pySHACL writes "<=" for sh:lessThan and "<" for sh:lessThanOrEquals
    (SH.lessThan, SH.LessThanConstraintComponent, "<="),
    (SH.lessThanOrEquals, SH.LessThanOrEqualsConstraintComponent, "<"),
):

    def _pair(
        ctx: Context, node: Node, value: Node, p: URIRef = _parameter, c: URIRef = _iri
    ) -> Check:
        return _pair_check(p, value, c)

    _component(_parameter, _iri, _pair_message(_sign))(_pair)


@_component(SH.closed, SH.ClosedConstraintComponent, _closed_message)
def _closed(ctx: Context, node: Node, value: Node) -> Check:
    g = ctx.shapes
    if value != Literal(True):
        return _value_check(lambda v: True, SH.ClosedConstraintComponent)
    allowed = {p for prop in g.objects(node, SH.property) for p in g.objects(prop, SH.path)}
    ignored = g.value(node, SH.ignoredProperties)
    if ignored is not None:
        allowed.update(Collection(g, ignored))
    return _closed_check(
        frozenset(p for p in allowed if isinstance(p, URIRef)), SH.ClosedConstraintComponent
    )


@_component(
    SH["class"],
    SH.ClassConstraintComponent,
    _one_or_many("Value does not have class {}", "Value class is not in classes ({})"),
)
def _class(ctx: Context, node: Node, value: Node) -> Check:
    return _value_check(
        lambda v: not isinstance(v, Literal) and ctx.index.is_instance(v, value),
        SH.ClassConstraintComponent,
    )


@_component(SH.node, SH.NodeConstraintComponent, _node_message)
def _node(ctx: Context, node: Node, value: Node) -> Check:
    other = ctx.shape(value)
    return _value_check(lambda v: ctx.conforms(other, v), SH.NodeConstraintComponent)


def _members(ctx: Context, value: Node) -> list[Shape]:
    return [ctx.shape(m) for m in Collection(ctx.shapes, value)]


@_component(SH["or"], SH.OrConstraintComponent, _logical_message("one or more shapes in"))
def _or(ctx: Context, node: Node, value: Node) -> Check:
    members = _members(ctx, value)
    return _value_check(
        lambda v: any(ctx.conforms(m, v) for m in members), SH.OrConstraintComponent
    )


@_component(SH["and"], SH.AndConstraintComponent, _logical_message("all shapes in"))
def _and(ctx: Context, node: Node, value: Node) -> Check:
    members = _members(ctx, value)
    return _value_check(
        lambda v: all(ctx.conforms(m, v) for m in members), SH.AndConstraintComponent
    )


@_component(SH.xone, SH.XoneConstraintComponent, _logical_message("exactly one shape in"))
def _xone(ctx: Context, node: Node, value: Node) -> Check:
    members = _members(ctx, value)
    return _value_check(
        lambda v: sum(ctx.conforms(m, v) for m in members) == 1, SH.XoneConstraintComponent
    )


@_component(SH["not"], SH.NotConstraintComponent, _not_message)
def _not(ctx: Context, node: Node, value: Node) -> Check:
    negated = ctx.shape(value)
    return _value_check(lambda v: not ctx.conforms(negated, v), SH.NotConstraintComponent)


@_component(
    SH.nodeKind,
    SH.NodeKindConstraintComponent,
    _one_or_many("Value is not of Node Kind {}", "Value is not of Node Kind {}"),
)
def _node_kind(ctx: Context, node: Node, value: Node) -> Check:
    return _value_check(_node_kind_test(value), SH.NodeKindConstraintComponent)


@_component(
    SH.minLength,
    SH.MinLengthConstraintComponent,
    _one_or_many("String length not >= {}", "String length not >= {}"),
)
def _min_length(ctx: Context, node: Node, value: Node) -> Check:
    return _value_check(_length_test(SH.minLength, integer(value)), SH.MinLengthConstraintComponent)


@_component(
    SH.maxLength,
    SH.MaxLengthConstraintComponent,
    _one_or_many("String length not <= {}", "String length not <= {}"),
)
def _max_length(ctx: Context, node: Node, value: Node) -> Check:
    return _value_check(_length_test(SH.maxLength, integer(value)), SH.MaxLengthConstraintComponent)


@_component(SH["in"], SH.InConstraintComponent, _in_message)
def _in(ctx: Context, node: Node, value: Node) -> Check:
    allowed = set(Collection(ctx.shapes, value))
    return _value_check(allowed.__contains__, SH.InConstraintComponent)


@_component(
    SH.datatype,
    SH.DatatypeConstraintComponent,
    _one_or_many("Value is not Literal with datatype {}", "Value is not Literal with datatype {}"),
)
def _datatype(ctx: Context, node: Node, value: Node) -> Check:
    return _value_check(_datatype_test(value), SH.DatatypeConstraintComponent)


@_component(SH.pattern, SH.PatternConstraintComponent, _pattern_message)
def _pattern(ctx: Context, node: Node, value: Node) -> Check:
    return _value_check(
        _pattern_test(value, ctx.shapes.value(node, SH.flags)), SH.PatternConstraintComponent
    )


@_component(
    SH.languageIn,
    SH.LanguageInConstraintComponent,
    _one_or_many("String language is not in {}", "String language is not in {}"),
)
def _language_in(ctx: Context, node: Node, value: Node) -> Check:
    ranges = [str(x) for x in Collection(ctx.shapes, value)]
    return _value_check(_language_test(ranges), SH.LanguageInConstraintComponent)


for _parameter, _iri, _sign in (
    (SH.minInclusive, SH.MinInclusiveConstraintComponent, ">="),
    (SH.maxInclusive, SH.MaxInclusiveConstraintComponent, "<="),
    (SH.minExclusive, SH.MinExclusiveConstraintComponent, ">"),
    (SH.maxExclusive, SH.MaxExclusiveConstraintComponent, "<"),
):

    def _range(
        ctx: Context, node: Node, value: Node, p: URIRef = _parameter, c: URIRef = _iri
    ) -> Check:
        if not isinstance(value, Literal):
            raise UnsupportedShapesError(f"{p.n3()} {value.n3()} is not a literal")
        return _value_check(_range_test(p, value), c)

    _component(
        _parameter,
        _iri,
        _one_or_many(f"Value is not {_sign} {{}}", f"Value is not {_sign} in ({{}})"),
    )(_range)


# Checks: each repeats pySHACL 0.40's test for its component ---------------------------------


def _count_check(low: int | None, high: int | None, component: URIRef) -> Check:
    def check(_: Context, focus: Node, values: list[Node]) -> Iterator[Finding]:
        if (low is not None and len(values) < low) or (high is not None and len(values) > high):
            yield Finding(focus, None, component)

    return check


def _has_value_check(expected: Node, component: URIRef) -> Check:
    def check(_: Context, focus: Node, values: list[Node]) -> Iterator[Finding]:
        if expected not in values:
            yield Finding(focus, None, component)

    return check


def _value_check(test: Callable[[Node], bool], component: URIRef) -> Check:
    def check(_: Context, focus: Node, values: list[Node]) -> Iterator[Finding]:
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
    def check(validator: Context, focus: Node, values: list[Node]) -> Iterator[Finding]:
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
    def check(_: Context, focus: Node, values: list[Node]) -> Iterator[Finding]:
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

    def check(validator: Context, focus: Node, values: list[Node]) -> Iterator[Finding]:
        theirs = validator.index.objects(focus, other)
        if parameter == SH.equals:
            for value in distinct([*values, *theirs]):
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
    def check(validator: Context, focus: Node, values: list[Node]) -> Iterator[Finding]:
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
