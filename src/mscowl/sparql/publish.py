"""``mscowl publish``: the knowledge graph and the ontology into a SPARQL server, checked.

Everything is prepared and counted before anything is sent: the N-Triples bodies are parsed
(a broken file, a comment line or a repeated triple can no longer make a correct upload look
wrong, or a wrong one right). Each graph is then replaced with one Graph Store Protocol PUT and
its triples counted on the server. The Graph Store Protocol has no transaction over two graphs,
so when a step fails the error says exactly what the server holds now: which graphs were
replaced and verified, which one failed and how, and which were not touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mscowl.errors import CheckFailedError, InputError, MscowlError, Origin


@dataclass(frozen=True)
class Upload:
    """One graph to replace: its IRI (``None``: the default graph), body and triple count."""

    graph: str | None
    body: bytes
    triples: int
    what: str

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
) -> None:
    """PUT each upload and verify its count; on a failure, raise an error that names the
    state of every graph (replaced and verified, failed, untouched)."""
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


def _state(done: list[str], failed: str, untouched: list[str]) -> str:
    parts = []
    if done:
        parts.append("replaced and verified: " + ", ".join(done))
    parts.append(failed)
    if untouched:
        parts.append("not touched: " + ", ".join(untouched))
    return "The server now: " + "; ".join(parts) + ". Publish again once the cause is fixed."
