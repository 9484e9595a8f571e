"""SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``) on the pyoxigraph store of the
data, run once per shape with the focus nodes pre-bound, and the checks section 5.2 of SHACL
asks of their queries. Each constraint knows the predicates its query reads
(:mod:`~mscowl.validation.native.reach`): the store holds only their triples."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from mscowl.errors import InputError
from mscowl.rdf.namespaces import SH
from mscowl.safety import sparql_tokens
from mscowl.validation.native.errors import UnsupportedShapesError
from mscowl.validation.native.index import TripleIndex, closure, load_oxigraph, to_ox
from mscowl.validation.native.model import Finding, distinct
from mscowl.validation.native.reach import predicates_read

if TYPE_CHECKING:
    import pyoxigraph

_CHUNK: Final = 5000
_WHERE: Final = re.compile(r"\bWHERE\s*$", re.IGNORECASE)


#: The variables SHACL-SPARQL pre-binds in an ``sh:sparql`` constraint (section 5.2), as a
#: query may write them (``$value`` and ``$PATH`` are pre-bound only in the validators of
#: constraint components, which this engine refuses).
_PREBOUND: Final = r"[?$](?:this|currentShape|shapesGraph)\b"
#: The braces, keywords and variables that matter for pre-binding.
_PREBINDING_WORDS: Final = (
    r"[{}]|\b(?:MINUS|SERVICE|VALUES|SELECT|EXISTS)\b|\bAS\s+" + _PREBOUND + "|" + _PREBOUND
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
    for match in sparql_tokens(text, _PREBINDING_WORDS):
        token = match[2]
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
        elif depth > 1 and not exists_depths and token[1:].lower() == "this":
            # $this is bound by a VALUES block at the top; $currentShape is replaced by the
            # shape's IRI, which is the same anywhere (and $shapesGraph is refused)
            raise UnsupportedShapesError(
                f"{token} inside a nested group of {what} (pre-binding there is not covered)"
            )


@dataclass(frozen=True)
class SparqlConstraint:
    """An ``sh:SPARQLConstraint`` with ``sh:select``, run once per shape over its focus nodes."""

    node: Node
    query: str
    messages: tuple[Literal, ...]
    #: The predicates whose triples the query can read; None: it may read any triple.
    reads: frozenset[URIRef] | None

    @classmethod
    def of(
        cls, shapes: Graph, node: Node, path: URIRef | None = None, shape: Node | None = None
    ) -> SparqlConstraint:
        """The constraint ``node`` of ``shape``; on a property shape whose path is ``path``,
        ``$PATH`` stands for it (SHACL 5.3.2), and ``$currentShape`` for an IRI ``shape``
        (pre-bound to the shape, SHACL 5.2: a constant, the same wherever it stands)."""
        select = shapes.value(node, SH.select)
        if select is None:
            raise UnsupportedShapesError(f"SPARQL constraint {node.n3()} without sh:select")
        text = str(select)
        check_prebinding(text, node)
        if path is not None:
            text = re.sub(r"\$PATH\b", f"<{path}>", text)
        if isinstance(shape, URIRef):
            text = re.sub(r"[?$]currentShape\b", f"<{shape}>", text)
        # left: $currentShape of a blank-node shape, $shapesGraph (optional in SHACL 5.2), and
        # $PATH outside a property shape ($x and ?x are one variable in SPARQL)
        for variable, marks in (("currentShape", "?$"), ("shapesGraph", "?$"), ("PATH", "$")):
            if re.search(f"[{re.escape(marks)}]{variable}\\b", text):
                raise UnsupportedShapesError(f"${variable} in the SPARQL constraint {node.n3()}")
        prefixes = []
        imports = URIRef("http://www.w3.org/2002/07/owl#imports")
        sources = distinct(  # the declared prefixes, and those of what they owl:imports
            reached
            for start in shapes.objects(node, SH.prefixes)
            for reached in closure(start, lambda n: shapes.objects(n, imports))
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
        query = "".join(sorted(prefixes)) + text
        return cls(node, query, messages, predicates_read(query))

    def run(
        self, index: TripleIndex, store: pyoxigraph.Store, focus_nodes: list[Node]
    ) -> Iterator[Finding]:
        """pySHACL's results for each focus node: one per distinct solution row, from ``store``
        (the index's triples, at least those of :attr:`reads`)."""
        try:
            yield from self._run(index, store, focus_nodes)
        except SyntaxError as exc:
            raise UnsupportedShapesError(
                f"the query of the SPARQL constraint {self.node.n3()} does not parse: {exc}"
            ) from exc

    def _run(
        self, index: TripleIndex, store: pyoxigraph.Store, focus_nodes: list[Node]
    ) -> Iterator[Finding]:
        opening = where_group(self.query)
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
        ox = load_oxigraph()
        for focus in others:
            solutions = store.query(self.query, substitutions={ox.Variable("this"): to_ox(focus)})
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


def fill_message(message: str, variables: dict[str, Node]) -> str:
    """pySHACL's message templating: ``{?var}`` and ``{$var}`` become ``str(value)``."""
    for name, value in variables.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def where_group(query: str) -> int | None:
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
