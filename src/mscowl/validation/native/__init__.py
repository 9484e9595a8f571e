"""A SHACL engine for large graphs that gives pySHACL's results, evaluated shape by shape.

pySHACL (the reference) walks an rdflib graph focus node by focus node and runs every SHACL-SPARQL
constraint once per focus node; on 10k products that is minutes. This engine keeps pySHACL's
answers and changes where the time goes:

* **Data.** Triples are parsed by pyoxigraph (Rust; lexical forms kept) into a :class:`TripleIndex`
  of rdflib terms: subject → objects per predicate, with the inverse built on demand.
* **Core constraints** are evaluated shape by shape: the focus nodes of a shape are found once, the
  value nodes of each property shape are read from the index, and each value node is checked with
  the *same* rdflib-term tests pySHACL applies (its datatype and string rules, its literal
  comparison, its ``langMatches`` reading). Nested shapes (``sh:node``, ``sh:or``,
  ``sh:qualifiedValueShape``) are decided once per distinct value node and remembered, so the
  ontology classes that thousands of rows use as values are walked once.
* **SHACL-SPARQL constraints** run on a pyoxigraph store filled from the same parse with the
  triples of the predicates their queries can read (:mod:`~mscowl.validation.native.reach`),
  once per shape:
  the focus nodes are pre-bound by a ``VALUES ?this`` block at the start of the ``WHERE`` group
  (in chunks), instead of one query per focus node. Focus nodes that are blank nodes, and queries
  whose ``WHERE`` group cannot be found, are pre-bound one by one with pyoxigraph's SEP-0007
  substitution, which is SHACL's pre-binding.
  Oxigraph stores typed literals in canonical form (``"2.50"`` becomes ``"2.5"``); literals that a
  query returns are mapped back to the data's own lexical form.

Shapes or data that this engine cannot answer exactly as pySHACL would raise
:class:`UnsupportedShapesError`, naming the feature; ``mscowl validate --engine auto`` then uses
pySHACL. Covered: all of SHACL Core (targets, implicit class targets included; all property
paths; the constraint components of
:data:`~mscowl.validation.native.components.REGISTRY`, ``sh:closed`` and ``sh:property`` on
property shapes) and SHACL-SPARQL constraints (``sh:select``) on node and property shapes. The
W3C test suite (``tests/test_w3c_shacl.py``), the shapes tests (``shapes/tests/``) and the
benchmark compare its results with the expected reports and pySHACL's.

The engine is one module per concern: :mod:`~mscowl.validation.native.index` (the data),
:mod:`~mscowl.validation.native.paths` (property paths), :mod:`~mscowl.validation.native.components`
(one registry entry per constraint component, with pySHACL's default message),
:mod:`~mscowl.validation.native.sparql` (SHACL-SPARQL), :mod:`~mscowl.validation.native.reach`
(what a SHACL-SPARQL query can read) and :mod:`~mscowl.validation.native.engine`
(targets, compiling and evaluating shapes).

>>> from rdflib import Graph
>>> shapes = Graph().parse(data='''
...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
...     ex:S a sh:NodeShape ; sh:targetClass ex:C ;
...        sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "needs a name" ] .''',
...     format="turtle")
>>> index = TripleIndex()
>>> index.add_ntriples(b'<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
...                    b'<http://example.org/C> .\\n')
>>> [(str(r.focus), r.message) for r in NativeValidator(shapes).validate(index)]
[('http://example.org/a', 'needs a name')]
"""

from __future__ import annotations

from mscowl.validation.native.engine import NativeValidator, validate_native
from mscowl.validation.native.errors import UnsupportedShapesError
from mscowl.validation.native.index import TripleIndex
from mscowl.validation.native.paths import compile_path
from mscowl.validation.native.sparql import SparqlConstraint, check_prebinding

__all__ = [
    "NativeValidator",
    "SparqlConstraint",
    "TripleIndex",
    "UnsupportedShapesError",
    "check_prebinding",
    "compile_path",
    "validate_native",
]
