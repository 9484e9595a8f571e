"""The ``mscowl`` command. Thin: it parses arguments, calls the modules, maps errors to exit codes.

Exit codes (after pySHACL): 0 success / no problem, 1 the check found problems,
2 bad input or usage, 3 an internal failure.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mscowl import __version__
from mscowl.errors import (
    CheckFailedError,
    InputProblemsError,
    InternalError,
    MscowlError,
)
from mscowl.pipeline import (
    GRAPH_DIR,
    REPORT_DIR,
    SEEDS_DIR,
    Seeds,
    graph_files,
    locate_seeds,
    release_folder,
)
from mscowl.rdf.namespaces import DATA
from mscowl.safety import printable
from mscowl.shipped import ONTOLOGY as DEFAULT_ONTOLOGY
from mscowl.sparql import FORMATS as QUERY_FORMATS
from mscowl.sparql import KINDS, MAX_RETRIES
from mscowl.validation import ENGINES, FORMATS, LEVEL_NAMES

if TYPE_CHECKING:
    pass

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn package errors into a one-line message on stderr and their exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputProblemsError as exc:
            for problem in exc.problems:
                click.echo(f"mscowl: error: {printable(str(problem))}", err=True)
            click.echo(
                f"mscowl: {len(exc.problems)} problem(s) found; nothing was written", err=True
            )
            sys.exit(exc.exit_code)
        except MscowlError as exc:
            click.echo(f"mscowl: error: {printable(str(exc))}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


class MscowlGroup(click.Group):
    """The command group: a usage error (a bad option, a missing path) is one line on stderr
    with exit 2, and an error that is our own bug is one line with exit 3 (the traceback only
    with MSCOWL_DEBUG=1), never a bare traceback with exit 1."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.BadParameter as exc:
            if isinstance(exc.param, click.Parameter) and isinstance(exc.param.type, InputPath):
                name = (exc.param.opts or [exc.param.name or ""])[0]
                name = name.upper() if isinstance(exc.param, click.Argument) else name
                message = f"{name} {exc.message}"
            else:
                message = exc.format_message()
            click.echo(f"mscowl: error: {printable(message)}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            hint = ""
            if isinstance(exc, click.UsageError) and exc.ctx is not None:
                hint = f" (see {exc.ctx.command_path} --help)"
            click.echo(f"mscowl: error: {printable(exc.format_message())}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("mscowl: aborted", err=True)
            sys.exit(1)
        except Exception as exc:
            if os.environ.get("MSCOWL_DEBUG", "") not in ("", "0"):
                raise
            click.echo(
                f"mscowl: internal error ({type(exc).__name__}: {printable(str(exc)[:200])}); "
                "this is a bug "
                "in mscowl, please report it with the command you ran (MSCOWL_DEBUG=1 shows "
                "the traceback)",
                err=True,
            )
            sys.exit(InternalError.exit_code)


class InputPath(click.Path):
    """A path the command reads: it must exist and be readable, or the error is one line that
    names the path as given (click's own check says "Path ... does not exist." in a usage
    block)."""

    def __init__(self, kind: str = "file") -> None:
        super().__init__(
            path_type=Path, dir_okay=kind != "file", file_okay=kind != "folder", exists=False
        )
        self.kind = kind

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = Path(value)
        expected = {"file": "a file", "folder": "a folder", "any": "a file or folder"}[self.kind]
        if not path.exists():
            self.fail(f"{value}: no such file or folder; expected {expected}", param, ctx)
        if self.kind == "file" and not path.is_file():
            self.fail(f"{value}: is not a file; expected {expected}", param, ctx)
        if self.kind == "folder" and not path.is_dir():
            self.fail(f"{value}: is not a folder; expected {expected}", param, ctx)
        if not os.access(path, os.R_OK):
            self.fail(f"{value}: cannot be read (permission denied)", param, ctx)
        return path


reference_option = click.option(
    "--reference",
    type=InputPath("file"),
    default=None,
    help="Table of verified terms (TSV: curie, iri, label, kind, ...). "
    "Default: $MSCOWL_REFERENCE_TERMS or the copy shipped with the package.",
)


ontology_option = click.option(
    "--ontology",
    "ontology_path",
    type=InputPath("file"),
    default=DEFAULT_ONTOLOGY,
    show_default=True,
    help="The ontology; its imports resolve through catalog-v001.xml beside it.",
)
mapping_option = click.option(
    "--mapping",
    "mapping_path",
    type=InputPath("file"),
    default=None,
    help="Column-to-RDF mapping (TOML). Default: mapping.toml beside the seeds, else the "
    "shipped one.",
)
data_option = click.option(
    "--data",
    multiple=True,
    type=InputPath("file"),
    help="RDF files of the knowledge graph (repeatable). Default: build/graph/knowledge-graph.nt "
    "if it exists, else the seeds built in memory.",
)
seeds_option = click.option(
    "--seeds",
    type=InputPath("any"),
    default=None,
    help="Seeds: a folder of CSV/TSV sheets or one .xlsx workbook. Default: ./seeds, else the "
    "seeds shipped with mscowl (said on stderr; `mscowl init` makes an editable copy).",
)


@click.group(cls=MscowlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mscowl")
def main() -> None:
    """mscowl: ontology and linked data for mesenchymal stem/stromal cells in cancer therapy."""


@main.command()
@ontology_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report as TSV.",
)
@click.option(
    "--reasoner/--no-reasoner", default=True, show_default=True, help="Classify with HermiT."
)
@click.option(
    "--owlapi/--no-owlapi",
    default=True,
    show_default=True,
    help="Load in the OWL API: unparsed triples, OWL 2 DL profile, labels.",
)
@reference_option
@reports_errors
def qc(
    ontology_path: Path, output: Path | None, reasoner: bool, owlapi: bool, reference: Path | None
) -> None:
    """Quality report of the ontology (ROBOT-report style). Exit 1 on any ERROR."""
    from mscowl.ontology.qc import ERROR, check_ontology, report_table, write_report
    from mscowl.ontology.registry import TermRegistry

    findings = check_ontology(
        ontology_path, TermRegistry(reference), reasoner=reasoner, owlapi=owlapi
    )
    click.echo(report_table(findings), nl=False)
    if output:
        write_report(findings, output)
    errors = sum(1 for f in findings if f.level == ERROR)
    if errors:
        raise CheckFailedError(f"{errors} ERROR finding(s) in {ontology_path}")


@main.command()
@click.option(
    "--ontology-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_ONTOLOGY.parent,
    show_default=True,
    help="Folder with imports/terms.tsv; modules and catalog are written there.",
)
@click.option(
    "--check", is_flag=True, help="Do not write; exit 1 if the committed modules are stale."
)
@reference_option
@reports_errors
def imports(ontology_dir: Path, check: bool, reference: Path | None) -> None:
    """Regenerate the import modules and catalog from imports/terms.tsv and the verified sources."""
    from mscowl.ontology.imports import generate_imports, stale_modules
    from mscowl.ontology.registry import TermRegistry

    registry = TermRegistry(reference)
    if check:
        stale = stale_modules(ontology_dir, registry)
        if stale:
            raise CheckFailedError(
                "import modules are stale; run `mscowl imports`: " + ", ".join(map(str, stale))
            )
        click.echo("imports: up to date")
        return
    for path in generate_imports(ontology_dir, registry):
        click.echo(f"wrote {path}")


@main.command()
@seeds_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=GRAPH_DIR,
    show_default=True,
    help="Output folder, owned by this command: replaced whole and atomically; refused when it "
    "holds anything mscowl build did not write. Left untouched when the input has problems.",
)
@mapping_option
@ontology_option
@click.option(
    "--verify-terms/--no-verify-terms",
    default=True,
    show_default=True,
    help="Check every external CURIE against the verified releases.",
)
@reference_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes to map and write a large input with (the output is the same for any "
    "number). Default: one per core.",
)
@reports_errors
def build(
    seeds: Path | None,
    out: Path,
    mapping_path: Path | None,
    ontology_path: Path,
    verify_terms: bool,
    reference: Path | None,
    jobs: int | None,
) -> None:
    """Build the knowledge graph (Turtle, N-Triples, origin index) from the seed sheets.

    Every problem of the input is reported as file[:sheet]:row:column: found ..., expected ...;
    exit 2 then, with the previous output untouched.
    """
    from mscowl.api import build_files

    built = build_files(
        _seeds(seeds),
        out=out,
        mapping=mapping_path,
        ontology=ontology_path,
        verify_terms=verify_terms,
        reference=reference,
        progress=_progress_bar,
        jobs=jobs,
    )
    sheets = ", ".join(f"{name} {count}" for name, count in built.rows_per_sheet.items())
    click.echo(f"built {built.triples} triples about {built.subjects} subjects into {out}/")
    click.echo(f"rows: {sheets}")


@main.command()
@seeds_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("seeds.xlsx"),
    show_default=True,
    help="Workbook to write (one sheet per kind, named as in the mapping); never an existing file.",
)
@mapping_option
@ontology_option
@reports_errors
def workbook(seeds: Path | None, out: Path, mapping_path: Path | None, ontology_path: Path) -> None:
    """Write the CSV seeds as one .xlsx workbook made for editing, which `mscowl build --seeds`
    accepts: dropdowns on every controlled column, documented headers, a README sheet."""
    from mscowl.seeds.workbook import workbook_of_seeds

    sheets = workbook_of_seeds(_seeds(seeds), mapping_path, ontology_path, out)
    click.echo(f"wrote {out} ({sheets} sheets)")


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def init(folder: Path | None) -> None:
    """Write an editable copy of the shipped seeds and mapping into FOLDER/seeds (default:
    ./seeds), with a short README; an existing folder is never touched."""
    from mscowl.seeds.init import write_seeds_copy

    target = write_seeds_copy((folder or Path()) / SEEDS_DIR)
    click.echo(f"wrote {target}/ (the shipped seeds, mapping.toml and README.md): edit the sheets,")
    click.echo("then run `mscowl build`, `mscowl validate`, `mscowl report` and `mscowl release`")
    click.echo("from the folder that holds it")


@main.command()
@click.argument("data", nargs=-1, type=InputPath("file"))
@click.option(
    "--shapes",
    "shapes_paths",
    multiple=True,
    type=InputPath("any"),
    help="Shapes file, or directory of *.ttl shapes (repeatable). Default: the shipped shapes.",
)
@ontology_option
@seeds_option
@click.option(
    "--origins",
    "origins_path",
    type=InputPath("file"),
    help="origin-index.tsv of the data. Default: the one beside the first DATA file, if any.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(LEVEL_NAMES),
    default="violation",
    show_default=True,
    help="Exit 1 when a result has this severity or a higher one.",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="auto",
    show_default=True,
    help="native (pySHACL's results, fast on large graphs), pyshacl (the reference), jena "
    "(Apache Jena SHACL; needs libapache-jena-java), or auto: native unless the shapes use "
    "something it does not cover, then pySHACL.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@reports_errors
def validate(
    data: tuple[Path, ...],
    shapes_paths: tuple[Path, ...],
    ontology_path: Path,
    seeds: Path | None,
    origins_path: Path | None,
    fmt: str,
    fail_on: str,
    engine: str,
    output: Path | None,
) -> None:
    """Validate RDF DATA (or the graph freshly built from the seeds) with the SHACL shapes.

    Exit 0 when no result reaches the --fail-on level, 1 when one does, 2 on bad input or broken
    shapes.
    """
    from mscowl.api import validate as validate_data
    from mscowl.validation.render import ReportContext, render

    where = _seeds(seeds, quiet=bool(data))
    run = validate_data(
        data,
        shapes=shapes_paths,
        ontology=ontology_path,
        seeds=where,
        origins=origins_path,
        engine=engine,
    )
    for note in run.notes:
        click.echo(f"note: {note}", err=True)
    from mscowl.validation.report import LEVELS

    level = LEVELS[fail_on]
    text = render(run.report, fmt, ReportContext(run.names, run.origins, level))
    if output:
        from mscowl.outputs import write_file

        write_file(output, text.encode("utf-8"), [where.path])
    else:
        click.echo(text, nl=False)
    failing = run.report.failing(level)
    if failing:
        raise CheckFailedError(f"{len(failing)} result(s) at or above {fail_on}")


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, help="A parameter, as name=value.")
@click.option("--endpoint", help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option(
    "--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="Return at most this many rows (appends LIMIT).",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    help="Skip this many rows first (appends OFFSET; needs a query with ORDER BY).",
)
@click.option(
    "--page-size",
    type=click.IntRange(min=1),
    default=None,
    help="Fetch the answer in requests of this many rows (LIMIT and OFFSET, in the query's "
    "ORDER BY), for servers that cap the rows of one answer.",
)
@click.option(
    "--list",
    "list_queries",
    is_flag=True,
    help="Print the catalogue of saved queries, with their parameters and an example.",
)
@click.option(
    "--describe",
    is_flag=True,
    help="Print the query's question, parameters, columns and examples instead of running it.",
)
@data_option
@seeds_option
@ontology_option
@click.option(
    "--queries",
    "queries_dir",
    type=InputPath("folder"),
    default=None,
    help="Directory of saved queries. Default: the shipped queries.",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    help="Endpoint timeout, seconds: for the whole answer of each attempt.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, MAX_RETRIES),
    default=2,
    show_default=True,
    help="Endpoint retries (back-off); never for an update.",
)
@click.option("--allow-update", is_flag=True, help="Allow SPARQL Update queries.")
@click.option(
    "--catalogue",
    "catalogue_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the catalogue as RDF (Turtle, SIB sparql-examples style) to this file.",
)
@reports_errors
def query(
    name: str | None,
    params: tuple[str, ...],
    endpoint: str | None,
    fmt: str,
    limit: int | None,
    offset: int,
    page_size: int | None,
    list_queries: bool,
    describe: bool,
    data: tuple[Path, ...],
    seeds: Path | None,
    ontology_path: Path,
    queries_dir: Path | None,
    timeout: float,
    retries: int,
    allow_update: bool,
    catalogue_out: Path | None,
) -> None:
    """Run a saved query (NAME, or a path to an .rq file) and print its results.

    Parameters are bound as RDF terms, never pasted into the query text. --limit and --offset
    fetch one page of a large answer, --page-size all of it in pages (in the query's ORDER BY).
    """
    from mscowl.shipped import QUERIES
    from mscowl.sparql.saved import catalogue, parse_params, resolve

    directory = queries_dir or QUERIES
    if list_queries or catalogue_out:
        queries = catalogue(directory)
        if catalogue_out:
            from mscowl.sparql.catalogue import catalogue_graph

            catalogue_graph(queries.values()).serialize(catalogue_out, format="longturtle")
            click.echo(f"wrote {catalogue_out} ({len(queries)} queries)")
        if list_queries:
            for saved in queries.values():
                click.echo(saved.listing())
        return
    if not name:
        raise click.UsageError("give a query NAME (see --list) or a path to an .rq file")
    if describe:
        click.echo(resolve(name, directory).description(), nl=False)
        return
    from mscowl.api import query as run_query
    from mscowl.sparql.results import render

    table = run_query(
        name,
        parse_params(params),
        endpoint=endpoint,
        data=data,
        seeds=_seeds(seeds, quiet=endpoint is not None or bool(graph_files(data))),
        ontology=ontology_path,
        queries=directory,
        limit=limit,
        offset=offset,
        page_size=page_size,
        timeout=timeout,
        retries=retries,
        allow_update=allow_update,
    )
    if endpoint is not None and not table.columns:
        from mscowl.sparql.http import redact

        click.echo(f"update applied at {redact(endpoint)}")
        return
    click.echo(render(table, fmt), nl=False)


@main.command()
@click.argument("text")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only terms of this kind.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table",
    show_default=True,
)  # fmt: skip
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@data_option
@seeds_option
@ontology_option
@reports_errors
def terms(
    text: str,
    kind: str | None,
    fmt: str,
    limit: int,
    data: tuple[Path, ...],
    seeds: Path | None,
    ontology_path: Path,
) -> None:
    """Search the ontology, its imports and the knowledge graph for TEXT (labels, synonyms, the
    sheets' words; case, accents, hyphens and Greek letters do not matter), or show one term
    when TEXT is a CURIE or an IRI (definition, parents, synonyms, where the graph uses it)."""
    import json

    from mscowl.api import local_store, term_index
    from mscowl.sparql.lookup import describe, search
    from mscowl.sparql.saved import Parameter

    files = graph_files(data)
    where = _seeds(seeds, quiet=bool(files))
    store = local_store(files, where, ontology_path)
    index = term_index(store, where)
    if not Parameter("text").needs_resolving(text):
        iri = str(Parameter("text", type="iri").term(text, "mscowl terms"))
        info = describe(store, index, iri)
        if info is None:
            raise CheckFailedError(f"no term {text} in the ontology, its imports or the graph")
        if fmt == "json":
            click.echo(json.dumps(info.as_dict(), indent=2, ensure_ascii=False))
            return
        click.echo(f"{info.label or '(no label)'} ({info.curie})  {info.kind}, from {info.source}")
        click.echo(f"  IRI         {info.iri}")
        if info.display:
            click.echo(f"  display     {printable(info.display)} (the name the field uses)")
        if info.definition:
            click.echo(f"  definition  {printable(info.definition)}")
        for title, items in (("parents", info.parents), ("synonyms", info.synonyms)):
            for i, item in enumerate(items):
                click.echo(f"  {title if i == 0 else '':<11} {printable(item)}")
        for i, (prop, count) in enumerate(info.used_by):
            label = "used by" if i == 0 else ""
            click.echo(f"  {label:<11} {count} statement(s) with {printable(prop)}")
        return
    rows = search(store, index, text, kind, limit)
    if not rows:
        raise CheckFailedError(f"no term named like '{printable(text)}'")
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    header = ("curie", "label", "display", "kind", "source", "matched", "synonyms")
    lines = [
        (r.curie, r.label, r.display, r.kind, r.source, r.matched, "; ".join(r.synonyms))
        for r in rows
    ]
    if fmt == "tsv":
        for line in (header, *lines):
            click.echo("\t".join(printable(cell) for cell in line))
        return
    widths = [min(60, max(len(str(x[i])) for x in (header, *lines))) for i in range(6)]
    for line in (header, *lines):
        cells = [printable(str(c))[:60].ljust(w) for c, w in zip(line[:6], widths, strict=True)]
        click.echo("  ".join(cells) + "  " + printable(line[6]))


@main.command()
@data_option
@ontology_option
@click.option(
    "--bind",
    default="127.0.0.1:7878",
    show_default=True,
    help="Host and port to listen on (another host than 127.0.0.1 opens the graph to the network).",
)
@reports_errors
def serve(data: tuple[Path, ...], ontology_path: Path, bind: str) -> None:
    """A SPARQL endpoint on the graph (the build output or --data), read-only, until Ctrl-C:
    the Oxigraph server on the persistent store that `mscowl query` uses."""
    from mscowl.sparql.serve import serve as run_server

    code = run_server(graph_files(data), ontology_path, bind, lambda m: click.echo(m, err=True))
    if code:
        raise SystemExit(code)


@main.command()
@data_option
@seeds_option
@ontology_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=REPORT_DIR,
    show_default=True,
    help="Output folder, owned by this command (replaced whole; refused when it holds anything "
    "mscowl report did not write).",
)
@reports_errors
def report(data: tuple[Path, ...], seeds: Path | None, ontology_path: Path, out: Path) -> None:
    """Draw charts from the saved queries (SVG and PNG): trials per MSC source, trials per
    phase, mechanisms by direction."""
    from mscowl.api import local_store
    from mscowl.release.charts import write_charts

    files = graph_files(data)
    for name in write_charts(
        lambda: local_store(files, _seeds(seeds, quiet=bool(files)), ontology_path), out
    ):
        click.echo(f"wrote {out / name}")


def _seeds(given: Path | None, *, quiet: bool = False) -> Seeds:
    """The seeds of this run by the one rule (:func:`mscowl.pipeline.locate_seeds`); its note
    on stderr unless the run does not read the seeds (``quiet``)."""
    seeds = locate_seeds(given)
    if seeds.note and not quiet:
        click.echo(f"note: {seeds.note}", err=True)
    return seeds


@main.command()
@click.option("--version", "version", default=None, help="Release version. Default: today's date.")
@click.option(
    "--date",
    "date_text",
    default=None,
    help="Release date (YYYY-MM-DD). Default: the version if it is a date, else today.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release folder, owned by this command. Default: releases/<version>.",
)
@click.option(
    "--previous",
    type=InputPath("folder"),
    default=None,
    help="The previous release folder, for release-diff.md.",
)
@click.option("--endpoint", default=None, help="SPARQL endpoint to announce in the VoID file.")
@seeds_option
@ontology_option
@reports_errors
def release(
    version: str | None,
    date_text: str | None,
    out: Path | None,
    previous: Path | None,
    endpoint: str | None,
    seeds: Path | None,
    ontology_path: Path,
) -> None:
    """Write a versioned release: ontology base and full, knowledge graph, shapes, queries,
    VoID, HTML documentation, release diff, w3id rules and SHA256SUMS (atomically)."""
    import datetime as dt

    from mscowl.release.artefacts import ReleaseInputs, release_version, write_release
    from mscowl.shipped import QUERIES, SHAPES

    version, date = release_version(version, date_text, dt.date.today())
    where = _seeds(seeds)
    target = out or release_folder(version)
    inputs = ReleaseInputs(version, date, ontology_path, where, SHAPES, QUERIES, previous, endpoint)
    files = write_release(inputs, target)
    click.echo(f"wrote release {version} ({files} files) into {target}/")


@main.command()
@click.option(
    "--endpoint",
    required=True,
    help="Graph Store Protocol URL of the server (Oxigraph: http://host:7878/store; Fuseki: "
    "http://host:3030/DATASET/data; GraphDB: "
    "http://host:7200/repositories/REPO/rdf-graphs/service; Virtuoso: "
    "http://host:8890/sparql-graph-crud-auth).",
)
@click.option(
    "--query-endpoint",
    default=None,
    help="SPARQL query URL used to verify the counts. Default: the store URL with /store "
    "replaced by /query (Oxigraph), /data by /sparql (Fuseki), /rdf-graphs/service removed "
    "(GraphDB), or /sparql-graph-crud-auth by /sparql (Virtuoso).",
)
@click.option(
    "--graph",
    "graph_iri",
    default=DATA,
    show_default=True,
    help="Named graph for the knowledge graph.",
)
@click.option(
    "--ontology-graph",
    default="https://w3id.org/mscowl/msc-cancer.owl",
    show_default=True,
    help="Named graph for the ontology with its imports.",
)
@click.option(
    "--default-graph",
    is_flag=True,
    help="Put the knowledge graph and the ontology together into the default graph instead.",
)
@seeds_option
@data_option
@ontology_option
@reports_errors
def publish(
    endpoint: str,
    query_endpoint: str | None,
    graph_iri: str,
    ontology_graph: str,
    default_graph: bool,
    seeds: Path | None,
    data: tuple[Path, ...],
    ontology_path: Path,
) -> None:
    """Load the ontology and the knowledge graph into a SPARQL server (Graph Store Protocol PUT:
    each graph is replaced, so publishing twice is idempotent), then verify the counts.

    The saved queries read the default graph: publish with --default-graph, or let the server
    treat the default graph as the union of the named graphs (see docs/publish.md)."""
    from mscowl.sparql.publish import graph_body, publish_graphs

    files = graph_files(data)
    publish_graphs(
        endpoint,
        query_endpoint,
        kg_body=graph_body(files) if files else None,
        seeds=_seeds(seeds, quiet=bool(files)),
        ontology=ontology_path,
        graph=None if default_graph else graph_iri,
        ontology_graph=None if default_graph else ontology_graph,
        say=click.echo,
    )


#: Rows from which `mscowl build` shows a progress bar (on a terminal).
PROGRESS_THRESHOLD = 2000


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr for long inputs on a terminal; nothing otherwise."""
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="mapping rows", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


if __name__ == "__main__":  # pragma: no cover
    main()
