"""Drawing primitives of the report's figures, and the KL trajectory figure of C3.

Every figure is saved twice with one stem: a PDF for LaTeX and an SVG for the HTML twin of the
report, both byte-for-byte the same for the same data (no dates, a fixed SVG hash salt).  Lines
take their colours from the colour-blind-safe qualitative palette ``tab10`` and differ in line
style and marker too, so a curve can be told apart without its colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kdaxioms.numeric.iterate import iterate  # noqa: E402
from kdaxioms.numeric.sampling import boundary, interior  # noqa: E402
from kdaxioms.numeric.translate import numeric_divergence, numeric_operator  # noqa: E402
from kdaxioms.symbolic.divergences import divergence  # noqa: E402
from kdaxioms.symbolic.model import Operator  # noqa: E402
from kdaxioms.symbolic.recursion import trajectory  # noqa: E402

#: PDF metadata without a creation date, so the same seed gives the same figure file.
METADATA = {"CreationDate": None, "Creator": "kdaxioms", "Producer": None}
#: SVG metadata without a date, and the salt of the SVG element ids (random per run otherwise).
SVG_METADATA = {"Date": None, "Creator": "kdaxioms"}
SVG_SALT = "kdaxioms"
#: Colour-blind-safe qualitative palette (matplotlib's ``tab10``), one colour per curve.
PALETTE = tuple(matplotlib.colormaps["tab10"].colors)
LINESTYLES = ("-", "--", "-.", (0, (1, 1)), (0, (5, 1, 1, 1, 1, 1)), (0, (3, 1.5)), (0, (8, 2)), (0, (1, 2)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def style(k: int) -> dict:
    """Colour, line style and marker of the ``k``-th curve of a figure (distinct for k < 8)."""
    return {"color": PALETTE[k % len(PALETTE)], "ls": LINESTYLES[k % len(LINESTYLES)],
            "marker": MARKERS[k % len(MARKERS)]}


def save(fig, folder: Path, stem: str) -> tuple[str, str]:
    """Write ``stem.pdf`` and ``stem.svg`` into ``folder`` and close the figure; the two file names."""
    fig.tight_layout()
    pdf, svg = f"{stem}.pdf", f"{stem}.svg"
    fig.savefig(folder / pdf, metadata=METADATA)
    with plt.rc_context({"svg.hashsalt": SVG_SALT}):
        fig.savefig(folder / svg, metadata=SVG_METADATA)
    plt.close(fig)
    return pdf, svg


# -- C3: KL along F1 trajectories ------------------------------------------------------------

@dataclass(frozen=True)
class KLTrajectories:
    """``KL(q_t||p) / KL(q_0||p)`` per start (columns) against the derived envelope ``base^t``."""

    title: str
    alpha: float
    n: int
    seed: int
    base: float
    t: np.ndarray
    kl: np.ndarray            # (steps + 1, starts)
    kinds: tuple[str, ...]    # "interior" or "boundary" per start

    @property
    def starts(self) -> int:
        return self.kl.shape[1]

    @property
    def normalized(self) -> np.ndarray:
        return self.kl / self.kl[0]

    @property
    def envelope(self) -> np.ndarray:
        return self.base ** self.t

    @property
    def worst_ratio(self) -> float:
        """``max over t >= 1 and starts of KL(q_t||p) / (base^t KL(q_0||p))`` (at most 1 if C3 holds)."""
        return float((self.normalized[1:] / self.envelope[1:, None]).max())


def kl_trajectory_data(op: Operator, alpha: float, seed: int, n: int = 5, steps: int = 30,
                       starts: int = 6) -> KLTrajectories:
    """Seeded starts (half interior, half on the boundary) iterated by ``op``; the base from its
    derived trajectory."""
    rng = np.random.default_rng(seed)
    p = np.repeat(interior(rng, 1, n), starts, axis=0)
    q0 = np.concatenate([interior(rng, starts // 2, n), boundary(rng, starts - starts // 2, n)])
    (param,) = op.parameters
    path_q = iterate(numeric_operator(op), p, q0, {param.name: alpha}, steps)
    kl = numeric_divergence(divergence("kl"))(path_q, p[None])
    base = float(trajectory(op).base.subs(param.symbol, alpha))
    kinds = ("interior",) * (starts // 2) + ("boundary",) * (starts - starts // 2)
    return KLTrajectories(op.title or op.name, alpha, n, seed, base, np.arange(steps + 1), kl, kinds)


def kl_trajectory_plot(data: KLTrajectories):
    """One line per start (own colour, style, marker and legend entry) and the envelope in black."""
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    every = max(1, len(data.t) // 8)
    for k in range(data.starts):
        ax.semilogy(data.t, data.normalized[:, k], lw=1.5, ms=4, markevery=(k % every, every), **style(k),
                    label=rf"start {k + 1} ({data.kinds[k]}), KL$(q_0\|p) = {data.kl[0, k]:.3g}$")
    ax.semilogy(data.t, data.envelope, color="black", lw=2.0, ls=(0, (6, 3)),
                label=rf"derived envelope $({data.base:g})^t = (1-\alpha)^t$")
    ax.set_xlabel("generation $t$")
    ax.set_ylabel(r"KL$(q_t\,\|\,p)\,/\,$KL$(q_0\,\|\,p)$ (log)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    return fig


def kl_trajectory_caption(data: KLTrajectories) -> str:
    interior_count = data.kinds.count("interior")
    return (rf"{data.title} (C3), $\alpha = {data.alpha:g}$, $n = {data.n}$: $\mathrm{{KL}}(q_t\|p)$ divided "
            rf"by $\mathrm{{KL}}(q_0\|p)$ along {data.starts} deterministic trajectories from seeded starts (seed "
            rf"{data.seed}; {interior_count} interior, {data.starts - interior_count} with zero coordinates), one "
            rf"colour, line style and marker each, against the derived envelope $(1-\alpha)^t = {data.base:g}^t$ "
            rf"(black, dashed).  The largest ratio $\mathrm{{KL}}(q_t\|p) / ((1-\alpha)^t \mathrm{{KL}}(q_0\|p))$ "
            rf"over $1 \le t \le {int(data.t[-1])}$ and all starts is ${data.worst_ratio:.4f}$.")


def kl_trajectory(path: Path, op: Operator, alpha: float, seed: int, n: int = 5, steps: int = 30, starts: int = 6) -> dict:
    """Draw the C3 figure as ``path`` (its stem names the PDF and the SVG); the run's settings,
    its caption and the data drawn."""
    data = kl_trajectory_data(op, alpha, seed, n, steps, starts)
    save(kl_trajectory_plot(data), Path(path).parent, Path(path).stem)
    return {"alpha": alpha, "n": n, "steps": steps, "starts": starts, "seed": seed,
            "caption": kl_trajectory_caption(data), "data": data}
