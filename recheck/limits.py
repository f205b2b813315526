"""Re-computing a jump's one-sided limits with SymPy's ``limit``, from ``srepr`` strings.

The bundle gives each output coordinate along the rays ``x0 + e d`` and ``x0 - e d`` as an
expression in ``e`` and the limits at ``e -> 0+`` the tool computed (by resolving its switches
below the first root of their arguments).  Here SymPy's ``limit`` computes each limit afresh;
every one must equal the stated value, and some coordinate's two limits must differ (exact
rationals, or a difference SymPy evaluates to a non-zero number).
"""

from __future__ import annotations

import sympy as sp

from .srepr import read


def _limit(expr: sp.Expr, e: sp.Symbol) -> sp.Expr | None:
    try:
        value = sp.limit(expr, e, 0, "+")
    except (NotImplementedError, ValueError, TypeError):
        return None
    return value if value.is_number and value.is_finite else None


def check_limits(data: dict) -> tuple[str, str]:
    """``("agree" | "disagree" | "skipped", detail)`` for one jump's JSON data."""
    e = read(data["variable"])
    sides = []
    for side in ("plus", "minus"):
        stated = [read(v) for v in data[f"{side}_limits"]]
        exprs = [read(v) for v in data[side]]
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
    jumps = [k for k, (a, b) in enumerate(zip(*sides), 1) if (a - b).is_number and abs((a - b).evalf(50)) > 0]
    if not jumps:
        return "disagree", "the two one-sided limits agree in every coordinate: no jump"
    return "agree", f"SymPy's limits confirm the jump in coordinate {jumps[0]}: {sides[0][jumps[0] - 1]} vs {sides[1][jumps[0] - 1]}"
