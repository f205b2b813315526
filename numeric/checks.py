"""Numeric cross-checks of symbolic results: a cross-check never proves anything.

Each check draws seeded anchors and starts (interior and boundary) for several support sizes
and parameter values, evaluates the statement with the numpy translation of the model, and
reports ``agrees`` or ``disagrees`` with the numbers it measured and its tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy as sp

from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.outcome import AGREES, DISAGREES, Outcome
from kdaxioms.symbolic.recursion import T_STEP, Q0, Trajectory
from kdaxioms.symbolic.statements import Contraction, Relation

from .iterate import iterate
from .sampling import interior, starts
from .translate import numeric_divergence, numeric_operator

#: Relative tolerance of identities and one-sided slack of inequalities.
RTOL = 1e-9
#: Denominators below this are too close to ``q = p`` for a meaningful ratio.
TINY = 1e-12


@dataclass(frozen=True)
class Sampling:
    """How many points to draw: ``chains`` anchors and starts per support size and parameter."""

    sizes: Sequence[int] = (2, 3, 5, 10, 50)
    chains: int = 1000
    grid: int = 3
    seed: int = 0


def latex_number(x: float, digits: int = 3) -> str:
    """A float for LaTeX math mode: ``4.4\\times 10^{-16}`` rather than ``4.4e-16``."""
    mantissa, _, exponent = f"{x:.{digits}g}".partition("e")
    return mantissa if not exponent else rf"{mantissa}\times 10^{{{int(exponent)}}}"


_num = latex_number


def _set(values: Sequence[int]) -> str:
    return "\\{" + ", ".join(map(str, values)) + "\\}"


def _parameter_points(op, grid: int) -> list[dict[str, Fraction]]:
    (param,) = op.parameters
    return [{param.name: v} for v in param.grid(grid)]


def _as_float(params: dict[str, Fraction]) -> dict[str, float]:
    return {k: float(v) for k, v in params.items()}


def contraction_check(c: Contraction, sampling: Sampling) -> Outcome:
    """Per-step ratios ``D(Tq,p) / D(q,p)`` against the claimed factor."""
    T, D = numeric_operator(c.operator), numeric_divergence(c.divergence)
    factor = sp.lambdify(c.operator.parameter_symbols, c.factor)
    rng = np.random.default_rng(sampling.seed)
    worst, largest, count, rows = 0.0, {}, 0, []
    for n in sampling.sizes:
        for params in _parameter_points(c.operator, sampling.grid):
            p, q = interior(rng, sampling.chains, n), starts(rng, sampling.chains, n)
            tq = T({"p": p, "q": q}, _as_float(params))
            num, den = (D(p, tq), D(p, q)) if c.reverse else (D(tq, p), D(q, p))
            fac = float(factor(*_as_float(params).values()))
            ok = np.isfinite(den) & (den > TINY)
            ratio = num[ok] / den[ok]
            count += int(ok.sum())
            key = str(params[c.operator.parameters[0].name])
            largest[key] = max(largest.get(key, 0.0), float(ratio.max()) if ratio.size else 0.0)
            if c.relation is Relation.EQ:
                dev = np.abs(ratio - fac) / max(fac, 1.0)
                bad = dev > RTOL
            else:
                bad = ratio > fac * (1 + RTOL) + RTOL
            if fac > 0:
                worst = max(worst, float((ratio / fac).max()) if ratio.size else 0.0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                rows.append(f"$n = {n}$, parameter ${key}$: ratio ${ratio[i]:.12g}$ against factor ${fac:.12g}$")
    summary = (f"{count} ratios over $n \\in {_set(sampling.sizes)}$ and {len(largest)} parameter values "
               f"(seed {sampling.seed}); largest ratio / factor $= {worst:.9f}$")
    data = {"ratios": count, "largest_ratio": largest, "largest_ratio_over_factor": worst}
    if rows:
        return Outcome(DISAGREES, steps=(summary,) + tuple(rows[:5]), reason=rows[0], data=data)
    per_alpha = ", ".join(f"${k}$: ${v:.6f}$" for k, v in largest.items())
    return Outcome(AGREES, steps=(summary, f"largest ratio per parameter value: {per_alpha}"), data=data)


def trajectory_check(traj: Trajectory, sampling: Sampling, steps: int = 40) -> Outcome:
    """Iterate ``T`` and compare with the closed form, the KL envelope and convergence to ``p``."""
    op = traj.operator
    T = numeric_operator(op)
    kl = numeric_divergence(divergence("kl"))
    x = op.coordinate_inputs()
    closed = sp.lambdify([x["p"], Q0, T_STEP] + list(op.parameter_symbols), traj.expression)
    base = sp.lambdify(op.parameter_symbols, traj.base)
    rng = np.random.default_rng(sampling.seed)
    max_err, max_ratio, worst_env, final, problems = 0.0, 0.0, 0.0, 0.0, []
    for n in sampling.sizes:
        for params in _parameter_points(op, sampling.grid):
            fp = _as_float(params)
            p, q0 = interior(rng, sampling.chains, n), starts(rng, sampling.chains, n)
            path = iterate(T, p, q0, fp, steps)
            ts = np.arange(steps + 1).reshape(-1, 1, 1)
            exact = closed(p[None], q0[None], ts, *fp.values())
            max_err = max(max_err, float(np.abs(path - exact).max()))
            kls = kl(path, p[None])
            b = float(base(*fp.values()))
            env = kls[0][None] * b ** np.arange(steps + 1)[:, None]
            finite = np.isfinite(kls[0]) & (kls[0] > TINY)
            slack = kls[:, finite] - env[:, finite] * (1 + RTOL) - TINY
            worst_env = max(worst_env, float(slack.max()) if slack.size else 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                step_ratio = kls[1:] / kls[:-1]
            valid = (kls[:-1] > TINY) & np.isfinite(kls[:-1])
            if valid.any() and b > 0:
                max_ratio = max(max_ratio, float((step_ratio[valid] / b).max()))
            final = max(final, float(np.abs(path[-1] - p).sum(axis=-1).max() / 2))
            if slack.size and slack.max() > 0:
                problems.append(f"$n = {n}$: KL above the envelope by ${_num(slack.max())}$")
    if max_err > 1e-12:
        problems.append(f"the trajectory deviates from the closed form by ${_num(max_err)}$")
    summary = (f"{len(sampling.sizes) * sampling.grid * sampling.chains} chains over $n \\in {_set(sampling.sizes)}$, "
               f"{steps} steps (seed {sampling.seed}): $\\max |q_t - \\text{{closed form}}| = {_num(max_err)}$; "
               f"largest per-step KL ratio over the base $b$: ${max_ratio:.9f}$; largest $\\mathrm{{TV}}(q_{{{steps}}}, p) = {_num(final)}$")
    data = {"max_error": max_err, "largest_step_ratio_over_factor": max_ratio, "final_tv": final}
    if problems or max_ratio > 1 + RTOL:
        return Outcome(DISAGREES, steps=(summary,) + tuple(problems[:5]), reason=(problems or ["KL ratio above factor"])[0], data=data)
    return Outcome(AGREES, steps=(summary,), data=data)
