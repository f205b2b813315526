"""Cost of the SMT audit against the support size n: per-coordinate route versus whole vectors.

    python bench/audit_scaling.py             # Markdown tables on standard output
    python bench/audit_scaling.py --quick     # smoke run: n = 2, 4 and 5 s per query

For every axiom of the meta operators in ``examples/operators/`` that separate over
coordinates (linear anchor F1, memory-2 anchor F3, unanchored F0), and for each n:

* the per-coordinate route: ``decide_obligations`` on ``axiom(name, op).obligations()``.  Its
  work does not depend on n (one query per obligation, with symbolic parameters); it is run
  again at every n to show that its time is flat.  One untimed run per axiom first fills
  SymPy's caches, so that the first n does not pay for them;
* the whole-vector route: ``decide_vectors(ax, [n])`` for that single n, with the same
  interior and symmetry-breaking flags as the audit.  A query that runs out of time is
  recorded as a timeout, never as a time, and larger n are not tried for that axiom.

Wall-clock seconds, one process, one query at a time; each time is the median of up to five
runs (fewer when the runs already took a second; one when the query did not finish).  Nothing
is drawn at random: ``--seed`` is accepted for a uniform command line and recorded in the
output, and changes nothing.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kdaxioms.smt.decide import decide_obligations, decide_vectors
from kdaxioms.symbolic.axioms import AXIOMS, Axiom, axiom
from kdaxioms.symbolic.errors import ModelError
from kdaxioms.symbolic.opfile import load_operator
from kdaxioms.symbolic.outcome import UNKNOWN, Outcome

LOG = logging.getLogger("audit_scaling")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"
#: Meta operator files whose axioms have a per-coordinate route (the others normalize or sum).
OPERATORS = ("linear-anchor", "memory-anchor", "unanchored")
SIZES, QUICK_SIZES = (2, 4, 8, 16, 32, 64), (2, 4)
TIMEOUT_S, QUICK_TIMEOUT_S = 20.0, 5.0


@dataclass(frozen=True)
class Timed:
    """One route at one n: its outcome and wall-clock seconds."""

    outcome: Outcome
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.outcome.verdict == UNKNOWN and "timeout" in self.outcome.reason

    def verdict(self) -> str:
        if self.timed_out:
            return "timeout"
        scope = f" ({self.outcome.scope})" if self.outcome.scope else ""
        return self.outcome.verdict + scope

    def cell(self, timeout_s: float) -> str:
        return f"> {timeout_s:g} (timeout)" if self.timed_out else f"{self.seconds:.3f}"


@dataclass(frozen=True)
class Row:
    operator: str
    axiom: str
    n: int
    coordinate: Timed
    vector: Timed


#: Each measurement is the median of up to this many runs, fewer once they took ``REPEAT_BUDGET_S``.
REPEATS, REPEAT_BUDGET_S = 5, 1.0


def _timed(run: Callable[[], Outcome]) -> Timed:
    """Median wall time of repeated runs (one run when it did not finish: a timeout is not a time)."""
    times, outcome = [], None
    while len(times) < REPEATS and sum(times) < REPEAT_BUDGET_S:
        start = time.perf_counter()
        outcome = run()
        times.append(time.perf_counter() - start)
        if outcome.verdict == UNKNOWN:
            break
    return Timed(outcome, statistics.median(times))


def per_coordinate(ax: Axiom, timeout_ms: int) -> Timed:
    """The per-coordinate route, obligations built inside the timed region."""
    return _timed(lambda: decide_obligations(ax.operator, ax.obligations(), ax.violated_at, timeout_ms))


def whole_vector(ax: Axiom, n: int, timeout_ms: int) -> Timed:
    """The whole-vector route for the single size n (formula built inside the timed region)."""
    return _timed(lambda: decide_vectors(ax, [n], timeout_ms, all_interior=ax.spec.interior,
                                         sort=ax.spec.sortable))


def scale_axiom(operator: str, ax: Axiom, sizes: tuple[int, ...], timeout_ms: int) -> list[Row]:
    """Both routes at every n, up to the first n where the whole-vector route does not finish."""
    try:
        ax.obligations()
    except ModelError as err:
        LOG.info("%s %s: no per-coordinate route (%s)", operator, ax.spec.name, err)
        return []
    per_coordinate(ax, timeout_ms)  # untimed: fills SymPy's caches
    rows = []
    for n in sizes:
        row = Row(operator, ax.spec.name, n, per_coordinate(ax, timeout_ms), whole_vector(ax, n, timeout_ms))
        LOG.info("%s %s n=%d: coordinate %.3f s, vector %s %.3f s", operator, ax.spec.name, n,
                 row.coordinate.seconds, row.vector.verdict(), row.vector.seconds)
        rows.append(row)
        if row.vector.outcome.verdict == UNKNOWN:
            break
    return rows


def _ratio(row: Row, timeout_s: float) -> str:
    base = row.coordinate.seconds
    if row.vector.timed_out:
        return f"> {timeout_s / base:.0f}"
    return f"{row.vector.seconds / base:.1f}"


def table(rows: list[Row], timeout_s: float) -> list[str]:
    lines = ["| operator | axiom | n | per-coordinate s | per-coordinate verdict | whole-vector s "
             "| whole-vector verdict | ratio vector / coordinate |",
             "|---|---|---:|---:|---|---:|---|---:|"]
    for r in rows:
        lines.append(f"| {r.operator} | {r.axiom} | {r.n} | {r.coordinate.cell(timeout_s)} "
                     f"| {r.coordinate.verdict()} | {r.vector.cell(timeout_s)} | {r.vector.verdict()} "
                     f"| {_ratio(r, timeout_s)} |")
    return lines


def summary(rows: list[Row], timeout_s: float) -> list[str]:
    """Per axiom: the spread of the per-coordinate time and how far the vector route got."""
    lines = ["| operator | axiom | per-coordinate s (min-max over n) | largest n decided by vectors "
             "| vector s at that n | first n timed out |",
             "|---|---|---:|---:|---:|---:|"]
    keys = list(dict.fromkeys((r.operator, r.axiom) for r in rows))
    for key in keys:
        mine = [r for r in rows if (r.operator, r.axiom) == key]
        coord = [r.coordinate.seconds for r in mine]
        done = [r for r in mine if r.vector.outcome.verdict != UNKNOWN]
        stuck = next((r.n for r in mine if r.vector.outcome.verdict == UNKNOWN), None)
        largest = f"{done[-1].n}" if done else "-"
        at = f"{done[-1].vector.seconds:.3f}" if done else "-"
        lines.append(f"| {key[0]} | {key[1]} | {min(coord):.3f}-{max(coord):.3f} | {largest} | {at} "
                     f"| {stuck if stuck is not None else 'none'} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: n = 2, 4 and 5 s per query")
    parser.add_argument("--seed", type=int, default=0, help="recorded only: nothing here is random")
    parser.add_argument("--timeout", type=float, default=None,
                        help=f"seconds per Z3 query (default {TIMEOUT_S:g}; {QUICK_TIMEOUT_S:g} with --quick)")
    parser.add_argument("--operator", action="append", choices=OPERATORS,
                        help="operator file of examples/operators/ (repeatable; default: all three)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    timeout_s = args.timeout or (QUICK_TIMEOUT_S if args.quick else TIMEOUT_S)
    sizes = QUICK_SIZES if args.quick else SIZES
    timeout_ms = int(timeout_s * 1000)

    start = time.perf_counter()
    rows: list[Row] = []
    for name in args.operator or OPERATORS:
        op = load_operator(EXAMPLES / f"{name}.toml")
        for axiom_name in AXIOMS[op.kind]:
            rows += scale_axiom(name, axiom(axiom_name, op), sizes, timeout_ms)
    total = time.perf_counter() - start

    print(f"Sizes n = {', '.join(map(str, sizes))}; {timeout_s:g} s per Z3 query; seed {args.seed} (unused).")
    print()
    print("\n".join(table(rows, timeout_s)))
    print()
    print("\n".join(summary(rows, timeout_s)))
    print()
    print(f"Total wall time {total:.0f} s.")


if __name__ == "__main__":
    main()
