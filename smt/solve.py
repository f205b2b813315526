"""Running Z3 on one query: a small portfolio with timeouts and a memory cap.

A query is a list of Z3 constraints (the negation of a claim plus its domain).  The answer is
``sat`` with the values of the named variables, ``unsat``, or ``unknown`` with Z3's reason
(a timeout is always ``unknown``).  Values are returned as exact fractions when Z3 gives a
rational, and as rational approximations flagged ``approximate`` when it gives an algebraic
number; a caller must replay them exactly before trusting them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

import z3

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"

#: Portfolio entries: Z3's default solver, then its nonlinear real arithmetic tactic.
STRATEGIES = ("default", "qfnra-nlsat")


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


def check(constraints: list[z3.BoolRef], variables: Mapping[str, z3.ArithRef], ctx: z3.Context,
          timeout_ms: int, memory_mb: int = 2048) -> Answer:
    """Decide the conjunction of ``constraints``; split the time over the portfolio."""
    reasons = []
    share = max(1, timeout_ms // len(STRATEGIES))
    for strategy in STRATEGIES:
        solver = _solver(strategy, ctx)
        solver.set("timeout", share)
        solver.set("max_memory", memory_mb)
        solver.add(*constraints)
        status = solver.check()
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
        reasons.append(f"{strategy}: {solver.reason_unknown()}")
    return Answer(UNKNOWN, reason="; ".join(reasons))
