"""Deterministic RDF serialisation: the same graph gives the same bytes, run after run.

rdflib's ``longturtle`` serialiser sorts subjects, predicates and objects and writes one
statement per line, which keeps diffs of generated files small and meaningful. rdflib's other
writers (N-Triples, RDF/XML, JSON-LD) follow the store's hash-based order and name blank nodes at
random, so they change from run to run; the writers here sort, and label blank nodes canonically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rdflib import RDF, BNode, Graph, Literal
from rdflib.term import Node

from mscowl.rdf.namespaces import XSD_STRING


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


def turtle_chunks(
    triples: Iterable[tuple[str, str, str]], prefixes: Mapping[str, str]
) -> Iterator[str]:
    """Sorted Turtle from triples of N-Triples terms (see :func:`nt_term`), one subject block
    at a time, as pieces of text to write: fast and deterministic for large generated graphs
    (IRIs, literals; no blank nodes).

    >>> triples = [("<http://x.org/a>", "<http://x.org/p>", '"1"')]
    >>> print("".join(turtle_chunks(triples, {"x": "http://x.org/"})))
    @prefix x: <http://x.org/> .
    <BLANKLINE>
    x:a
        x:p "1" .
    <BLANKLINE>
    """
    namespaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    rdf_type = f"<{RDF.type}>"
    names: dict[str, str] = {rdf_type: "a"}

    def name(term: str) -> str:
        if term[0] != "<":
            return term  # a literal: N-Triples syntax is Turtle
        short = names.get(term)
        if short is None:
            short, iri = term, term[1:-1]
            for prefix, namespace in namespaces:
                if iri.startswith(namespace) and _PN_LOCAL.fullmatch(iri[len(namespace) :]):
                    short = f"{prefix}:{iri[len(namespace) :]}"
                    break
            names[term] = short
        return short

    # Subjects and predicates sort on their IRIs, rdf:type first; objects on their terms.
    # A list, not a set: sorting is faster on the input's runs, and repeats are skipped below.
    keyed = sorted([(s[1:-1], p != rdf_type, p[1:-1], o) for s, p, o in triples])
    for prefix, namespace in sorted(prefixes.items()):
        yield f"@prefix {prefix}: <{namespace}> .\n"
    subject: str | None = None
    predicate: str | None = None
    previous = None
    for key in keyed:
        if key == previous:
            continue
        previous = key
        s, _, p, o = key
        if s != subject:
            if subject is not None:
                yield " .\n"
            yield f"\n{name(f'<{s}>')}\n    {name(f'<{p}>')} {name(o)}"
            subject, predicate = s, p
        elif p != predicate:
            yield f" ;\n    {name(f'<{p}>')} {name(o)}"
            predicate = p
        else:
            yield f" ,\n        {name(o)}"
    if subject is not None:
        yield " .\n"
