"""C8: the capacity-constrained anchor (F6), ``q_{t+1} = Pi_Q(alpha p + (1 - alpha) q_t)``.

``Q_Phi = {q ∝ exp(Phi theta)}`` for a feature matrix ``Phi`` (``n`` rows, ``d`` columns of full
column rank), and ``Pi_Q(r)`` is the unique ``q in Q_Phi`` with ``Phi^T q = Phi^T r``.  The
family always normalizes, so moment matching is ``A^T q = A^T r`` with ``A = [1 | Phi]``.

* ``capacity-moments``: applying a feature column ``phi`` to the model's component and summing
  over the support (``sum_i phi_i p_i = m``, ``sum_i phi_i q_i = mu``) gives
  ``mu_{t+1} = alpha m + (1 - alpha) mu_t``, because the projection keeps ``Phi^T`` moments;
  ``rsolve`` solves it: ``mu_t = m + (1 - alpha)^t (mu_0 - m)``.
* ``capacity-fixed-point``: the fixed point of that recursion is ``m = Phi^T p``, so the
  students converge to ``q† = Pi_Q(p)`` (``mu -> Pi_Q`` is continuous on the moment interior).
  ``q†`` is computed by :func:`project`, exactly when one of these routes applies:

  - ``full``: ``rank A = n``, so ``Q_Phi`` is the open simplex and ``q† = p``;
  - ``member``: ``log p`` lies in the column span of ``A`` (decided exactly by prime
    factorization: logarithms of primes are linearly independent over the rationals), so ``p``
    is in ``Q_Phi`` and ``q† = p``;
  - ``parametric``: one identifiable feature direction ``b``; with ``x = exp(theta)`` and ``b``
    scaled and shifted to non-negative integers, ``q_i ∝ x^{b_i}`` and the moment equation is
    the polynomial ``sum_i (b_i - b^T p) x^{b_i} = 0``, whose coefficients change sign once
    (Descartes: one positive root), taken as an exact algebraic number;
  - ``toric``: ``q = p + W z`` parametrizes the moment constraints (``W`` an integer basis of
    ``ker A^T``) and ``q in Q_Phi`` is ``prod_i q_i^{w_i} = 1`` for every column ``w`` of ``W``
    (Birch's theorem for log-linear models); the binomial equations of degree one are solved
    linearly and, when at most one unknown remains, the rest is a univariate polynomial whose
    unique root inside the positivity interval is taken exactly;

  otherwise ``numeric``: damped Newton in ``mpmath`` (60 digits) on the strictly convex dual
  ``log sum_i exp((B eta)_i) - eta^T B^T p`` from ``eta = 0`` (``B`` the identifiable feature
  columns), the residual ``|A^T (q - p)|`` checked below ``1e-28``; ``exact=False``.
* ``capacity-bias``: ``KL(p||q†)``.  Per coordinate ``x log(x/z) - x log(x/y) - y log(y/z)``
  factors as ``(x - y) log(y/z)``; for ``q in Q_Phi`` the logarithm ``log(q†_i/q_i)`` is affine in
  the features, so the sum is a combination of the moment residuals ``A^T (p - q†) = 0``: the
  Pythagorean identity ``KL(p||q) = KL(p||q†) + KL(q†||q)``, hence ``KL(p||q†) = min_Q KL(p||q)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce
from typing import Mapping

import mpmath
import sympy as sp

from ..divergences import divergence
from ..errors import InputError, ModelError
from ..families import ALPHA, capacity_anchor, family_spec
from ..model import SUM_INDEX, SUPPORT, coordinate_symbol
from ..recursion import T_STEP
from .base import Derivation, DerivationSpec, Input, Value, rational, simplex_vector, parameter_value

#: One feature column at coordinate ``i``, its anchor moment and the student moment.
PHI_I = sp.Symbol(r"\phi_i", real=True)
M_K = sp.Symbol("m_k", real=True)
MU_K = sp.Symbol(r"\mu_k", real=True)
MU_0 = sp.Symbol(r"\mu_{0,k}", real=True)

_DPS = 60
_NEWTON_STEPS = 200
_RESIDUAL = sp.Float("1e-28")


# -- the moment recursion -------------------------------------------------------------------

def moment_step() -> tuple[sp.Expr, tuple[str, ...]]:
    """``mu_{t+1,k}`` in terms of ``m_k`` and ``mu_k``, from the model's component.

    ``Phi^T Pi_Q(r) = Phi^T r`` (moment matching), so ``mu_{t+1,k} = sum_i phi_i T(q_t)_i``;
    the weighted component is expanded and each term summed over the support."""
    if family_spec("capacity-anchor").process != "projection":
        raise ModelError("capacity-anchor is not registered with the projection process")
    op = capacity_anchor()
    p, q = coordinate_symbol("p"), coordinate_symbol("q")
    weighted = sp.expand(PHI_I * op.coordinate())
    totals = {PHI_I * p: M_K, PHI_I * q: MU_K}
    step = sp.Integer(0)
    for monomial, coeff in sp.Poly(weighted, PHI_I, p, q).terms():
        term = PHI_I ** monomial[0] * p ** monomial[1] * q ** monomial[2]
        if term not in totals:
            raise ModelError(f"term {coeff * term} of phi_i T_i does not sum to a moment")
        step += coeff * totals[term]
    steps = (rf"$\Phi^\top \Pi_Q(r) = \Phi^\top r$, so $\mu_{{t+1,k}} = \sum_i \phi_{{ik}} T(q_t)_i$ with "
             rf"$\phi_i T_i = {sp.latex(weighted)}$; summing ($\sum_i \phi_i p_i = m_k$, "
             rf"$\sum_i \phi_i q_i = \mu_k$): $\mu_{{t+1,k}} = {sp.latex(step)}$",)
    return step, steps


def moment_trajectory() -> tuple[sp.Expr, sp.Expr, tuple[str, ...]]:
    """The closed form ``mu_{t,k}`` (solved by ``rsolve`` and verified) and the moment step."""
    step, steps = moment_step()
    mu = sp.Function("mu")
    solution = sp.rsolve(mu(T_STEP + 1) - step.xreplace({MU_K: mu(T_STEP)}), mu(T_STEP), {mu(0): MU_0})
    if solution is None:
        raise ModelError("SymPy could not solve the moment recursion")
    solution = sp.factor_terms(solution)
    initial = sp.simplify(solution.subs(T_STEP, 0) - MU_0)
    residual = sp.expand_power_base(solution.subs(T_STEP, T_STEP + 1)) - step.xreplace({MU_K: solution})
    residual = sp.simplify(sp.powsimp(sp.expand(residual), force=True))
    if initial != 0 or residual != 0:
        raise ModelError(f"rsolve's solution {solution} fails verification ({initial}, {residual})")
    steps += (rf"\texttt{{rsolve}}: $\mu_{{t,k}} = {sp.latex(solution)}$; verified at $t = 0$ and on the recurrence",)
    return solution, step, steps


def moment_fixed_point() -> tuple[sp.Expr, tuple[str, ...]]:
    """The unique fixed point of the moment recursion, solved by SymPy (``m_k``)."""
    step, steps = moment_step()
    roots = sp.solve(sp.Eq(MU_K, step), MU_K)
    if len(roots) != 1:
        raise ModelError(f"the moment recursion has fixed points {roots}, not exactly one")
    steps += (rf"fixed point: $\mu_k = {sp.latex(step)}$ solved for $\mu_k$: $\mu_k = {sp.latex(roots[0])}$ "
              r"(for $\alpha \ne 0$); the step contracts with factor $1 - \alpha < 1$, so every start converges "
              r"and $q_t = \Pi_Q$ of the moments tends to $\Pi_Q(p)$",)
    return roots[0], steps


# -- inputs ---------------------------------------------------------------------------------

def features(value: Value, rows: int | None = None) -> sp.Matrix:
    """Validate ``Phi``: a matrix with one row per outcome and linearly independent columns."""
    if not isinstance(value, tuple) or not value or not isinstance(value[0], tuple):
        raise InputError("Phi must be a matrix with one row per outcome, e.g. Phi=1,0;0,1;1,1")
    phi = sp.Matrix([[rational(x) for x in row] for row in value])
    if rows is not None and phi.rows != rows:
        raise InputError(f"Phi has {phi.rows} rows but p has {rows} entries; give one row per outcome")
    rank = phi.rank()
    if rank < phi.cols:
        raise InputError(f"Phi's {phi.cols} feature columns are linearly dependent (rank {rank}); drop redundant columns")
    return phi


def _alpha(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Rational]:
    """``alpha`` checked against the family's own domain."""
    return parameter_value(values, capacity_anchor())


def _anchor_and_features(values: Mapping[str, Value]) -> tuple[tuple[sp.Rational, ...], sp.Matrix] | None:
    if "Phi" not in values:
        if "p" in values:
            simplex_vector("p", values["p"], interior=True)
        return None
    if "p" not in values:
        features(values["Phi"])
        return None
    p = simplex_vector("p", values["p"], interior=True)
    return p, features(values["Phi"], len(p))


# -- the projection -------------------------------------------------------------------------

@dataclass(frozen=True)
class Projection:
    """``Pi_Q(r)``: the vector, whether it is exact, the route that computed it, and the steps."""

    q: tuple[sp.Expr, ...]
    exact: bool
    route: str
    steps: tuple[str, ...]


def _with_constant(phi: sp.Matrix) -> sp.Matrix:
    return sp.ones(phi.rows, 1).row_join(phi)


def identifiable_features(phi: sp.Matrix) -> sp.Matrix:
    """Columns of ``Phi`` that, with the constant vector, form a basis of ``span[1, Phi]``."""
    kept = [sp.ones(phi.rows, 1)]
    for j in range(phi.cols):
        if sp.Matrix.hstack(*kept, phi[:, j]).rank() > len(kept):
            kept.append(phi[:, j])
    return sp.Matrix.hstack(*kept[1:]) if len(kept) > 1 else sp.zeros(phi.rows, 0)


def _log_in_span(a: sp.Matrix, r: tuple[sp.Rational, ...]) -> bool:
    """``log r in col(A)``: each prime's exponent vector must lie in ``col(A)``."""
    exponents: dict[int, list[int]] = {}
    for i, x in enumerate(r):
        for sign, part in ((1, x.p), (-1, x.q)):
            for prime, e in sp.factorint(part).items():
                exponents.setdefault(prime, [0] * len(r))[i] += sign * e
    rank = a.rank()
    return all(a.row_join(sp.Matrix(v)).rank() == rank for v in exponents.values())


def _integer_vector(v) -> list[int]:
    scale = math.lcm(*(sp.Rational(x).q for x in v))
    ints = [int(sp.Rational(x) * scale) for x in v]
    g = math.gcd(*ints) or 1
    return [k // g for k in ints]


def _parametric(b: sp.Matrix, r: tuple[sp.Rational, ...]) -> Projection:
    """One feature direction: ``q_i ∝ x^{b_i}``, the moment equation a polynomial in ``x > 0``."""
    if b.cols == 0:
        q = tuple(sp.Rational(1, len(r)) for _ in r)
        return Projection(q, True, "parametric", (r"$\Phi$ has only constant columns: $Q_\Phi = \{u\}$",))
    ints = _integer_vector(b[:, 0])
    e = [k - min(ints) for k in ints]
    target = sum(ri * ei for ri, ei in zip(r, e))
    x = sp.Symbol("x", positive=True)
    poly = sp.Poly(sum((ei - target) * x ** ei for ei in e), x)
    roots = sorted({z for z in poly.real_roots() if z.is_positive}, key=sp.default_sort_key)
    if len(roots) != 1:
        raise ModelError(f"the moment polynomial {poly.as_expr()} has {len(roots)} positive roots, not one")
    weights = [roots[0] ** ei for ei in e]
    q = tuple(w / sum(weights) for w in weights)
    steps = (rf"one feature direction, exponents $b = {sp.latex(tuple(e))}$ (integer, shifted): "
             rf"$q_i \propto x^{{b_i}}$ and $b^\top q = b^\top p$ is ${sp.latex(poly.as_expr())} = 0$; "
             rf"its unique positive root $x = {sp.latex(roots[0])}$",)
    return Projection(q, True, "parametric", steps)


def _positivity_interval(q: list[sp.Expr], s: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """The open interval of ``s`` on which every affine ``q_i(s)`` is positive (None if empty)."""
    lo, hi = -sp.oo, sp.oo
    for qi in q:
        poly = sp.Poly(qi, s)
        a, c = poly.coeff_monomial(1), poly.coeff_monomial(s)
        if c > 0:
            lo = sp.Max(lo, -a / c)
        elif c < 0:
            hi = sp.Min(hi, -a / c)
        elif a <= 0:
            return None
    return (lo, hi) if lo < hi else None


def _binomial_system(a: sp.Matrix, r: tuple[sp.Rational, ...]) -> tuple[list[sp.Expr], list[sp.Expr], str]:
    """``q = r + W z`` and the equations ``prod q^{w+} - prod q^{w-}``, the linear ones solved.

    Returns ``q`` (affine in the unknowns left), the non-zero remaining equations and a step."""
    basis = [_integer_vector(w) for w in a.T.nullspace()]
    z = sp.symbols(f"z_1:{len(basis) + 1}", real=True)
    q = [r[i] + sum(zj * w[i] for zj, w in zip(z, basis)) for i in range(len(r))]
    equations = [sp.expand(sp.Mul(*(q[i] ** k for i, k in enumerate(w) if k > 0))
                           - sp.Mul(*(q[i] ** -k for i, k in enumerate(w) if k < 0))) for w in basis]
    linear = [eq for eq in equations if sp.Poly(eq, *z).total_degree() <= 1]
    solved = sp.linsolve(linear, z) if linear else sp.FiniteSet(z)
    if solved == sp.EmptySet:
        raise ModelError("the degree-one binomial equations of the projection are inconsistent")
    (point,) = solved
    sub = dict(zip(z, point))
    q = [sp.expand(qi.xreplace(sub)) for qi in q]
    rest = [e for e in (sp.expand(eq.xreplace(sub)) for eq in equations) if e != 0]
    step = rf"$\ker [1 \mid \Phi]^\top$ has {len(basis)} integer basis vectors; {len(linear)} binomial equations are linear"
    return q, rest, step


def _toric(a: sp.Matrix, r: tuple[sp.Rational, ...]) -> Projection | None:
    """The toric route: exact when at most one unknown is left after the linear equations."""
    q, rest, step = _binomial_system(a, r)
    free = sorted(set().union(*(qi.free_symbols for qi in q)), key=str)
    if not free:
        return Projection(tuple(q), True, "toric", (step,)) if not rest and all(qi > 0 for qi in q) else None
    if len(free) > 1 or not rest:
        return None
    s = free[0]
    poly = reduce(lambda f, g: f.gcd(g), [sp.Poly(e, s) for e in rest]).sqf_part()
    bounds = _positivity_interval(q, s)
    if poly.degree() < 1 or bounds is None:
        return None
    inside = [root for root in poly.real_roots() if (root - bounds[0]).is_positive and (bounds[1] - root).is_positive]
    if len(inside) != 1:
        return None
    q = [qi.xreplace({s: inside[0]}) for qi in q]
    steps = (step, rf"the remaining equation ${sp.latex(poly.as_expr())} = 0$ has one root "
                   rf"${sp.latex(inside[0])}$ in the positivity interval $({sp.latex(bounds[0])}, {sp.latex(bounds[1])})$")
    return Projection(tuple(q), True, "toric", steps)


def _newton(b: sp.Matrix, r: tuple[sp.Rational, ...]) -> list[str]:
    """Damped Newton on the convex dual ``log sum exp(B eta) - eta^T B^T r``; returns ``q`` as decimals."""
    ctx = mpmath.MPContext()
    ctx.dps = _DPS
    n, k = b.shape
    bm = ctx.matrix([[ctx.mpf(x.p) / x.q for x in b.row(i)] for i in range(n)])
    rm = [ctx.mpf(x.p) / x.q for x in r]
    target = [ctx.fsum(bm[i, j] * rm[i] for i in range(n)) for j in range(k)]

    def student(eta):
        logits = [ctx.fsum(bm[i, j] * eta[j] for j in range(k)) for i in range(n)]
        top = max(logits)
        w = [ctx.exp(v - top) for v in logits]
        total = ctx.fsum(w)
        return [v / total for v in w], top + ctx.log(total)

    def dual(eta):
        return student(eta)[1] - ctx.fsum(eta[j] * target[j] for j in range(k))

    eta = [ctx.mpf(0)] * k
    for _ in range(_NEWTON_STEPS):
        q, _ = student(eta)
        grad = [ctx.fsum(bm[i, j] * q[i] for i in range(n)) - target[j] for j in range(k)]
        if max(abs(g) for g in grad) < ctx.mpf(10) ** (10 - _DPS):
            return [ctx.nstr(v, _DPS - 5, strip_zeros=False) for v in q]
        mean = [ctx.fsum(bm[i, j] * q[i] for i in range(n)) for j in range(k)]
        hess = ctx.matrix([[ctx.fsum(q[i] * (bm[i, j] - mean[j]) * (bm[i, l] - mean[l]) for i in range(n))
                            for l in range(k)] for j in range(k)])
        direction = ctx.lu_solve(hess, ctx.matrix([-g for g in grad]))
        slope = ctx.fsum(g * direction[j] for j, g in enumerate(grad))
        size, now = ctx.mpf(1), dual(eta)
        while dual([e + size * direction[j] for j, e in enumerate(eta)]) > now + size * slope / 4 and size > ctx.eps:
            size /= 2
        eta = [e + size * direction[j] for j, e in enumerate(eta)]
    raise ModelError(f"Newton's method on the moment-matching dual did not converge in {_NEWTON_STEPS} steps")


def _numeric(b: sp.Matrix, r: tuple[sp.Rational, ...]) -> Projection:
    q = _newton(b, r)
    values = tuple(sp.Float(v, _DPS - 5) for v in q)
    steps = (rf"no exact route: damped Newton on the convex dual over {b.cols} feature directions "
             rf"at {_DPS} digits from $\eta = 0$",)
    return Projection(values, False, "numeric", steps)


def residual(phi: sp.Matrix, q: tuple[sp.Expr, ...], r: tuple[sp.Rational, ...]) -> sp.Expr:
    """``max |A^T (q - r)|`` with ``A = [1 | Phi]``, evaluated to 50 digits (0 when exact and rational)."""
    diff = _with_constant(phi).T * sp.Matrix([qi - ri for qi, ri in zip(q, r)])
    if all(qi.is_Rational for qi in q):
        return sp.Integer(0) if diff == sp.zeros(*diff.shape) else max(abs(d) for d in diff)
    return max(abs(sp.N(d, 50)) for d in diff)


def project(phi: sp.Matrix, r: tuple[sp.Rational, ...]) -> Projection:
    """``Pi_Q(r)`` onto ``Q_Phi``, exact when a route of the module docstring applies."""
    a = _with_constant(phi)
    b = identifiable_features(phi)
    if b.cols == len(r) - 1:
        result = Projection(r, True, "full", (r"$\mathrm{rank}[1 \mid \Phi] = n$: $Q_\Phi$ is the open simplex, $\Pi_Q(r) = r$",))
    elif _log_in_span(a, r):
        result = Projection(r, True, "member", (r"the prime-exponent vectors of $r$ lie in $\mathrm{col}[1 \mid \Phi]$: "
                                                r"$\log r \in \mathrm{col}[1 \mid \Phi]$, so $r \in Q_\Phi$ and $\Pi_Q(r) = r$",))
    elif b.cols <= 1:
        result = _parametric(b, r)
    else:
        result = _toric(a, r) or _numeric(b, r)
    res = residual(phi, result.q, r)
    if res >= _RESIDUAL:
        raise ModelError(f"the projection ({result.route}) leaves a moment residual {res}")
    check = rf"moment residual $\max|[1 \mid \Phi]^\top (q - r)| = {sp.latex(sp.N(res, 3))}$"
    return Projection(result.q, result.exact, result.route, result.steps + (check,))


# -- derivations ----------------------------------------------------------------------------

def capacity_moments(values: Mapping[str, Value]) -> Derivation:
    """``mu_{t,k} = m_k + (1-alpha)^t (mu_{0,k} - m_k)``; with every input set, the vector ``mu_t``."""
    solution, _, steps = moment_trajectory()
    subs = _alpha(values)
    if "t" in values:
        if values["t"] < 0:
            raise InputError(f"t={values['t']} must be a non-negative integer (a generation)")
        subs[T_STEP] = sp.Integer(values["t"])
    expr = solution.xreplace(subs)
    pair = _anchor_and_features(values)
    extra, value = {}, None
    if pair is not None:
        p, phi = pair
        m = phi.T * sp.Matrix(p)
        extra["m"] = list(m)
        if "q0" in values:
            q0 = simplex_vector("q0", values["q0"], size=len(p))
            mu0 = phi.T * sp.Matrix(q0)
            extra["mu0"] = list(mu0)
            if {"alpha", "t"} <= set(values):
                value = [expr.xreplace({M_K: a, MU_0: b}) for a, b in zip(m, mu0)]
    elif "q0" in values:
        simplex_vector("q0", values["q0"])
    return Derivation("capacity-moments", expr, values, steps, value, extra=extra)


def _fixed_point(values: Mapping[str, Value]) -> tuple[sp.Expr, Projection | None, tuple[sp.Rational, ...] | None, tuple[str, ...]]:
    """The moment fixed point, and ``Pi_Q(p)`` with the anchor when ``Phi`` and ``p`` are set."""
    _alpha(values)
    fixed, steps = moment_fixed_point()
    pair = _anchor_and_features(values)
    if pair is None:
        return fixed, None, None, steps
    p, phi = pair
    proj = project(phi, p)
    steps += (rf"$q^\dagger = \Pi_Q(p)$, route {proj.route}:",) + proj.steps
    return fixed, proj, p, steps


def capacity_fixed_point(values: Mapping[str, Value]) -> Derivation:
    """``q† = Pi_Q(p)``: the moment fixed point ``m = Phi^T p`` mapped into ``Q_Phi``."""
    fixed, proj, _, steps = _fixed_point(values)
    expr = sp.Eq(sp.Symbol(r"\mu^\dagger_k"), fixed)
    if proj is None:
        return Derivation("capacity-fixed-point", expr, values, steps)
    return Derivation("capacity-fixed-point", expr, values, steps, list(proj.q), proj.exact, extra={"route": proj.route})


def pythagorean_term() -> tuple[sp.Expr, tuple[str, ...]]:
    """Per coordinate ``x log(x/z) - x log(x/y) - y log(y/z)``, factored by SymPy."""
    x, y, z = sp.symbols("x y z", positive=True)
    kl = divergence("kl")
    gap = sp.factor(sp.expand_log(kl.coordinate(x, z) - kl.coordinate(x, y) - kl.coordinate(y, z), force=True))
    if x in sp.cancel(gap / (x - y)).free_symbols:
        raise ModelError(f"the KL gap {gap} is not (x - y) times a function of y and z")
    steps = (rf"per coordinate $x\log\frac{{x}}{{z}} - x\log\frac{{x}}{{y}} - y\log\frac{{y}}{{z}} = {sp.latex(gap)}$; "
             r"with $x = p_i$, $y = q^\dagger_i$, $z = q_i \in Q_\Phi$, $\log(y/z)$ is affine in the features, so the sum "
             r"is a combination of $[1 \mid \Phi]^\top (p - q^\dagger) = 0$: "
             r"$\mathrm{KL}(p\|q) = \mathrm{KL}(p\|q^\dagger) + \mathrm{KL}(q^\dagger\|q) \ge \mathrm{KL}(p\|q^\dagger)$",)
    return gap, steps


def _bias_expression() -> sp.Expr:
    """``sum_j p_j log(p_j / q†_j)`` over the support, from the KL term."""
    p, dagger = sp.IndexedBase("p"), sp.IndexedBase(r"q^\dagger")
    return sp.Sum(divergence("kl").coordinate(p[SUM_INDEX], dagger[SUM_INDEX]), (SUM_INDEX, 1, SUPPORT))


def _member(phi: sp.Matrix) -> tuple[sp.Expr, ...]:
    """The member ``q ∝ exp(Phi 1)`` of ``Q_Phi``, where the identity is checked."""
    w = [sp.exp(sum(phi.row(i))) for i in range(phi.rows)]
    return tuple(v / sum(w) for v in w)


def capacity_bias(values: Mapping[str, Value]) -> Derivation:
    """``KL(p||q†)``, the irreducible bias, equal to ``min_{q in Q_Phi} KL(p||q)``."""
    _, proj, p, steps = _fixed_point(values)
    _, pyth = pythagorean_term()
    steps += pyth
    expr = _bias_expression()
    if proj is None:
        return Derivation("capacity-bias", expr, values, steps)
    kl = divergence("kl")
    value = kl.total(p, proj.q)
    member = _member(features(values["Phi"], len(p)))
    gap = sp.N(kl.total(p, member) - value - kl.total(proj.q, member), 50)
    steps += (rf"checked at $q \propto \exp(\Phi \mathbf{{1}})$: identity residual ${sp.latex(sp.N(gap, 3))}$",)
    if abs(gap) >= _RESIDUAL:
        raise ModelError(f"the Pythagorean identity fails at the member exp(Phi 1) by {gap}")
    return Derivation("capacity-bias", expr, values, steps, value, proj.exact,
                      extra={"route": proj.route, "fixed_point": list(proj.q), "pythagorean_residual": gap})


_ALPHA = Input("alpha", "scalar", "anchor weight in (0, 1]")
_PHI = Input("Phi", "matrix", "features, one row per outcome, full column rank (e.g. 1,0;0,1;1,1)")
_P = Input("p", "vector", "anchor (interior distribution)")

DERIVATIONS = (
    DerivationSpec("capacity-moments", "C8", "F6: moments mu_t = Phi^T q_t obey mu_{t+1} = alpha Phi^T p + (1-alpha) mu_t, solved",
                   (_ALPHA, _PHI, _P, Input("t", "integer", "generation t >= 0"), Input("q0", "vector", "start (distribution)")),
                   capacity_moments),
    DerivationSpec("capacity-fixed-point", "C8", "F6: fixed point q† = Pi_Q(p), the member of Q_Phi with Phi^T q = Phi^T p",
                   (_ALPHA, _PHI, _P), capacity_fixed_point),
    DerivationSpec("capacity-bias", "C8", "F6: irreducible bias KL(p||q†) = min over Q_Phi of KL(p||q)",
                   (_ALPHA, _PHI, _P), capacity_bias),
)
