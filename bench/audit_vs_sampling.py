"""Time to a counterexample: the SMT audit versus seeded random sampling of the simplex.

    python bench/audit_vs_sampling.py            # Markdown table on standard output
    python bench/audit_vs_sampling.py --quick    # smoke run: 2 seeds, 2 s budget, one audit run

The planted bugs are the (operator, axiom) pairs of ``tests/catalogue.py``'s ``AUDITS`` whose
expected verdict is ``refuted``, and three whose violation set is thin (:data:`THIN_BUGS`: a
weight window of width 1/500, support sizes n >= 4 only, faces of the simplex only).  Both
methods get the same wall-clock budget per bug (``--budget``, default 10 s); a method that has
no counterexample when it runs out has not found one (time infinite).

* the audit: ``audit_operator`` as ``kdaxioms audit`` runs it (the cheap exactly replayed
  sampling stage, then the proving routes and SMT up to n = 4, ``--timeout`` seconds per Z3
  query), shrinking of the witness included.
  Its time is the median of three warm runs (after a first run, so that SymPy's cache holds its
  formulas as it does for the sampler, whose exact replays run after it); the first run, with
  SymPy's cache cleared before it, is shown as the cold time, what a fresh ``kdaxioms audit``
  pays.  It counts only with a ``refuted`` verdict whose witness replays exactly, within the
  budget;
* the baseline, two samplers, each with ``--seeds`` independent seeded runs per bug: draw n in
  {2, 3}; each input a flat-Dirichlet point of the simplex rounded to fractions of denominator
  at most 1000 and rescaled exactly to sum 1; each parameter uniformly from the rationals
  ``lo + (hi - lo) k / 1000`` of its domain, except parameters in an exponent (temperatures)
  and unbounded ones, which take the audit's own grid (``kdaxioms.symbolic.domains.EXPONENT_GRID``).
  ``interior`` keeps every input in the open simplex (the uniform distribution on the simplex;
  a draw that rounds to a zero entry is drawn again); ``faces`` puts each input that the axiom
  allows on the boundary on a random face with probability 0.3 (``numeric.sampling.boundary``,
  the share the numeric layer's starts use).  Every point is replayed exactly with
  ``axiom(name, op).violated_at(point)`` until one is violated or the budget runs out.

Per bug and sampler, the sampling time is the median over the seeds (infinite when fewer than
half found one); speed-up = sampling median / audit time, a lower bound (``>``) budget / audit
time when the median is infinite.  The summary gives the median speed-up over the bugs.
"""

from __future__ import annotations

import argparse
import logging
import math
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp
import z3
from sympy.core.cache import clear_cache

from kdaxioms.numeric.sampling import boundary, interior
from kdaxioms.proofs.audit import audit_operator
from kdaxioms.smt.audit import _grid
from kdaxioms.symbolic.domains import exponent_symbols
from kdaxioms.symbolic.axioms import Axiom, axiom
from kdaxioms.symbolic.errors import InputError, ModelError
from kdaxioms.symbolic.model import Operator
from kdaxioms.symbolic.opfile import operator_from_data
from kdaxioms.symbolic.outcome import REFUTED
from kdaxioms.symbolic.points import Point

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from catalogue import AUDITS  # noqa: E402

LOG = logging.getLogger("audit_vs_sampling")
#: Largest denominator of a drawn coordinate and of the parameter grid.
DENOMINATOR = 1000
SIZES = (2, 3)
AUDIT_MAX_N = 4
#: ``faces`` sampler: probability that an input which may lie on the boundary is drawn on a face.
FACE_SHARE = 0.3
SAMPLERS = ("interior", "faces")
#: Speed-ups the issue asks of the audit: median over every planted bug, and on each thin bug.
TARGET, THIN_TARGET = 1.0, 10.0


@dataclass(frozen=True)
class Bug:
    case: str
    operator: Operator
    axiom: Axiom
    thin: bool = False

    @property
    def name(self) -> str:
        return self.axiom.spec.name


def _aggregation(component: str) -> dict:
    return {"name": "thin", "kind": "aggregation", "teachers": 2, "component": component,
            "parameters": {"w": "0 <= w <= 1"}, "roles": {"weights": ["w", "1 - w"]}}


#: Planted bugs whose violation set is thin: (id, operator data, axiom).
THIN_BUGS = (
    # unanimity fails only for |w - 1/3| < 1/1000 (0.2 % of the weights), at any non-uniform p
    ("thin-weight-window", _aggregation("w*p1[i] + (1 - w)*p2[i] + Max(0, 1/10**6 - (w - 1/3)**2)*(p1[i] - 1/n)"),
     "unanimity"),
    # unanimity fails only for n >= 4
    ("thin-large-support", _aggregation("w*p1[i] + (1 - w)*p2[i] + Max(0, n - 3)*(p1[i] - 1/n)/10"), "unanimity"),
    # ranking fails only on faces: a zero entry gets weight 1, more than an entry below 1
    ("thin-faces", {"name": "thin", "kind": "softening", "component": "p[i]**(1/tau) + 1 - Heaviside(p[i])",
                    "normalize": True, "parameters": {"tau": "tau > 0"}, "roles": {"temperature": "tau"}}, "ranking"),
)


def planted_bugs() -> list[Bug]:
    """Every (case, axiom) of the catalogue whose expected verdict is ``refuted``, then :data:`THIN_BUGS`."""
    bugs = []
    for case in AUDITS:
        op = operator_from_data(case.data)
        bugs += [Bug(case.id, op, axiom(name, op)) for name, verdict in case.expected.items() if verdict == REFUTED]
    for case_id, data, name in THIN_BUGS:
        op = operator_from_data(data)
        bugs.append(Bug(case_id, op, axiom(name, op), thin=True))
    return bugs


# -- the audit ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditTime:
    seconds: float  # median of the warm runs
    route: str
    refuted: bool  # refuted with a witness that replays exactly
    cold_s: float = math.nan  # the first run, SymPy's cache cleared before it


def time_audit(bug: Bug, timeout_ms: int, runs: int) -> AuditTime:
    """Median wall time of ``runs`` warm audits, after one cold run (SymPy's cache cleared)."""
    def audit() -> object:
        (result,) = audit_operator(bug.operator, [bug.name], max_n=AUDIT_MAX_N, timeout_ms=timeout_ms, seed=0)
        return result
    clear_cache()
    start = time.perf_counter()
    result = audit()
    cold = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = audit()
        times.append(time.perf_counter() - start)
    refuted = (result.verdict == REFUTED and result.witness is not None
               and bug.axiom.violated_at(result.witness) is True)
    return AuditTime(statistics.median(times), result.route, refuted, cold)


# -- the sampling baseline --------------------------------------------------------------------

def _uniform_grid(op: Operator, symbol: sp.Symbol) -> list[Fraction] | None:
    """The rationals ``lo + (hi - lo) k / DENOMINATOR`` inside a bounded domain (None if unbounded)."""
    param = next(p for p in op.parameters if p.symbol == symbol)
    iv = param.interval()
    if not (iv.start.is_finite and iv.end.is_finite):
        return None
    lo, hi = Fraction(str(iv.start)), Fraction(str(iv.end))
    values = (lo + (hi - lo) * Fraction(k, DENOMINATOR) for k in range(DENOMINATOR + 1))
    return [v for v in values if param.contains(v)]


def _rounded(x: np.ndarray) -> tuple[Fraction, ...]:
    """A float point of the simplex as exact fractions (denominators <= DENOMINATOR) summing to 1."""
    rounded = [Fraction(float(v)).limit_denominator(DENOMINATOR) for v in x]
    total = sum(rounded)
    return tuple(v / total for v in rounded)


class Sampler:
    """Seeded random points for one planted bug (see the module docstring); ``faces`` adds faces."""

    def __init__(self, bug: Bug, faces: bool):
        op, ax = bug.operator, bug.axiom
        self.operator, self.faces = op, faces
        #: Inputs the axiom requires in the open simplex.
        self.interior = set(op.inputs) if ax.spec.interior else set(op.interior_inputs)
        inputs = {s for vec in (op.vector_inputs(n) for n in SIZES) for syms in vec.values() for s in syms}
        formula_symbols = set().union(*(ax.vector_formula(n).free_symbols for n in SIZES)) - inputs
        gridded = set().union(*(exponent_symbols(ax.vector_formula(n)) for n in SIZES))
        if "temperature" in op.roles:
            gridded.add(op.roles["temperature"])
        self.values: dict[str, list[Fraction]] = {}
        for symbol in sorted(set(op.parameter_symbols) | formula_symbols, key=str):
            uniform = None if symbol in gridded or symbol not in op.parameter_symbols else _uniform_grid(op, symbol)
            choices = uniform if uniform is not None else [Fraction(int(v.p), int(v.q)) for v in _grid(op, symbol)]
            if not choices:
                raise InputError(f"{bug.case} {bug.name}: no value to draw for {symbol}")
            self.values[symbol.name] = choices

    def _distribution(self, rng: np.random.Generator, n: int, name: str) -> tuple[Fraction, ...]:
        if self.faces and name not in self.interior and rng.random() < FACE_SHARE:
            return _rounded(boundary(rng, 1, n)[0])
        while True:
            vec = _rounded(interior(rng, 1, n)[0])
            if all(x > 0 for x in vec):
                return vec

    def draw(self, rng: np.random.Generator) -> Point:
        n = int(rng.choice(SIZES))
        while True:
            params = {k: v[int(rng.integers(len(v)))] for k, v in self.values.items()}
            subs = {p.symbol: sp.Rational(params[p.name].numerator, params[p.name].denominator)
                    for p in self.operator.parameters}
            if all(c.xreplace(subs) is sp.true for c in self.operator.constraints):
                break
        inputs = {name: self._distribution(rng, n, name) for name in self.operator.inputs}
        return Point(inputs, params)


@dataclass(frozen=True)
class Search:
    seconds: float  # math.inf when nothing was found within the budget
    draws: int


def search(bug: Bug, sampler: Sampler, rng: np.random.Generator, budget_s: float) -> Search:
    """Draw and replay exactly until a point violates the axiom or the budget is spent."""
    start, draws = time.perf_counter(), 0
    while time.perf_counter() - start < budget_s:
        point = sampler.draw(rng)
        draws += 1
        try:
            if bug.axiom.violated_at(point) is True:
                return Search(time.perf_counter() - start, draws)
        except (InputError, ModelError):
            continue
    return Search(math.inf, draws)


# -- the table ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sampling:
    searches: list[Search]
    budget_s: float

    @property
    def found(self) -> int:
        return sum(s.seconds < math.inf for s in self.searches)

    @property
    def median_s(self) -> float:
        return statistics.median(s.seconds for s in self.searches)

    @property
    def median_draws(self) -> float:
        return statistics.median(s.draws if s.seconds < math.inf else math.inf for s in self.searches)

    @property
    def ms_per_draw(self) -> float:
        spent = sum(s.seconds if s.seconds < math.inf else self.budget_s for s in self.searches)
        return 1000 * spent / sum(s.draws for s in self.searches)


@dataclass(frozen=True)
class Row:
    bug: Bug
    audit: AuditTime
    budget_s: float
    sampling: dict[str, Sampling]

    @property
    def audit_found(self) -> bool:
        return self.audit.refuted and self.audit.seconds <= self.budget_s

    def speedup(self, sampler: str, cold: bool = False) -> tuple[float, bool]:
        """(sampling median / audit time, is a lower bound); nan when the audit did not find."""
        if not self.audit_found:
            return math.nan, False
        audit_s = self.audit.cold_s if cold else self.audit.seconds
        median = self.sampling[sampler].median_s
        if median < math.inf:
            return median / audit_s, False
        return self.budget_s / audit_s, True


def _speedup(value: float, lower: bool) -> str:
    if math.isnan(value):
        return "audit did not find"
    text = f"{value:.2f}" if value < 10 else f"{value:.0f}"
    return f"> {text}" if lower else text


def _sampling_cell(s: Sampling) -> str:
    if s.median_s == math.inf:
        return f"{s.found}/{len(s.searches)}: not within {s.budget_s:g} s"
    return f"{s.found}/{len(s.searches)}: {s.median_s:.3f} s ({s.median_draws:.0f} draws)"


def table(rows: list[Row]) -> list[str]:
    lines = ["| planted bug | axiom | audit route | audit s (cold s) | interior: found, median s (draws) "
             "| speed-up vs interior | faces: found, median s (draws) | speed-up vs faces | ms per draw |",
             "|---|---|---|---:|---|---:|---|---:|---:|"]
    for r in rows:
        audit = f"{r.audit.seconds:.3f} ({r.audit.cold_s:.3f})"
        if not r.audit_found:
            audit += " not refuted"
        per_draw = statistics.median(s.ms_per_draw for s in r.sampling.values())
        lines.append(f"| {r.bug.case} | {r.bug.name} | {r.audit.route} | {audit} "
                     f"| {_sampling_cell(r.sampling['interior'])} | {_speedup(*r.speedup('interior'))} "
                     f"| {_sampling_cell(r.sampling['faces'])} | {_speedup(*r.speedup('faces'))} | {per_draw:.1f} |")
    return lines


def median_speedup(rows: list[Row], sampler: str, cold: bool = False) -> tuple[float, bool]:
    """Median over the bugs; a lower bound at or below the median makes the median a lower bound.

    A bug the audit did not find counts as speed-up 0."""
    values = [(0.0, False) if math.isnan(v) else (v, lower)
              for v, lower in (r.speedup(sampler, cold) for r in rows)]
    mid = statistics.median(v for v, _ in values)
    return mid, any(lower and v <= mid for v, lower in values)


def summary(rows: list[Row]) -> list[str]:
    """The goals of the issue: median speed-up at least 1 over every planted bug, at least
    :data:`THIN_TARGET` on each bug whose violation set is thin."""
    lines = []
    thin = [r for r in rows if r.bug.thin]
    for sampler in SAMPLERS:
        mid, lower = median_speedup(rows, sampler)
        cold, cold_lower = median_speedup(rows, sampler, cold=True)
        slower = sum(1 for r in rows if r.speedup(sampler)[0] < 1)
        thin_text = ", ".join(f"{r.bug.case} {_speedup(*r.speedup(sampler))}" for r in thin)
        thin_met = sum(1 for r in thin if r.speedup(sampler)[0] >= THIN_TARGET)
        lines.append(f"- against `{sampler}`: median speed-up over all {len(rows)} bugs "
                     f"{'>= ' if lower else ''}{_speedup(mid, False)} (goal >= {TARGET:g}; cold audit: "
                     f"{'>= ' if cold_lower else ''}{_speedup(cold, False)}), the audit slower on {slower}; thin bugs: "
                     f"{thin_text} ({thin_met} of {len(thin)} at least {THIN_TARGET:g}).")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 seeds, budget 2 s, one audit run")
    parser.add_argument("--seed", type=int, default=0, help="base seed of the sampling runs (default 0)")
    parser.add_argument("--seeds", type=int, default=None, help="sampling runs per bug and sampler (default 5; 2 with --quick)")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds per bug for each method (default 10; 2 with --quick)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per Z3 query of the audit (default 5)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    seeds = args.seeds or (2 if args.quick else 5)
    budget = args.budget or (2.0 if args.quick else 10.0)
    runs = 1 if args.quick else 3

    start = time.perf_counter()
    rows = []
    for index, bug in enumerate(planted_bugs()):
        audit = time_audit(bug, int(args.timeout * 1000), runs)
        sampling = {}
        for which, name in enumerate(SAMPLERS):
            sampler = Sampler(bug, faces=name == "faces")
            rngs = [np.random.default_rng([args.seed, index, which, k]) for k in range(seeds)]
            sampling[name] = Sampling([search(bug, sampler, rng, budget) for rng in rngs], budget)
        rows.append(Row(bug, audit, budget, sampling))
        LOG.info("%s %s: audit %.3f s, sampling found %s", bug.case, bug.name, audit.seconds,
                 ", ".join(f"{k} {v.found}/{seeds}" for k, v in sampling.items()))
    total = time.perf_counter() - start

    print(f"{len(rows)} planted bugs; budget {budget:g} s per bug for each method; sampling n in {{2, 3}}, "
          f"{seeds} seeds per sampler from base seed {args.seed}; audit up to n = {AUDIT_MAX_N}, "
          f"{args.timeout:g} s per Z3 query, median of {runs} warm run(s); Python {platform.python_version()}, "
          f"SymPy {sp.__version__}, Z3 {z3.get_version_string()}.")
    print()
    print("\n".join(table(rows)))
    print()
    print("\n".join(summary(rows)))
    print()
    print(f"Total wall time {total:.0f} s.")


if __name__ == "__main__":
    main()
