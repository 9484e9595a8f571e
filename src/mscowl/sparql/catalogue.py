"""The catalogue of saved queries as RDF, in the style of the SIB sparql-examples
(``sh:SPARQLSelectExecutable``, ``sh:select``, ``rdfs:comment``, ``schema:keywords``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

from mscowl.rdf.namespaces import DATA
from mscowl.sparql.saved import SavedQuery

if TYPE_CHECKING:
    from rdflib import Graph

SCHEMA: Final = "https://schema.org/"


SH_NS: Final = "http://www.w3.org/ns/shacl#"


QUERY_NS: Final = "https://w3id.org/mscowl/queries/"


#: The dataset the queries are written for.
TARGET: Final = DATA


def catalogue_graph(queries: Iterable[SavedQuery], target: str = TARGET) -> Graph:
    """Each query as an ``sh:SPARQLSelectExecutable`` with ``sh:select``, ``rdfs:label``,
    ``rdfs:comment``, ``schema:keywords`` and ``schema:target``."""
    from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

    sh, schema = Namespace(SH_NS), Namespace(SCHEMA)
    graph = Graph()
    graph.bind("sh", sh)
    graph.bind("schema", schema)
    graph.bind("query", QUERY_NS)
    for query in queries:
        node = URIRef(QUERY_NS + query.name)
        graph.add((node, RDF.type, sh.SPARQLExecutable))
        graph.add((node, RDF.type, sh.SPARQLSelectExecutable))
        graph.add((node, RDFS.label, Literal(query.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(query.summary, lang="en")))
        graph.add((node, sh.select, Literal(query.text)))
        graph.add((node, schema.target, URIRef(target)))
        for tag in query.tags:
            graph.add((node, schema.keywords, Literal(tag)))
    return graph


def example_name(query: SavedQuery, params: Mapping[str, str]) -> str:
    """File stem of an example's golden result: the query name, then name=value pairs.

    >>> example_name(SavedQuery("trials", ""), {"cancer": "ovarian cancer", "kind": "anticancer"})
    'trials.cancer=ovarian-cancer.kind=anticancer'
    """
    parts = [query.name] + [
        f"{k}={re.sub(r'[^A-Za-z0-9_.-]+', '-', v).strip('-')}" for k, v in sorted(params.items())
    ]
    return ".".join(parts)
