"""``mscowl publish``: the knowledge graph and the ontology into a SPARQL server, checked.

Everything is prepared and counted before anything is sent: the N-Triples bodies are parsed
(a broken file, a comment line or a repeated triple can no longer make a correct upload look
wrong, or a wrong one right). Then, in two phases:

1. **Staging.** Each body goes into a staging graph of its own
   (``https://w3id.org/mscowl/upload/<token>/<n>``) and is counted there. A server that refuses
   the data, cuts it or times out fails here, with every target graph untouched; the staging
   graphs are deleted again.
2. **Replacing.** Each target graph is replaced with one PUT and counted. The Graph Store
   Protocol has no transaction over two graphs, so when this phase fails the error says exactly
   what the server holds now: which graphs were replaced and verified, which one failed and how,
   and which were not touched.

"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mscowl.errors import CheckFailedError, InputError, MscowlError, Origin
from mscowl.pipeline import Seeds
from mscowl.rdf.namespaces import BASE


@dataclass(frozen=True)
class Upload:
    """One graph to replace: its IRI (``None``: the default graph), body and triple count."""

    graph: str | None
    body: bytes
    triples: int
    what: str

    @classmethod
    def of(cls, graph: str | None, body: bytes, what: str) -> Upload:
        """An upload with its triples counted (the body must parse as N-Triples)."""
        return cls(graph, body, count_ntriples(body, f"the {what}"), what)

    @property
    def target(self) -> str:
        return f"<{self.graph}>" if self.graph else "the default graph"


def count_ntriples(body: bytes, where: str) -> int:
    """The number of distinct triples of an N-Triples body; InputError if it does not parse."""
    import pyoxigraph

    store = pyoxigraph.Store()
    try:
        store.bulk_load(input=body, format=pyoxigraph.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"not valid N-Triples: {str(exc)[:200]}", Origin(where)) from exc
    return len(store)


def graph_body(files: Sequence[Path]) -> bytes:
    """The N-Triples of RDF files: N-Triples files as they are (no rdflib parse; sorted and
    without repeated lines), other formats parsed."""
    from mscowl.safety import check_rdf_file

    for path in files:
        check_rdf_file(path, "data file")
    if all(f.suffix == ".nt" for f in files):
        lines = {line for f in files for line in f.read_bytes().splitlines() if line.strip()}
        return b"".join(line + b"\n" for line in sorted(lines))
    from mscowl.rdf.serialize import ntriples
    from mscowl.validation.run import parse_files

    return ntriples(parse_files(files, "data"))


def publish(
    uploads: Sequence[Upload],
    put: Callable[[str | None, bytes], int],
    count: Callable[[str | None], int],
    say: Callable[[str], None],
    delete: Callable[[str], int] | None = None,
) -> None:
    """Stage every upload (when ``delete`` is given: the server can drop a staging graph),
    then PUT each and verify its count; on a failure, raise an error that names the state of
    every graph (replaced and verified, failed, untouched)."""
    if delete is not None:
        _stage(uploads, put, count, delete)
    done: list[str] = []
    for index, upload in enumerate(uploads):
        untouched = [u.target for u in uploads[index + 1 :]]
        try:
            status = put(upload.graph, upload.body)
        except MscowlError as exc:
            state = f"{upload.target} was not replaced (the PUT failed)"
            raise type(exc)(f"{exc}. {_state(done, state, untouched)}") from exc
        try:
            found = count(upload.graph)
        except MscowlError as exc:
            state = f"{upload.target} was sent (HTTP {status}) but could not be counted"
            raise type(exc)(f"{exc}. {_state(done, state, untouched)}") from exc
        if found != upload.triples:
            state = (
                f"{upload.target} holds {found} triples after the PUT (HTTP {status}), not the "
                f"{upload.triples} sent"
            )
            raise CheckFailedError(f"{upload.what}: {_state(done, state, untouched)}")
        done.append(f"{upload.target} ({upload.triples} triples)")
        into = f"{upload.triples} triples into {upload.target}"
        say(f"published {upload.what}: {into} (HTTP {status})")


def _stage(
    uploads: Sequence[Upload],
    put: Callable[[str | None, bytes], int],
    count: Callable[[str | None], int],
    delete: Callable[[str], int],
) -> None:
    """Phase 1: each body into a staging graph, counted there; the staging graphs removed."""
    import secrets

    token = secrets.token_hex(8)
    staged: list[str] = []
    try:
        for number, upload in enumerate(uploads, start=1):
            graph = f"{BASE}upload/{token}/{number}"
            staged.append(graph)
            try:
                put(graph, upload.body)
                found = count(graph)
            except MscowlError as exc:
                raise type(exc)(
                    f"{exc}. Staging the {upload.what} failed: no target graph was touched"
                ) from exc
            if found != upload.triples:
                raise CheckFailedError(
                    f"{upload.what}: the server kept {found} of the {upload.triples} triples "
                    "sent into a staging graph; no target graph was touched"
                )
    finally:
        for graph in staged:
            with contextlib.suppress(MscowlError):
                delete(graph)


def _state(done: list[str], failed: str, untouched: list[str]) -> str:
    parts = []
    if done:
        parts.append("replaced and verified: " + ", ".join(done))
    parts.append(failed)
    if untouched:
        parts.append("not touched: " + ", ".join(untouched))
    return "The server now: " + "; ".join(parts) + ". Publish again once the cause is fixed."


def publish_graphs(
    endpoint: str,
    query_endpoint: str | None,
    *,
    kg_body: bytes | None,
    seeds: Seeds,
    ontology: Path,
    graph: str | None,
    ontology_graph: str | None,
    say: Callable[[str], None],
) -> None:
    """Publish the knowledge graph (``kg_body``, else the seeds built) and the ontology with
    its imports into the named graphs ``graph`` and ``ontology_graph``, or both into the default
    graph when they are ``None``; counts checked by query."""
    from mscowl.ontology.load import load_ontology
    from mscowl.rdf.serialize import ntriples
    from mscowl.sparql.remote import count_triples, delete_graph, put_graph

    if kg_body is None:
        from mscowl.seeds.graph import build_knowledge_graph

        kg_body = build_knowledge_graph(seeds, ontology=ontology).ntriples()
    ontology_body = ntriples(load_ontology(ontology).closure)
    verify = query_endpoint or query_url(endpoint)
    if graph is None or ontology_graph is None:
        both = kg_body + ontology_body
        uploads = [
            Upload(None, both, count_ntriples(both, "the graphs"), "knowledge graph and ontology")
        ]
    else:
        uploads = [
            Upload(
                graph, kg_body, count_ntriples(kg_body, "the knowledge graph"), "knowledge graph"
            ),
            Upload(
                ontology_graph,
                ontology_body,
                count_ntriples(ontology_body, "the ontology"),
                "ontology",
            ),
        ]
    publish(
        uploads,
        lambda iri, body: put_graph(endpoint, iri, body),
        lambda iri: count_triples(verify, iri),
        say,
        lambda iri: delete_graph(endpoint, iri),
    )


def query_url(store_url: str) -> str:
    """The SPARQL query URL of a Graph Store URL (Oxigraph, Fuseki, GraphDB, Virtuoso).

    >>> query_url("http://localhost:7878/store")
    'http://localhost:7878/query'
    """
    from mscowl.sparql.http import check_endpoint

    store_url = check_endpoint(store_url)
    for old, new in (
        ("/store", "/query"),  # Oxigraph
        ("/data", "/sparql"),  # Fuseki
        ("/rdf-graphs/service", ""),  # GraphDB
        ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso
        ("/sparql-graph-crud", "/sparql"),
    ):
        if store_url.rstrip("/").endswith(old):
            return store_url.rstrip("/")[: -len(old)] + new
    raise InputError(f"cannot derive the query URL from {store_url}; give --query-endpoint")
