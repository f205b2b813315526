"""The report's figures: each one a numeric run of the operator model against a derived curve.

Every derived curve comes from a derivation of :mod:`kdaxioms.symbolic.derivations` (``derive``),
every measured curve from the iteration engine of :mod:`kdaxioms.numeric` (seeded).  A figure
function draws one PDF and returns its caption; all figures together take a few seconds.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

from kdaxioms.numeric.derived import derive, to_float, value  # noqa: E402
from kdaxioms.numeric.experiment import experiment  # noqa: E402
from kdaxioms.numeric.iterate import run  # noqa: E402
from kdaxioms.numeric.montecarlo import chain_mean  # noqa: E402
from kdaxioms.symbolic.families import family  # noqa: E402

#: PDF metadata without a creation date, so the same seed gives the same figure file.
METADATA = {"CreationDate": None, "Creator": "kdaxioms", "Producer": None}
ANCHOR = (Fraction(1, 2), Fraction(3, 10), Fraction(1, 5))
ALPHA = Fraction(1, 5)


def _save(fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, metadata=METADATA)
    plt.close(fig)


def _floats(v) -> np.ndarray:
    return np.array([float(x) for x in v])


def _tv(q: np.ndarray, target: np.ndarray) -> np.ndarray:
    return 0.5 * np.abs(q - target).sum(axis=-1)


def convergence(path: Path, seed: int, steps: int = 40) -> str:
    """TV distance to the limit for F1, F3 (k = 2), F4 and F6 against the derived rates."""
    rng = np.random.default_rng(seed)
    p = _floats(ANCHOR)
    start = np.array([[1.0, 0.0, 0.0]])
    inside = rng.dirichlet(np.ones(3), size=1)
    a, gamma = float(ALPHA), 0.5
    rho = value("memory-rate", {"alpha": ALPHA, "beta": (Fraction(1, 2), Fraction(1, 2))})
    phi = np.array([[0.0], [1.0], [2.0]])
    runs = [
        ("F1 linear anchor", experiment(family("linear-anchor"), "exact", {"p": p}, {"alpha": a}), start, 1 - a),
        (r"F3 memory-2, $\beta = (1/2, 1/2)$", experiment(family("memory-anchor", k=2), "exact", {"p": p},
                                                              {"alpha": a, "beta_1": gamma, "beta_2": 1 - gamma}), start, rho),
        ("F4 geometric anchor (interior start)", experiment(family("geometric-anchor"), "exact", {"p": p}, {"alpha": a}),
         inside, None),
        ("F6 capacity anchor (moments)", experiment(family("capacity-anchor"), "projection", {"p": p}, {"alpha": a},
                                                    features=phi), start, 1 - a),
    ]
    fig, ax = plt.subplots(figsize=(6.2, 3.8))
    t = np.arange(steps + 1)
    for label, ex, q0, rate in runs:
        out = run(ex.build(), q0, steps, keep=True)
        target = p
        if ex.process == "projection":
            measured = np.abs((out.path[:, 0] @ phi) - (p @ phi)).max(axis=-1)
        else:
            measured = _tv(out.path[:, 0], target)
        line, = ax.semilogy(t, np.maximum(measured, 1e-300), lw=1.6, label=label)
        if rate is not None:
            ax.semilogy(t, measured[0] * rate ** t, ls="--", lw=1.0, color=line.get_color())
    ax.set_xlabel("generation $t$")
    ax.set_ylabel("distance to the limit (log)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")
    _save(fig, path)
    return (rf"Convergence at $\alpha = {ALPHA}$, $p = ({', '.join(map(str, ANCHOR))})$: TV to $p$ (F1, F3, F4) and "
            r"the moment error $\max|\Phi^\top q_t - \Phi^\top p|$ (F6, $\Phi = (0,1,2)^\top$), solid, against the "
            rf"derived rates (dashed): $(1-\alpha)^t$ for F1 and F6, $\rho^t$ with $\rho = {rho:.4f}$ from "
            r"\texttt{memory-rate} for F3.  F4 has no derived TV rate; its exact rate $1-\alpha$ is in the Hilbert metric (C6).")


def memory_rate_contour(path: Path) -> str:
    """``rho(alpha, gamma)`` for k = 2 from the derived closed form."""
    d = derive("memory-rate", {})
    alpha, gamma = sorted(d.expression.free_symbols, key=lambda s: s.name)
    f = sp.lambdify((alpha, gamma), d.expression, "numpy")
    A, G = np.meshgrid(np.linspace(0.01, 0.99, 200), np.linspace(0.0, 1.0, 200))
    fig, ax = plt.subplots(figsize=(5.2, 3.9))
    cs = ax.contourf(A, G, f(A, G), levels=20, cmap="viridis")
    lines = ax.contour(A, G, f(A, G), levels=[0.2, 0.4, 0.6, 0.8, 0.9, 0.95], colors="white", linewidths=0.7)
    ax.clabel(lines, fontsize=7)
    fig.colorbar(cs, ax=ax, label=r"$\rho(\alpha, \gamma)$")
    ax.set_xlabel(r"anchor weight $\alpha$")
    ax.set_ylabel(r"memory weight $\gamma = \beta_1$")
    _save(fig, path)
    return (r"Memory-2 rate $\rho(\alpha, \gamma)$ (C5) from the closed form derived by \texttt{memory-rate}; "
            r"$\gamma = 1$ is no memory ($\rho = 1-\alpha$), smaller $\gamma$ slows convergence.")


def softened_bias(path: Path) -> str:
    """The bias ``KL(p||q*)`` of F5's fixed point against tau, derived (certified fixed point)."""
    p = (Fraction(9, 10), Fraction(1, 10))
    taus = [Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1), Fraction(3, 2), Fraction(2), Fraction(3), Fraction(5)]
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    for alpha in (Fraction(1, 10), Fraction(3, 10), Fraction(1, 2)):
        bias = [value("softened-bias", {"alpha": alpha, "tau": tau, "p": p}) for tau in taus]
        ax.plot([float(t) for t in taus], bias, marker="o", ms=3, label=rf"$\alpha = {alpha}$")
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xticks([0.25, 0.5, 1, 2, 5], ["1/4", "1/2", "1", "2", "5"])
    ax.minorticks_off()
    ax.set_xlabel(r"temperature $\tau$ (log)")
    ax.set_ylabel(r"bias KL$(p\,\|\,q^*)$")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    _save(fig, path)
    return (r"Softened anchor (F5, C7) at $p = (\frac{9}{10}, \frac{1}{10})$: the bias of the fixed point "
            r"$q^* = \alpha p + (1-\alpha) S_\tau(q^*)$, each point from \texttt{softened-bias} (exact at $n=2$); "
            r"zero exactly at $\tau = 1$ (dotted).")


def sampled_chi2(path: Path, seed: int, chains: int = 400) -> str:
    """Stationary ``E chi2(q||p)`` of F7 against alpha: derived curve and Monte Carlo points with CIs."""
    p, N = (Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)), 50
    d = derive("sampled-stationary-chi2", {"N": N, "n": 3})
    (alpha,) = [s for s in d.expression.free_symbols if s.name == "alpha"]
    curve = sp.lambdify(alpha, d.expression, "numpy")
    grid = np.linspace(0.05, 1.0, 100)
    rng = np.random.default_rng(seed)
    pf = _floats(p)
    points = []
    for a in (0.05, 0.1, 0.2, 0.4, 0.7):
        ex = experiment(family("sampled-anchor"), "multinomial", {"p": pf}, {"alpha": a}, samples=N)
        burn = int(np.ceil(np.log(1e-3) / np.log(1 - a))) + 1
        out = run(ex.build(), np.tile(pf, (chains, 1)), burn + 200, rng=rng, keep=False,
                  statistics={"chi2": lambda q: (((q - pf) ** 2) / pf).sum(axis=-1)})
        est = chain_mean(out.series["chi2"][burn:].mean(axis=0))
        points.append((a, est))
    fig, ax = plt.subplots(figsize=(5.6, 3.6))
    ax.plot(grid, curve(grid), lw=1.4, label=r"derived $(n-1)/(N - (1-\alpha)^2(N-1))$")
    ax.errorbar([a for a, _ in points], [e.mean for _, e in points],
                yerr=[e.half_width for _, e in points], fmt="o", ms=4, capsize=3, label="Monte Carlo, 95% CI")
    ax.set_yscale("log")
    ax.set_xlabel(r"anchor weight $\alpha$")
    ax.set_ylabel(r"stationary $E\,\chi^2(q\,\|\,p)$")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    _save(fig, path)
    return (rf"Finite-sample anchor (F7, C9), $N = {N}$, $n = 3$: stationary $\chi^2$ to the anchor, derived by "
            rf"\texttt{{sampled-stationary-chi2}} (line) and time averages over {chains} chains after burn-in "
            rf"(points, 95\% confidence intervals; seed {seed}).")


def collapse_vs_accumulation(path: Path, seed: int, chains: int = 400, steps: int = 60) -> str:
    """C9 vs C12: heterozygosity of the replacing process and squared error of the accumulating one."""
    p, N = np.array([0.5, 0.3, 0.2]), 20
    rng = np.random.default_rng(seed)
    unanchored = experiment(family("sampled-anchor"), "multinomial", {"p": p}, {"alpha": 0.0}, samples=N)
    accumulate = experiment(family("sampled-anchor"), "accumulate", {"p": p}, {"alpha": 0.0}, samples=N)
    q0 = np.tile(p, (chains, 1))
    stats = {"h": lambda q: 1 - (q ** 2).sum(axis=-1), "err": lambda q: ((q - p) ** 2).sum(axis=-1)}
    replace = run(unanchored.build(), q0, steps, rng=rng, keep=False, statistics=stats)
    keep = run(accumulate.build(), q0, steps, rng=rng, keep=False, statistics=stats)
    t = np.arange(steps + 1)
    h0 = 1 - float((p ** 2).sum())
    het = derive("unanchored-heterozygosity", {"N": N, "q0": tuple(Fraction(x).limit_denominator(10) for x in p)})
    (tsym,) = [s for s in het.expression.free_symbols if s.name == "t"]
    derived_h = sp.lambdify(tsym, het.expression, "numpy")(t) * np.ones_like(t, dtype=float)
    bound = [to_float(derive("accumulation-bound", {"N": N, "t": int(s), "p": tuple(Fraction(x).limit_denominator(10) for x in p)}).value)
             for s in (1, steps)]
    fig, ax = plt.subplots(figsize=(6.0, 3.7))
    ax.plot(t, replace.series["h"].mean(axis=1), lw=1.5, label=r"replace: $1 - \|q_t\|^2$ (mean)")
    ax.plot(t, derived_h, ls="--", lw=1.0, label=r"derived $(1-1/N)^t\,(1-\|q_0\|^2)$")
    ax.plot(t, keep.series["err"].mean(axis=1), lw=1.5, label=r"accumulate: $\|q_t - p\|^2$ (mean)")
    ax.axhline(bound[-1], ls=":", color="black", lw=1.0, label=rf"derived bound at $t = {steps}$")
    ax.plot(t, replace.series["err"].mean(axis=1), lw=1.0, alpha=0.7, label=r"replace: $\|q_t - p\|^2$ (mean)")
    ax.set_xlabel("generation $t$")
    ax.set_ylabel("mean over chains")
    ax.set_ylim(0, h0 * 1.1)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    _save(fig, path)
    return (rf"Model collapse versus accumulation ($\alpha = 0$, $N = {N}$, $p = (0.5, 0.3, 0.2)$, {chains} chains, "
            rf"seed {seed}): replacing the data loses diversity at the derived rate $(1-1/N)^t$ (C9) while its error "
            r"grows toward $1-\|p\|^2$; accumulating all samples keeps $\mathbb{E}\|q_t-p\|^2$ below the derived "
            r"bound $\frac{1-\|p\|^2}{N}\sum_{s\le t} s^{-2}$ (C12).")


def draw_all(folder: Path, seed: int) -> list[dict]:
    """Every figure of the report: ``[{"file", "caption"}]``."""
    out = []
    for name, draw in (("convergence.pdf", lambda f: convergence(f, seed)),
                       ("memory-rate.pdf", memory_rate_contour),
                       ("softened-bias.pdf", softened_bias),
                       ("sampled-chi2.pdf", lambda f: sampled_chi2(f, seed)),
                       ("collapse-accumulation.pdf", lambda f: collapse_vs_accumulation(f, seed))):
        out.append({"file": name, "caption": draw(folder / name)})
    return out
