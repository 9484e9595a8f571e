"""Generate the import modules (MIREOT style) from a term list and the verified sources.

``ontology/imports/terms.tsv`` lists every reused term with the is_a parent it should show under
and, for object properties, the RO/BFO characteristics carried along. :func:`generate_imports`
looks each term up in the verified sources (:mod:`mscowl.ontology.registry`), refuses anything
unverified,
deprecated or with a parent that is not an ancestor upstream, and writes one Turtle module per
source (``cl_import.ttl``, ``uberon_import.ttl``, ...) plus ``catalog-v001.xml``, so that Protégé
and the OWL API resolve every ``owl:imports`` offline.

Every term in a module carries its label and definition exactly as upstream, its parents, the
ontology it was imported from (IAO:0000412) and the release it was read from (dcterms:source).
Imports keep the upstream hierarchy between the imported terms, as ROBOT's BOT extracts do:

* CL terms carry CL's own logical definitions (``imports/cl-logical-definitions.tsv``, read
  from cl-edit.owl) where every term they use is imported;
* CL and MONDO terms bring their whole ancestor closure from the shipped releases (within CL
  the release's ancestors are its is_a closure; CL asserts part_of between two cell types once,
  CL:0002453 to CL:0000125, not among these terms);
* UBERON terms bring the is_a and part_of edges of ``imports/upstream-edges.tsv``, read from
  UBERON's own files, because the shipped release mixes is_a and part_of in one ancestor list;
* other terms (GO, NCIt, OBI, PR ...) keep the parent that ``terms.tsv`` gives, checked against the
  upstream ancestors where a release ships them.

Proteins are Protein Ontology (PR) terms where one is verified, else UniProtKB entries, which are
labelled with their HGNC gene symbol (``imports/gene-names.tsv``), not
with the UniProtKB entry name (5NTD_HUMAN), which is an identifier rather than a name.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef

from mscowl.errors import CheckFailedError, InputError, Origin
from mscowl.ontology.registry import TermRegistry, VerifiedTerm
from mscowl.rdf.namespaces import (
    COMPONENTS_BASE,
    DCTERMS,
    DEFINITION,
    IMPORTED_FROM,
    IMPORTS_BASE,
    OBO,
    OBOINOWL,
    PREFIXES,
    expand,
)
from mscowl.rdf.serialize import write_turtle

#: Prefixes whose releases give a whole is_a closure that the import should carry.
CLOSURE_PREFIXES = frozenset({"CL", "MONDO"})

#: Upstream edges for the sources whose shipped release does not tell is_a from part_of.
EDGES_NAME = "upstream-edges.tsv"
#: HGNC gene symbols and names of the UniProtKB entries.
GENE_NAMES_NAME = "gene-names.tsv"
#: CL's own logical definitions of imported CL terms (genus and one restriction).
DEFINITIONS_NAME = "cl-logical-definitions.tsv"
PART_OF = "BFO:0000050"

#: Ontology IRI of each source, for IAO:0000412 "imported from".
SOURCE_ONTOLOGY: dict[str, str] = {
    "BFO": OBO + "bfo.owl",
    "CHEBI": OBO + "chebi.owl",
    "CL": OBO + "cl.owl",
    "ECO": OBO + "eco.owl",
    "GO": OBO + "go.owl",
    "IAO": OBO + "iao.owl",
    "MONDO": OBO + "mondo.owl",
    "NCIT": OBO + "ncit.owl",
    "OBI": OBO + "obi.owl",
    "PR": OBO + "pr.owl",
    "RO": OBO + "ro.owl",
    "UBERON": OBO + "uberon.owl",
    "UniProtKB": "http://purl.uniprot.org/core/",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl",
}

CATALOG_NAME = "catalog-v001.xml"

#: What a module's header says about the hierarchy it holds, where that has a limit.
MODULE_NOTES: dict[str, str] = {
    "cl": (
        "Superclasses: the is_a ancestors of each term in the shipped CL release, up to "
        "CL:0000000. Logical definitions: CL's own equivalence axioms (cl-edit.owl) of the terms "
        "whose every term is imported, from imports/cl-logical-definitions.tsv; the others use "
        "GO, PATO or PR terms and RO relations outside the imports and are not carried."
    ),
    "mondo": "Superclasses: the is_a ancestors of each term in the shipped MONDO release.",
    "uberon": (
        "Superclasses and part_of wholes: the edges of imports/upstream-edges.tsv, read from "
        "UBERON's efo-slim; a chain stops where that file has no further edge, and a term with "
        "no is_a edge there shows under UBERON:0001062 (true upstream, but not its direct parent)."
    ),
    "go": (
        "Superclasses: the parent terms.tsv gives, which is an ancestor upstream but not always "
        "the direct parent; no GO release is shipped offline to read the full chain from."
    ),
    "pr": (
        "Superclasses: ChEBI 'protein' (CHEBI:36080), as for the UniProtKB entries. PR's own "
        "parents (PR:000000001 'protein' and its family classes, in CL's pr_import.obo) are not "
        "among the verified terms, so the chain to PR's root is not carried."
    ),
    "uniprot": (
        "Labels: the HGNC gene symbol of each entry (imports/gene-names.tsv); the UniProtKB "
        "entry name (such as 5NTD_HUMAN) is an identifier, not a label."
    ),
}


@dataclass
class TermRequest:
    """One row of the term list."""

    curie: str
    parent: str | None
    characteristics: list[str]
    origin: Origin


@dataclass
class PlannedTerm:
    """One term of a module: its verified record, the parents it shows under, the wholes it is
    part of upstream and, for object properties, the characteristics carried along."""

    term: VerifiedTerm
    parents: list[str]
    characteristics: list[str] = field(default_factory=list)
    part_of: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What will be written: terms per module."""

    modules: dict[str, dict[str, PlannedTerm]] = field(default_factory=lambda: defaultdict(dict))


@dataclass(frozen=True)
class GeneName:
    """The HGNC approved symbol and name of a UniProtKB entry's gene."""

    symbol: str
    name: str


def _read_tsv(path: Path, header: list[str]) -> list[tuple[int, list[str]]]:
    """Rows of a small TSV with ``#`` comments, each with its line number; the header is checked."""
    if not path.is_file():
        raise InputError(f"{path.name} not found", Origin(str(path)))
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [(n, line) for n, line in enumerate(lines, start=1) if not line.startswith("#")]
    if not body or body[0][1].split("\t") != header:
        raise InputError(f"header must be {chr(9).join(header)!r}", Origin(str(path)))
    rows = []
    for n, line in body[1:]:
        cells = line.split("\t")
        if len(cells) != len(header):
            raise InputError(
                f"expected {len(header)} tab-separated cells, found {len(cells)}",
                Origin(str(path), row=n),
            )
        rows.append((n, cells))
    return rows


def read_upstream_edges(path: Path) -> dict[str, list[tuple[str, str]]]:
    """child CURIE → [(relation, parent CURIE)], relation ``is_a`` or ``part_of``."""
    edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for n, (child, relation, parent) in _read_tsv(path, ["child", "relation", "parent"]):
        if relation not in ("is_a", "part_of"):
            raise InputError(
                f"relation is {relation!r}, expected is_a or part_of", Origin(str(path), row=n)
            )
        edges[child].append((relation, parent))
    return edges


def read_gene_names(path: Path) -> dict[str, GeneName]:
    """UniProtKB CURIE → its gene's HGNC symbol and name."""
    return {
        uniprot: GeneName(symbol, name)
        for _, (uniprot, symbol, name) in _read_tsv(path, ["uniprot", "symbol", "name"])
    }


@dataclass(frozen=True)
class LogicalDefinition:
    """An upstream equivalence axiom: ``curie`` is ``genus and (property some filler)``."""

    genus: str
    property: str
    filler: str
    origin: Origin


def read_logical_definitions(path: Path) -> dict[str, LogicalDefinition]:
    """CURIE → its upstream logical definition, each remembering its line."""
    header = ["curie", "genus", "property", "filler"]
    return {
        curie: LogicalDefinition(genus, prop, filler, Origin(str(path), row=n))
        for n, (curie, genus, prop, filler) in _read_tsv(path, header)
    }


def check_logical_definitions(definitions: dict[str, LogicalDefinition], plan: ImportPlan) -> None:
    """Every term of every logical definition must be imported: an axiom about terms the
    modules do not hold would change what the reasoner infers from terms nobody can see."""
    imported = {curie for terms in plan.modules.values() for curie in terms}
    problems = [
        f"{d.origin}: {term} is not imported"
        for curie, d in definitions.items()
        for term in (curie, d.genus, d.property, d.filler)
        if term not in imported
    ]
    if problems:
        raise CheckFailedError("logical definitions have problems:\n  " + "\n  ".join(problems))


def relabelled(ontology_dir: Path) -> dict[str, set[str]]:
    """CURIE → the label its import module shows instead of the upstream one: the HGNC gene
    symbol of each UniProtKB entry. Checks of labels against upstream accept these."""
    path = ontology_dir / "imports" / GENE_NAMES_NAME
    if not path.is_file():
        return {}
    return {curie: {gene.symbol} for curie, gene in read_gene_names(path).items()}


def module_iri(name: str) -> str:
    return f"{IMPORTS_BASE}{name}_import.owl"


def read_term_list(path: Path) -> list[TermRequest]:
    """Read the term list, skipping ``#`` comment lines; each row remembers its line number."""
    if not path.is_file():
        raise InputError("term list not found", Origin(str(path)))
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [(n, line) for n, line in enumerate(lines, start=1) if not line.startswith("#")]
    if not body:
        raise InputError("term list is empty", Origin(str(path)))
    header_no, header = body[0]
    if header.split("\t")[:2] != ["curie", "parent"]:
        raise InputError(
            f"header is {header!r}, expected 'curie<TAB>parent<TAB>characteristics'",
            Origin(str(path), row=header_no),
        )
    requests = []
    for (n, _), row in zip(
        body[1:], csv.reader([b for _, b in body[1:]], delimiter="\t"), strict=True
    ):
        cells = [*row, "", ""]
        requests.append(
            TermRequest(
                curie=cells[0].strip(),
                parent=cells[1].strip() or None,
                characteristics=[c.strip() for c in cells[2].split(";") if c.strip()],
                origin=Origin(str(path), row=n),
            )
        )
    return requests


def module_name(term: VerifiedTerm) -> str:
    """Module a term goes into: one per source for classes, shared ones for properties."""
    if term.kind == "object_property":
        return "ro"
    if term.kind == "annotation_property":
        return "annotations"
    prefix = term.curie.split(":", 1)[0]
    return "uniprot" if prefix == "UniProtKB" else prefix.lower()


def plan_imports(
    requests: list[TermRequest],
    registry: TermRegistry,
    edges: dict[str, list[tuple[str, str]]] | None = None,
    gene_names: dict[str, GeneName] | None = None,
) -> ImportPlan:
    """Check every request against the verified sources and decide what each module holds.

    All problems are collected and raised together as one :class:`CheckFailedError`.
    """
    edges = edges or {}
    gene_names = gene_names if gene_names is not None else {}
    problems: list[str] = []
    listed = {r.curie for r in requests}
    plan = ImportPlan()
    seen: set[str] = set()
    for request in requests:
        if request.curie in seen:
            problems.append(f"{request.origin}: {request.curie} is listed twice")
            continue
        seen.add(request.curie)
        term = registry.lookup(request.curie)
        if term is None:
            problems.append(f"{request.origin}: {request.curie} is in no verified source")
            continue
        if term.deprecated:
            problems.append(f"{request.origin}: {request.curie} is deprecated upstream")
            continue
        prefix = request.curie.split(":")[0]
        if prefix == "UniProtKB":
            gene = gene_names.get(request.curie)
            if gene is None:
                problems.append(
                    f"{request.origin}: {request.curie} has no row in {GENE_NAMES_NAME}"
                )
            else:
                term = _named_by_gene(term, gene)
        parents: list[str] = []
        same_source_closure = prefix in CLOSURE_PREFIXES or request.curie in edges
        if request.parent:
            if request.parent not in listed:
                problems.append(
                    f"{request.origin}: parent {request.parent} of {request.curie} is not listed"
                )
            same_source = request.parent.split(":")[0] == request.curie.split(":")[0]
            if same_source and term.ancestors and request.parent not in term.ancestors:
                problems.append(
                    f"{request.origin}: {request.parent} is not an ancestor of "
                    f"{request.curie} in {term.source}"
                )
            if not (same_source and same_source_closure):
                parents.append(request.parent)
        part_of: list[str] = []
        if request.curie in edges:
            upstream_parents, part_of = _edge_parents(request.curie, edges, term, problems)
            parents.extend(upstream_parents)
            if not upstream_parents and request.parent:
                parents.append(request.parent)
            _add_edge_ancestors(request.curie, edges, registry, plan, listed, problems)
        if prefix in CLOSURE_PREFIXES:
            parents.extend(_closure_parents(term))
            for ancestor in term.ancestors:
                upstream = registry.lookup(ancestor)
                if upstream is None or upstream.deprecated:
                    problems.append(
                        f"{request.origin}: ancestor {ancestor} of {term.curie} unusable"
                    )
                    continue
                planned = plan.modules[module_name(upstream)]
                if ancestor not in listed:
                    planned[ancestor] = PlannedTerm(upstream, _closure_parents(upstream))
        plan.modules[module_name(term)][request.curie] = PlannedTerm(
            term, sorted(set(parents)), request.characteristics, sorted(set(part_of))
        )
        for item in request.characteristics:
            if item != "transitive" and not item.startswith(("inverse=", "sub=")):
                problems.append(f"{request.origin}: unknown characteristic {item!r}")
    if problems:
        raise CheckFailedError("import term list has problems:\n  " + "\n  ".join(problems))
    return plan


def _closure_parents(term: VerifiedTerm) -> list[str]:
    return sorted(a for a, distance in term.ancestors.items() if distance == 1)


def _named_by_gene(term: VerifiedTerm, gene: GeneName) -> VerifiedTerm:
    """A UniProtKB record relabelled with its gene symbol; the gene name becomes a synonym."""
    return VerifiedTerm(
        curie=term.curie,
        label=gene.symbol,
        source=(
            f"{term.source}; label and synonym: HGNC approved symbol and name "
            f"(imports/{GENE_NAMES_NAME})"
        ),
        kind=term.kind,
        definition=term.definition,
        synonyms=(gene.name,),
        deprecated=term.deprecated,
    )


def _edge_parents(
    curie: str,
    edges: dict[str, list[tuple[str, str]]],
    term: VerifiedTerm,
    problems: list[str],
) -> tuple[list[str], list[str]]:
    """(is_a parents, part_of wholes) of a term from the upstream edges, each of which must be
    among the term's ancestors in the shipped release too."""
    is_a: list[str] = []
    part_of: list[str] = []
    for relation, parent in edges.get(curie, []):
        if term.ancestors and parent not in term.ancestors:
            problems.append(
                f"{EDGES_NAME}: {parent} is not an ancestor of {curie} in {term.source}"
            )
            continue
        (is_a if relation == "is_a" else part_of).append(parent)
    return is_a, part_of


def _add_edge_ancestors(
    curie: str,
    edges: dict[str, list[tuple[str, str]]],
    registry: TermRegistry,
    plan: ImportPlan,
    listed: set[str],
    problems: list[str],
) -> None:
    """Bring in every term reachable from ``curie`` through the upstream edges, with its edges;
    one without an is_a edge shows under the root of its source (:data:`ROOTS`)."""
    todo = [parent for _, parent in edges.get(curie, [])]
    while todo:
        ancestor = todo.pop()
        if ancestor in listed:
            continue
        upstream = registry.lookup(ancestor)
        if upstream is None or upstream.deprecated:
            problems.append(f"{EDGES_NAME}: ancestor {ancestor} of {curie} unusable")
            continue
        planned = plan.modules[module_name(upstream)]
        if ancestor in planned:
            continue
        is_a, part_of = _edge_parents(ancestor, edges, upstream, problems)
        root = ROOTS.get(ancestor.split(":", 1)[0])
        planned[ancestor] = PlannedTerm(
            upstream, is_a or ([root] if root else []), part_of=sorted(part_of)
        )
        todo.extend(parent for _, parent in edges.get(ancestor, []))


#: The root that a term brought in through the upstream edges shows under when no is_a edge
#: of it is known.
ROOTS: dict[str, str] = {"UBERON": "UBERON:0001062"}


def module_graph(
    name: str,
    terms: dict[str, PlannedTerm],
    definitions: dict[str, LogicalDefinition] | None = None,
) -> Graph:
    """The RDF of one import module, with the upstream logical definitions of its terms."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    ontology = URIRef(module_iri(name))
    graph.add((ontology, RDF.type, OWL.Ontology))
    sources = sorted({planned.term.source for planned in terms.values()})
    graph.add(
        (
            ontology,
            RDFS.comment,
            Literal(
                (
                    "Generated by `mscowl imports` from ontology/imports/terms.tsv; do not edit. "
                    "Each term carries its upstream label and definition and the upstream "
                    "hierarchy between the imported terms. " + MODULE_NOTES.get(name, "")
                ).strip()
            ),
        )
    )
    for source in sources:
        graph.add((ontology, DCTERMS.source, Literal(source)))
    for prop in (DEFINITION, IMPORTED_FROM, DCTERMS.source):
        graph.add((prop, RDF.type, OWL.AnnotationProperty))
    for curie, planned in terms.items():
        term, parents, characteristics = planned.term, planned.parents, planned.characteristics
        subject = URIRef(expand(curie))
        kind = {
            "class": OWL.Class,
            "object_property": OWL.ObjectProperty,
            "annotation_property": OWL.AnnotationProperty,
        }.get(term.kind, OWL.Class)
        graph.add((subject, RDF.type, kind))
        graph.add((subject, RDFS.label, Literal(term.label)))
        if term.definition:
            graph.add((subject, DEFINITION, Literal(term.definition)))
        for synonym in term.synonyms if curie.startswith("UniProtKB:") else ():
            graph.add((subject, OBOINOWL.hasExactSynonym, Literal(synonym)))
            graph.add((OBOINOWL.hasExactSynonym, RDF.type, OWL.AnnotationProperty))
        graph.add((subject, DCTERMS.source, Literal(term.source)))
        prefix = curie.split(":", 1)[0]
        if prefix in SOURCE_ONTOLOGY:
            graph.add((subject, IMPORTED_FROM, URIRef(SOURCE_ONTOLOGY[prefix])))
        for parent in parents:
            link = RDFS.subPropertyOf if kind == OWL.ObjectProperty else RDFS.subClassOf
            graph.add((subject, link, URIRef(expand(parent))))
            if parent not in terms:  # declared here too, so the module is OWL 2 DL on its own
                graph.add((URIRef(expand(parent)), RDF.type, kind))
        for whole in planned.part_of:
            restriction = BNode(f"partof{curie.replace(':', '')}{whole.replace(':', '')}")
            graph.add((subject, RDFS.subClassOf, restriction))
            graph.add((restriction, RDF.type, OWL.Restriction))
            graph.add((restriction, OWL.onProperty, URIRef(expand(PART_OF))))
            graph.add((restriction, OWL.someValuesFrom, URIRef(expand(whole))))
            graph.add((URIRef(expand(PART_OF)), RDF.type, OWL.ObjectProperty))
            if whole not in terms:
                graph.add((URIRef(expand(whole)), RDF.type, OWL.Class))
        if definitions and curie in definitions:
            _add_logical_definition(graph, subject, curie, definitions[curie])
        for item in characteristics:
            if item == "transitive":
                graph.add((subject, RDF.type, OWL.TransitiveProperty))
            elif item.startswith("inverse="):
                graph.add((subject, OWL.inverseOf, URIRef(expand(item.split("=", 1)[1]))))
            elif item.startswith("sub="):
                graph.add((subject, RDFS.subPropertyOf, URIRef(expand(item.split("=", 1)[1]))))
    return graph


def _add_logical_definition(
    graph: Graph, subject: URIRef, curie: str, definition: LogicalDefinition
) -> None:
    """``subject owl:equivalentClass [ owl:intersectionOf ( genus [ some restriction ] ) ]``,
    with blank nodes named after the term so that the module's bytes are stable."""
    key = curie.replace(":", "")
    intersection, restriction = BNode(f"def{key}"), BNode(f"def{key}r")
    graph.add((subject, OWL.equivalentClass, intersection))
    graph.add((intersection, RDF.type, OWL.Class))
    first, second = BNode(f"def{key}l0"), BNode(f"def{key}l1")
    graph.add((intersection, OWL.intersectionOf, first))
    graph.add((first, RDF.first, URIRef(expand(definition.genus))))
    graph.add((first, RDF.rest, second))
    graph.add((second, RDF.first, restriction))
    graph.add((second, RDF.rest, RDF.nil))
    graph.add((restriction, RDF.type, OWL.Restriction))
    graph.add((restriction, OWL.onProperty, URIRef(expand(definition.property))))
    graph.add((restriction, OWL.someValuesFrom, URIRef(expand(definition.filler))))
    # declared here too, so the module is OWL 2 DL on its own
    graph.add((URIRef(expand(definition.genus)), RDF.type, OWL.Class))
    graph.add((URIRef(expand(definition.filler)), RDF.type, OWL.Class))
    graph.add((URIRef(expand(definition.property)), RDF.type, OWL.ObjectProperty))


def components(ontology_dir: Path) -> list[str]:
    """Names of the hand-edited components (``components/NAME.ttl``) the ontology imports."""
    folder = ontology_dir / "components"
    return sorted(p.stem for p in folder.glob("*.ttl")) if folder.is_dir() else []


def component_iri(name: str) -> str:
    return f"{COMPONENTS_BASE}{name}.owl"


def catalog_xml(module_names: list[str], component_names: Sequence[str] = ()) -> str:
    """An OASIS XML catalog (the format Protégé reads) mapping each module IRI to its file."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">',
    ]
    for name in sorted(component_names):
        lines.append(
            f"    <uri name={quoteattr(component_iri(name))} "
            f"uri={quoteattr(f'components/{name}.ttl')}/>"
        )
    for name in sorted(module_names):
        lines.append(
            f"    <uri name={quoteattr(module_iri(name))} "
            f"uri={quoteattr(f'imports/{name}_import.ttl')}/>"
        )
    lines.append("</catalog>")
    return "\n".join(lines) + "\n"


def render_imports(ontology_dir: Path, registry: TermRegistry) -> dict[Path, str]:
    """The text of every import module and of the catalog, keyed by the file it belongs in."""
    imports = ontology_dir / "imports"
    plan = plan_imports(
        read_term_list(imports / "terms.tsv"),
        registry,
        read_upstream_edges(imports / EDGES_NAME) if (imports / EDGES_NAME).exists() else {},
        read_gene_names(imports / GENE_NAMES_NAME) if (imports / GENE_NAMES_NAME).exists() else {},
    )
    definitions = (
        read_logical_definitions(imports / DEFINITIONS_NAME)
        if (imports / DEFINITIONS_NAME).exists()
        else {}
    )
    check_logical_definitions(definitions, plan)
    outputs: dict[Path, str] = {}
    for name, terms in sorted(plan.modules.items()):
        outputs[ontology_dir / "imports" / f"{name}_import.ttl"] = write_turtle(
            module_graph(name, terms, definitions)
        )
    outputs[ontology_dir / CATALOG_NAME] = catalog_xml(list(plan.modules), components(ontology_dir))
    return outputs


def generate_imports(ontology_dir: Path, registry: TermRegistry) -> list[Path]:
    """Regenerate every import module and the catalog under ``ontology_dir``; return the files.

    Nothing is written unless the whole term list checks out; each file is replaced atomically.
    """
    outputs = render_imports(ontology_dir, registry)
    for path, text in outputs.items():
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return sorted(outputs)


__all__ = [
    "generate_imports",
    "plan_imports",
    "read_gene_names",
    "read_logical_definitions",
    "read_term_list",
    "read_upstream_edges",
    "relabelled",
    "render_imports",
    "stale_modules",
]


def stale_modules(ontology_dir: Path, registry: TermRegistry) -> list[Path]:
    """The import modules (and catalog) whose committed text is not what
    :func:`render_imports` makes from ``imports/terms.tsv`` and the verified sources now."""
    return [
        path
        for path, text in render_imports(ontology_dir, registry).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
