"""Charts of the knowledge graph, drawn from the saved queries (``mscowl report``).

Three pictures for people who would rather look than read: anticancer trials per MSC tissue
source (the topic of the review's Fig. 3), anticancer trials per phase, and mechanisms by the
direction of their effect on the tumour. Each is written as SVG and PNG; the SVG is
byte-reproducible (fixed hash salt, no date).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Final

from mscowl.errors import ToolMissingError
from mscowl.sparql.local import LocalStore
from mscowl.sparql.results import cell_text
from mscowl.sparql.saved import SavedQuery

CHARTS: Final = ("trials-per-source", "trials-per-phase", "mechanisms-by-direction")


Bars = list[tuple[str, int]]


def chart_data(store: LocalStore, queries: dict[str, SavedQuery]) -> dict[str, Bars]:
    """(label, count) bars of each chart, from the saved queries' answers."""
    data: dict[str, Bars] = {}
    for name, label_column in (
        ("trials-per-source", "tissue_label"),
        ("trials-per-phase", "phase_label"),
    ):
        table = store.select(queries[name].bind({}))
        label, count = table.columns.index(label_column), table.columns.index("trials")
        data[name] = [
            (cell_text(row[label]) or "not stated", int(cell_text(row[count])))
            for row in table.rows
        ]
    table = store.select(queries["mechanisms"].bind({}))
    mechanism, direction = table.columns.index("mechanism"), table.columns.index("direction")
    pairs = {(cell_text(r[mechanism]), cell_text(r[direction])) for r in table.rows}
    counts = Counter(d for _, d in pairs)
    data["mechanisms-by-direction"] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return data


TITLES: Final = {
    "trials-per-source": "Anticancer MSC trials per tissue source",
    "trials-per-phase": "Anticancer MSC trials per phase",
    "mechanisms-by-direction": "Mechanism statements by direction of effect on the tumour",
}


def require_matplotlib() -> None:
    """Raise :class:`ToolMissingError` unless matplotlib (a dependency of mscowl) imports."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ToolMissingError(
            "charts need matplotlib, a dependency of mscowl: reinstall it (pip install mscowl)"
        ) from exc


def render(name: str, bars: Bars, fmt: str) -> bytes:
    """One chart as SVG or PNG bytes."""
    import io

    require_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "mscowl"
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, accessible
    figure, axes = plt.subplots(figsize=(7, 0.5 * len(bars) + 1.5))
    labels = [label for label, _ in bars][::-1]
    values = [value for _, value in bars][::-1]
    axes.barh(labels, values, color="#4c72b0")
    for y, value in enumerate(values):
        axes.text(value, y, f" {value}", va="center")
    axes.set_title(TITLES[name])
    axes.set_xlabel("count")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


def draw_svg(data: dict[str, Bars]) -> dict[str, bytes]:
    """Every chart as SVG, by file name."""
    return {f"{name}.svg": render(name, bars, "svg") for name, bars in data.items()}


def draw(data: dict[str, Bars]) -> dict[str, bytes]:
    """Every chart as SVG and PNG, by file name."""
    return {
        f"{name}.{fmt}": render(name, bars, fmt)
        for name, bars in data.items()
        for fmt in ("svg", "png")
    }


def write_charts(store: Callable[[], LocalStore], out: Path) -> list[str]:
    """Draw every chart from the store (opened only once the output folder and matplotlib are
    known to be fine) and write them into ``out``, a folder owned by ``mscowl report``."""
    from mscowl.outputs import check_output_folder, write_outputs
    from mscowl.shipped import QUERIES
    from mscowl.sparql.saved import catalogue

    require_matplotlib()
    check_output_folder(out, "report")
    charts = draw(chart_data(store(), catalogue(QUERIES)))
    write_outputs(charts, out, "report")
    return list(charts)
