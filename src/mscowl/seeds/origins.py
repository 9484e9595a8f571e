"""The origin index: which spreadsheet cell every generated node and triple came from.

``mscowl build`` writes it as ``origin-index.tsv`` (tab-separated, RDF terms in N-Triples syntax,
no quoting; one row per subject and one per triple); ``mscowl validate`` reads it to report a
result as the file, sheet, row and column a curator should fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rdflib import URIRef
from rdflib.term import Node

from mscowl.errors import InputError, Origin
from mscowl.rdf.serialize import Block, Triple, nt_term, subject_blocks

#: The file name of the origin index that ``mscowl build`` writes beside the graph.
ORIGIN_INDEX: Final = "origin-index.tsv"
HEADER: Final = ("subject", "predicate", "object", "file", "sheet", "row", "column")


def escape(text: str) -> str:
    """Keep a term on one TSV line."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


#: ``(triple, origin)`` and ``(node, origin)`` pairs, terms in N-Triples syntax.
Triples = Iterable[tuple[tuple[str, str, str], Origin]]
Nodes = Iterable[tuple[str, Origin]]


def index_lines(
    triples: Mapping[Triple, Origin],
    nodes: Mapping[str, Origin],
    header: bool = True,
    blocks: Sequence[Block] | None = None,
) -> Iterator[str]:
    """The lines of an ``origin-index.tsv`` (sorted), made one subject at a time; without
    ``header``, the rows alone (to follow the rows of subjects sorted before them).
    ``blocks`` are ``triples`` as :func:`~mscowl.rdf.serialize.subject_blocks` gives them,
    when the caller has them already.

    The rows sort on (subject, predicate, escaped object, ...): a subject's row first, then
    its triples' rows, which are sorted again only where escaping an object changed it (a
    tab sorts before a space, its escape after).
    """
    if header:
        yield "\t".join(HEADER) + "\n"
    subjects = sorted(nodes)
    waiting = 0  # the next of ``subjects`` whose row is still to be written
    for subject, block in [*(subject_blocks(triples) if blocks is None else blocks), ("", [])]:
        while waiting < len(subjects) and (not subject or subjects[waiting] <= subject):
            node = subjects[waiting]
            yield f"{node}\t\t\t{_cells(nodes[node])}\n"
            waiting += 1
        if not subject:
            break
        if any("\\" in o or "\t" in o for (_, _, o), _ in block):  # rare: sorted on escapes
            rows = sorted((p, escape(o), origin) for (_, p, o), origin in block)
            yield "".join([f"{subject}\t{p}\t{o}\t{_cells(c)}\n" for p, o, c in rows])
        else:
            yield "".join([f"{s}\t{p}\t{o}\t{_cells(c)}\n" for (s, p, o), c in block])


def _cells(origin: Origin) -> str:
    """The file, sheet, row and column cells of a row of the index."""
    file, sheet, row, column = origin
    return f"{file}\t{sheet or ''}\t{row or ''}\t{column or ''}"


@dataclass
class OriginIndex:
    """Cells of the seed sheets by triple and by node."""

    triples: dict[tuple[str, str, str], Origin] = field(default_factory=dict)
    nodes: dict[str, Origin] = field(default_factory=dict)
    columns: dict[tuple[str, str | None, str], str] = field(default_factory=dict)

    def add_triple(self, triple: tuple[str, str, str], origin: Origin) -> None:
        self.triples.setdefault(triple, origin)
        if origin.column:
            self.columns.setdefault((origin.file, origin.sheet, triple[1]), origin.column)

    @classmethod
    def read(cls, path: Path, subjects: set[str] | None = None) -> OriginIndex:
        """Read an ``origin-index.tsv``; only the rows of ``subjects`` (N-Triples terms) if
        given, which is what a validation report needs from an index of millions of rows."""
        index = cls()
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                header = tuple(next(fh, "").rstrip("\r\n").split("\t"))
                if header != HEADER:
                    raise ValueError(f"expected the header {' '.join(HEADER)}")
                if subjects is not None and not subjects:
                    return index  # a report without results needs no cell
                for line in fh:
                    # the subject alone first: most rows are about nodes no result names
                    if subjects is not None and line[: line.find("\t")] not in subjects:
                        continue
                    subject, predicate, obj, file, sheet, row, column = line.rstrip("\r\n").split(
                        "\t"
                    )
                    origin = Origin(file, sheet or None, int(row) if row else None, column or None)
                    if predicate:
                        index.add_triple((subject, predicate, obj), origin)
                    else:
                        index.nodes[subject] = origin
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the origin index: {exc}", Origin(str(path))) from exc
        return index

    @classmethod
    def of(cls, triples: Triples, nodes: Nodes) -> OriginIndex:
        """The index of a graph built in memory (see :class:`mscowl.seeds.graph.KnowledgeGraph`)."""
        index = cls()
        for (s, p, o), origin in triples:
            index.add_triple((s, p, escape(o)), origin)
        index.nodes.update(nodes)
        return index

    def locate(self, focus_node: Node, path_node: Node | None, value: Node | None) -> Origin | None:
        """The cell a validation result is about: the cell of the offending ``value``, or the
        cell where the missing value belongs (the focus node's row, the column mapped to the
        path)."""
        focus = nt_term(focus_node)
        path = nt_term(path_node) if isinstance(path_node, URIRef) else None
        if path and value is not None:
            origin = self.triples.get((focus, path, escape(nt_term(value))))
            if origin:
                return origin
        node = self.nodes.get(focus)
        if node is None:
            return None
        column = self.columns.get((node.file, node.sheet, path)) if path else None
        return Origin(node.file, node.sheet, node.row, column or node.column)
