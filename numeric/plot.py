"""Figures of iteration runs (matplotlib, Agg backend, log scale).

* :func:`divergence_plot`: one curve per chain (at most ``shown``) of a divergence to the target
  against the generation, with a derived reference curve (e.g. ``rho^t max_c D_0``) when given;
* :func:`mean_plot`: the mean over chains of an observable with its pointwise interval band,
  against a derived curve or level (Monte Carlo runs).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .montecarlo import level_text, quantile  # noqa: E402

#: PNG metadata without a software version, so one seed gives one file.
_METADATA = {"Software": "kdaxioms"}


def _finish(fig, ax, path: Path, title: str, ylabel: str) -> None:
    ax.set_xlabel("generation $t$")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata=_METADATA)
    plt.close(fig)


def divergence_plot(path: Path, series: np.ndarray, label: str, title: str,
                    reference: np.ndarray | None = None, reference_label: str = "", shown: int = 20) -> None:
    """``series`` is ``(steps + 1, chains)``; zero values are left out of the log scale."""
    t = np.arange(series.shape[0])
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for c in range(min(shown, series.shape[1])):
        y = np.where(series[:, c] > 0, series[:, c], np.nan)
        ax.semilogy(t, y, lw=1.0, alpha=0.7, color="tab:blue", label=label if c == 0 else None)
    if reference is not None:
        ax.semilogy(t, np.where(reference > 0, reference, np.nan), ls="--", lw=1.6, color="tab:red", label=reference_label)
    _finish(fig, ax, path, title, f"{label} (log scale)")


def mean_plot(path: Path, series: np.ndarray, label: str, title: str, derived: np.ndarray | float,
              derived_label: str, level: float = 0.95) -> None:
    """Mean over chains of ``series`` (``(steps + 1, chains)``) with a ``level`` band, and the derived values."""
    t = np.arange(series.shape[0])
    mean = series.mean(axis=1)
    half = quantile(level) * series.std(axis=1, ddof=1) / np.sqrt(series.shape[1])
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    ax.fill_between(t, np.maximum(mean - half, mean * 1e-3), mean + half, color="tab:blue", alpha=0.25,
                    label=f"{level_text(level)} interval")
    ax.semilogy(t, np.where(mean > 0, mean, np.nan), lw=1.4, color="tab:blue", label=f"Monte Carlo mean of {label}")
    ax.semilogy(t, np.broadcast_to(derived, t.shape), ls="--", lw=1.6, color="tab:red", label=derived_label)
    _finish(fig, ax, path, title, f"{label} (log scale)")
