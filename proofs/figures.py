"""Figures of the report, drawn with matplotlib from numeric runs of the operator model."""

from __future__ import annotations

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

from .report_figures import METADATA  # noqa: E402



def kl_trajectory(path: Path, op: Operator, alpha: float, seed: int, n: int = 5, steps: int = 30, starts: int = 6) -> dict:
    """``KL(q_t||p)`` along trajectories of ``op`` from seeded starts, against the bound
    ``b^t KL(q_0||p)`` with ``b`` the derived geometric base; log scale."""
    rng = np.random.default_rng(seed)
    p = np.repeat(interior(rng, 1, n), starts, axis=0)
    q0 = np.concatenate([interior(rng, starts // 2, n), boundary(rng, starts - starts // 2, n)])
    (param,) = op.parameters
    path_q = iterate(numeric_operator(op), p, q0, {param.name: alpha}, steps)
    kl = numeric_divergence(divergence("kl"))(path_q, p[None])
    base = float(trajectory(op).base.subs(param.symbol, alpha))
    t = np.arange(steps + 1)
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    for k in range(starts):
        line, = ax.semilogy(t, kl[:, k], lw=1.6, label="KL$(q_t\\,\\|\\,p)$" if k == 0 else None)
        ax.semilogy(t, kl[0, k] * base ** t, ls="--", lw=1.0, color=line.get_color(),
                    label="bound $(1-\\alpha)^t\\,$KL$(q_0\\,\\|\\,p)$" if k == 0 else None)
    ax.set_xlabel("generation $t$")
    ax.set_ylabel("KL to the anchor (log scale)")
    ax.set_title(f"{op.title or op.name}: $\\alpha = {alpha:g}$, $n = {n}$, {starts} starts (seed {seed})", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata=METADATA)
    plt.close(fig)
    return {"alpha": alpha, "n": n, "steps": steps, "starts": starts, "seed": seed}
