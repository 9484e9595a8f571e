"""The embedded store: pyoxigraph, loaded with the knowledge graph and the ontology with its
imports (labels and the class hierarchy the queries walk). pyoxigraph answers SPARQL on 100k
triples in milliseconds where rdflib takes seconds (bench/README.md has the figures)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscowl.errors import InputError, Origin
from mscowl.pipeline import Seeds
from mscowl.rdf.gcpause import paused_gc
from mscowl.sparql.results import ResultTable

if TYPE_CHECKING:
    from rdflib import Graph


class LocalStore:
    """A pyoxigraph store: in memory, loaded with N-Triples (bulk-loaded: fast), or on disk
    (:mod:`mscowl.sparql.stores`)."""

    def __init__(self, store: Any = None) -> None:
        import pyoxigraph

        self._store = store if store is not None else pyoxigraph.Store()

    @classmethod
    def on_disk(cls, path: Path) -> LocalStore:
        """A new store written in the folder ``path``."""
        import pyoxigraph

        return cls(pyoxigraph.Store(str(path)))

    @classmethod
    def read_only(cls, path: Path) -> LocalStore:
        """The store in the folder ``path``, opened for reading (many readers at once)."""
        import pyoxigraph

        return cls(pyoxigraph.Store.read_only(str(path)))

    def flush(self) -> None:
        self._store.flush()

    def load_ntriples(self, data: bytes) -> None:
        import pyoxigraph

        self._store.bulk_load(input=data, format=pyoxigraph.RdfFormat.N_TRIPLES)

    def load_graph(self, graph: Graph) -> None:
        self.load_ntriples(graph.serialize(format="nt", encoding="utf-8"))

    def load_file(self, path: Path) -> None:
        if path.suffix == ".nt":
            try:
                self.load_ntriples(path.read_bytes())
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror}", Origin(str(path))) from exc
            except SyntaxError as exc:
                raise InputError(f"not valid N-Triples: {exc}", Origin(str(path))) from exc
        else:
            from mscowl.ontology.load import parse_rdf

            self.load_graph(parse_rdf(path))

    def select(self, query: str) -> ResultTable:
        """Run a SELECT query; other forms are refused."""
        import pyoxigraph

        try:
            solutions = self._store.query(query)
        except SyntaxError as exc:
            raise InputError(f"the query is not valid SPARQL 1.1: {exc}") from exc
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise InputError("only SELECT queries are supported here")
        columns = [v.value for v in solutions.variables]
        # The rows are made while Oxigraph evaluates, and make no cycles: collecting is wasted.
        # They keep Oxigraph's terms; the table makes rdflib's when they are asked for.
        with paused_gc():
            rows = [tuple(solution) for solution in solutions]
        return ResultTable(columns, oxigraph=rows)

    def update(self, text: str) -> None:
        self._store.update(text)


def store_of(graphs: Iterable[Graph] = (), files: Iterable[Path] = ()) -> LocalStore:
    store = LocalStore()
    for graph in graphs:
        store.load_graph(graph)
    for path in files:
        store.load_file(path)
    return store


def open_local_store(data: list[Path], seeds: Path | Seeds, ontology: Path | None) -> LocalStore:
    """The embedded store in memory: the given RDF files, or else the graph freshly built from
    ``seeds``; plus the ontology with its imports (:func:`mscowl.sparql.stores.open_store`
    keeps graph files in a persistent store instead)."""
    check_data_files(data)
    store = store_of((), data)
    if ontology is not None:
        store.load_ntriples(ontology_ntriples(ontology))
    if not data:
        from mscowl.seeds.graph import build_knowledge_graph

        store.load_ntriples(build_knowledge_graph(seeds, ontology=ontology).ntriples())
    return store


def check_data_files(data: list[Path]) -> None:
    for path in data:
        if not path.is_file():
            raise InputError("no such data file", Origin(str(path)))


def ontology_files(ontology: Path) -> list[Path]:
    """The files the ontology with its imports is read from (its folder's RDF files)."""
    folder = ontology.resolve().parent
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix in (".ttl", ".xml", ".owl")
    )


def ontology_ntriples(ontology: Path) -> bytes:
    """The ontology with its imports as N-Triples, parsed once per process for as long as none
    of the ontology's files changes (a program that runs many queries parses it once)."""
    files = ontology_files(ontology)
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _ontology_ntriples(ontology.resolve(), stamp)


@lru_cache(maxsize=4)
def _ontology_ntriples(ontology: Path, stamp: tuple[tuple[str, int, int], ...]) -> bytes:
    from mscowl.ontology.load import load_ontology
    from mscowl.rdf.serialize import ntriples

    del stamp  # part of the cache key only
    return ntriples(load_ontology(ontology).closure)
