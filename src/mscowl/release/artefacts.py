"""Versioned releases: ontology base and full, knowledge graph, shapes, queries, VoID/DCAT,
HTML documentation, a diff against the previous release, checksums, and w3id redirects.

``mscowl release --version V`` writes a folder (atomically: a temporary sibling, then a rename):

- ``ontology/msc-cancer-base.{ttl,owl,jsonld}``: own axioms, imports declared, not merged
  (with ``ontology/imports/`` and ``catalog-v001.xml`` so it resolves offline);
- ``ontology/msc-cancer-full.{ttl,owl,jsonld}``: imports merged and the class hierarchy HermiT
  infers materialised;
- ``data/msc-cancer-kg.{ttl,nt,jsonld}``: the knowledge graph;
- ``shapes/``, ``queries/`` (with ``catalogue.ttl``), ``void.ttl``, ``docs/`` (HTML),
  ``release-diff.md`` and ``SHA256SUMS``.

Each ontology carries ``owl:versionIRI <https://w3id.org/mscowl/releases/V/...>`` and
``owl:versionInfo "V"``. Every serialisation is deterministic (see :mod:`mscowl.rdf.serialize`), so
the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from mscowl.errors import InputError, Origin
from mscowl.pipeline import Seeds
from mscowl.rdf.namespaces import BASE, DATA, DCTERMS, ONTOLOGY_IRI, PREFIXES, compress
from mscowl.rdf.serialize import jsonld, rdfxml, write_turtle

RELEASES: Final = BASE + "releases/"
BASE_IRI: Final = BASE + "msc-cancer-base.owl"
VOID: Final = Namespace("http://rdfs.org/ns/void#")
DCAT: Final = Namespace("http://www.w3.org/ns/dcat#")
LICENSE: Final = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: The formats every RDF artefact is written in: suffix → (media type, writer name).
FORMATS: Final = {
    ".ttl": "text/turtle",
    ".owl": "application/rdf+xml",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
}
#: Prefixes written into the JSON-LD contexts and RDF/XML declarations.
RELEASE_PREFIXES: Final = {**PREFIXES, "data": DATA}


@dataclass(frozen=True)
class ReleaseInputs:
    """What a release is made from."""

    version: str
    date: dt.date
    ontology: Path
    seeds: Path | Seeds
    shapes: Path
    queries: Path
    previous: Path | None = None
    endpoint: str | None = None


def version_iri(version: str, name: str) -> URIRef:
    return URIRef(f"{RELEASES}{version}/{name}")


def release_version(
    version: str | None, date_text: str | None, today: dt.date
) -> tuple[str, dt.date]:
    """The version and date of a release from ``--version`` and ``--date``: the version
    defaults to today, the date to the version when it is one, else to today.

    >>> release_version("1.2.0", None, dt.date(2026, 12, 1))
    ('1.2.0', datetime.date(2026, 12, 1))
    >>> release_version(None, None, dt.date(2026, 12, 1))
    ('2026-12-01', datetime.date(2026, 12, 1))
    """
    version = check_version(today.isoformat() if version is None else version)
    try:
        return version, dt.date.fromisoformat(date_text or version)
    except ValueError:
        if date_text is not None:
            raise InputError(f"found --date '{date_text}'; expected YYYY-MM-DD") from None
        return version, today


def write_release(inputs: ReleaseInputs, target: Path) -> int:
    """Check everything the release needs before its minutes of work (the folder, the previous
    release, Java for HermiT, matplotlib), make it and write it into ``target``; the number of
    files written."""
    from mscowl.ontology.reasoning import require_java
    from mscowl.outputs import check_output_folder, write_outputs
    from mscowl.pipeline import Seeds
    from mscowl.release.charts import require_matplotlib

    seeds = Seeds.of(inputs.seeds).path
    check_output_folder(target, "release", [seeds])
    if inputs.previous is not None:
        check_previous(inputs.previous)
    require_java()
    require_matplotlib()
    built = make_release(inputs)
    write_outputs(built, target, "release", [seeds])
    return len(built)


def check_version(version: str) -> str:
    """Versions are dates (2026-11-29) or semantic versions (1.2.0), usable in an IRI path."""
    import re

    if not re.fullmatch(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}|v?[0-9]+\.[0-9]+\.[0-9]+([.-][A-Za-z0-9]+)?", version
    ):
        raise InputError(
            f"found version '{version}'; expected a date (2026-11-29) or a semantic version (1.2.0)"
        )
    if re.fullmatch(r"[0-9-]{10}", version):
        try:
            dt.date.fromisoformat(version)
        except ValueError:
            raise InputError(f"found version '{version}', which is no calendar date") from None
    return version


#: The files of a release that ``release-diff.md`` compares with (see :func:`release_diff`).
DIFFED: Final = ("ontology/msc-cancer-base.ttl", "data/msc-cancer-kg.nt")


def check_previous(previous: Path) -> None:
    """Refuse, before any work, a ``--previous`` folder that is not a release."""
    for name in DIFFED:
        if not (previous / name).is_file():
            raise InputError(
                f"is not a release folder: it has no {name}; expected the folder of an "
                "earlier `mscowl release`",
                Origin(str(previous)),
            )


def _with_header(graph: Graph, old_iri: URIRef, iri: URIRef, version: str, name: str) -> Graph:
    """A copy of ``graph`` whose ontology header has the release IRIs and version."""
    out = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    for s, p, o in graph:
        if s == old_iri:
            if p in (OWL.versionIRI, OWL.versionInfo):
                continue
            s = iri
        out.add((s, p, o))
    out.add((iri, RDF.type, OWL.Ontology))
    out.add((iri, OWL.versionIRI, version_iri(version, name)))
    out.add((iri, OWL.versionInfo, Literal(version)))
    return out


def full_ontology(closure: Graph, main_iri: URIRef) -> Graph:
    """The import closure merged into one ontology, with HermiT's inferred class hierarchy
    materialised."""
    from mscowl.ontology.reasoning import run_hermit

    headers = {s for s in closure.subjects(RDF.type, OWL.Ontology) if s != main_iri}
    merged = Graph(bind_namespaces="none")
    for prefix, namespace in closure.namespaces():
        merged.bind(prefix, namespace)
    for s, p, o in closure:
        if p == OWL.imports or s in headers:
            continue
        merged.add((s, p, o))
    result = run_hermit(merged)
    if not result.consistent:
        raise InputError(f"HermiT finds the ontology inconsistent: {result.message}")
    for sub, sup in result.inferred_subclasses:
        if sub != sup:
            merged.add((URIRef(sub), RDFS.subClassOf, URIRef(sup)))
    return merged


def rdf_files(stem: str, graph: Graph) -> dict[str, bytes]:
    """Turtle, RDF/XML (.owl) and JSON-LD of an ontology."""
    return {
        f"{stem}.ttl": write_turtle(graph).encode("utf-8"),
        f"{stem}.owl": rdfxml(graph, RELEASE_PREFIXES),
        f"{stem}.jsonld": jsonld(graph, RELEASE_PREFIXES),
    }


def make_release(inputs: ReleaseInputs) -> dict[str, bytes]:
    """Every file of the release, by relative path."""
    from mscowl.ontology.load import load_ontology
    from mscowl.seeds.graph import build_knowledge_graph
    from mscowl.sparql.catalogue import catalogue_graph
    from mscowl.sparql.local import store_of
    from mscowl.sparql.saved import catalogue
    from mscowl.validation.run import parse_files, shape_files

    version = check_version(inputs.version)
    loaded = load_ontology(inputs.ontology)
    main_iri = loaded.iri or URIRef(ONTOLOGY_IRI)
    files: dict[str, bytes] = {}

    base = _with_header(loaded.main, main_iri, URIRef(BASE_IRI), version, "msc-cancer-base.owl")
    files |= {f"ontology/{k}": v for k, v in rdf_files("msc-cancer-base", base).items()}
    ontology_dir = inputs.ontology.parent
    for module in sorted((ontology_dir / "imports").glob("*_import.ttl")):
        files[f"ontology/imports/{module.name}"] = module.read_bytes()
    catalog = ontology_dir / "catalog-v001.xml"
    if catalog.is_file():
        files["ontology/catalog-v001.xml"] = catalog.read_bytes()

    merged = full_ontology(loaded.closure, main_iri)
    full = _with_header(merged, main_iri, main_iri, version, "msc-cancer.owl")
    files |= {f"ontology/{k}": v for k, v in rdf_files("msc-cancer-full", full).items()}

    knowledge = build_knowledge_graph(inputs.seeds, ontology=inputs.ontology)
    kg = knowledge.graph()
    files["data/msc-cancer-kg.ttl"] = write_turtle(kg).encode("utf-8")
    files["data/msc-cancer-kg.nt"] = knowledge.ntriples()  # the same bytes as `mscowl build`
    files["data/msc-cancer-kg.jsonld"] = jsonld(kg, RELEASE_PREFIXES)

    shapes = parse_files(shape_files([inputs.shapes]), "shapes")
    for path in shape_files([inputs.shapes]):
        files[f"shapes/{path.name}"] = path.read_bytes()
    queries = catalogue(inputs.queries)
    for query in queries.values():
        assert query.path is not None
        files[f"queries/{query.path.name}"] = query.path.read_bytes()
    files["queries/catalogue.ttl"] = write_turtle(catalogue_graph(queries.values())).encode()

    files["void.ttl"] = write_turtle(
        void_description(kg, version, inputs.date, inputs.endpoint)
    ).encode("utf-8")

    from mscowl.release.charts import chart_data, draw_svg
    from mscowl.release.docs import documentation

    store = store_of([kg, loaded.closure])
    charts = draw_svg(chart_data(store, queries))
    files |= documentation(full, loaded.main, kg, shapes, queries, store, charts, version)

    previous = inputs.previous
    files["release-diff.md"] = release_diff(base, kg, previous, version).encode("utf-8")
    files["w3id/.htaccess"] = htaccess(version).encode("utf-8")
    files["SHA256SUMS"] = checksums(files)
    return files


def checksums(files: dict[str, bytes]) -> bytes:
    """``sha256sum``-compatible lines for every file, sorted by path."""
    return "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ).encode("utf-8")


# --------------------------------------------------------------------------------------------
# VoID / DCAT


def void_description(kg: Graph, version: str, date: dt.date, endpoint: str | None) -> Graph:
    """A VoID and DCAT description of the knowledge graph of this release."""
    base = f"{RELEASES}{version}/"
    dataset = URIRef(base + "void.ttl#dataset")
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in (
        ("void", VOID),
        ("dcat", DCAT),
        ("dcterms", DCTERMS),
        ("xsd", XSD),
        ("owl", OWL),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("MSCO", PREFIXES["MSCO"]),
        ("data", DATA),
    ):
        graph.bind(prefix, namespace)
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal("MSC-cancer knowledge graph", lang="en")))
    add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Curated facts on mesenchymal stem/stromal cells (MSCs) in cancer therapy: tissue "
                "sources, lineages, marker panels, mechanisms, pathways, strategies, products and "
                "clinical trials, each with its source and evidence code. Built from the review by "
                "Lan, Luo and Wei (J Hematol Oncol 2021;14:195) and the sources it names.",
                lang="en",
            ),
        )
    )
    add((dataset, DCTERMS.license, LICENSE))
    add((dataset, DCTERMS.source, URIRef("https://doi.org/10.1186/s13045-021-01208-w")))
    add((dataset, DCTERMS.issued, Literal(date.isoformat(), datatype=XSD.date)))
    add((dataset, OWL.versionInfo, Literal(version)))
    add((dataset, DCAT.version, Literal(version)))
    add((dataset, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    add((dataset, VOID.uriSpace, Literal(DATA)))
    add((dataset, VOID.triples, Literal(len(kg), datatype=XSD.integer)))
    subjects = set(kg.subjects())
    add((dataset, VOID.entities, Literal(len(subjects), datatype=XSD.integer)))
    classes = Counter(o for s, o in kg.subject_objects(RDF.type) if isinstance(o, URIRef))
    for cls, count in sorted(classes.items()):
        partition = URIRef(
            f"{base}void.ttl#class-{(compress(str(cls)) or str(cls)).replace(':', '_')}"
        )
        add((dataset, VOID.classPartition, partition))
        add((partition, VOID["class"], cls))
        add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for example in ("trial/NCT03298763", "product/celyvir", "mechanism/ccl5-breast-metastasis"):
        if (URIRef(DATA + example), None, None) in kg:
            add((dataset, VOID.exampleResource, URIRef(DATA + example)))
    if endpoint:
        add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    for suffix in (".nt", ".ttl", ".jsonld"):
        url = URIRef(f"{base}data/msc-cancer-kg{suffix}")
        add((dataset, VOID.dataDump, url))
        distribution = URIRef(f"{base}void.ttl#distribution-{suffix[1:]}")
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCAT.downloadURL, url))
        add((distribution, DCAT.mediaType, Literal(FORMATS[suffix])))
        add((distribution, DCTERMS.license, LICENSE))
    return graph


# --------------------------------------------------------------------------------------------
# Release diff


def release_diff(base: Graph, kg: Graph, previous: Path | None, version: str) -> str:
    """Markdown: what changed in the ontology terms and the knowledge graph since ``previous``."""
    lines = [f"# Changes in release {version}", ""]
    if previous is None:
        lines += ["First release: no previous release to compare with.", ""]
        return "\n".join(lines)
    check_previous(previous)
    old_base = Graph().parse(previous / DIFFED[0])
    old_kg = Graph().parse(previous / DIFFED[1], format="nt")
    lines += [f"Compared with the release in `{previous.name}`.", "", "## Ontology", ""]
    lines += _term_changes(old_base, base)
    lines += ["", "## Knowledge graph", ""]
    lines += _kg_changes(old_kg, kg)
    return "\n".join(lines) + "\n"


def _terms(graph: Graph) -> dict[Node, tuple[str, str, str]]:
    kinds = {
        OWL.Class: "class",
        OWL.ObjectProperty: "object property",
        OWL.DatatypeProperty: "data property",
        OWL.AnnotationProperty: "annotation property",
        OWL.NamedIndividual: "individual",
    }
    terms: dict[Node, tuple[str, str, str]] = {}
    definition = URIRef(PREFIXES["IAO"] + "0000115")
    for kind, name in kinds.items():
        for term in graph.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and str(term).startswith(PREFIXES["MSCO"]):
                terms[term] = (
                    name,
                    str(graph.value(term, RDFS.label) or ""),
                    str(graph.value(term, definition) or ""),
                )
    return terms


def _term_changes(old: Graph, new: Graph) -> list[str]:
    before, after = _terms(old), _terms(new)

    def name(term: Node, info: tuple[str, str, str]) -> str:
        return f"`{compress(str(term))}` {info[1]} ({info[0]})"

    added = [name(t, after[t]) for t in sorted(set(after) - set(before), key=str)]
    removed = [name(t, before[t]) for t in sorted(set(before) - set(after), key=str)]
    relabelled = [
        f"`{compress(str(t))}`: '{before[t][1]}' → '{after[t][1]}'"
        for t in sorted(set(before) & set(after), key=str)
        if before[t][1] != after[t][1]
    ]
    redefined = [
        name(t, after[t])
        for t in sorted(set(before) & set(after), key=str)
        if before[t][2] != after[t][2]
    ]
    lines = []
    for title, items in (
        ("Added", added),
        ("Removed", removed),
        ("Relabelled", relabelled),
        ("Redefined", redefined),
    ):
        lines.append(f"### {title} ({len(items)})")
        lines.append("")
        lines += [f"- {item}" for item in items] or ["- none"]
        lines.append("")
    return lines


def _kg_changes(old: Graph, new: Graph) -> list[str]:
    old_triples, new_triples = set(old), set(new)
    added, removed = new_triples - old_triples, old_triples - new_triples

    def per_class(triples: Iterable[tuple[Node, Node, Node]], graph: Graph) -> Counter[str]:
        counts: Counter[str] = Counter()
        for s, _, _ in triples:
            types = sorted(
                compress(str(t)) or str(t)
                for t in graph.objects(s, RDF.type)
                if str(t).startswith(PREFIXES["MSCO"])
            )
            counts[types[0] if types else "(untyped)"] += 1
        return counts

    plus, minus = per_class(added, new), per_class(removed, old)
    lines = [
        f"{len(added)} triples added, {len(removed)} removed "
        f"({len(old_triples)} → {len(new_triples)}).",
        "",
        "| class of the subject | added | removed |",
        "|---|---|---|",
    ]
    for cls in sorted(set(plus) | set(minus)):
        lines.append(f"| `{cls}` | {plus.get(cls, 0)} | {minus.get(cls, 0)} |")
    return lines


# --------------------------------------------------------------------------------------------
# w3id content negotiation


def htaccess(version: str, prefix: str = "/mscowl") -> str:
    """Apache rules for the w3id namespace: HTML for browsers, Turtle, RDF/XML or JSON-LD by
    Accept header, for the ontology IRI, term IRIs, data IRIs and versioned release paths.

    ``prefix`` is the path of the namespace on the server (``/mscowl`` on w3id.org); releases
    are served from ``<prefix>/releases/<version>/`` and ``latest`` is ``version``.
    """
    p = prefix.rstrip("/")
    rel = f"{p}/releases"
    latest = f"{rel}/{version}/ontology"
    each = f"{rel}/$1/ontology"
    term = "^(msc-cancer\\.owl|MSCO_[0-9]{7})$"
    base = "^releases/([^/]+)/msc-cancer-base\\.owl$"
    full = "^releases/([^/]+)/msc-cancer\\.owl$"
    json = "application/ld\\+json"
    return f"""# Content negotiation for https://w3id.org/mscowl/ (generated by `mscowl release`).
# Latest release: {version}
Options -MultiViews
AddType text/turtle .ttl
AddType application/rdf+xml .owl
AddType application/n-triples .nt
AddType application/ld+json .jsonld
AddType text/html .html
AddCharset utf-8 .ttl .nt .jsonld .html

RewriteEngine on

# The latest release is an alias of {version}.
RewriteRule ^releases/latest/(.*)$ {rel}/{version}/$1 [R=302,L]

# Version IRIs: releases/V/msc-cancer.owl and releases/V/msc-cancer-base.owl.
RewriteCond %{{HTTP_ACCEPT}} text/html
RewriteRule ^releases/([^/]+)/msc-cancer(-base)?\\.owl$ {rel}/$1/docs/index.html [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule {full} {each}/msc-cancer-full.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} {json}
RewriteRule {full} {each}/msc-cancer-full.jsonld [R=303,L]
RewriteRule {full} {each}/msc-cancer-full.owl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule {base} {each}/msc-cancer-base.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} {json}
RewriteRule {base} {each}/msc-cancer-base.jsonld [R=303,L]
RewriteRule {base} {each}/msc-cancer-base.owl [R=303,L]

# The ontology IRI and term IRIs (MSCO_NNNNNNN): documentation or the latest full ontology.
RewriteCond %{{HTTP_ACCEPT}} text/html
RewriteRule ^msc-cancer\\.owl$ {rel}/{version}/docs/index.html [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} text/html
RewriteRule ^(MSCO_[0-9]{{7}})$ {rel}/{version}/docs/ontology.html#$1 [R=303,NE,L]
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule {term} {latest}/msc-cancer-full.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} {json}
RewriteRule {term} {latest}/msc-cancer-full.jsonld [R=303,L]
RewriteRule {term} {latest}/msc-cancer-full.owl [R=303,L]

# Knowledge-graph IRIs (data/<kind>/<id>): documentation or the latest dump.
RewriteCond %{{HTTP_ACCEPT}} text/html
RewriteRule ^data/.+$ {rel}/{version}/docs/index.html [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} {json}
RewriteRule ^data/.+$ {rel}/{version}/data/msc-cancer-kg.jsonld [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/n-triples
RewriteRule ^data/.+$ {rel}/{version}/data/msc-cancer-kg.nt [R=303,L]
RewriteRule ^data/.+$ {rel}/{version}/data/msc-cancer-kg.ttl [R=303,L]
"""
