"""The report's figures: each one a numeric run of the operator model against a derived curve.

Every derived curve comes from a derivation of :mod:`kdaxioms.symbolic.derivations` (``derive``),
every measured curve from the iteration engine of :mod:`kdaxioms.numeric` (seeded).  A figure is
three small steps: ``*_data`` runs and derives (returning the numbers in a dataclass), ``*_plot``
draws them (returning the matplotlib figure, unsaved) and ``*_caption`` states them in LaTeX, every
number formatted from the run.  :func:`draw_all` saves each figure as PDF and SVG and returns
``[{"file", "svg", "caption", "label"}]`` (a report draws those its claims name).

Monte Carlo curves are means over independent chains drawn with a pointwise 95% band, the mean
plus or minus ``z = 1.96`` standard errors across the chains (:mod:`kdaxioms.numeric.montecarlo`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Collection

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

from kdaxioms.numeric.derived import derive, lambdified, to_float, value  # noqa: E402
from kdaxioms.numeric.experiment import experiment  # noqa: E402
from kdaxioms.numeric.iterate import run  # noqa: E402
from kdaxioms.numeric.montecarlo import LEVEL, Estimate, chain_mean, level_text, quantile  # noqa: E402
from kdaxioms.symbolic.errors import ModelError  # noqa: E402
from kdaxioms.symbolic.families import family  # noqa: E402

from . import figures  # noqa: E402
from .figures import METADATA, PALETTE, save, style  # noqa: E402,F401  (METADATA is read by operator_report)

ANCHOR = (Fraction(1, 2), Fraction(3, 10), Fraction(1, 5))
ALPHA = Fraction(1, 5)


def _floats(v) -> np.ndarray:
    return np.array([float(x) for x in v])


def _vector(v) -> str:
    return "(" + ", ".join(map(str, v)) + ")"


def _sci(x: float, digits: int = 2) -> str:
    r"""``x`` for LaTeX math mode: ``3.0 \times 10^{-13}``, or plain when ``1e-3 <= |x| < 1e4`` or 0."""
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.{digits}g}"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


#: The confidence level as LaTeX text (``95\%``) and its normal quantile (standard errors per half-width).
LEVEL_TEX = level_text(LEVEL).replace("%", r"\%")
Z_TEX = f"{quantile(LEVEL):.2f}"


@dataclass(frozen=True)
class Band:
    """Pointwise mean over chains of a ``(steps + 1, chains)`` series and its ``level`` half-width."""

    mean: np.ndarray
    half: np.ndarray
    chains: int

    @classmethod
    def of(cls, series: np.ndarray, level: float = LEVEL) -> "Band":
        chains = series.shape[1]
        half = quantile(level) * series.std(axis=1, ddof=1) / np.sqrt(chains)
        return cls(series.mean(axis=1), half, chains)

    @property
    def low(self) -> np.ndarray:
        return self.mean - self.half

    @property
    def high(self) -> np.ndarray:
        return self.mean + self.half

    def draw(self, ax, t: np.ndarray, **line) -> None:
        """The mean as a line and the band shaded in the same colour."""
        (drawn,) = ax.plot(t, self.mean, **line)
        ax.fill_between(t, self.low, self.high, color=drawn.get_color(), alpha=0.25, lw=0)


# -- Fig.: KL trajectories (C3) ----------------------------------------------------------------

def kl_trajectory_data(seed: int) -> figures.KLTrajectories:
    return figures.kl_trajectory_data(family("linear-anchor"), alpha=0.25, seed=seed)


# -- Fig.: measured over derived rates (C3, C5, C6, C8) ----------------------------------------

@dataclass(frozen=True)
class RateRun:
    """One family's distance to the limit, the derived one-step rate and the measured/derived ratio."""

    label: str
    metric: str
    distance: np.ndarray  # (steps + 1,)
    rate: float

    @property
    def ratio(self) -> np.ndarray:
        """``(d_t / d_{t-1}) / rate`` for ``t = 1 .. steps``."""
        return self.distance[1:] / self.distance[:-1] / self.rate

    def deviation(self, first: int = 1) -> float:
        """``max |ratio - 1|`` over generations ``t >= first``."""
        return float(np.abs(self.ratio[first - 1:] - 1).max())


@dataclass(frozen=True)
class Rates:
    runs: tuple[RateRun, ...]
    steps: int
    seed: int
    settled: int          # generation from which the caption quotes the deviations
    memory_other_root: float
    memory_rho: float


def _derived_rate(expression: sp.Expr, limit_name: str) -> float:
    """The one-step ratio ``(x_{t+1} - x*) / (x_t - x*)`` of a derived closed form ``x_t`` (no ``t`` left)."""
    by_name = {s.name: s for s in expression.free_symbols}
    t, limit = by_name["t"], by_name[limit_name]
    ratio = sp.simplify((expression.subs(t, t + 1) - limit) / (expression - limit))
    if ratio.free_symbols:
        raise ModelError(f"the derived closed form {expression} is not geometric in t (ratio {ratio})")
    return to_float(ratio)


def _hilbert(q: np.ndarray, p: np.ndarray) -> np.ndarray:
    log_ratio = np.log(q) - np.log(p)
    return log_ratio.max(axis=-1) - log_ratio.min(axis=-1)


def rates_data(seed: int, steps: int = 40) -> Rates:
    """F1 (TV), F3 k = 2 (TV), F4 (Hilbert metric, interior start) and F6 (moment error), each against
    the rate its derivation gives."""
    rng = np.random.default_rng(seed)
    p = _floats(ANCHOR)
    vertex = np.array([[1.0, 0.0, 0.0]])
    inside = rng.dirichlet(np.ones(3), size=1)
    a, gamma = float(ALPHA), Fraction(1, 2)
    phi = np.array([[0.0], [1.0], [2.0]])
    memory = derive("memory-rate", {"alpha": ALPHA, "beta": (gamma, 1 - gamma)})
    rho = to_float(memory.value)
    roots = sorted((complex(r) for r in sp.Poly(memory.extra["characteristic_polynomial"]).nroots()), key=abs)
    linear = _derived_rate(derive("linear-trajectory", {"alpha": ALPHA}).expression, "p_{i}")
    moments = _derived_rate(derive("capacity-moments", {"alpha": ALPHA}).expression, "m_k")
    hilbert = to_float(derive("geometric-hilbert", {"alpha": ALPHA}).extra["factor"])

    def tv(path):
        return 0.5 * np.abs(path - p).sum(axis=-1)

    def moment_error(path):
        return np.abs(path @ phi - p @ phi).max(axis=-1)

    def hilbert_distance(path):
        return _hilbert(path, p)

    setups = (
        ("F1 linear anchor", "TV", experiment(family("linear-anchor"), "exact", {"p": p}, {"alpha": a}), vertex, tv, linear),
        (rf"F3 memory-2, $\beta = ({gamma}, {1 - gamma})$", "TV",
         experiment(family("memory-anchor", k=2), "exact", {"p": p},
                    {"alpha": a, "beta_1": float(gamma), "beta_2": float(1 - gamma)}), vertex, tv, rho),
        ("F4 geometric anchor", r"$d_H$", experiment(family("geometric-anchor"), "exact", {"p": p}, {"alpha": a}),
         inside, hilbert_distance, hilbert),
        ("F6 capacity anchor", "moments", experiment(family("capacity-anchor"), "projection", {"p": p}, {"alpha": a},
                                                     features=phi), vertex, moment_error, moments),
    )
    runs = tuple(RateRun(label, metric, measure(run(ex.build(), q0, steps, keep=True).path[:, 0]), rate)
                 for label, metric, ex, q0, measure, rate in setups)
    return Rates(runs, steps, seed, max(1, steps // 4), abs(roots[0]), rho)


def rates_plot(data: Rates):
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    t = np.arange(1, data.steps + 1)
    for k, r in enumerate(data.runs):
        ax.plot(t, r.ratio, lw=1.4, ms=4, markevery=(k, 4), **style(k),
                label=rf"{r.label} ({r.metric}), derived rate ${r.rate:.4f}$")
    ax.axhline(1.0, color="black", lw=0.8, label="ratio 1 (measured = derived)", zorder=0)
    ax.set_xlabel("generation $t$")
    ax.set_ylabel(r"$(d_t / d_{t-1})\,/\,$derived rate")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    return fig


def rates_caption(data: Rates) -> str:
    quoted = "; ".join(rf"{r.label.split(' ', 1)[0]} ${_sci(r.deviation(data.settled))}$" for r in data.runs)
    memory = next(r for r in data.runs if r.label.startswith("F3"))
    return (rf"Measured over derived one-step rates at $\alpha = {ALPHA}$, $p = {_vector(ANCHOR)}$ (deterministic "
            rf"runs; the F4 start is drawn with seed {data.seed}): $d_t$ is the TV distance to $p$ for F1 and F3 "
            rf"(start $\delta_1$), the Hilbert distance $d_H(q_t, p)$ for F4 and the moment error "
            r"$\max|\Phi^\top q_t - \Phi^\top p|$ for F6 ($\Phi = (0,1,2)^\top$, start $\delta_1$); each ratio "
            r"$(d_t/d_{t-1})$ is divided by the rate derived for it (the linear trajectory derivation, the memory rate derivation, "
            r"the geometric hilbert derivation, the capacity moments derivation); the black line is 1.  Largest $|\text{ratio} - 1|$ "
            rf"for $t \ge {data.settled}$: {quoted}.  F3 starts at ${memory.ratio[0]:.3f}$ and approaches 1 like "
            rf"$({data.memory_other_root:.4f}/{data.memory_rho:.4f})^t$, the modulus of the other root of the derived "
            r"characteristic polynomial over $\rho$.")


# -- Fig.: memory-2 rate (C5) ------------------------------------------------------------------

@dataclass(frozen=True)
class MemoryRate:
    alpha: np.ndarray
    gamma: np.ndarray
    rho: np.ndarray

    @property
    def excess(self) -> np.ndarray:
        """``rho - (1 - alpha)`` on the grid (C5: at least 0)."""
        return self.rho - (1 - self.alpha)


def memory_rate_data(points: int = 200) -> MemoryRate:
    """``rho(alpha, gamma)`` for k = 2 on a grid, from the derived closed form."""
    d = derive("memory-rate", {})
    alpha, gamma = sorted(d.expression.free_symbols, key=lambda s: s.name)
    A, G = np.meshgrid(np.linspace(0.01, 0.99, points), np.linspace(0.0, 1.0, points))
    return MemoryRate(A, G, lambdified(d.expression, (alpha, gamma))(A, G))


def memory_rate_plot(data: MemoryRate):
    fig, ax = plt.subplots(figsize=(5.2, 3.9))
    cs = ax.contourf(data.alpha, data.gamma, data.rho, levels=20, cmap="viridis")
    lines = ax.contour(data.alpha, data.gamma, data.rho, levels=[0.2, 0.4, 0.6, 0.8, 0.9, 0.95], colors="white",
                       linewidths=0.7)
    ax.clabel(lines, fontsize=7)
    fig.colorbar(cs, ax=ax, label=r"$\rho(\alpha, \gamma)$")
    ax.set_xlabel(r"anchor weight $\alpha$")
    ax.set_ylabel(r"memory weight $\gamma = \beta_1$")
    return fig


def memory_rate_caption(data: MemoryRate) -> str:
    return (r"Memory-2 rate $\rho(\alpha, \gamma)$ (F3, C5) from the closed form derived by the memory rate derivation, "
            rf"on a ${data.rho.shape[1]} \times {data.rho.shape[0]}$ grid of $\alpha \in [{data.alpha.min():g}, "
            rf"{data.alpha.max():g}]$, $\gamma \in [{data.gamma.min():g}, {data.gamma.max():g}]$: $\gamma = 1$ is no "
            r"memory ($\rho = 1-\alpha$), smaller $\gamma$ slows convergence.  On the grid "
            rf"$\rho - (1-\alpha)$ lies in $[{_sci(data.excess.min())}, {data.excess.max():.3f}]$ (in floating point) "
            rf"and $\max \rho = {data.rho.max():.4f}$.")


# -- Fig.: softened-anchor bias (C7) -----------------------------------------------------------

@dataclass(frozen=True)
class SoftenedBias:
    p: tuple[Fraction, ...]
    taus: tuple[Fraction, ...]
    bias: dict            # alpha -> bias at each tau
    limit: dict           # alpha -> KL(p || alpha p + (1 - alpha) u), the tau -> oo limit of the bias


def softened_bias_data() -> SoftenedBias:
    """Each bias from ``softened-bias``; each ``tau -> oo`` limit from the fixed point of ``softened-limit``."""
    p = (Fraction(9, 10), Fraction(1, 10))
    taus = (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1), Fraction(3, 2), Fraction(2), Fraction(3),
            Fraction(5))
    pf = _floats(p)
    bias, limit = {}, {}
    for alpha in (Fraction(1, 10), Fraction(3, 10), Fraction(1, 2)):
        bias[alpha] = np.array([value("softened-bias", {"alpha": alpha, "tau": tau, "p": p}) for tau in taus])
        q_limit = np.array([to_float(x) for x in derive("softened-limit", {"alpha": alpha, "p": p}).value])
        limit[alpha] = float((pf * np.log(pf / q_limit)).sum())
    return SoftenedBias(p, taus, bias, limit)


def softened_bias_plot(data: SoftenedBias):
    fig, ax = plt.subplots(figsize=(5.8, 3.6))
    x = [float(t) for t in data.taus]
    curves, limits = [], []
    for k, (alpha, bias) in enumerate(data.bias.items()):
        s = style(k)
        curves += ax.plot(x, bias, lw=1.4, ms=4, **s, label=rf"$\alpha = {alpha}$")
        limits.append(ax.axhline(data.limit[alpha], color=s["color"], lw=0.9, ls=(0, (1, 2)),
                                 label=rf"$\tau \to \infty$ limit, $\alpha = {alpha}$"))
    ax.axvline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xticks([0.25, 0.5, 1, 2, 5], ["1/4", "1/2", "1", "2", "5"])
    ax.minorticks_off()
    ax.set_xlabel(r"temperature $\tau$ (log)")
    ax.set_ylabel(r"bias KL$(p\,\|\,q^*)$")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(handles=curves + limits, fontsize=7, ncol=2)
    return fig


def softened_bias_caption(data: SoftenedBias) -> str:
    at_one = data.taus.index(Fraction(1))
    largest_at_one = max(abs(b[at_one]) for b in data.bias.values())
    limits = ", ".join(rf"{data.limit[a]:.4f}" for a in data.bias)
    last = ", ".join(rf"{b[-1]:.4f}" for b in data.bias.values())
    alphas = ", ".join(str(a) for a in data.bias)
    return (rf"Softened anchor (F5, C7) at $p = (\frac{{9}}{{10}}, \frac{{1}}{{10}})$: the bias of the fixed point "
            r"$q^* = \alpha p + (1-\alpha) S_\tau(q^*)$, each point from the softened bias derivation (exact at $n=2$); "
            rf"at $\tau = 1$ (dotted vertical line, no softening) the largest bias over the plotted $\alpha$ is "
            rf"${_sci(largest_at_one)}$.  Thin dotted lines: "
            r"$\mathrm{KL}(p\,\|\,\alpha p + (1-\alpha) u)$, the bias at the $\tau \to \infty$ limit of the fixed "
            rf"point derived by the softened limit derivation: ${limits}$ for $\alpha = {alphas}$, against ${last}$ at "
            rf"$\tau = {data.taus[-1]}$.")


# -- Fig.: stationary chi^2 of the finite-sample anchor (C9) ----------------------------------

@dataclass(frozen=True)
class SampledChi2:
    size: int
    n: int
    chains: int
    seed: int
    window: int
    grid: np.ndarray
    curve: np.ndarray
    alphas: tuple[float, ...]
    burn: tuple[int, ...]
    estimates: tuple[Estimate, ...]
    derived: np.ndarray    # the derived value at each alpha

    @property
    def covered(self) -> int:
        return sum(e.contains(d) for e, d in zip(self.estimates, self.derived))

    @property
    def ratio(self) -> np.ndarray:
        return np.array([e.mean for e in self.estimates]) / self.derived

    @property
    def ratio_half(self) -> np.ndarray:
        return np.array([e.half_width for e in self.estimates]) / self.derived


def sampled_chi2_data(seed: int, chains: int = 400, window: int = 200,
                      alphas: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.7)) -> SampledChi2:
    """Per-chain time averages of ``chi2(q_t||p)`` after a burn-in, F7 from ``q_0 = p``."""
    p, N, n = ANCHOR, 50, len(ANCHOR)
    d = derive("sampled-stationary-chi2", {"N": N, "n": n})
    (alpha,) = [s for s in d.expression.free_symbols if s.name == "alpha"]
    curve = lambdified(d.expression, (alpha,))
    grid = np.linspace(0.05, 1.0, 100)
    rng = np.random.default_rng(seed)
    pf = _floats(p)
    burns, estimates = [], []
    for a in alphas:
        ex = experiment(family("sampled-anchor"), "multinomial", {"p": pf}, {"alpha": a}, samples=N)
        burn = int(np.ceil(np.log(1e-3) / np.log(1 - a))) + 1
        out = run(ex.build(), np.tile(pf, (chains, 1)), burn + window, rng=rng, keep=False,
                  statistics={"chi2": lambda q: (((q - pf) ** 2) / pf).sum(axis=-1)})
        burns.append(burn)
        estimates.append(chain_mean(out.series["chi2"][burn:].mean(axis=0)))
    derived = np.array([float(curve(a)) for a in alphas])
    return SampledChi2(N, n, chains, seed, window, grid, curve(grid) * np.ones_like(grid), tuple(alphas),
                       tuple(burns), tuple(estimates), derived)


def sampled_chi2_plot(data: SampledChi2):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5.8, 4.8), sharex=True, height_ratios=(3, 2))
    mc = style(1)
    top.plot(data.grid, data.curve, lw=1.4, color=PALETTE[0], label=r"derived $(n-1)/(N - (1-\alpha)^2(N-1))$")
    top.errorbar(data.alphas, [e.mean for e in data.estimates], yerr=[e.half_width for e in data.estimates],
                 fmt=mc["marker"], color=mc["color"], ms=6, capsize=5, elinewidth=1.6, capthick=1.6,
                 label=rf"Monte Carlo, {data.chains} chains, {level_text(LEVEL)} CI")
    top.set_yscale("log")
    top.set_ylabel(r"stationary $E\,\chi^2(q\,\|\,p)$")
    top.grid(True, which="both", alpha=0.3)
    top.legend(fontsize=7)
    bottom.axhline(1.0, color=PALETTE[0], lw=1.4, label="derived (ratio 1)")
    bottom.errorbar(data.alphas, data.ratio, yerr=data.ratio_half, fmt=mc["marker"], color=mc["color"], ms=6,
                    capsize=5, elinewidth=1.6, capthick=1.6, label=f"Monte Carlo / derived, {level_text(LEVEL)} CI")
    bottom.set_xlabel(r"anchor weight $\alpha$")
    bottom.set_ylabel("Monte Carlo / derived")
    bottom.grid(True, alpha=0.3)
    bottom.legend(fontsize=7)
    return fig


def sampled_chi2_caption(data: SampledChi2) -> str:
    halves = ", ".join(f"{h:.3f}" for h in data.ratio_half)
    return (rf"Finite-sample anchor (F7, C9), $N = {data.size}$, $n = {data.n}$, $p = {_vector(ANCHOR)}$: stationary "
            rf"$\chi^2$ to the anchor, derived by the sampled stationary $\chi^2$ derivation (line), and Monte Carlo points: "
            rf"the time average over {data.window} generations after a burn-in ({min(data.burn)} to {max(data.burn)} "
            rf"generations) of each of {data.chains} independent chains from $q_0 = p$ (seed {data.seed}), averaged "
            rf"over the chains, with bars of {LEVEL_TEX} confidence ({Z_TEX} standard errors across chains).  "
            rf"Bottom: the same divided by the derived value, half-widths ${halves}$; {data.covered} of "
            rf"{len(data.estimates)} intervals contain the derived value.")


# -- Fig.: model collapse versus accumulation (C9, C12) ----------------------------------------

@dataclass(frozen=True)
class Accumulation:
    """Replacing and accumulating runs from ``q_0 = p`` with ``alpha = 0``; derived curves at every ``t``.

    ``bound[t]`` is C12's bound ``((1 - ||p||^2)/N) sum_{s<=t} 1/s^2`` and ``expected[t]`` the exact
    ``E||q_t - p||^2``, both from ``accumulation-bound`` (its recursion, checked against its values at
    the last generation)."""

    size: int
    p: tuple[Fraction, ...]
    chains: int
    seed: int
    t: np.ndarray
    replace_h: Band
    replace_err: Band
    accumulate_err: Band
    derived_h: np.ndarray
    bound: np.ndarray
    expected: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """The derived distance of the exact expected error below the bound."""
        return self.bound - self.expected

    @property
    def final(self) -> dict:
        """The C12 comparison at the last generation (what the caption states)."""
        t = int(self.t[-1])
        mean, half = float(self.accumulate_err.mean[-1]), float(self.accumulate_err.half[-1])
        return {"t": t, "bound": float(self.bound[-1]), "expected": float(self.expected[-1]),
                "gap": float(self.gap[-1]), "mean": mean, "half_width": half, "high": mean + half,
                "separated": mean + half < float(self.bound[-1]),
                "covers_expected": bool(abs(mean - float(self.expected[-1])) <= half)}

    @property
    def separated_from(self) -> int | None:
        """The first generation from which every interval of the accumulate mean lies below the bound."""
        below = self.accumulate_err.high < self.bound
        if not below[-1]:
            return None
        above = np.flatnonzero(~below)
        return int(self.t[above[-1] + 1]) if above.size else int(self.t[0])

    @property
    def het_covered(self) -> int:
        """Generations ``t >= 1`` whose replace heterozygosity band contains the derived value."""
        h = self.replace_h
        return int(((h.low <= self.derived_h) & (self.derived_h <= h.high))[1:].sum())


def _accumulation_curves(size: int, p: tuple[Fraction, ...], steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``(bound_t, V_t)`` for ``t = 0 .. steps``, exactly, from the derived recursion ``V_s = f(V_{s-1}, s)``
    (``V_0 = 0``) and its increment at ``V = 0`` (the bound); checked against the derived values at ``steps``."""
    d = derive("accumulation-bound", {"N": size, "t": steps, "p": p})
    step = d.extra["recursion"]
    by_name = {s.name: s for s in step.free_symbols}
    V, s = by_name["V"], by_name["s"]
    step = step.xreplace({by_name["N"]: sp.Integer(size), by_name[r"\|p\|^2"]: sp.Rational(sum(x * x for x in p))})
    exact, bound = [sp.Integer(0)], [sp.Integer(0)]
    for k in range(1, steps + 1):
        exact.append(step.xreplace({V: exact[-1], s: sp.Integer(k)}))
        bound.append(bound[-1] + step.xreplace({V: sp.Integer(0), s: sp.Integer(k)}))
    if sp.simplify(bound[-1] - d.value) != 0 or sp.simplify(exact[-1] - d.extra["expected_error"]) != 0:
        raise ModelError(f"the accumulation recursion gives bound {bound[-1]} and error {exact[-1]} at t = {steps}, "
                         f"the derivation {d.value} and {d.extra['expected_error']}")
    return np.array([float(b) for b in bound]), np.array([float(v) for v in exact])


def accumulation_data(seed: int, chains: int = 40_000, steps: int = 60) -> Accumulation:
    p, N = ANCHOR, 20
    pf = _floats(p)
    rng = np.random.default_rng(seed)
    replace = experiment(family("sampled-anchor"), "multinomial", {"p": pf}, {"alpha": 0.0}, samples=N)
    accumulate = experiment(family("sampled-anchor"), "accumulate", {"p": pf}, {"alpha": 0.0}, samples=N)
    q0 = np.tile(pf, (chains, 1))

    def het(q):
        return 1 - (q ** 2).sum(axis=-1)

    def err(q):
        return ((q - pf) ** 2).sum(axis=-1)

    replaced = run(replace.build(), q0, steps, rng=rng, keep=False, statistics={"h": het, "err": err})
    kept = run(accumulate.build(), q0, steps, rng=rng, keep=False, statistics={"err": err})
    t = np.arange(steps + 1)
    d = derive("unanchored-heterozygosity", {"N": N, "q0": p})
    (tsym,) = [s for s in d.expression.free_symbols if s.name == "t"]
    derived_h = lambdified(d.expression, (tsym,))(t) * np.ones_like(t, dtype=float)
    bound, expected = _accumulation_curves(N, p, steps)
    return Accumulation(N, p, chains, seed, t, Band.of(replaced.series["h"]), Band.of(replaced.series["err"]),
                        Band.of(kept.series["err"]), derived_h, bound, expected)


def accumulation_plot(data: Accumulation):
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.6, 3.6))
    t = data.t
    data.replace_h.draw(left, t, lw=1.5, **style(0), markevery=(0, 10), ms=4,
                        label=r"replace: $1 - \|q_t\|^2$")
    left.plot(t, data.derived_h, color="black", lw=1.0, ls=(0, (6, 3)), label=r"derived $(1-1/N)^t(1-\|q_0\|^2)$")
    data.replace_err.draw(left, t, lw=1.5, **style(1), markevery=(3, 10), ms=4, label=r"replace: $\|q_t - p\|^2$")
    data.accumulate_err.draw(left, t, lw=1.5, **style(2), markevery=(6, 10), ms=4,
                             label=r"accumulate: $\|q_t - p\|^2$")
    left.plot(t, data.bound, color=PALETTE[3], lw=1.2, ls=(0, (1, 1)), label=r"C12 bound $\frac{1-\|p\|^2}{N}\sum_{s\leq t}s^{-2}$")
    left.set_xlabel("generation $t$")
    left.set_ylabel(f"mean over chains, {level_text(LEVEL)} band")
    left.set_ylim(0, float(data.derived_h[0]) * 1.1)
    left.set_title("(a) replace versus accumulate", fontsize=9)
    left.grid(True, alpha=0.3)
    left.legend(fontsize=7, loc="center right")

    acc = data.accumulate_err
    right.plot(t, data.bound - acc.mean, lw=1.5, **style(2), markevery=(6, 10), ms=4,
               label=r"bound $-$ accumulate mean")
    right.fill_between(t, data.bound - acc.high, data.bound - acc.low, color=PALETTE[2], alpha=0.25, lw=0)
    right.plot(t, data.gap, color="black", lw=1.0, ls=(0, (6, 3)), label=r"derived bound $-\ \mathbb{E}\|q_t-p\|^2$")
    right.axhline(0.0, color=PALETTE[3], lw=1.2, ls=(0, (1, 1)), label="0 (mean on the bound)")
    right.set_xlabel("generation $t$")
    right.set_ylabel(r"bound $-\ \|q_t - p\|^2$ (mean)")
    right.set_title("(b) distance below the C12 bound", fontsize=9)
    right.grid(True, alpha=0.3)
    right.legend(fontsize=7, loc="lower right")
    return fig


def accumulation_caption(data: Accumulation) -> str:
    f = data.final
    steps = f["t"]
    if f["separated"]:
        verdict = (rf"the interval lies below the bound (by ${f['bound'] - f['high']:.2g}$), and every interval "
                   rf"does from $t = {data.separated_from}$ on")
    else:
        verdict = (rf"the interval reaches above the bound by ${f['high'] - f['bound']:.2g}$: at {data.chains} chains "
                   r"this run does not separate the mean from the bound")
    start = ("which is 0 at $t = 1$ (the bound is attained there)" if data.gap[1] == 0
             else rf"which is ${_sci(float(data.gap[1]))}$ at $t = 1$")
    expected = ("it contains" if f["covers_expected"] else r"it does \textbf{not} contain") + " the exact value"
    return (rf"Model collapse versus accumulation ($\alpha = 0$, $N = {data.size}$, $p = {_vector(data.p)} = q_0$), "
            rf"{data.chains} independent chains per process (seed {data.seed}); lines are means over the chains, "
            rf"shaded bands pointwise {LEVEL_TEX} confidence intervals of the mean ($\pm {Z_TEX}$ standard errors "
            rf"across chains).  (a) Replacing the data loses diversity: $1 - \|q_t\|^2$ follows the derived "
            rf"$(1-1/N)^t(1-\|q_0\|^2)$ (C9; inside the band at {data.het_covered} of {steps} generations) while its error "
            r"$\|q_t - p\|^2$ grows toward $1 - \|p\|^2$; accumulating all samples keeps the error near the C12 bound "
            r"$\frac{1-\|p\|^2}{N}\sum_{s \le t} s^{-2}$ (dotted), both from the accumulation bound derivation.  (b) The bound "
            r"minus the accumulate mean, with its band, and the derived gap between the bound and the exact "
            rf"$\mathbb{{E}}\|q_t - p\|^2$ (dashed), {start} and grows to "
            rf"${f['gap']:.4f}$ at $t = {steps}$ (bound ${f['bound']:.5f}$, exact ${f['expected']:.5f}$).  There the "
            rf"Monte Carlo mean is ${f['mean']:.5f} \pm {f['half_width']:.5f}$: {expected}; {verdict}.")


# -- all figures -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FigureSpec:
    """A figure of the report: file stem and its three steps (the claims it supports name it in
    :mod:`kdaxioms.proofs.catalogue`)."""

    stem: str
    data: Callable[[int], Any]
    plot: Callable[[Any], Any]
    caption: Callable[[Any], str]


SPECS = (
    FigureSpec("kl-trajectory", kl_trajectory_data, figures.kl_trajectory_plot, figures.kl_trajectory_caption),
    FigureSpec("convergence", rates_data, rates_plot, rates_caption),
    FigureSpec("memory-rate", lambda seed: memory_rate_data(), memory_rate_plot, memory_rate_caption),
    FigureSpec("softened-bias", lambda seed: softened_bias_data(), softened_bias_plot, softened_bias_caption),
    FigureSpec("sampled-chi2", sampled_chi2_data, sampled_chi2_plot, sampled_chi2_caption),
    FigureSpec("collapse-accumulation", accumulation_data, accumulation_plot, accumulation_caption),
)


def draw(spec: FigureSpec, folder: Path, seed: int, data: Any = None) -> dict:
    """Run (unless ``data`` is given), draw and save one figure; its entry for the report."""
    data = spec.data(seed) if data is None else data
    pdf, svg = save(spec.plot(data), folder, spec.stem)
    return {"file": pdf, "svg": svg, "caption": spec.caption(data), "label": f"fig:{spec.stem}"}


def draw_all(folder: Path, seed: int, stems: Collection[str] | None = None) -> list[dict]:
    """The figures of the report named in ``stems`` (every one when None), in the order of
    :data:`SPECS`, the KL trajectories first: ``[{"file", "svg", "caption", "label"}]``."""
    return [draw(spec, Path(folder), seed) for spec in SPECS if stems is None or spec.stem in stems]
