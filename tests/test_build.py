"""`mscowl build`: the shipped seeds, determinism, CSV = XLSX, and the graph's content."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from conftest import FIXTURES, ROOT, VERIFY_TERMS
from mscowl.cli import main
from mscowl.errors import Origin, OutputError
from mscowl.outputs import MARKER, write_outputs
from mscowl.rdf.namespaces import expand
from mscowl.rdf.serialize import turtle_chunks
from mscowl.seeds.graph import (
    NTRIPLES,
    ORIGIN_INDEX,
    TURTLE,
    TermChecker,
    build_graph,
    load_tables,
    serialise,
)
from mscowl.seeds.mapping import Mapping
from mscowl.seeds.workbook import write_workbook
from seedtools import SEEDS, copy_seeds

TRIALS_TSV = FIXTURES / "reference" / "trials.tsv"


def run_build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", *args])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    code, output = run_build("--seeds", str(SEEDS), "--out", str(out))
    assert code == 0, output
    return out


@pytest.fixture(scope="module")
def kg(built: Path) -> Graph:
    return Graph().parse(built / TURTLE)


def test_build_writes_turtle_ntriples_and_origin_index(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == sorted(
        [MARKER, TURTLE, NTRIPLES, ORIGIN_INDEX]
    )
    turtle = Graph().parse(built / TURTLE)
    ntriples = Graph().parse(built / NTRIPLES)
    assert len(turtle) == len(ntriples) > 1000
    assert turtle.isomorphic(ntriples)
    lines = (built / NTRIPLES).read_text().splitlines()
    assert lines == sorted(lines)


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    code, output = run_build("--seeds", str(SEEDS), "--out", str(tmp_path / "again"))
    assert code == 0, output
    for name in (TURTLE, NTRIPLES, ORIGIN_INDEX):
        assert (tmp_path / "again" / name).read_bytes() == (built / name).read_bytes(), name


def test_xlsx_and_csv_seeds_give_byte_identical_graphs(built: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "seeds.xlsx"
    result = CliRunner().invoke(main, ["workbook", "--seeds", str(SEEDS), "--out", str(workbook)])
    assert result.exit_code == 0, result.output
    code, output = run_build(
        "--seeds",
        str(workbook),
        "--mapping",
        str(SEEDS / "mapping.toml"),
        "--out",
        str(tmp_path / "x"),
    )
    assert code == 0, output
    for name in (TURTLE, NTRIPLES):
        assert (tmp_path / "x" / name).read_bytes() == (built / name).read_bytes(), name
    # The origin index names the workbook and its sheets instead of the CSV files.
    rows = list(
        csv.DictReader(
            (tmp_path / "x" / ORIGIN_INDEX).open(), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    )
    assert {r["file"] for r in rows} == {str(workbook)}
    with_rows = {
        name
        for name, sheet in Mapping.load(SEEDS / "mapping.toml").sheets.items()
        if len((SEEDS / sheet.file).read_text(encoding="utf-8").splitlines()) > 1
    }
    assert {r["sheet"] for r in rows} == with_rows


@pytest.mark.slow
def test_every_external_iri_passes_the_term_check(built: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(VERIFY_TERMS), str(built)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unverified: 0" in result.stdout


def test_origin_index_covers_every_triple_and_subject(built: Path, kg: Graph) -> None:
    rows = list(
        csv.DictReader((built / ORIGIN_INDEX).open(), delimiter="\t", quoting=csv.QUOTE_NONE)
    )
    triples = {(r["subject"], r["predicate"], r["object"]) for r in rows if r["predicate"]}
    assert len(triples) == len(kg)
    for s, p, o in kg:
        assert (s.n3(), p.n3(), o.n3().replace("\n", "\\n")) in triples
    trial = next(
        r
        for r in rows
        if r["subject"].endswith("/trial/NCT02068794>") and r["predicate"].endswith("MSCO_0000911>")
    )
    assert trial["file"].endswith("seeds/trials.csv")
    assert trial["column"] == "route"
    assert int(trial["row"]) == _csv_row("trials.csv", "NCT02068794")


def _csv_row(file: str, row_id: str) -> int:
    with (SEEDS / file).open(encoding="utf-8") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if row["id"] == row_id:
                return number
    raise KeyError(row_id)


# --------------------------------------------------------------------------------------------
# The graph answers the questions the issue names (plain SPARQL).

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX MSCO: <https://w3id.org/mscowl/MSCO_>
PREFIX NCIT: <http://purl.obolibrary.org/obo/NCIT_>
PREFIX BFO: <http://purl.obolibrary.org/obo/BFO_>
"""

#: How trials.tsv words a tissue, and the UBERON class it is; other wordings are not guessed.
TISSUES = {
    "bone marrow": "UBERON:0002371",
    "adipose tissue": "UBERON:0001013",
    "umbilical cord": "UBERON:0002331",
    "umbilical cord blood": "UBERON:0012168",
    "(undefined in table 1); allogeneic BM per second table": "UBERON:0002371",
}
#: trials.tsv phase wording (its start) → NCIt phase class. "NA" and empty stay without a phase.
PHASES = {
    "Early Phase 1": "NCIT:C54721",
    "Phase 1/2": "NCIT:C15693",
    "Phase I/II": "NCIT:C15693",
    "Phase I-II": "NCIT:C15693",
    "Phase 1": "NCIT:C15600",
    "Phase Ib": "NCIT:C15600",
    "Phase 2": "NCIT:C15601",
    "Phase II/III": "NCIT:C15694",
    "Phase II": "NCIT:C15601",
    "Phase III": "NCIT:C15602",
}
#: trials.tsv category wording → trial kind; checked in this order ("not anticancer" is supportive).
KINDS = {"supportive": "MSCO:0000813", "hematologic": "MSCO:0000812", "anticancer": "MSCO:0000811"}


def _expected(value: str, table: dict[str, str]) -> str | None:
    for wording in sorted(table, key=len, reverse=True):
        if value.startswith(wording):
            return table[wording]
    return None


def test_every_trial_of_the_reference_has_kind_phase_and_source(kg: Graph) -> None:
    query = (
        PREFIXES
        + """
    SELECT ?trial ?registry ?label ?type ?tissue WHERE {
      ?trial a MSCO:0000810 ; rdfs:label ?label ; a ?type .
      OPTIONAL { ?trial MSCO:0000932 ?registry }
      OPTIONAL { ?trial MSCO:0000913/MSCO:0000901 ?tissue }
    }"""
    )
    found: dict[str, dict[str, set[str]]] = {}
    for row in kg.query(query):
        entry = found.setdefault(str(row.label), {"types": set(), "tissue": set(), "id": set()})
        entry["types"].add(str(row.type))
        if row.tissue:
            entry["tissue"].add(str(row.tissue))
        if row.registry:
            entry["id"].add(str(row.registry))
    reference = list(csv.DictReader(TRIALS_TSV.open(encoding="utf-8"), delimiter="\t"))
    assert len(reference) == len(found) == 28
    for trial in reference:
        entry = found[trial["short_name"]]
        kind = next(v for k, v in KINDS.items() if k in trial["category"])
        assert expand(kind) in entry["types"], trial["short_name"]
        other_kinds = {expand(v) for v in KINDS.values()} - {expand(kind)}
        assert not other_kinds & entry["types"]
        phase = _expected(trial["phase"], PHASES)
        phases = {t for t in entry["types"] if "NCIT_" in t}
        assert phases == ({expand(phase)} if phase else set()), trial["short_name"]
        tissue = TISSUES.get(trial["msc_source_tissue"])
        assert entry["tissue"] == ({expand(tissue)} if tissue else set()), trial["short_name"]
        registry = trial["registry_id"].replace("EudraCT ", "")
        if registry.startswith("NCT") or registry[:1].isdigit():
            assert entry["id"] == {registry}


def test_isct_panel_has_its_thresholds(kg: Graph) -> None:
    query = (
        PREFIXES
        + """
    SELECT ?marker ?polarity ?threshold WHERE {
      ?criterion BFO:0000050 <https://w3id.org/mscowl/data/marker-panel/isct-2006> ;
                 a MSCO:0000301 ; MSCO:0000907 ?marker ; MSCO:0000908 ?polarity ;
                 MSCO:0000930 ?threshold .
    }"""
    )
    rows = {
        (str(r.marker).rsplit("/", 1)[1], str(r.polarity)[-7:], float(r.threshold))
        for r in kg.query(query)
    }
    positive, negative = "0000304", "0000305"
    # CD105, CD73 (UniProtKB entries), CD90 (a PR term)
    assert {m for m, p, t in rows if p == positive and t == 95.0} == {
        "P17813",
        "P21589",
        "PR_000001843",
    }
    # CD45, CD34, CD14 or CD11b, CD79a or CD19, HLA-DR(A): PR terms where verified
    assert {m for m, p, t in rows if p == negative and t == 2.0} == {
        "PR_000001006",
        "PR_000001003",
        "PR_000001889",
        "PR_000001012",
        "P11912",
        "PR_000001002",
        "P01903",
    }
    assert len(rows) == 10


def test_each_mechanism_has_a_direction_and_a_source_with_evidence(kg: Graph) -> None:
    query = (
        PREFIXES
        + """
    SELECT ?m (COUNT(DISTINCT ?direction) AS ?directions) (COUNT(DISTINCT ?source) AS ?sources)
           (COUNT(DISTINCT ?evidence) AS ?evidences) WHERE {
      ?m a/rdfs:subClassOf* MSCO:0000851 .
      OPTIONAL { ?m MSCO:0000906 ?direction }
      OPTIONAL { ?m MSCO:0000914 ?source }
      OPTIONAL { ?m <http://purl.obolibrary.org/obo/RO_0002558> ?evidence }
    } GROUP BY ?m"""
    )
    ontology = Graph().parse(ROOT / "ontology" / "msc-cancer.ttl")
    rows = list((kg + ontology).query(query))
    assert len(rows) >= 30  # mechanism and pathway statements
    for row in rows:
        assert int(row.directions) == 1, row.m
        assert int(row.sources) >= 1, row.m
        assert int(row.evidences) == 1, row.m


def test_subject_iris_come_from_the_id_column(kg: Graph) -> None:
    assert (URIRef("https://w3id.org/mscowl/data/trial/NCT03298763"), None, None) in kg
    assert all(isinstance(s, URIRef) for s in kg.subjects())  # no blank nodes


# --------------------------------------------------------------------------------------------
# The library API, without the CLI.


def test_build_api_collects_problems_and_write_outputs_is_atomic(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    mapping = Mapping.load(seeds / "mapping.toml")
    tables, problems = load_tables(seeds, mapping)
    assert problems == []
    kg = build_graph(tables, mapping, TermChecker.for_ontology(ROOT / "ontology/msc-cancer.ttl"))
    out = tmp_path / "out"
    write_outputs(serialise(kg), out, "build")
    first = (out / TURTLE).read_bytes()
    write_outputs({TURTLE: b"new"}, out, "build")
    assert (out / TURTLE).read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert first


def test_write_outputs_names_a_file_that_cannot_be_written_and_keeps_the_old_output(
    tmp_path: Path,
) -> None:
    """The writers after the first run in a forked process: their failures still reach the
    caller, named, as the main process's own do, and the previous output stays."""
    out = tmp_path / "out"
    write_outputs({TURTLE: b"old"}, out, "build")

    def fine(fh: TextIO) -> None:
        fh.write("new")

    def disk_full(fh: TextIO) -> None:
        raise OSError(28, "No space left on device")

    def broken(fh: TextIO) -> None:
        raise ValueError("a bug")

    for files, expected in [
        ({TURTLE: fine, NTRIPLES: disk_full, ORIGIN_INDEX: fine}, "nt: No space left"),
        ({TURTLE: disk_full, NTRIPLES: fine, ORIGIN_INDEX: fine}, "ttl: No space left"),
        ({TURTLE: fine, NTRIPLES: fine, ORIGIN_INDEX: broken}, "tsv: ValueError: a bug"),
    ]:
        with pytest.raises(OutputError, match=expected) as caught:
            write_outputs(files, out, "build")
        assert caught.value.exit_code == 3
        assert caught.value.origin == Origin(str(out.resolve()))
        assert sorted(p.name for p in out.iterdir()) == [MARKER, TURTLE]
        assert (out / TURTLE).read_bytes() == b"old"
        assert [p.name for p in tmp_path.iterdir()] == ["out"]
    write_outputs({TURTLE: fine, NTRIPLES: fine, ORIGIN_INDEX: fine}, out, "build")
    assert [(out / name).read_text() for name in (TURTLE, NTRIPLES, ORIGIN_INDEX)] == ["new"] * 3


def test_turtle_chunks_write_a_repeated_triple_once() -> None:
    triple = ("<http://x.org/a>", "<http://x.org/p>", '"1"')
    once = "".join(turtle_chunks([triple], {"x": "http://x.org/"}))
    assert "".join(turtle_chunks([triple, triple], {"x": "http://x.org/"})) == once
    assert once.count('"1"') == 1


def test_workbook_round_trip_keeps_every_row_and_cell_that_is_not_a_term(tmp_path: Path) -> None:
    mapping = Mapping.load(SEEDS / "mapping.toml")
    tables, _ = load_tables(SEEDS, mapping)
    path = tmp_path / "w.xlsx"
    write_workbook(tables, mapping, ROOT / "ontology" / "msc-cancer.ttl", path)
    again, problems = load_tables(path, mapping)
    assert problems == []
    for name, table in tables.items():
        terms = {c for c, m in mapping.sheets[name].columns.items() if m.type == "curie"}
        plain = [{k: v for k, v in r.cells.items() if k not in terms} for r in table.rows]
        assert [
            {k: v for k, v in r.cells.items() if k not in terms} for r in again[name].rows
        ] == plain
        assert [r.number for r in again[name].rows] == [r.number for r in table.rows]


def test_own_properties_are_used_as_their_domain_and_range_say(kg: Graph) -> None:
    """Every use of an own property in the built graph fits its declared domain and range:
    the subject (and, for a class range, the object) has a type under it in the ontology."""
    from rdflib import OWL, RDF, RDFS, XSD, Literal

    from mscowl.ontology.load import load_ontology

    closure = load_ontology(ROOT / "ontology" / "msc-cancer.ttl").closure

    def members(cls: URIRef) -> set[URIRef]:
        """cls and its subclasses; a union class expression counts each of its members."""
        union = closure.value(cls, OWL.unionOf)
        if union is not None:
            return set().union(*(members(m) for m in closure.items(union)))  # type: ignore[arg-type]
        return set(closure.transitive_subjects(RDFS.subClassOf, cls))  # type: ignore[arg-type]

    def fits(node: object, cls: URIRef) -> bool:
        allowed = members(cls)
        types = {*kg.objects(node, RDF.type), *closure.objects(node, RDF.type)}  # type: ignore[arg-type]
        return any(t in allowed for t in types)

    checked, misuses = 0, []
    own = expand("MSCO:")
    for prop in set(closure.subjects(RDFS.domain, None)) | set(closure.subjects(RDFS.range, None)):
        if not str(prop).startswith(own):
            continue
        domain, range_ = closure.value(prop, RDFS.domain), closure.value(prop, RDFS.range)
        for s, o in kg.subject_objects(prop):  # type: ignore[arg-type]
            checked += 1
            if domain is not None and not fits(s, domain):  # type: ignore[arg-type]
                misuses.append(f"{s} {prop} (domain {domain})")
            if range_ is None:
                continue
            if isinstance(o, Literal):
                if o.datatype != range_ and not (range_ == XSD.string and o.datatype is None):
                    misuses.append(f"{s} {prop} {o!r} (range {range_})")
            elif not fits(o, range_) and o not in members(range_):  # type: ignore[arg-type]
                misuses.append(f"{s} {prop} {o} (range {range_})")
    assert checked > 500
    assert misuses == []


def test_every_own_class_is_used_or_obsolete(kg: Graph) -> None:
    """Issue 21: an own class that nothing uses is obsoleted or used. Used means: a value or a
    type in the built graph, or an ancestor of one; a class defined by a value the data sets (the
    reasoner fills it); the
    class of values that the graph uses (a value partition such as recruitment status); or the
    target of a shape (a class for data that other labs write, such as marker measurements)."""
    from rdflib import OWL, RDF, RDFS

    ontology = Graph().parse(ROOT / "ontology" / "msc-cancer.ttl")
    shapes = Graph().parse(ROOT / "shapes" / "msc-shapes.ttl")
    own = expand("MSCO:")
    classes = {
        c
        for c in ontology.subjects(RDF.type, OWL.Class)
        if str(c).startswith(own) and (c, OWL.deprecated, None) not in ontology
    }
    used = {o for o in kg.objects() if isinstance(o, URIRef) and str(o).startswith(own)}
    used |= {t for v in set(used) for t in ontology.objects(v, RDF.type)}
    for value in list(used):
        used |= set(ontology.transitive_objects(value, RDFS.subClassOf))
    # classes the reasoner fills from a value the data set (pro-tumour MSC effect ...)
    defined = {
        c
        for c, definition in ontology.subject_objects(OWL.equivalentClass)
        if any(
            (member, OWL.hasValue, None) in ontology
            for item in ontology.objects(definition, OWL.intersectionOf)
            for member in ontology.items(item)
        )
    }
    targets = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    unused = sorted(str(c) for c in classes - used - defined - targets)
    assert not unused
