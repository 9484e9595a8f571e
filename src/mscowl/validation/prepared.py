"""rdflib's SPARQL processor, parsing each distinct query text once (for pySHACL).

Kept apart from :mod:`mscowl.validation.run` because importing rdflib's SPARQL engine costs a tenth
of a second that only the pySHACL engine needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier


class PreparingSPARQLProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each distinct query text once.

    pySHACL runs a SHACL-SPARQL constraint once per focus node and hands rdflib the query text
    each time; parsing it again dominated validation (bench/README.md has the figures). The
    parsed and translated query is reused; evaluation, and therefore every result, is rdflib's.
    """

    cache: ClassVar[dict[tuple[str, str | None, tuple[tuple[str, str], ...]], Query]] = {}

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,  # noqa: N803 - rdflib's parameter names
        initBindings: Mapping[str, Identifier] | None = None,  # noqa: N803
        initNs: Mapping[str, Any] | None = None,  # noqa: N803
        base: str | None = None,
        DEBUG: bool = False,  # noqa: N803
    ) -> Mapping[str, Any]:
        query = strOrQuery
        if isinstance(query, str):
            key = (query, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            prepared = self.cache.get(key)
            if prepared is None:
                prepared = self.cache[key] = prepareQuery(query, initNs, base)
            query = prepared
        return evalQuery(self.graph, query, initBindings, base)


@contextmanager
def prepared_sparql_queries() -> Iterator[None]:
    """Within the block, rdflib's default SPARQL processor parses each query text once."""
    from rdflib import plugin
    from rdflib.query import Processor

    plugin.register("sparql", Processor, __name__, "PreparingSPARQLProcessor")
    try:
        yield
    finally:
        plugin.register("sparql", Processor, "rdflib.plugins.sparql.processor", "SPARQLProcessor")
