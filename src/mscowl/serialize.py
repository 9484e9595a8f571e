"""Deterministic RDF serialisation: the same graph gives the same bytes, run after run.

rdflib's ``longturtle`` serialiser sorts subjects, predicates and objects and writes one
statement per line, which keeps diffs of generated files small and meaningful.
"""

from __future__ import annotations

from rdflib import Graph


def write_turtle(graph: Graph) -> str:
    """Serialise ``graph`` as sorted Turtle (UTF-8 text, ending with a newline)."""
    text = graph.serialize(format="longturtle")
    return text if text.endswith("\n") else text + "\n"
