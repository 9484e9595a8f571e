"""Deterministic RDF serialisation: the same graph gives the same bytes, run after run.

rdflib's ``longturtle`` serialiser sorts subjects, predicates and objects and writes one
statement per line, which keeps diffs of generated files small and meaningful. rdflib's other
writers (N-Triples, RDF/XML, JSON-LD) follow the store's hash-based order and name blank nodes at
random, so they change from run to run; the writers here sort, and label blank nodes canonically.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, groupby, pairwise
from operator import itemgetter
from typing import Any

from rdflib import RDF, BNode, Graph, Literal
from rdflib.term import Node

from mscowl.rdf.namespaces import XSD_STRING

#: A triple as three terms in N-Triples syntax.
Triple = tuple[str, str, str]
#: A subject and its triples, sorted, each with a value the caller keeps beside it (where it
#: came from): see :func:`subject_blocks`.
Block = tuple[str, list[tuple[Triple, Any]]]


def write_turtle(graph: Graph) -> str:
    """Serialise ``graph`` as sorted Turtle (UTF-8 text, ending with a newline)."""
    text = graph.serialize(format="longturtle")
    return text if text.endswith("\n") else text + "\n"


def canonical(graph: Graph) -> Graph:
    """A copy whose blank nodes have content-derived labels (rdflib's RGDA1 canonicalisation),
    so formats that name blank nodes give the same bytes for the same graph."""
    from rdflib.compare import to_canonical_graph

    out = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    for triple in to_canonical_graph(graph):
        out.add(triple)
    return out


def ntriples(graph: Graph) -> bytes:
    """Sorted N-Triples of a canonical copy (one line per triple)."""
    text = canonical(graph).serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "".join(line + "\n" for line in sorted(set(text.splitlines())) if line).encode()


def _sorted_triples(graph: Graph) -> list[tuple[Node, Node, Node]]:
    return sorted(canonical(graph), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


def jsonld(graph: Graph, prefixes: Mapping[str, str]) -> bytes:
    """Flattened JSON-LD with a ``@context`` of the given prefixes, sorted: one node object per
    subject (``@id``, ``@type``, then properties as compact IRIs with expanded values)."""

    def compact(iri: str) -> str:
        for prefix, namespace in sorted(prefixes.items(), key=lambda p: -len(p[1])):
            if iri.startswith(namespace) and iri != namespace:
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def node_id(node: Node) -> str:
        return f"_:{node}" if isinstance(node, BNode) else compact(str(node))

    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in _sorted_triples(graph):
        entry = nodes.setdefault(node_id(s), {"@id": node_id(s)})
        if p == RDF.type and not isinstance(o, Literal):
            entry.setdefault("@type", []).append(node_id(o))
            continue
        if isinstance(o, Literal):
            value: dict[str, str] = {"@value": str(o)}
            if o.language:
                value["@language"] = o.language
            elif o.datatype:
                value["@type"] = compact(str(o.datatype))
        else:
            value = {"@id": node_id(o)}
        entry.setdefault(compact(str(p)), []).append(value)
    context = {p: {"@id": ns, "@prefix": True} for p, ns in sorted(prefixes.items())}
    document = {"@context": context, "@graph": list(nodes.values())}
    return (json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def rdfxml(graph: Graph, prefixes: Mapping[str, str]) -> bytes:
    """Plain RDF/XML (one ``rdf:Description`` per subject, sorted), which the OWL API, Protégé and
    every RDF parser read; rdflib's own RDF/XML writers do not keep a stable order."""
    from xml.sax.saxutils import escape, quoteattr

    triples = _sorted_triples(graph)
    namespaces: dict[str, str] = {str(RDF): "rdf"}
    by_namespace = {ns: prefix for prefix, ns in prefixes.items()}

    def qname(iri: str) -> str:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        namespace, local = iri[:cut], iri[cut:]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", local):
            raise ValueError(f"cannot write {iri} as an RDF/XML property name")
        if namespace not in namespaces:
            prefix = by_namespace.get(namespace, "")
            if not prefix or prefix in namespaces.values():
                prefix = f"ns{len(namespaces) + 1}"
            namespaces[namespace] = prefix
        return f"{namespaces[namespace]}:{local}"

    body: list[str] = []
    current: Node | None = None
    for s, p, o in triples:
        if s != current:
            if current is not None:
                body.append("  </rdf:Description>")
            about = (
                f"rdf:nodeID={quoteattr(str(s))}"
                if isinstance(s, BNode)
                else f"rdf:about={quoteattr(str(s))}"
            )
            body.append(f"  <rdf:Description {about}>")
            current = s
        name = qname(str(p))
        if isinstance(o, Literal):
            attrs = (
                f" xml:lang={quoteattr(o.language)}"
                if o.language
                else f" rdf:datatype={quoteattr(str(o.datatype))}"
                if o.datatype
                else ""
            )
            body.append(f"    <{name}{attrs}>{escape(str(o))}</{name}>")
        elif isinstance(o, BNode):
            body.append(f"    <{name} rdf:nodeID={quoteattr(str(o))}/>")
        else:
            body.append(f"    <{name} rdf:resource={quoteattr(str(o))}/>")
    if current is not None:
        body.append("  </rdf:Description>")
    declarations = "".join(
        f"\n    xmlns:{prefix}={quoteattr(ns)}"
        for ns, prefix in sorted(namespaces.items(), key=lambda kv: kv[1])
    )
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{declarations}>\n'
    return (head + "\n".join(body) + "\n</rdf:RDF>\n").encode("utf-8")


NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_PN_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def nt_term(node: Node) -> str:
    """A term in N-Triples syntax (IRIs, literals; no blank nodes in generated data)."""
    if isinstance(node, Literal):
        text = f'"{str(node).translate(NT_ESCAPES)}"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype and str(node.datatype) != XSD_STRING:
            return f"{text}^^<{node.datatype}>"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    return f"<{node}>"


def subject_blocks(triples: Mapping[Triple, Any]) -> list[Block]:
    """The triples (keys; each with its value, such as where it came from) sorted, in blocks
    of one subject: what every sorted writer here reads (sort once, write three files).

    >>> triples = {("<b>", "<p>", "3"): 0, ("<a>", "<q>", "2"): 1, ("<a>", "<p>", "1"): 2}
    >>> [(s, [(p, o, value) for (_, p, o), value in b]) for s, b in subject_blocks(triples)]
    [('<a>', [('<p>', '1', 2), ('<q>', '2', 1)]), ('<b>', [('<p>', '3', 0)])]
    """
    ordered = sorted(triples.items())  # the keys differ: the values are never compared
    return [(subject, list(block)) for subject, block in groupby(ordered, key=_subject_of)]


def _subject_of(item: tuple[Triple, Any]) -> str:
    return item[0][0]


def nt_blocks(blocks: Iterable[Block]) -> Iterator[str]:
    """Sorted N-Triples, one subject at a time. Sorting the triples sorts the lines: no term
    is a proper prefix of another followed by a character below a space (an IRI ends with its
    only ``>``; a literal's closing quote is followed by ``@``, ``^`` or nothing)."""
    for _, block in blocks:
        yield "".join([f"{s} {p} {o} .\n" for (s, p, o), _ in block])


def nt_lines(triples: Iterable[Triple]) -> Iterator[str]:
    """Sorted N-Triples lines (see :func:`nt_blocks`) from triples of N-Triples terms.

    >>> list(nt_lines([("<b>", "<p>", '"2"'), ("<a>", "<p>", '"1"')]))
    ['<a> <p> "1" .\\n', '<b> <p> "2" .\\n']
    """
    return nt_blocks(subject_blocks(dict.fromkeys(triples)))


def turtle_chunks(
    triples: Iterable[Triple], prefixes: Mapping[str, str], header: bool = True
) -> Iterator[str]:
    """Sorted Turtle from triples of N-Triples terms (see :func:`nt_term`), one subject block
    at a time, as pieces of text to write: fast and deterministic for large generated graphs
    (IRIs, literals; no blank nodes). Without ``header``, the blocks alone (no prefixes), to
    follow the text of subjects sorted before them.

    >>> triples = [("<http://x.org/a>", "<http://x.org/p>", '"1"')]
    >>> print("".join(turtle_chunks(triples, {"x": "http://x.org/"})))
    @prefix x: <http://x.org/> .
    <BLANKLINE>
    x:a
        x:p "1" .
    <BLANKLINE>
    """
    return turtle_blocks(subject_blocks(dict.fromkeys(triples)), prefixes, header)


def turtle_blocks(
    blocks: Sequence[Block], prefixes: Mapping[str, str], header: bool = True
) -> Iterator[str]:
    """:func:`turtle_chunks` from :func:`subject_blocks`.

    Subjects and predicates sort on their IRIs, rdf:type first; objects on their terms. IRIs
    sort as their terms do, but where one is a proper prefix of another (``<x/a>`` after
    ``<x/a1>``, ``x/a`` before ``x/a1``): the subjects are sorted again on their IRIs, and the
    triples of a subject too when any predicate is a prefix of another.
    """
    rdf_type = f"<{RDF.type}>"
    names = {rdf_type: "a"}
    name, known = _namer(prefixes, names), names.get
    triples = map(itemgetter(0), chain.from_iterable(map(itemgetter(1), blocks)))
    predicates = sorted(p[1:-1] for p in set(map(itemgetter(1), triples)))
    clash = any(b.startswith(a) for a, b in pairwise(predicates))

    def ordered(block: list[tuple[Triple, Any]]) -> list[tuple[Triple, Any]]:
        if clash:
            return sorted(block, key=lambda i: (i[0][1] != rdf_type, i[0][1][1:-1], i[0][2]))
        # sorted on (predicate, object) already: the rdf:type triples are one run, put first
        start = bisect_left(block, rdf_type, key=_predicate_of)
        end = bisect_right(block, rdf_type, start, key=_predicate_of)
        return block[start:end] + block[:start] + block[end:] if start < end else block

    if header:
        for prefix, namespace in sorted(prefixes.items()):
            yield f"@prefix {prefix}: <{namespace}> .\n"
    for subject, block in sorted(blocks, key=lambda b: b[0][1:-1]):
        pieces = [f"\n{name(subject)}"]
        predicate = None
        for (_, p, o), _ in ordered(block):
            # a literal as it is (N-Triples syntax is Turtle), an IRI by its name
            shown = o if o[0] != "<" else known(o) or name(o)
            if p != predicate:
                pieces.append(f"{' ;' if predicate else ''}\n    {known(p) or name(p)} {shown}")
                predicate = p
            else:
                pieces.append(f" ,\n        {shown}")
        pieces.append(" .\n")
        yield "".join(pieces)


def _predicate_of(item: tuple[Triple, Any]) -> str:
    return item[0][1]


def _namer(prefixes: Mapping[str, str], names: dict[str, str]) -> Callable[[str], str]:
    """The Turtle name of an IRI term: ``prefix:local`` with the longest namespace whose
    local part is a valid local name, else the term itself; remembered, and ``names`` given
    for some terms first.

    The namespaces that may apply are found once per path (the IRI up to its last ``/`` or
    ``#``): those the path starts with, and those longer that start with the path.
    """
    namespaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    by_path: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}

    def name(term: str) -> str:
        short = names.get(term)
        if short is not None:
            return short
        iri = term[1:-1]
        path = iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]
        found = by_path.get(path)
        if found is None:
            longer = [(p, n) for p, n in namespaces if len(n) > len(path) and n.startswith(path)]
            within = [(p, n) for p, n in namespaces if len(n) <= len(path) and path.startswith(n)]
            found = by_path[path] = (longer, within)
        longer, within = found
        short = term
        for prefix, namespace in [*(c for c in longer if iri.startswith(c[1])), *within]:
            if _PN_LOCAL.fullmatch(iri[len(namespace) :]):
                short = f"{prefix}:{iri[len(namespace) :]}"
                break
        names[term] = short
        return short

    return name
