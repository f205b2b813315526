"""Is a parameter domain empty?  Decided exactly before any axiom is tried.

Every verdict quantifies over the parameter domain ``D`` (every parameter's own domain and the
joint constraints).  If ``D`` is empty, every universal statement holds vacuously and every axiom
would be "proved": an empty domain is a mistake in the operator file, never a result.  Z3 decides
the conjunction of the domains in exact real arithmetic: ``unsat`` proves ``D`` empty (bad
input); ``sat`` gives a member; ``unknown`` is reported as such, never guessed.
"""

from __future__ import annotations

import sympy as sp
import z3

from kdaxioms.symbolic.errors import InputError, TranslationError
from kdaxioms.symbolic.model import Operator

from .solve import SAT, UNSAT, check
from .translate import Z3Translator


def check_domain(op: Operator, timeout_ms: int = 5000) -> None:
    """Raise an :class:`InputError` unless some parameter values satisfy every domain of ``op``."""
    domain = op.domain()
    if domain is sp.true:
        return
    if domain is sp.false:
        raise InputError(f"operator {op.name}: the parameter domain is empty (no value satisfies it)")
    ctx = z3.Context()
    variables = {s: z3.Real(s.name, ctx) for s in sorted(domain.free_symbols, key=str)}
    tr = Z3Translator(variables, ctx)
    try:
        constraints = [tr(domain)] + tr.side_conditions
    except TranslationError as err:
        raise InputError(f"operator {op.name}: cannot decide whether the parameter domain {domain} is empty "
                         f"({err.reason} at {err.node}); write it with polynomial inequalities") from None
    answer = check(constraints, {s.name: v for s, v in variables.items()}, ctx, timeout_ms)
    if answer.status == UNSAT:
        raise InputError(f"operator {op.name}: the parameter domain {domain} is empty (no value satisfies it); "
                         "every axiom would hold vacuously")
    if answer.status != SAT:
        raise InputError(f"operator {op.name}: cannot decide whether the parameter domain {domain} is empty "
                         f"(Z3: {answer.reason}); simplify it")
