"""mscowl: an ontology and linked-data package for mesenchymal stem/stromal cells in cancer therapy.

The package publishes ``ontology/msc-cancer.ttl`` (OWL 2 DL) with its import modules, and the
Python layer that builds, validates, queries and releases its linked data. The stages live in
subpackages (``docs/architecture.md`` has the map).
"""

__version__ = "0.1.0"
