"""Pausing Python's cycle collector around work that allocates many objects and no cycles.

Building a knowledge graph and turning a large answer into rdflib terms each allocate millions of
small objects (tuples, strings, terms) that form no reference cycles. CPython's collector still
runs as they pile up, and each of its full passes walks the whole heap (next to a query's
answer, that includes the ontology closure): wasted work. Pausing it saves a quarter of the
mapping time of a build, and half the time of turning 50k answer rows into rdflib terms
(README, "Performance"). Reference counting frees memory as usual while the collector is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector for the block, and restore its earlier state after it.

    >>> import gc
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
