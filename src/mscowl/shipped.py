"""Where the ontology, shapes and seeds shipped with mscowl are.

In a checkout, ``src/mscowl/data/*`` are symbolic links to the repository's top-level folders
(``ontology/``, ``shapes/``, ``seeds/``, ``queries/``); building a wheel copies them into the
package, so an installed mscowl (``pip install``, a pre-commit hook, another lab's CI) finds the
same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

DATA: Final = Path(__file__).resolve().parent / "data"
ONTOLOGY: Final = DATA / "ontology" / "msc-cancer.ttl"
SHAPES: Final = DATA / "shapes"
SEEDS: Final = DATA / "seeds"
MAPPING: Final = SEEDS / "mapping.toml"
QUERIES: Final = DATA / "queries"
