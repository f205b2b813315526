"""A5 temperature coherence proved per coordinate: ``S_tau(A_w(p^1..p^m)) = A_w(S_tau p^1, .., S_tau p^m)``.

Both sides are distributions when the aggregation is normalized (the outer one by ``S_tau``,
the inner one by ``A_w``'s own normalization); the method is restricted to that case.  Two distributions are equal when their
unnormalized components are proportional with a factor that does not depend on the coordinate.
With ``c(x^1..x^m)`` the aggregation's unnormalized component and ``S_tau(x)_i = x_i^{1/tau} / Z``:

    outer_i ∝ c(x_i)^{1/tau},      inner_i ∝ c(x^1_i^{1/tau} / Z_1, .., x^m_i^{1/tau} / Z_m),

with ``Z_k > 0`` the teachers' normalizers, the same for every coordinate.  The proof is: SymPy
simplifies ``outer_i / inner_i`` (coordinates and ``Z_k`` positive, ``tau > 0``) to an expression
free of the coordinates ``x^k_i``.  That proves coherence for every n at interior teachers.
When the ratio keeps a coordinate the method says nothing (``unknown``): it is a sufficient test.
"""

from __future__ import annotations

import sympy as sp

from .errors import ModelError
from .axioms import SOFT_TEMPERATURE
from .model import Kind, Operator, coordinate_symbol
from .outcome import PROVED, Outcome, unknown


#: The restriction of the per-coordinate proof: every coordinate of every teacher positive.
INTERIOR_TEACHERS = "interior teachers (every coordinate positive)"


def _positive(symbol: sp.Symbol) -> sp.Symbol:
    return sp.Symbol(symbol.name, positive=True)


def prove_coherence(op: Operator) -> Outcome:
    """Prove A5 for the aggregation ``op`` per coordinate (all n, interior teachers), or ``unknown``."""
    if op.kind is not Kind.AGGREGATION:
        raise ModelError(f"temperature coherence is an aggregation axiom; {op.name} is a {op.kind.value} operator")
    if not op.normalize:  # the inner side is then a distribution only by A1, which is not checked here
        return unknown(f"{op.name} is not normalized; the per-coordinate method covers normalized aggregations only")
    reason = op.coordinatewise()
    if reason is not None:
        return unknown(f"{op.name} has no per-coordinate form: {reason}")
    tau = SOFT_TEMPERATURE  # internal: an aggregation parameter named tau is another symbol
    x = {name: coordinate_symbol(name) for name in op.inputs}
    positive = {s: _positive(s) for s in x.values()}
    positive.update({p: _positive(p) for p in op.parameter_symbols})  # weights: the ratio needs w > 0 only for powers
    positive[tau] = _positive(tau)
    normalizers = {name: sp.Symbol(f"Z_{{{name}}}", positive=True) for name in op.inputs}  # not an identifier
    c = op.unnormalized_coordinate()
    outer = c ** (1 / tau)
    inner = c.xreplace({x[name]: x[name] ** (1 / tau) / normalizers[name] for name in op.inputs})
    ratio = (outer / inner).xreplace(positive)
    simplified = sp.simplify(sp.powsimp(sp.powdenest(sp.expand_power_base(ratio, force=True), force=True), force=True))
    steps = (rf"unnormalized components: outer $c^{{1/\tau}} = {sp.latex(outer)}$, inner ${sp.latex(inner)}$",
             rf"their ratio simplifies to ${sp.latex(simplified)}$ "
             + ("(free of the coordinates: the normalized vectors are equal for every $n$)"
                if not simplified.free_symbols & {positive[s] for s in x.values()} else "(depends on the coordinates)"))
    if simplified.free_symbols & {positive[s] for s in x.values()}:
        return unknown("the ratio of the two sides depends on the coordinates; the per-coordinate method cannot prove A5",
                       *steps)
    return Outcome(PROVED, "all-n", steps, conditions=(INTERIOR_TEACHERS,))
