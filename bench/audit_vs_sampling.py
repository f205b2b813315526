"""Time to a counterexample: the SMT audit versus seeded random sampling of the simplex.

    python bench/audit_vs_sampling.py            # Markdown table on standard output
    python bench/audit_vs_sampling.py --quick    # smoke run: 2 seeds, 2 s budget

The planted bugs are the (operator, axiom) pairs of ``tests/catalogue.py``'s ``AUDITS`` whose
expected verdict is ``refuted``.  For each:

* the audit: ``audit_axiom`` (per-coordinate route, then whole vectors up to ``n = 3``),
  shrinking of the witness included; the median of three runs (the first one fills SymPy's
  caches).  The witness must be refuted and replay exactly;
* the baseline: draw ``n`` in {2, 3}, each input a flat-Dirichlet point rounded to fractions of
  denominator at most 1000 and rescaled exactly to sum 1 (an input that must be interior is
  drawn again while it has a zero entry), each parameter uniformly from the rationals
  ``lo + (hi - lo) k / 1000`` of its domain, except temperatures, parameters in an exponent and
  unbounded ones, which take the audit's own grid (``kdaxioms.smt.audit.GRID``).  Each point is
  replayed exactly with ``axiom(name, op).violated_at(point)`` until it is violated or the
  budget, the larger of 10 s and 10 times the audit's time, runs out.  Several seeds; the time
  of a seed that found nothing is infinite, so the median is finite only when most seeds found
  a counterexample.

Speed-up = median sampling time / audit time; a lower bound (``>``) when sampling did not find.
"""

from __future__ import annotations

import argparse
import logging
import math
import statistics
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp

from kdaxioms.numeric.sampling import interior
from kdaxioms.smt.audit import _exponent_symbols, _grid, audit_axiom
from kdaxioms.symbolic.axioms import Axiom, axiom
from kdaxioms.symbolic.errors import InputError
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
AUDIT_MAX_N = 3


@dataclass(frozen=True)
class Bug:
    case: str
    operator: Operator
    axiom: Axiom

    @property
    def name(self) -> str:
        return self.axiom.spec.name


def planted_bugs() -> list[Bug]:
    """Every (case, axiom) of the catalogue whose expected verdict is ``refuted``."""
    bugs = []
    for case in AUDITS:
        op = operator_from_data(case.data)
        bugs += [Bug(case.id, op, axiom(name, op)) for name, verdict in case.expected.items() if verdict == REFUTED]
    return bugs


# -- the audit ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditTime:
    seconds: float
    route: str
    refuted: bool


def time_audit(bug: Bug, timeout_ms: int, runs: int) -> AuditTime:
    """Median wall time of ``runs`` audits; refuted only with a witness that replays exactly."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = audit_axiom(bug.axiom, AUDIT_MAX_N, timeout_ms)
        times.append(time.perf_counter() - start)
    refuted = (result.verdict == REFUTED and result.witness is not None
               and bug.axiom.violated_at(result.witness) is True)
    return AuditTime(statistics.median(times), result.route, refuted)


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


class Sampler:
    """Seeded random points for one planted bug (see the module docstring)."""

    def __init__(self, bug: Bug):
        op, ax = bug.operator, bug.axiom
        self.operator = op
        self.interior = set(op.inputs) if ax.spec.interior else set(op.interior_inputs)
        inputs = {s for vec in (op.vector_inputs(n) for n in SIZES) for syms in vec.values() for s in syms}
        formula_symbols = set().union(*(ax.vector_formula(n).free_symbols for n in SIZES)) - inputs
        gridded = set().union(*(_exponent_symbols(ax.vector_formula(n)) for n in SIZES))
        if "temperature" in op.roles:
            gridded.add(op.roles["temperature"])
        self.values: dict[str, list[Fraction]] = {}
        for symbol in sorted(set(op.parameter_symbols) | formula_symbols, key=str):
            uniform = None if symbol in gridded or symbol not in op.parameter_symbols else _uniform_grid(op, symbol)
            choices = uniform if uniform is not None else [Fraction(int(v.p), int(v.q)) for v in _grid(op, symbol)]
            if not choices:
                raise InputError(f"{bug.case} {bug.name}: no value to draw for {symbol}")
            self.values[symbol.name] = choices

    def _distribution(self, rng: np.random.Generator, n: int, positive: bool) -> tuple[Fraction, ...]:
        while True:
            rounded = [Fraction(float(x)).limit_denominator(DENOMINATOR) for x in interior(rng, 1, n)[0]]
            total = sum(rounded)
            vec = tuple(x / total for x in rounded)
            if not positive or all(x > 0 for x in vec):
                return vec

    def draw(self, rng: np.random.Generator) -> Point:
        n = int(rng.choice(SIZES))
        while True:
            params = {k: v[int(rng.integers(len(v)))] for k, v in self.values.items()}
            subs = {p.symbol: sp.Rational(params[p.name].numerator, params[p.name].denominator)
                    for p in self.operator.parameters}
            if all(c.xreplace(subs) is sp.true for c in self.operator.constraints):
                break
        inputs = {name: self._distribution(rng, n, name in self.interior) for name in self.operator.inputs}
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
        except InputError:
            continue
    return Search(math.inf, draws)


# -- the table ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    bug: Bug
    audit: AuditTime
    budget_s: float
    searches: list[Search]

    @property
    def found(self) -> int:
        return sum(s.seconds < math.inf for s in self.searches)

    @property
    def median_s(self) -> float:
        return statistics.median(s.seconds for s in self.searches)

    @property
    def ms_per_draw(self) -> float:
        spent = sum(s.seconds if s.seconds < math.inf else self.budget_s for s in self.searches)
        return 1000 * spent / sum(s.draws for s in self.searches)

    def speedup(self) -> tuple[float, bool]:
        """(speed-up, is a lower bound)."""
        if self.median_s < math.inf:
            return self.median_s / self.audit.seconds, False
        return self.budget_s / self.audit.seconds, True


def _speedup(value: float, lower: bool) -> str:
    return f"> {value:.0f}" if lower else (f"{value:.2f}" if value < 10 else f"{value:.0f}")


def table(rows: list[Row]) -> list[str]:
    lines = ["| planted bug | axiom | audit route | audit s | sampling found | sampling median s "
             "| median draws | ms per draw | speed-up (sampling / audit) |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        audit = f"{r.audit.seconds:.3f}" if r.audit.refuted else f"{r.audit.seconds:.3f} (not refuted)"
        median = f"{r.median_s:.3f}" if r.median_s < math.inf else f"not found within {r.budget_s:.0f} s"
        draws = statistics.median(s.draws if s.seconds < math.inf else math.inf for s in r.searches)
        shown = f"{draws:.0f}" if draws < math.inf else "-"
        lines.append(f"| {r.bug.case} | {r.bug.name} | {r.audit.route} | {audit} | {r.found}/{len(r.searches)} "
                     f"| {median} | {shown} | {r.ms_per_draw:.1f} | {_speedup(*r.speedup())} |")
    return lines


def median_speedup(rows: list[Row]) -> tuple[float, bool]:
    """Median over the bugs; a lower bound counted at its bound makes the median a lower bound too."""
    values = sorted(r.speedup() for r in rows)
    mid = statistics.median(v for v, _ in values)
    return mid, any(lower and v <= mid for v, lower in values)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 seeds, budget 2 s, one audit run")
    parser.add_argument("--seed", type=int, default=0, help="base seed of the sampling runs (default 0)")
    parser.add_argument("--seeds", type=int, default=None, help="sampling runs per bug (default 5; 2 with --quick)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per Z3 query of the audit (default 20)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    seeds = args.seeds or (2 if args.quick else 5)
    floor_s, factor, runs = (2.0, 10.0, 1) if args.quick else (10.0, 10.0, 3)

    start = time.perf_counter()
    rows = []
    for index, bug in enumerate(planted_bugs()):
        audit = time_audit(bug, int(args.timeout * 1000), runs)
        budget = max(floor_s, factor * audit.seconds)
        sampler = Sampler(bug)
        searches = [search(bug, sampler, np.random.default_rng([args.seed, index, k]), budget) for k in range(seeds)]
        rows.append(Row(bug, audit, budget, searches))
        LOG.info("%s %s: audit %.3f s, sampling found %d/%d", bug.case, bug.name, audit.seconds,
                 rows[-1].found, seeds)
    total = time.perf_counter() - start

    mid, lower = median_speedup(rows)
    print(f"{len(rows)} planted bugs; sampling n in {{2, 3}}, {seeds} seeds from base seed {args.seed}, "
          f"budget max({floor_s:g} s, {factor:g} x audit); audit up to n = {AUDIT_MAX_N}, "
          f"{args.timeout:g} s per query.")
    print()
    print("\n".join(table(rows)))
    print()
    print(f"Median speed-up over the {len(rows)} bugs: {'>= ' if lower else ''}{_speedup(mid, False)}. "
          f"Total wall time {total:.0f} s.")


if __name__ == "__main__":
    main()
