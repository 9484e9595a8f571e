"""HTML documentation of a release: the ontology, the shapes, the query catalogue with answers,
and the charts. Plain, self-contained pages (no JavaScript framework, no network), written in a
stable order so the same release gives the same bytes.

Every term of the ontology has an anchor named after its local name (``#MSCO_0000811``), which
the w3id redirects use for term IRIs requested by a browser.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from html import escape
from typing import Final

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mscowl.rdf.namespaces import DEFINITION, PREFIXES, SH, compress, is_own
from mscowl.sparql.local import LocalStore
from mscowl.sparql.results import cell_text
from mscowl.sparql.saved import SavedQuery
from mscowl.validation.report import labels as names_of

SYNONYMS: Final = [
    URIRef(PREFIXES["oboInOwl"] + n)
    for n in ("hasExactSynonym", "hasRelatedSynonym", "hasNarrowSynonym", "hasBroadSynonym")
]
STYLE: Final = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #1d2430; }
nav a { margin-right: 1rem; } table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #ccd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f6; } code, pre { background: #f5f6f8; }
pre { padding: .6rem; overflow-x: auto; } ul.tree { list-style: none; padding-left: 1.2rem; }
.muted { color: #667; } figure { margin: 1rem 0; }
.scroll { overflow-x: auto; max-width: 100%; } .scroll table { width: auto; min-width: 100%; }
td { overflow-wrap: anywhere; max-width: 28rem; }
"""
PAGES: Final = (
    ("index.html", "Overview"),
    ("ontology.html", "Ontology"),
    ("shapes.html", "Shapes"),
    ("queries.html", "Queries"),
)


def _page(title: str, version: str, body: str) -> bytes:
    nav = " ".join(f'<a href="{href}">{escape(name)}</a>' for href, name in PAGES)
    html = (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} · MSC-cancer {escape(version)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<nav>{nav}</nav>\n"
        f"<h1>{escape(title)}</h1>\n{body}\n</body>\n</html>\n"
    )
    return html.encode("utf-8")


def _name(node: Node, labels: Mapping[Node, str]) -> str:
    short = compress(str(node)) or str(node)
    label = labels.get(node)
    return (
        f"{escape(label)} <code>{escape(short)}</code>"
        if label
        else f"<code>{escape(short)}</code>"
    )


def _anchor(node: Node) -> str:
    return str(node).rsplit("/", 1)[-1]


def _link(node: Node, labels: Mapping[Node, str]) -> str:
    if is_own(str(node)):
        return f'<a href="ontology.html#{_anchor(node)}">{_name(node, labels)}</a>'
    return f'<a href="{escape(str(node))}">{_name(node, labels)}</a>'


def documentation(
    full: Graph,
    main: Graph,
    kg: Graph,
    shapes: Graph,
    queries: Mapping[str, SavedQuery],
    store: LocalStore,
    charts: Mapping[str, bytes],
    version: str,
) -> dict[str, bytes]:
    """The pages and images, by path under ``docs/``."""
    labels = names_of(full, kg, shapes)
    files = {f"docs/img/{name}": data for name, data in sorted(charts.items())}
    files["docs/index.html"] = _index(full, kg, charts, version)
    files["docs/ontology.html"] = _ontology(full, main, kg, labels, version)
    files["docs/shapes.html"] = _shapes(shapes, labels, version)
    files["docs/queries.html"] = _queries(queries, store, version)
    return files


def _index(full: Graph, kg: Graph, charts: Mapping[str, bytes], version: str) -> bytes:
    own = sorted({str(s) for s in full.subjects(RDF.type, OWL.Class) if is_own(str(s))})
    figures = "\n".join(
        f'<figure><img src="img/{escape(name)}" alt="{escape(name[:-4].replace("-", " "))}" '
        f'width="640"><figcaption>{escape(name[:-4].replace("-", " "))}</figcaption></figure>'
        for name in sorted(charts)
    )
    body = f"""
<section id="about">
<p>The MSC-cancer ontology and knowledge graph describe mesenchymal stem/stromal cells (MSCs) in
cancer therapy, following the review by Lan, Luo and Wei (J Hematol Oncol 2021;14:195,
<a href="https://doi.org/10.1186/s13045-021-01208-w">doi:10.1186/s13045-021-01208-w</a>).
Release <strong>{escape(version)}</strong>: {len(own)} own classes, {len(kg)} knowledge-graph
triples. Licence: <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>
<ul>
<li><a href="ontology.html">Ontology</a>: hierarchy and terms</li>
<li><a href="shapes.html">SHACL shapes</a>: what valid data looks like</li>
<li><a href="queries.html">Saved queries</a>: the questions and their current answers</li>
<li>Downloads: <a href="../ontology/msc-cancer-full.owl">full ontology</a>,
<a href="../ontology/msc-cancer-base.owl">base ontology</a>,
<a href="../data/msc-cancer-kg.ttl">knowledge graph</a>, <a href="../void.ttl">VoID</a>,
<a href="../release-diff.md">changes</a>, <a href="../SHA256SUMS">checksums</a></li>
</ul>
</section>
<section id="charts">
<h2>Charts</h2>
{figures}
</section>
<script>
window.addEventListener("load", function () {{
  var images = Array.prototype.slice.call(document.images);
  document.body.setAttribute("data-images", images.length);
  document.body.setAttribute("data-images-rendered",
    images.filter(function (i) {{ return i.complete && i.naturalWidth > 0; }}).length);
}});
</script>"""
    return _page("MSC-cancer ontology and knowledge graph", version, body)


def _ontology(
    full: Graph, main: Graph, kg: Graph, labels: Mapping[Node, str], version: str
) -> bytes:
    classes = {s for s in full.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    parents: dict[Node, set[Node]] = {c: set() for c in classes}
    for child, parent in full.subject_objects(RDFS.subClassOf):
        if child in parents and isinstance(parent, URIRef):
            parents[child].add(parent)
    children: dict[Node, set[Node]] = {}
    for child, ps in parents.items():
        for parent in ps:
            children.setdefault(parent, set()).add(child)
    own = sorted(c for c in classes if is_own(str(c)))
    roots = sorted(
        {p for c in own for p in parents[c] if not is_own(str(p))},
        key=lambda n: labels.get(n, str(n)).lower(),
    )

    def tree(node: Node, depth: int) -> str:
        below = sorted(
            (c for c in children.get(node, ()) if is_own(str(c))),
            key=lambda n: labels.get(n, str(n)).lower(),
        )
        if not below or depth > 8:
            return ""
        items = "".join(f"<li>{_link(c, labels)}{tree(c, depth + 1)}</li>" for c in below)
        return f'<ul class="tree">{items}</ul>'

    hierarchy = "".join(f"<li>{_link(r, labels)}{tree(r, 0)}</li>" for r in roots)
    usage = Counter(o for _, _, o in kg if isinstance(o, URIRef))
    rows = []
    own_terms = sorted(
        s
        for s in main.subjects()
        if isinstance(s, URIRef) and is_own(str(s)) and (s, RDFS.label, None) in main
    )
    for term in own_terms:
        definition = escape(str(full.value(term, DEFINITION) or ""))
        synonyms = ", ".join(
            sorted(escape(str(o)) for p in SYNONYMS for o in full.objects(term, p))
        )
        supers = ", ".join(_link(p, labels) for p in sorted(parents.get(term, ()), key=str))
        rows.append(
            f'<tr id="{_anchor(term)}"><td>{escape(labels.get(term, ""))}<br>'
            f"<code>{escape(compress(str(term)) or str(term))}</code></td>"
            f"<td>{definition}</td><td>{synonyms}</td><td>{supers}</td>"
            f"<td>{usage.get(term, 0)}</td></tr>"
        )
    imported = sorted(c for c in classes if not is_own(str(c)))
    imported_rows = "".join(
        f"<tr><td>{_link(c, labels)}</td><td>{escape(str(full.value(c, DEFINITION) or ''))}</td>"
        f"<td>{usage.get(c, 0)}</td></tr>"
        for c in imported
    )
    body = f"""
<section id="hierarchy"><h2>Class hierarchy (own classes under their reused parents)</h2>
<ul class="tree">{hierarchy}</ul></section>
<section id="terms"><h2>Own terms ({len(own_terms)})</h2>
<table><tr><th>label</th><th>definition</th><th>synonyms</th><th>is a</th>
<th>uses in the knowledge graph</th></tr>
{"".join(rows)}</table></section>
<section id="imported"><h2>Reused terms ({len(imported)})</h2>
<p class="muted">Each links to its upstream IRI.</p>
<table><tr><th>term</th><th>definition</th><th>uses</th></tr>{imported_rows}</table></section>"""
    return _page("Ontology", version, body)


def _shapes(shapes: Graph, labels: Mapping[Node, str], version: str) -> bytes:
    sections = []
    targeted = [
        s for s in shapes.subjects(RDF.type, SH.NodeShape) if (s, SH.targetClass, None) in shapes
    ]
    for shape in sorted(targeted, key=str):
        targets = ", ".join(
            _link(t, labels) for t in sorted(shapes.objects(shape, SH.targetClass), key=str)
        )
        rows = []
        for prop in sorted(
            shapes.objects(shape, SH.property),
            key=lambda p: (str(shapes.value(p, SH.path)), str(shapes.value(p, SH.message))),
        ):
            path = shapes.value(prop, SH.path)
            severity = str(shapes.value(prop, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
            rules = ", ".join(
                f"{escape(str(p).rsplit('#', 1)[-1])} {_value(shapes, o)}"
                for p, o in sorted(shapes.predicate_objects(prop))
                if str(p).startswith(str(SH)) and p not in (SH.path, SH.message, SH.severity)
            )
            rows.append(
                f"<tr><td>{_name(path, labels) if isinstance(path, URIRef) else 'complex path'}"
                f"</td><td>{rules}</td><td>{severity}</td>"
                f"<td>{escape(str(shapes.value(prop, SH.message) or ''))}</td></tr>"
            )
        for constraint in sorted(
            shapes.objects(shape, SH.sparql), key=lambda c: str(shapes.value(c, SH.message))
        ):
            severity = str(shapes.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
            rows.append(
                f"<tr><td>(SPARQL rule)</td><td><pre>"
                f"{escape(str(shapes.value(constraint, SH.select) or '').strip())}</pre></td>"
                f"<td>{severity}</td>"
                f"<td>{escape(str(shapes.value(constraint, SH.message) or ''))}</td></tr>"
            )
        title = escape(str(shapes.value(shape, RDFS.label) or shape))
        sections.append(
            f'<section id="{_anchor(shape)}"><h2>{title}</h2><p>Applies to: {targets}</p>'
            "<table><tr><th>property</th><th>rule</th><th>severity</th><th>message</th></tr>"
            f"{''.join(rows)}</table></section>"
        )
    return _page("SHACL shapes", version, "\n".join(sections))


def _value(shapes: Graph, node: Node) -> str:
    """A constraint parameter as text: a term, or the members of an RDF list (sh:in, sh:or)."""
    if isinstance(node, URIRef | Literal):
        return escape(cell_text(node))
    members = list(Collection(shapes, node)) if (node, RDF.first, None) in shapes else []
    if members:
        return "(" + " ".join(_value(shapes, m) for m in members) + ")"
    return "[…]"


def count(number: int, noun: str) -> str:
    """A number with its noun, singular or plural.

    >>> count(1, "row"), count(0, "row"), count(3, "more row")
    ('1 row', '0 rows', '3 more rows')
    """
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _queries(queries: Mapping[str, SavedQuery], store: LocalStore, version: str) -> bytes:
    sections = []
    for name, query in sorted(queries.items()):
        example = query.examples[0]
        table = store.select(query.bind(example))
        head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>"
            for row in table.text_rows()[:50]
        )
        more = (
            f'<p class="muted">{count(len(table.rows) - 50, "more row")}.</p>'
            if len(table.rows) > 50
            else ""
        )
        params = "".join(
            f"<li><code>{escape(p.name)}</code> ({escape(p.type)}"
            f"{', required' if p.required else ''}): {escape(p.description)}"
            f" e.g. <code>{escape(p.example or '')}</code></li>"
            for p in query.params
        )
        given = ", ".join(f"{k}={v}" for k, v in example.items()) or "no parameters"
        sections.append(
            f'<section id="{escape(name)}"><h2>{escape(query.title)}</h2>'
            f"<p>{escape(query.summary)}</p>"
            + (f"<ul>{params}</ul>" if params else "")
            + f"<details><summary>SPARQL (<code>queries/{escape(name)}.rq</code>)</summary>"
            f"<pre>{escape(query.text)}</pre></details>"
            f"<p>Answer with {escape(given)} ({count(len(table.rows), 'row')}):</p>"
            f'<div class="scroll"><table><tr>{head}</tr>{rows}</table></div>{more}</section>'
        )
    return _page("Saved queries", version, "\n".join(sections))
