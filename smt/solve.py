"""Running Z3 on one query: a small portfolio with timeouts and a memory cap.

A query is a list of Z3 constraints (the negation of a claim plus its domain).  The answer is
``sat`` with the values of the named variables, ``unsat``, or ``unknown`` with Z3's reason
(a timeout is always ``unknown``).  Values are returned as exact fractions when Z3 gives a
rational, and as rational approximations flagged ``approximate`` when it gives an algebraic
number; a caller must replay them exactly before trusting them.

The timeout is enforced twice: Z3's own ``timeout`` parameter, and a watchdog thread per
query that calls ``ctx.interrupt()`` when the query outlives its share by :data:`GRACE_S`
(Z3 releases the GIL while it solves, and nlsat polls the interrupt flag, so this stops a
query that ignores its own timer).  An interrupted query is ``unknown`` with the reason.
A :class:`~kdaxioms.symbolic.budget.Deadline` caps the whole query at the time left.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

import z3

from kdaxioms.symbolic.budget import Deadline

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"

#: Portfolio entries: Z3's default solver, then its nonlinear real arithmetic tactic.
STRATEGIES = ("default", "qfnra-nlsat")
#: Seconds a query may overrun its timeout before the watchdog interrupts it.
GRACE_S = 0.5


@dataclass(frozen=True)
class Answer:
    status: str
    values: Mapping[str, Fraction] = field(default_factory=dict)
    approximate: bool = False
    reason: str = ""
    strategy: str = ""


def _solver(strategy: str, ctx: z3.Context) -> z3.Solver:
    if strategy == "default":
        return z3.Solver(ctx=ctx)
    return z3.Tactic(strategy, ctx=ctx).solver()


def _fraction(value: z3.ExprRef) -> tuple[Fraction, bool]:
    if z3.is_rational_value(value):
        return Fraction(value.numerator_as_long(), value.denominator_as_long()), False
    if z3.is_algebraic_value(value):
        text = value.approx(40).as_fraction()
        return Fraction(text.numerator, text.denominator), True
    raise ValueError(f"Z3 value {value} is not a real number")


class _Watchdog:
    """Interrupts ``ctx`` from a timer thread after ``seconds``; records whether it fired."""

    def __init__(self, ctx: z3.Context, seconds: float):
        self.fired = False
        self._ctx = ctx
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        self._ctx.interrupt()

    def __enter__(self) -> "_Watchdog":
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _run(strategy: str, constraints: list[z3.BoolRef], ctx: z3.Context, timeout_ms: int,
         memory_mb: int) -> tuple[z3.Solver, z3.CheckSatResult, bool]:
    """One portfolio entry under Z3's timeout and the watchdog; ``True`` when the watchdog fired."""
    solver = _solver(strategy, ctx)
    solver.set("timeout", timeout_ms)
    solver.set("max_memory", memory_mb)
    solver.add(*constraints)
    with _Watchdog(ctx, timeout_ms / 1000 + GRACE_S) as watchdog:
        status = solver.check()
    return solver, status, watchdog.fired


def check(constraints: list[z3.BoolRef], variables: Mapping[str, z3.ArithRef], ctx: z3.Context,
          timeout_ms: int, memory_mb: int = 2048, deadline: Deadline | None = None) -> Answer:
    """Decide the conjunction of ``constraints``; split the time over the portfolio.

    Each strategy gets its share of ``timeout_ms``, capped at the time ``deadline`` leaves; a
    strategy with no time left is not started (``unknown``, the reason names the budget)."""
    deadline = deadline or Deadline.unbounded()
    reasons = []
    share = max(1, timeout_ms // len(STRATEGIES))
    for strategy in STRATEGIES:
        budgeted = deadline.cap_ms(share)
        if budgeted <= 0:
            reasons.append(f"{strategy}: not run, {deadline.reason('the previous queries')}")
            break
        solver, status, stopped = _run(strategy, constraints, ctx, budgeted, memory_mb)
        if status == z3.unsat:
            return Answer(UNSAT, strategy=strategy)
        if status == z3.sat:
            model = solver.model()
            values, approx = {}, False
            for name, var in variables.items():
                val, rough = _fraction(model.eval(var, model_completion=True))
                values[name] = val
                approx = approx or rough
            return Answer(SAT, values, approx, strategy=strategy)
        why = solver.reason_unknown()
        if stopped:
            why = f"stopped by the watchdog after {budgeted / 1000 + GRACE_S:g} s ({why})"
        elif budgeted < share:
            why = f"{why}; its time was capped at {budgeted} ms by the {deadline.label}"
        reasons.append(f"{strategy}: {why}")
    return Answer(UNKNOWN, reason="; ".join(reasons))
