"""The sorted writers of the build (mscowl.rdf.serialize, the origin index): written a subject
at a time from one sort, they give the bytes of the plain definition (sort everything on its
key, then write), also where IRIs are prefixes of one another and objects hold tabs."""

from __future__ import annotations

import random
import re

from rdflib import RDF

from mscowl.errors import Origin
from mscowl.rdf.serialize import nt_lines, subject_blocks, turtle_blocks, turtle_chunks
from mscowl.seeds.origins import HEADER, escape, index_lines

Triple = tuple[str, str, str]
PREFIXES = {"x": "http://x.org/", "xa": "http://x.org/a/", "rdf": str(RDF)}
TYPE = f"<{RDF.type}>"
#: A Turtle local name as the writers accept one (letters, digits, _ . -, not ending in .).
LOCAL_NAME = r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?"


def plain_turtle(triples: list[Triple], prefixes: dict[str, str]) -> str:
    """Turtle as the build wrote it before: every triple keyed on IRIs, sorted, written."""
    names = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def name(term: str) -> str:
        if term == TYPE:
            return "a"
        if term[0] != "<":
            return term
        iri = term[1:-1]
        for prefix, namespace in names:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and re.fullmatch(LOCAL_NAME, local):
                return f"{prefix}:{local}"
        return term

    out = [f"@prefix {p}: <{n}> .\n" for p, n in sorted(prefixes.items())]
    subject = predicate = None
    for s, _, p, o in sorted({(s[1:-1], p != TYPE, p[1:-1], o) for s, p, o in triples}):
        if s != subject:
            if subject is not None:
                out.append(" .\n")
            out.append(f"\n{name(f'<{s}>')}\n    {name(f'<{p}>')} {name(o)}")
            subject, predicate = s, p
        elif p != predicate:
            out.append(f" ;\n    {name(f'<{p}>')} {name(o)}")
            predicate = p
        else:
            out.append(f" ,\n        {name(o)}")
    if subject is not None:
        out.append(" .\n")
    return "".join(out)


def tricky_triples(seed: int) -> list[Triple]:
    """Subjects and predicates that are prefixes of one another, objects with tabs and
    spaces where they differ, a repeated triple."""
    rng = random.Random(seed)
    subjects = [f"<http://x.org/{s}>" for s in ("a", "a1", "aa", "a/b", "b", "a0", "ab1")]
    predicates = [TYPE, "<http://x.org/p>", "<http://x.org/p1>", "<http://x.org/pa>"]
    objects = ['"a\tb"', '"a b"', '"a"', '"a"@en', "<http://x.org/C>", "<http://x.org/a/z>"]
    triples = [
        (rng.choice(subjects), rng.choice(predicates), rng.choice(objects)) for _ in range(60)
    ]
    return [*triples, triples[0]]


def test_turtle_is_the_plain_sort_with_prefixed_iris_and_predicates() -> None:
    for seed in range(30):
        triples = tricky_triples(seed)
        assert "".join(turtle_chunks(triples, PREFIXES)) == plain_turtle(triples, PREFIXES)


def test_turtle_blocks_without_header_follow_the_blocks_before_them() -> None:
    triples = dict.fromkeys(tricky_triples(1))
    blocks = subject_blocks(triples)
    whole = "".join(turtle_blocks(blocks, PREFIXES))
    for cut in range(1, len(blocks)):
        # cut where the IRIs sort as their terms: the build's parts are cut so
        head, tail = blocks[:cut], blocks[cut:]
        if max(s[1:-1] for s, _ in head) < min(s[1:-1] for s, _ in tail):
            joined = "".join(turtle_blocks(head, PREFIXES)) + "".join(
                turtle_blocks(tail, PREFIXES, header=False)
            )
            assert joined == whole


def test_nt_lines_sort_as_lines() -> None:
    for seed in range(30):
        triples = tricky_triples(seed)
        plain = sorted({f"{s} {p} {o} .\n" for s, p, o in triples})
        assert list("".join(nt_lines(triples)).splitlines(keepends=True)) == plain


def test_the_origin_index_sorts_on_the_escaped_objects() -> None:
    for seed in range(30):
        triples = {t: Origin("t.csv", None, n, "c") for n, t in enumerate(tricky_triples(seed))}
        nodes = {s: Origin("t.csv", None, 1, "id") for s, _, _ in triples}
        nodes["<http://x.org/zz>"] = Origin("t.csv", None, 99, "id")  # a node without triples
        fields = {
            k: (o.file, o.sheet or "", str(o.row or ""), o.column or "") for k, o in triples.items()
        }
        rows = [(s, "", "", "t.csv", "", str(o.row), "id") for s, o in nodes.items()]
        rows += [(s, p, escape(o), *fields[(s, p, o)]) for s, p, o in triples]
        plain = ["\t".join(HEADER) + "\n", *("\t".join(row) + "\n" for row in sorted(rows))]
        assert "".join(index_lines(triples, nodes)) == "".join(plain)
    tab, space = '"a\tb"', '"a b"'
    lines = "".join(
        index_lines({("<s>", "<p>", tab): Origin("f"), ("<s>", "<p>", space): Origin("f")}, {})
    )
    assert lines.index('"a b"') < lines.index('"a\\tb"')  # a tab sorts first, its escape last
