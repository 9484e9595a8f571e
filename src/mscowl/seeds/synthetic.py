"""Deterministic synthetic seeds for benchmarks: the shipped seeds plus N generated trials.

The generated rows follow the value distributions of the curated trials (kinds, phases,
statuses, routes, tissues, donors, strategies and payloads drawn with the same relative
frequencies), so the graph has the shape of the real one at any scale. A controlled fraction of
trials is invalid for the SHACL shapes but accepted by the build: their route is an NCIt phase
class, which is a verified term but not a route of administration.

>>> rows = synthetic_trials(3, invalid_fraction=0.0, seed=1)
>>> [r["id"] for r in rows[0]]
['SYN0000001', 'SYN0000002', 'SYN0000003']
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from mscowl.shipped import SEEDS

#: A phase class: a verified NCIt term, so the build accepts it, but not a route.
INVALID_ROUTE: Final = "NCIT:C15600"


def _column(file: Path, name: str) -> list[str]:
    with file.open(encoding="utf-8") as fh:
        return [row[name] for row in csv.DictReader(fh)]


def synthetic_trials(
    count: int, invalid_fraction: float = 0.02, seed: int = 2021, seeds: Path = SEEDS
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``count`` trial rows and one product row per trial, drawn from the curated values."""
    rng = random.Random(seed)
    trials_file, products_file = seeds / "trials.csv", seeds / "products.csv"

    def draw(values: Sequence[str]) -> str:
        return rng.choice(values)

    kinds, phases = _column(trials_file, "kind"), _column(trials_file, "phase")
    statuses, routes = _column(trials_file, "status"), _column(trials_file, "route")
    conditions = [c for c in _column(trials_file, "condition") if c]
    tissues, donors = _column(products_file, "tissue"), _column(products_file, "donor")
    strategies = _column(products_file, "strategy")
    payloads = dict(
        zip(_column(products_file, "strategy"), _column(products_file, "payload"), strict=True)
    )
    vectors = dict(
        zip(
            _column(products_file, "strategy"),
            _column(products_file, "vector_or_loading"),
            strict=True,
        )
    )
    references = [r for r in _column(seeds / "references.csv", "id") if r.startswith("NCT")]
    trials, products = [], []
    for number in range(1, count + 1):
        ident = f"SYN{number:07d}"
        strategy = draw(strategies)
        invalid = rng.random() < invalid_fraction
        products.append(
            {
                "id": f"p-{ident.lower()}",
                "label": f"Synthetic MSC product {number}",
                "kind": "extracellular-vesicle" if strategy == "MSCO:0000614" else "cell",
                "strategy": strategy,
                "tissue": draw(tissues),
                "donor": draw(donors),
                "payload": payloads.get(strategy, ""),
                "vector_or_loading": vectors.get(strategy, ""),
                "description": "",
                "source": draw(references),
                "evidence": "ECO:0000304",
                "note": "synthetic",
            }
        )
        trials.append(
            {
                "id": ident,
                "registry_id": f"NCT{90000000 + number:08d}",
                "other_ids": "",
                "label": f"Synthetic MSC trial {number}",
                "kind": draw(kinds),
                "product": f"p-{ident.lower()}",
                "condition": draw(conditions),
                "condition_as_stated": "",
                "phase": draw(phases),
                "phase_as_stated": "",
                "status": draw(statuses),
                "status_as_stated": "",
                "status_as_of": _date(rng),
                "route": INVALID_ROUTE if invalid else draw(routes),
                "route_as_stated": "",
                "sponsor": f"Sponsor {rng.randint(1, 500)}",
                "enrolment": str(rng.randint(3, 300)),
                "enrolment_as_stated": "",
                "results_summary": "",
                "note": "",
                "source": draw(references),
                "source_urls": "",
                "evidence": "ECO:0000304",
            }
        )
    return trials, products


def _date(rng: random.Random) -> str:
    return f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def write_synthetic_seeds(
    target: Path, count: int, invalid_fraction: float = 0.02, seed: int = 2021
) -> Path:
    """A seeds directory: the shipped sheets, with ``count`` synthetic trials (and products)
    appended to trials.csv and products.csv."""
    shutil.copytree(SEEDS, target, dirs_exist_ok=True)
    trials, products = synthetic_trials(count, invalid_fraction, seed)
    for name, rows in (("trials.csv", trials), ("products.csv", products)):
        path = target / name
        with path.open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writerows(rows)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(out.getvalue())
    return target
