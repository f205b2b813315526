"""Re-computing a jump's one-sided limits with SymPy's ``limit``, from ``srepr`` strings.

The bundle gives each output coordinate along the rays ``x0 + e d`` and ``x0 - e d`` as an
expression in ``e`` and the limits at ``e -> 0+`` the tool computed (by resolving its switches
below the first root of their arguments).  Here SymPy's ``limit`` computes each limit afresh;
every one must equal the stated value, and some coordinate's two limits must differ (exact
rationals, or a difference SymPy evaluates to a non-zero number).
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from .srepr import read


def _limit(expr: sp.Expr, e: sp.Symbol) -> sp.Expr | None:
    try:
        value = sp.limit(expr, e, 0, "+")
    except (NotImplementedError, ValueError, TypeError):
        return None
    return value if value.is_number and value.is_finite else None


def _differ(a: sp.Expr, b: sp.Expr) -> bool:
    """``a != b`` decided: exactly for rationals, else SymPy's ``equals`` says not equal and the
    difference is far from 0 at 60 digits (a difference that rounds to ``-0.e-159`` is not a jump)."""
    d = a - b
    if d.is_Rational:
        return d != 0
    return d.is_number and d.equals(0) is False and abs(sp.N(d, 60)) > sp.Float("1e-40", 60)


def _interior(point) -> bool:
    """The jump's point lies in the open simplex: every input positive, summing to 1."""
    if not isinstance(point, dict) or not point.get("inputs"):
        return False
    for values in point["inputs"].values():
        xs = [Fraction(v) for v in values]
        if sum(xs) != 1 or min(xs) <= 0:
            return False
    return True


def check_limits(data: dict) -> tuple[str, str]:
    """``("agree" | "disagree" | "skipped", detail)`` for one jump's JSON data."""
    if not _interior(data.get("point")):
        return "disagree", "the jump's point is not in the open simplex (continuity is about interior points)"
    e = read(data["variable"])
    sides = []
    for side in ("plus", "minus"):
        stated = [read(v) for v in data[f"{side}_limits"]]
        exprs = [read(v) for v in data[side]]
        if any(x.free_symbols - {e} for x in exprs):
            return "disagree", f"the {side} side depends on symbols other than {e}"
        if len(stated) != len(exprs):
            return "disagree", f"{len(exprs)} coordinates but {len(stated)} stated limits on the {side} side"
        values = []
        for k, (expr, want) in enumerate(zip(exprs, stated), 1):
            got = _limit(expr, e)
            if got is None:
                return "skipped", f"SymPy does not evaluate the {side} limit of coordinate {k}"
            if sp.nsimplify(got - want) != 0 and (got - want).evalf(50) != 0:
                return "disagree", f"the {side} limit of coordinate {k} is {got}, not the stated {want}"
            values.append(got)
        sides.append(values)
    jumps = [k for k, (a, b) in enumerate(zip(*sides), 1) if _differ(a, b)]
    if not jumps:
        return "disagree", "the two one-sided limits agree in every coordinate: no jump"
    return "agree", f"SymPy's limits confirm the jump in coordinate {jumps[0]}: {sides[0][jumps[0] - 1]} vs {sides[1][jumps[0] - 1]}"
