"""The Python API: build, validate and query, as the commands do (``mscowl`` re-exports them).

Each function takes what its command takes, decides where data comes from by the one rule of
:mod:`mscowl.pipeline`, and raises the errors of :mod:`mscowl.errors` (``exit_code`` says
what the command would exit with).

>>> import mscowl
>>> kg = mscowl.build()  # ./seeds, else the seeds shipped with mscowl
>>> len(kg.triples) > 1000, kg.rows_per_sheet["trials"]
(True, 28)
>>> run = mscowl.validate()
>>> run.report.engine, len(run.report.failing(mscowl.LEVELS["violation"]))
('native', 0)
>>> answer = mscowl.query("mediator", {"name": "CCL5"})
>>> answer.columns[:2], len(answer.rows) > 0
(['mediator', 'mediator_label'], True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mscowl.errors import InputError
from mscowl.pipeline import Seeds, graph_files, locate_seeds
from mscowl.shipped import ONTOLOGY as DEFAULT_ONTOLOGY
from mscowl.shipped import QUERIES, SHAPES

# Each function imports what its stage needs, so that `mscowl query` does not pay for the
# build's and the validator's imports (start-up is measured in bench/).
if TYPE_CHECKING:
    from mscowl.seeds.graph import BuildSummary, KnowledgeGraph, Progress
    from mscowl.sparql.local import LocalStore
    from mscowl.sparql.resolver import TermIndex
    from mscowl.sparql.results import ResultTable
    from mscowl.validation.run import ValidationRun

PathLike = Path | str


def build(
    seeds: PathLike | Seeds | None = None,
    *,
    out: PathLike | None = None,
    mapping: PathLike | None = None,
    ontology: PathLike = DEFAULT_ONTOLOGY,
    verify_terms: bool = True,
    reference: PathLike | None = None,
    progress: Progress | None = None,
) -> KnowledgeGraph:
    """Build the knowledge graph from the seeds (a folder of sheets or a workbook); with
    ``out``, also write its files there (the folder is owned by the build, see
    :mod:`mscowl.outputs`). Raises :class:`~mscowl.errors.InputProblemsError` with every
    problem of the input."""
    from mscowl.ontology.registry import TermRegistry
    from mscowl.outputs import check_output_folder, write_outputs
    from mscowl.rdf.gcpause import paused_gc
    from mscowl.seeds.graph import build_knowledge_graph, serialise

    where = _seeds(seeds)
    if out is not None:
        check_output_folder(Path(out), "build", [where.path])  # before the work
    kg = build_knowledge_graph(
        where,
        Path(mapping) if mapping else None,
        Path(ontology) if verify_terms else None,
        TermRegistry(Path(reference) if reference else None),
        progress,
    )
    if out is not None:
        with paused_gc():
            write_outputs(serialise(kg), Path(out), "build", [where.path])
    return kg


def build_files(
    seeds: PathLike | Seeds | None = None,
    *,
    out: PathLike,
    mapping: PathLike | None = None,
    ontology: PathLike = DEFAULT_ONTOLOGY,
    verify_terms: bool = True,
    reference: PathLike | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> BuildSummary:
    """Build the knowledge graph and write its files into ``out``, as `mscowl build` does:
    the same files as :func:`build`, made over ``jobs`` processes (default: one per core) when
    the input is large, without holding the whole graph in this process. Returns what was
    built; raises :class:`~mscowl.errors.InputProblemsError` with every problem of the input.

    >>> import tempfile, mscowl.api
    >>> summary = mscowl.api.build_files(out=Path(tempfile.mkdtemp()) / "graph")
    >>> summary.triples == len(mscowl.build().triples)
    True
    """
    from mscowl.ontology.registry import TermRegistry
    from mscowl.outputs import check_output_folder
    from mscowl.seeds.graph import read_input
    from mscowl.seeds.parallel import write_build

    where = _seeds(seeds)
    check_output_folder(Path(out), "build", [where.path])  # before the work
    tables, mapping_map, checker, problems = read_input(
        where,
        Path(mapping) if mapping else None,
        Path(ontology) if verify_terms else None,
        TermRegistry(Path(reference) if reference else None),
    )
    return write_build(
        tables, mapping_map, checker, Path(out), [where.path], problems, progress, jobs
    )


def validate(
    data: Sequence[PathLike] = (),
    *,
    shapes: Sequence[PathLike] = (),
    ontology: PathLike | None = DEFAULT_ONTOLOGY,
    seeds: PathLike | Seeds | None = None,
    origins: PathLike | None = None,
    engine: str = "auto",
) -> ValidationRun:
    """Validate RDF files (or, without any, the graph built from the seeds) with the shapes
    (default: the shipped ones). The run's report says whether the data conforms; its origins
    name the spreadsheet cell of each result where they are known."""
    from mscowl.validation.run import run_validation

    where = _seeds(seeds) if not data else Seeds(Path())
    return run_validation(
        [Path(p) for p in data],
        [Path(p) for p in shapes] or [SHAPES],
        Path(ontology) if ontology else None,
        where,
        Path(origins) if origins else None,
        engine,
    )


def query(
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    endpoint: str | None = None,
    data: Sequence[PathLike] = (),
    seeds: PathLike | Seeds | None = None,
    ontology: PathLike = DEFAULT_ONTOLOGY,
    queries: PathLike | None = None,
    limit: int | None = None,
    offset: int = 0,
    page_size: int | None = None,
    timeout: float = 30.0,
    retries: int = 2,
    allow_update: bool = False,
) -> ResultTable:
    """Run a saved query (its name, or the path of an ``.rq`` file) with ``params`` bound as
    RDF terms, on the embedded store (the graph files, else the build output, else the seeds
    built) or on ``endpoint``. Words given for a term (``route=intravenous``) are resolved to
    the one term they name (:mod:`mscowl.sparql.resolver`). ``limit``/``offset`` fetch one
    page, ``page_size`` the whole answer in pages. An update (with ``allow_update``, on an
    endpoint) returns no rows."""
    from mscowl.sparql.paging import fetch, query_form
    from mscowl.sparql.resolver import resolve_values
    from mscowl.sparql.saved import resolve

    saved = resolve(name, Path(queries) if queries else QUERIES)
    values = dict(params or {})
    form = query_form(saved.bind(values))  # every value checked before a store or a server
    if form == "UPDATE" and not allow_update:
        raise InputError("this is a SPARQL Update; refused without --allow-update")
    if form not in ("SELECT", "UPDATE"):
        raise InputError(f"only SELECT queries (and updates) are supported; this is {form}")
    where = _seeds(seeds)
    if endpoint is None:
        if form == "UPDATE":
            raise InputError("an update needs --endpoint: the embedded store is rebuilt every run")
        store = local_store(data, where, Path(ontology))
        text = saved.bind(resolve_values(saved, values, lambda: term_index(store, where)))
        return fetch(store.select, text, limit, offset, page_size)

    from mscowl.sparql.http import check_endpoint, check_timeout
    from mscowl.sparql.remote import run_remote

    check_endpoint(endpoint)
    check_timeout(timeout)

    def index() -> TermIndex:
        from mscowl.ontology.load import load_ontology
        from mscowl.sparql.local import store_of
        from mscowl.sparql.resolver import remote_names

        terms = term_index(store_of([load_ontology(Path(ontology)).closure]), where)
        terms.add_triples(remote_names(endpoint, values.values(), timeout=timeout, retries=retries))
        return terms

    text = saved.bind(resolve_values(saved, values, index))
    if form == "UPDATE":
        if limit is not None or offset or page_size:
            raise InputError("--limit, --offset and --page-size page SELECT queries only")
        return run_remote(endpoint, text, timeout=timeout, retries=retries, update=True)

    def run(text: str) -> ResultTable:
        return run_remote(endpoint, text, timeout=timeout, retries=retries)

    return fetch(run, text, limit, offset, page_size)


def term_index(store: LocalStore, seeds: Seeds) -> TermIndex:
    """The names of every term of a store and the words of the seed sheets."""
    from mscowl.seeds.graph import default_mapping
    from mscowl.sparql.resolver import index_of_store

    index = index_of_store(store)
    index.add_sheet_words(seeds.path, default_mapping(seeds.path))
    return index


def local_store(
    data: Sequence[PathLike], seeds: PathLike | Seeds | None, ontology: Path | None
) -> LocalStore:
    """The embedded store over the graph files by the one rule, else the seeds built."""
    from mscowl.sparql.stores import open_store

    files = graph_files([Path(p) for p in data])
    return open_store(files, _seeds(seeds), ontology)


def _seeds(seeds: PathLike | Seeds | None) -> Seeds:
    if isinstance(seeds, Seeds):
        return seeds
    return locate_seeds(Path(seeds) if seeds is not None else None)
