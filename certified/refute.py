"""Certified refutation of a claim with logarithms: floats propose, intervals certify.

1. **Propose.**  The claim's violation margin ``m`` (positive exactly where the formula is false,
   see :func:`margin`) is lambdified with numpy and evaluated on seeded random starts (inputs
   drawn from flat and sparse Dirichlet laws with every coordinate at least ``floor``,
   parameters uniform in their box).  The best starts are improved by a seeded, vectorized
   random local search (shrinking steps, each kept only if the margin grows).  The ``floor``
   keeps proposals away from the boundary, and maximizing the margin keeps them away from
   equality points (``q = p``), where no violation can be certified.
2. **Make exact.**  Each proposal is rounded to rationals at growing denominators; every input
   is projected exactly onto the simplex (entries rescaled by their exact sum, every entry kept
   positive: a logarithm of ``0`` certifies nothing) and every parameter is clipped into its box.
3. **Certify.**  The formula is evaluated at the exact point with interval arithmetic
   (:class:`.formula_intervals.FormulaEnclosure`, outward-rounded ``arb`` endpoints, at 64 then
   256 bits); a certain ``False`` is a certified violation.  The claim's own exact replay
   (``certified_sign`` of the SymPy value) must agree, or the disagreement is raised loudly.

Only a certified point is reported (``refuted`` with that witness); otherwise the result is
``unknown``: a search that finds nothing proves nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy as sp

from kdaxioms.symbolic.errors import DisagreementError, InputError, KdaxiomsError, ModelError
from kdaxioms.symbolic.outcome import REFUTED, Outcome, unknown
from kdaxioms.symbolic.points import Point, on_simplex

from .formula_intervals import FormulaEnclosure
from .intervals import Interval, arb_of
from .logclaims import LogClaim
from kdaxioms.numeric.search import margin_function  # the violation margin, shared with the exact-replay search

#: Denominators tried, smallest first, when a proposal is made exact.
DENOMINATORS = (10, 100, 1000, 10**4, 10**6)
#: Dirichlet concentrations of the starts: flat and sparse (mass near the boundary).
CONCENTRATIONS = (1.0, 0.3)
#: Smallest coordinate of a proposed input (keeps logarithms finite and away from the boundary).
FLOOR = 1e-4
#: Precisions (bits) of the certifying interval evaluation.
BITS = (64, 256)
#: Float margins at or below this are rounding noise next to an equality point, not proposals.
NOISE = 1e-9


class _Space:
    """Float points of one claim, as flat arrays: inputs (n columns each), then parameters."""

    def __init__(self, claim: LogClaim):
        self.claim = claim
        self.names = list(claim.inputs)
        self.params = list(claim.parameters)
        args = [s for name in self.names for s in claim.inputs[name]] + self.params
        self._f = margin_function(claim.formula.xreplace(dict(claim.dependent)), args)
        self.lo = np.array([float(claim.box[s][0]) for s in self.params])
        self.hi = np.array([float(claim.box[s][1]) for s in self.params])

    def draw(self, rng: np.random.Generator, count: int) -> np.ndarray:
        n = self.claim.n
        cols = []
        for _ in self.names:
            conc = CONCENTRATIONS[int(rng.integers(len(CONCENTRATIONS)))]
            cols.append(self._floor(rng.dirichlet(np.full(n, conc), size=count)))
        cols.append(self.lo + rng.uniform(size=(count, len(self.params))) * (self.hi - self.lo))
        return np.concatenate(cols, axis=1)

    def _floor(self, x: np.ndarray) -> np.ndarray:
        x = np.maximum(x, FLOOR)
        return x / x.sum(axis=1, keepdims=True)

    def project(self, x: np.ndarray) -> np.ndarray:
        n, out = self.claim.n, x.copy()
        for k in range(len(self.names)):
            block = np.abs(out[:, k * n:(k + 1) * n])
            out[:, k * n:(k + 1) * n] = self._floor(block / block.sum(axis=1, keepdims=True))
        p0 = len(self.names) * n
        out[:, p0:] = np.clip(out[:, p0:], self.lo, self.hi)
        return out

    def margins(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.broadcast_to(np.asarray(self._f(*x.T), dtype=float), (len(x),))
        return np.where(np.isfinite(out), out, -np.inf)

    def exact(self, row: np.ndarray, denominator: int) -> Point | None:
        n, claim = self.claim.n, self.claim
        inputs = {}
        for k, name in enumerate(self.names):
            # every entry positive (not only interior inputs): logarithms of 0 certify nothing
            vec = on_simplex(row[k * n:(k + 1) * n], denominator, positive=True)
            if vec is None:
                return None
            inputs[name] = vec
        p0 = len(self.names) * n
        params = {}
        for j, s in enumerate(self.params):
            lo, hi = claim.box[s]
            params[s] = min(max(Fraction(float(row[p0 + j])).limit_denominator(denominator), lo), hi)
        try:
            return claim.point(inputs, params)
        except (InputError, ModelError, ZeroDivisionError):
            return None


def _local_search(space: _Space, x: np.ndarray, rng: np.random.Generator, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded random local search from every row of ``x`` at once (improvements only)."""
    m = space.margins(x)
    scale = np.concatenate([np.full(len(space.names) * space.claim.n, 1.0), space.hi - space.lo])
    step = 0.1
    for _ in range(steps):
        trial = space.project(x + step * scale * rng.normal(size=x.shape) * np.maximum(np.abs(x), 1e-3))
        mt = space.margins(trial)
        better = mt > m
        x[better], m[better] = trial[better], mt[better]
        step = max(step * 0.97, 1e-4)
    return x, m


@dataclass(frozen=True)
class Certificate:
    """A certified violation: the exact point and the interval enclosure that proves it."""

    point: Point
    bits: int
    enclosure: str


def certify(claim: LogClaim, point: Point, enclosure: FormulaEnclosure | None = None) -> Certificate | None:
    """Interval certificate that ``claim`` fails at the exact ``point`` (None if not certified).

    The exact replay of the claim (:mod:`kdaxioms.symbolic.replay`: premise, definedness, then the
    conclusion) must say violated, or the point is no witness; a replay that certifies the
    opposite raises :class:`DisagreementError`."""
    enclosure = enclosure or FormulaEnclosure(claim.formula.xreplace(dict(claim.dependent)), _symbols(claim))
    subs = claim.substitution(point)
    values = [Interval.exact(_fraction(subs[s])) for s in enclosure.symbols]
    for bits in BITS:
        truth = enclosure.truth(values, bits)
        if truth is not None:
            break
    if truth is not False:
        return None
    replay = claim.replay(point) if claim.replay is not None else None
    if replay is False:
        raise DisagreementError(f"intervals certify a violation of {claim.name} at {point.to_json()}, "
                                "exact replay certifies that it holds")
    if replay is not True:  # outside the premise, operator undefined, or not certified exactly: no witness
        return None
    low = enclosure.lower_margin(values, bits)
    return Certificate(point, bits, f"violation enclosure lower end {low:.6g}" if low is not None else "formula certainly false")


def _fraction(x: sp.Rational) -> Fraction:
    return Fraction(int(x.p), int(x.q))


def _symbols(claim: LogClaim) -> tuple[sp.Symbol, ...]:
    return tuple(s for name in claim.inputs for s in claim.inputs[name]) + claim.parameters


def _refuted(claim: LogClaim, cert: Certificate, seed: int, rounds: int, starts: int, keep: int, tried: int,
             seconds: float) -> Outcome:
    steps = (
        rf"seeded search (seed {seed}, {rounds} round(s) of {starts} starts, local search on the best {keep}) "
        rf"at $n = {claim.n}$; {tried} exact candidate(s) checked, smallest denominators first",
        f"certified by interval arithmetic at {cert.bits} bits: {cert.enclosure}; exact replay agrees",
    )
    return Outcome(REFUTED, f"n={claim.n}", steps, cert.point,
                   data={"seconds": seconds, "seed": seed, "bits": cert.bits, "candidates": tried,
                         "certificate": cert.enclosure, "box": claim.scope(), "route": "search+intervals",
                         **claim.evidence(cert.point)})


def refute(claim: LogClaim, seed: int = 0, starts: int = 4000, keep: int = 16, steps: int = 150,
           budget_s: float = 5.0, rounds_limit: int | None = None) -> Outcome:
    """Search, make exact and certify (see the module docstring); ``refuted`` or ``unknown``.

    With ``rounds_limit`` the search does that many rounds (``budget_s`` is then only a safety
    cap), so the same seed gives the same outcome on any machine; without it, it searches for
    ``budget_s`` seconds."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    space = _Space(claim)
    enclosure = FormulaEnclosure(claim.formula.xreplace(dict(claim.dependent)), _symbols(claim))
    tried = rounds = 0
    while time.perf_counter() - start < budget_s and (rounds_limit is None or rounds < rounds_limit):
        rounds += 1
        x = space.draw(rng, starts)
        m = space.margins(x)
        best = np.argsort(-m)[:keep]
        x, m = _local_search(space, x[best].copy(), rng, steps)
        order = [int(k) for k in np.argsort(-m) if m[k] > NOISE]
        for denominator in DENOMINATORS:  # smallest denominators first: a witness a person can read
            for k in order:
                if time.perf_counter() - start > budget_s:
                    break
                point = space.exact(x[k], denominator)
                if point is None:
                    continue
                tried += 1
                cert = certify(claim, point, enclosure)
                if cert is not None:
                    return _refuted(claim, cert, seed, rounds, starts, keep, tried, time.perf_counter() - start)
    if rounds_limit is not None and rounds == rounds_limit:
        spent = f"{rounds} rounds of seeded search (seed {seed}, {tried} exact candidates)"
    else:
        spent = f"{budget_s:g} s of seeded search (seed {seed}, {rounds} rounds, {tried} exact candidates)"
    return unknown(f"no certified violation in {spent} at n={claim.n}; a search that finds nothing proves nothing")
