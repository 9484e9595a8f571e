"""mscowl: an ontology and linked-data package for mesenchymal stem/stromal cells in cancer therapy.

The package publishes ``ontology/msc-cancer.ttl`` (OWL 2 DL) with its import modules, and the
Python layer that checks it (:mod:`mscowl.qc`), regenerates its imports (:mod:`mscowl.imports`) and
reasons over it (:mod:`mscowl.reasoning`). See ``DESIGN.md`` in the shared folder for the map.
"""

__version__ = "0.1.0"
