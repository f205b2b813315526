"""Cost of the SMT audit against the support size n: per-coordinate route versus whole vectors.

    python bench/audit_scaling.py             # Markdown tables on standard output
    python bench/audit_scaling.py --quick     # smoke run: n = 2, 4, three families, 5 s per query

Every axiom of every built-in family (the operator files of ``examples/operators/``), at each
n of 2, 4, 8, 16, 32, 64:

* the per-coordinate route, exactly as the audit runs it (``kdaxioms.smt.audit._coordinate``:
  the obligations with symbolic parameters, ``None`` when the operator does not separate or a
  parameter sits in an exponent).  n does not enter its query, and a proof holds for every n;
  it is run again at each n as a control, so the spread of its column is measurement noise;
* the whole-vector route for that single n: ``decide_vectors(ax, [n])`` with the audit's
  interior and symmetry-breaking flags.  A parameter in an exponent is fixed at the first
  admissible value of the audit's grid (the audit itself tries up to five values, each one such
  query).  A query that does not finish within the timeout is a timeout, never a time, and
  larger n are not tried for that axiom (the per-coordinate control still is).

Axioms that exact real arithmetic cannot express (logarithms, limits in the temperature) have
neither route and are listed apart.

Timing: wall-clock seconds in one process, one query at a time.  SymPy's cache is cleared
before every timed run, so each run builds its formulas as a fresh ``kdaxioms audit`` would;
the time covers building the formula, translating it and Z3.  Each cell is the median of up to
three runs (one when the first took over a second or did not finish).  Nothing is random:
``--seed`` is accepted for a uniform command line, recorded, and changes nothing.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import sympy as sp
from sympy.core.cache import clear_cache

from kdaxioms.smt.audit import _coordinate, _grid, audit
from kdaxioms.symbolic.domains import exponent_symbols
from kdaxioms.smt.decide import decide_vectors
from kdaxioms.symbolic.axioms import AXIOMS, Axiom, axiom
from kdaxioms.symbolic.errors import ModelError
from kdaxioms.symbolic.opfile import load_operator
from kdaxioms.symbolic.outcome import UNKNOWN, Outcome

LOG = logging.getLogger("audit_scaling")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"
QUICK_OPERATORS = ("linear-anchor", "memory-anchor", "power-softening")
SIZES, QUICK_SIZES = (2, 4, 8, 16, 32, 64), (2, 4)
TIMEOUT_S, QUICK_TIMEOUT_S = 10.0, 5.0
#: Each cell is the median of up to this many runs, fewer once they took ``REPEAT_BUDGET_S``.
REPEATS, REPEAT_BUDGET_S = 3, 1.0


def builtin_operators() -> list[str]:
    """The built-in families, by file name."""
    return sorted(p.stem for p in EXAMPLES.glob("*.toml"))


@dataclass(frozen=True)
class Timed:
    """One route at one n: its outcome and wall-clock seconds."""

    outcome: Outcome
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.outcome.verdict == UNKNOWN and "timeout" in self.outcome.reason

    @property
    def decided(self) -> bool:
        return self.outcome.verdict != UNKNOWN

    def verdict(self) -> str:
        if self.timed_out:
            return "timeout"
        scope = f" ({self.outcome.scope})" if self.outcome.scope else ""
        return self.outcome.verdict + scope

    def cell(self) -> str:
        if self.timed_out:
            return "timeout"
        return f"{self.seconds:.3f}" if self.decided else f"unknown ({self.seconds:.1f})"


def _timed(run: Callable[[], Outcome]) -> Timed:
    """Median wall time of cold runs (SymPy's cache cleared before each); one run if undecided."""
    times, outcome = [], None
    while len(times) < REPEATS and sum(times) < REPEAT_BUDGET_S:
        clear_cache()
        start = time.perf_counter()
        outcome = run()
        times.append(time.perf_counter() - start)
        if outcome.verdict == UNKNOWN:
            break
    return Timed(outcome, statistics.median(times))


def exponent_values(ax: Axiom) -> dict[sp.Symbol, sp.Rational]:
    """The first admissible point of the audit's grid for the symbols in exponents ({} if none)."""
    symbols = sorted(exponent_symbols(ax.vector_formula(2)), key=str)
    for values in itertools.product(*(_grid(ax.operator, s) for s in symbols)):
        fixed = dict(zip(symbols, values))
        if not any(c.xreplace(fixed) is sp.false for c in ax.operator.constraints):
            return fixed
    raise ModelError(f"{ax.spec.name}: no admissible grid point for {symbols}")


@dataclass
class Scaling:
    """One axiom of one family: the per-coordinate control and the vector route, per n."""

    operator: str
    axiom: str
    fixed: dict[sp.Symbol, sp.Rational]
    coordinate: dict[int, Timed]  # empty when the operator does not separate
    vector: dict[int, Timed]  # up to the first n that was not decided

    @property
    def largest_decided(self) -> int | None:
        done = [n for n, t in self.vector.items() if t.decided]
        return max(done) if done else None

    @property
    def stuck_at(self) -> int | None:
        return next((n for n, t in self.vector.items() if not t.decided), None)


def scale_axiom(operator: str, ax: Axiom, sizes: tuple[int, ...], timeout_ms: int) -> Scaling:
    """Both routes at every n; the vector route up to the first n where it does not decide."""
    fixed = exponent_values(ax)
    separable = _coordinate(ax, timeout_ms, None) is not None
    result = Scaling(operator, ax.spec.name, fixed, {}, {})
    for n in sizes:
        if separable:
            result.coordinate[n] = _timed(lambda: _coordinate(ax, timeout_ms, None))
        if result.stuck_at is None:
            result.vector[n] = _timed(lambda: decide_vectors(ax, [n], timeout_ms, all_interior=ax.spec.interior,
                                                             sort=ax.spec.sortable, fixed=fixed))
        LOG.info("%s %s n=%d: coordinate %s, vector %s", operator, ax.spec.name, n,
                 result.coordinate[n].cell() if separable else "-",
                 result.vector[n].cell() if n in result.vector else "not run")
    return result


# -- tables ---------------------------------------------------------------------------------------

def _fixed_text(fixed: dict[sp.Symbol, sp.Rational]) -> str:
    return ", ".join(f"{s} = {v}" for s, v in fixed.items())


def table(results: list[Scaling], sizes: tuple[int, ...]) -> list[str]:
    """One row per axiom: the per-coordinate control, then the vector route's seconds per n."""
    head = ("| family | axiom | per-coordinate s, min-max over n | per-coordinate verdict | "
            + " | ".join(f"vector n={n}" for n in sizes) + " | vector verdict (largest n decided) |")
    lines = [head, "|---|---|---:|---|" + "---:|" * len(sizes) + "---|"]
    for r in results:
        if r.coordinate:
            secs = [t.seconds for t in r.coordinate.values()]
            coord = f"{min(secs):.3f}-{max(secs):.3f}"
            verdicts = list(dict.fromkeys(t.verdict() for t in r.coordinate.values()))
            coord_verdict = " / ".join(verdicts)
        else:
            coord, coord_verdict = "-", "does not separate"
        cells = [r.vector[n].cell() if n in r.vector else "·" for n in sizes]
        largest = r.largest_decided
        verdict = r.vector[largest].verdict() if largest is not None else "-"
        if r.fixed:
            verdict += f"; {_fixed_text(r.fixed)}"
        lines.append(f"| {r.operator} | {r.axiom} | {coord} | {coord_verdict} | " + " | ".join(cells)
                     + f" | {verdict} |")
    return lines


def growth(results: list[Scaling], timeout_s: float) -> list[str]:
    """Axioms with both routes: per-coordinate time against the vector route at its largest n."""
    lines = ["| family | axiom | per-coordinate s (median over n) | vector s at n=2 | largest n decided by vectors "
             "| vector s there | vector / per-coordinate there | first n timed out |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if not r.coordinate:
            continue
        coord = statistics.median(t.seconds for t in r.coordinate.values())
        largest = r.largest_decided
        first = r.vector[min(r.vector)]
        at = r.vector[largest].seconds if largest is not None else None
        stuck = r.stuck_at
        lines.append(f"| {r.operator} | {r.axiom} | {coord:.3f} | {first.cell()} | {largest or '-'} "
                     f"| {'-' if at is None else f'{at:.3f}'} | {'-' if at is None else f'{at / coord:.1f}'} "
                     f"| {stuck if stuck is not None else 'none'} |")
    return lines


def by_n(results: list[Scaling], sizes: tuple[int, ...]) -> list[str]:
    """Seconds against n: the per-coordinate control over every separable axiom, and the vector
    route over the same set at every n (the axioms it decides at every size), then counts."""
    coord = [r for r in results if r.coordinate]
    full = [r for r in results if all(n in r.vector and r.vector[n].decided for n in sizes)]

    def row(label: str, values: list[float]) -> str:
        return f"| {label} | " + " | ".join(f"{v:.3f}" for v in values) + " |"

    lines = ["| n | " + " | ".join(str(n) for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    if coord:
        lines += [row(f"per-coordinate s, median over {len(coord)} axioms",
                      [statistics.median(r.coordinate[n].seconds for r in coord) for n in sizes]),
                  row(f"per-coordinate s, largest of {len(coord)} axioms",
                      [max(r.coordinate[n].seconds for r in coord) for n in sizes])]
    if full:
        lines += [row(f"whole-vector s, median over the {len(full)} axioms decided at every n",
                      [statistics.median(r.vector[n].seconds for r in full) for n in sizes]),
                  row(f"whole-vector s, largest of those {len(full)}",
                      [max(r.vector[n].seconds for r in full) for n in sizes])]
    total = len(results)
    lines += [f"| axioms decided by whole vectors (of {total}) | "
              + " | ".join(str(sum(1 for r in results if n in r.vector and r.vector[n].decided)) for n in sizes)
              + " |",
              f"| axioms decided per coordinate (of {total}) | "
              + " | ".join(str(sum(1 for r in results if n in r.coordinate and r.coordinate[n].decided))
                           for n in sizes) + " |"]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: n = 2, 4, three families, 5 s per query")
    parser.add_argument("--seed", type=int, default=0, help="recorded only: nothing here is random")
    parser.add_argument("--timeout", type=float, default=None,
                        help=f"seconds per Z3 query (default {TIMEOUT_S:g}; {QUICK_TIMEOUT_S:g} with --quick)")
    parser.add_argument("--operator", action="append", choices=builtin_operators(),
                        help="a built-in family (repeatable; default: all of examples/operators/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    timeout_s = args.timeout or (QUICK_TIMEOUT_S if args.quick else TIMEOUT_S)
    sizes = QUICK_SIZES if args.quick else SIZES
    timeout_ms = int(timeout_s * 1000)
    names = args.operator or (list(QUICK_OPERATORS) if args.quick else builtin_operators())

    audit(load_operator(EXAMPLES / "linear-anchor.toml"))  # untimed: Z3 and SymPy's lazy imports
    start = time.perf_counter()
    results: list[Scaling] = []
    undecided: list[tuple[str, str, str]] = []
    for name in names:
        op = load_operator(EXAMPLES / f"{name}.toml")
        for axiom_name in AXIOMS[op.kind]:
            ax = axiom(axiom_name, op)
            if ax.spec.undecided:
                undecided.append((name, axiom_name, ax.spec.undecided))
                continue
            results.append(scale_axiom(name, ax, sizes, timeout_ms))
    total = time.perf_counter() - start

    print(f"Sizes n = {', '.join(map(str, sizes))}; {timeout_s:g} s per Z3 query; families: {', '.join(names)}; "
          f"seed {args.seed} (unused); Python {platform.python_version()}, SymPy {sp.__version__}.")
    print()
    print("\n".join(table(results, sizes)))
    print()
    print("\n".join(growth(results, timeout_s)))
    print()
    print("\n".join(by_n(results, sizes)))
    print()
    print("Not expressible in exact real arithmetic (neither route): "
          + "; ".join(f"{o} {a}" for o, a, _ in undecided) + ".")
    print()
    print(f"Total wall time {total:.0f} s.")


if __name__ == "__main__":
    main()
