"""Sweep results in the report (``kdaxioms report --sweep FILE``): a heat map per sweep, and the
c* theorem when the sweep is its cover.

A heat map shows a swept value over two grid parameters (the sweep file's ``[figure]``, stored
with a Parquet result; for ``tightness`` the default is ``lower`` over ``alpha`` and
``min_anchor``).  Certified brackets are shown as such: one panel holds the certified lower bound,
the other the width ``upper - lower``; a point whose cover was incomplete (no upper bound) is
crossed out, and a point where several tasks fall (anchors with the same smallest entry) shows
the largest lower bound and the largest width among them, with the count in the caption.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kdaxioms.symbolic.errors import InputError  # noqa: E402
from kdaxioms.sweep import store  # noqa: E402

from . import cstar_theorem  # noqa: E402
from .figures import save  # noqa: E402

#: Default heat-map axes and value per kind.
DEFAULT_FIGURE = {"tightness": {"x": "alpha", "y": "min_anchor", "value": "lower"}}


@dataclass
class SweepSection:
    """What the templates show of one sweep file."""

    file: str
    kind: str
    tasks: int
    verdicts: list[tuple[str, int]]
    workers: int | None
    seconds: float | None
    figure: dict | None = None
    note: str = ""
    theorem: dict | None = None
    rows: list[dict] = field(default_factory=list)


def _number(text) -> float:
    try:
        return float(Fraction(str(text)))
    except (ValueError, ZeroDivisionError):
        raise InputError(f"the heat map needs numbers, and {str(text)[:40]!r} is not one; choose numeric columns "
                         "for x, y and value in the sweep file's [figure]") from None


def heat_map(rows: list[dict], x: str, y: str, value: str, path: Path, title: str) -> dict:
    """Draw the two panels (value, and the width where there are brackets); the figure's entry."""
    missing = [c for c in (x, y, value) if c not in rows[0]]
    if missing:
        raise InputError(f"the sweep has no column {missing[0]!r} for its heat map; the columns are "
                         f"{', '.join(rows[0])}")
    cells: dict[tuple[float, float], list[dict]] = defaultdict(list)
    for r in rows:
        if r.get(value) not in (None, "") and r.get(x) not in (None, "") and r.get(y) not in (None, ""):
            cells[(_number(r[x]), _number(r[y]))].append(r)
    xs, ys = sorted({k[0] for k in cells}), sorted({k[1] for k in cells})
    grid = np.full((len(ys), len(xs)), np.nan)
    width = np.full((len(ys), len(xs)), np.nan)
    open_points = []
    for (vx, vy), group in cells.items():
        i, j = ys.index(vy), xs.index(vx)
        grid[i, j] = max(_number(r[value]) for r in group)
        widths = [r.get("width") for r in group]
        if all(w not in (None, "") for w in widths) and widths:
            width[i, j] = max(_number(w) for w in widths)
        if any(r.get("verdict") != "certified" for r in group) and "width" in rows[0]:
            open_points.append((j, i))
    panels = 2 if "width" in rows[0] else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 3.8), squeeze=False)
    for ax, data, label in zip(axes[0], (grid, width), (value, "width = upper - lower")):
        # pcolormesh, not imshow: vector cells (an SVG without an embedded bitmap)
        image = ax.pcolormesh(np.arange(len(xs) + 1) - 0.5, np.arange(len(ys) + 1) - 0.5, data, cmap="viridis")
        ax.set_xticks(range(len(xs)), [f"{v:.3g}" for v in xs], rotation=90 if len(xs) > 8 else 0, fontsize=7)
        ax.set_yticks(range(len(ys)), [f"{v:.3g}" for v in ys], fontsize=7)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.set_title(label, fontsize=9)
        bar = fig.colorbar(image, ax=ax)
        bar.solids.set_rasterized(False)  # a vector colour bar: the page stays self-contained
        for j, i in open_points:
            ax.plot(j, i, marker="x", color="red", markersize=6)
    fig.suptitle(title, fontsize=9)
    pdf, svg = save(fig, path.parent, path.name)
    shared = max(len(g) for g in cells.values())
    caption = (f"{value} over {x} and {y}, {len(rows)} tasks"
               + (f"; where several tasks share a point (up to {shared}), the largest value and width are shown"
                  if shared > 1 else "")
               + ("; the right panel is the width of the certified bracket" if panels == 2 else "")
               + (f"; {len(open_points)} points without a certified upper bound are crossed out" if open_points else ""))
    return {"file": pdf, "svg": svg, "caption": caption}


def sweep_sections(files: list[Path], build: Path) -> list[SweepSection]:
    """One section per sweep result file (read and drawn into ``build``)."""
    out = []
    for k, path in enumerate(files):
        rows = store.read_table(path)
        if not rows:
            raise InputError(f"sweep results {path} hold no rows")
        meta = store.read_meta(path)
        kind = meta.get("kind") or rows[0].get("kind", "")
        counts: dict[str, int] = defaultdict(int)
        for r in rows:
            counts[r["verdict"]] += 1
        section = SweepSection(path.name, kind, len(rows), sorted(counts.items()), meta.get("workers"),
                               meta.get("cluster_seconds"))
        if kind == "cstar-cell":
            section.theorem = cstar_theorem.theorem(rows, meta)
            section.figure = cstar_theorem.cover_figure(rows, build / f"sweep-{k}-cover")
        else:
            spec = meta.get("figure") or DEFAULT_FIGURE.get(kind)
            if spec and {"x", "y", "value"} <= set(spec):
                section.figure = heat_map(rows, spec["x"], spec["y"], spec["value"], build / f"sweep-{k}-heat",
                                          f"{path.name} ({kind})")
            else:
                section.note = "no heat map: the sweep file has no [figure] with x, y and value"
        out.append(section)
    return out
