#!/usr/bin/env python3
"""Check that every reused ontology term in a set of RDF files is real and labelled as upstream.

Usage: verify_terms.py [FILE_OR_DIR ...]      (default: ontology shapes seeds queries build)

For each IRI of an external ontology (OBO PURLs such as CL_, UBERON_, NCIT_, GO_, RO_, MONDO_,
CHEBI_, ...; identifiers.org HGNC) that appears in the files, it looks the term up in
  1. the verified reference table (see below) (verified IDs and labels, with sources), and
  2. the ontology releases shipped by the `cellxgene-ontology-guide` package, if it is installed
     (CL, UBERON, MONDO, CHEBI, NCBITaxon, PATO, EFO),
and reports IRIs found in neither ("unverified") and rdfs:label values that differ from the
upstream label ("label mismatch"). Exit status: 0 when everything is verified, 1 otherwise.
It reads files as text (Turtle, N-Triples, RDF/XML, SPARQL, CSV); it runs nothing of the project.

Copied from the project's shared tools (shared/tools/verify_terms.py, sha256
e0fb9e6059284ddd931ce0aa0273ee580ce51b16e268d8babb066eda2523445c, 2026-12-02) so that the
repository carries the check its tests run; the one change: the reference table is the copy
shipped inside the package (src/mscowl/resources/reference-terms.tsv, the same bytes as
shared/reference/terms.tsv).
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "src" / "mscowl" / "resources" / "reference-terms.tsv"
OBO = "http://purl.obolibrary.org/obo/"
PREFIXES = ("CL", "UBERON", "NCIT", "GO", "RO", "BFO", "IAO", "OBI", "ECO", "MONDO", "CHEBI",
            "PR", "NCBITaxon", "PATO", "EFO", "OMO", "SO", "HP", "DOID", "CLO", "OGMS", "UO")
CXG = {"CL", "UBERON", "MONDO", "CHEBI", "NCBITaxon", "PATO", "EFO"}
IRI_RE = re.compile(r"(?:http://purl\.obolibrary\.org/obo/|\bobo:)((?:%s)_[A-Za-z0-9]+)" % "|".join(PREFIXES))
CURIE_RE = re.compile(r"(?<![\w/#:])(%s):([0-9A-Za-z_]+)\b" % "|".join(PREFIXES))
HGNC_RE = re.compile(r"identifiers\.org/hgnc(?:/|:|/HGNC:)(\d+)|\bHGNC:(\d+)\b")
LABEL_RE = re.compile(r"<?(?:http://purl\.obolibrary\.org/obo/|\bobo:)([A-Za-z]+_[A-Za-z0-9]+)>?\s+rdfs:label\s+\"([^\"]+)\"")
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
TEXT_SUFFIXES = {".ttl", ".nt", ".owl", ".rdf", ".xml", ".jsonld", ".json", ".rq", ".sparql", ".csv", ".tsv", ".obo", ".ofn", ".omn", ".py", ".md", ".yaml", ".yml", ".toml"}


def load_reference() -> dict[str, str]:
    labels: dict[str, str] = {}
    if REFERENCE.exists():
        with REFERENCE.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                labels[row["curie"].strip()] = row["label"].strip()
    return labels


def load_cellxgene(wanted: set[str]) -> dict[str, dict]:
    try:
        import cellxgene_ontology_guide as cxg  # type: ignore
        import zstandard  # type: ignore
    except ImportError:
        return {}
    data_dir = Path(cxg.__file__).parent / "data"
    info = json.loads((data_dir / "latest_ontology_info.json").read_text())["ontologies"]
    terms: dict[str, dict] = {}
    for prefix in CXG & wanted:
        if prefix not in info:
            continue
        path = data_dir / f"{prefix}-ontology-{info[prefix]['version']}.json.zst"
        if not path.exists():
            continue
        with path.open("rb") as fh:
            terms.update(json.loads(zstandard.ZstdDecompressor().stream_reader(fh).read()))
    return terms


def iter_files(args: list[str]):
    roots = [Path(a) for a in args] or [Path(p) for p in ("ontology", "shapes", "seeds", "queries", "build") if Path(p).exists()]
    for root in roots:
        if root.is_file():
            yield root
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            for name in filenames:
                p = Path(dirpath) / name
                if p.suffix.lower() in TEXT_SUFFIXES:
                    yield p


RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".owl": "xml", ".rdf": "xml", ".jsonld": "json-ld"}


def rdf_terms(path: Path) -> tuple[set[str], dict[str, set[str]]] | None:
    """IRIs and rdfs:labels of an RDF file, parsed exactly; None where rdflib can't read it."""
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        return None
    try:
        from rdflib import Graph, URIRef
        from rdflib.namespace import RDFS
        g = Graph()
        g.parse(path, format=fmt)
    except Exception:
        return None
    iris = {str(t) for triple in g for t in triple if isinstance(t, URIRef)}
    labels: dict[str, set[str]] = {}
    for s, o in g.subject_objects(RDFS.label):
        labels.setdefault(str(s), set()).add(str(o))
    return iris, labels


def curie_of(iri: str) -> str | None:
    if iri.startswith(OBO):
        local = iri[len(OBO):]
        prefix = local.split("_", 1)[0]
        if prefix in PREFIXES and "_" in local:
            return local.replace("_", ":", 1)
    m = HGNC_RE.search(iri)
    if m:
        return f"HGNC:{m.group(1) or m.group(2)}"
    return None


def main(argv: list[str]) -> int:
    reference = load_reference()
    used: dict[str, set[str]] = {}
    labels: dict[str, set[tuple[str, str]]] = {}
    for path in iter_files(argv):
        parsed = rdf_terms(path)
        if parsed is not None:
            iris, file_labels = parsed
            for iri in iris:
                curie = curie_of(iri)
                if curie:
                    used.setdefault(curie, set()).add(str(path))
                    for label in file_labels.get(iri, ()):
                        labels.setdefault(curie, set()).add((label, str(path)))
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for m in IRI_RE.finditer(text):
            used.setdefault(m.group(1).replace("_", ":", 1), set()).add(str(path))
        if path.suffix.lower() in {".csv", ".tsv", ".rq", ".sparql", ".ttl"}:
            for m in CURIE_RE.finditer(text):
                used.setdefault(f"{m.group(1)}:{m.group(2)}", set()).add(str(path))
        for m in HGNC_RE.finditer(text):
            used.setdefault(f"HGNC:{m.group(1) or m.group(2)}", set()).add(str(path))
        for m in LABEL_RE.finditer(text):
            curie = m.group(1).replace("_", ":", 1)
            labels.setdefault(curie, set()).add((m.group(2), str(path)))
    upstream = load_cellxgene({c.split(":", 1)[0] for c in used})
    unverified, mismatched, deprecated = [], [], []
    for curie in sorted(used):
        ref_label = reference.get(curie)
        up = upstream.get(curie)
        if ref_label is None and up is None:
            unverified.append(curie)
            continue
        if up is not None and up.get("deprecated"):
            deprecated.append(curie)
        truth = {x for x in (ref_label, up.get("label") if up else None) if x}
        for label, where in sorted(labels.get(curie, ())):
            if label not in truth:
                mismatched.append((curie, label, sorted(truth)[0], where))
    print(f"reused terms: {len(used)}; verified: {len(used) - len(unverified)}; "
          f"unverified: {len(unverified)}; label mismatches: {len(mismatched)}; deprecated upstream: {len(deprecated)}"
          + ("" if upstream or not (CXG & {c.split(":", 1)[0] for c in used}) else "  (cellxgene-ontology-guide not installed: CL/UBERON/MONDO/ChEBI checked only against the reference table)"))
    for curie in unverified:
        print(f"  unverified  {curie}  (in {', '.join(sorted(used[curie])[:3])})")
    for curie, label, truth, where in mismatched:
        print(f"  mismatch    {curie}  '{label}' but upstream says '{truth}'  ({where})")
    for curie in deprecated:
        print(f"  deprecated  {curie}  is obsolete upstream")
    return 0 if not (unverified or mismatched or deprecated) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
