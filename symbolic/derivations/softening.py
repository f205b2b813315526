"""C7 and C10: the softened anchor (F5) and the softening axioms.

The softened anchor is ``T(q) = alpha p + (1 - alpha) S_tau(q)`` with power softening
``S_tau(q)_i = q_i^{1/tau} / sum_j q_j^{1/tau}``; every formula below comes from the operator
models in :mod:`kdaxioms.symbolic.families`.

* ``softened-fixed-point``: the fixed points of ``T`` on the open simplex.

  - Uniqueness.  ``log S_tau(q)_i = (1/tau) log q_i - log Z`` (derived), so ``S_tau`` scales
    Hilbert's projective metric ``d_H`` by exactly ``1/tau``.  The rest of ``T`` is the linear
    map ``r -> alpha p + (1 - alpha) r`` of the simplex, whose image has projective diameter
    ``Delta = max_{k,l} d_H(T delta_k, T delta_l)`` (the vertex images, taken from the model).
    Birkhoff's contraction theorem gives ``d_H(Tq, Tq') <= kappa d_H(q, q')`` with
    ``kappa = tanh(Delta/4) / tau``.  When ``kappa < 1`` (certified) the fixed point is unique and
    attracts every interior start; this always holds for ``tau >= 1``.  For ``tau < 1`` it need
    not hold, and a small ``alpha`` does give several fixed points.
  - Exact route, ``n = 2``.  With ``tau = N/D`` in lowest terms and ``y = (q_1/q_2)^{1/N} > 0``,
    i.e. ``q = (y^N, 1)/(1 + y^N)``, the normaliser's fractional powers cancel and the
    fixed-point residuals become rational functions of ``y``.  The positive roots of the first
    numerator ``P(y)`` (degree ``N + D``) are exactly the fixed points; each is an exact algebraic
    number, and the second residual's numerator is checked to vanish modulo ``P`` (denominators
    coprime to ``P``).  The map ``f(q_1) = T(q_1, 1 - q_1)_1`` is increasing (derived), so the
    orbit from ``q_0 = p`` is monotone and ends at the nearest fixed point in the direction of
    ``f(p_1) - p_1``: that fixed point is reported, and all of them are listed.
  - Numeric route (``n >= 3``, or ``N + D`` above a cap).  ``T`` is iterated from ``p`` in floats,
    the iterate is refined by Newton's method at 90 digits, and the Krawczyk test in arb ball
    arithmetic proves that a box of relative radius ``1e-60`` around it holds exactly one zero of
    ``q - T(q)``; every point of the Krawczyk enclosure has the same 30 significant digits.
    Without ``kappa < 1`` the choice "reached from ``p``" rests on the float iteration.
  - ``q = p`` is tried first: when the residuals vanish at ``p`` exactly (``tau = 1``, uniform
    ``p``, ``alpha = 1``) the fixed point reached from ``p`` is ``p`` itself.
* ``softened-bias``: ``KL(p || q*)`` from the KL term of :mod:`kdaxioms.symbolic.divergences`,
  exact on the exact routes, else enclosed in arb from the Krawczyk box.
* ``softened-limit``: ``lim_{tau -> oo} q_i^{1/tau} = 1`` for ``q_i > 0`` (``sp.limit``), so the
  softening part tends to ``1/n`` and ``T`` to the constant map ``alpha p + (1 - alpha) u``,
  whose fixed point is solved for; with ``kappa_tau -> 0`` the Banach bound
  ``d_H(q*_tau, q*_oo) <= d_H(T_tau q*_oo, q*_oo) / (1 - kappa_tau)`` carries the limit over.
* ``power-softening-axioms``: S1 (``x^{1/tau}`` has positive derivative), S4 (``tau = 1`` gives
  ``p_i / sum_j p_j = p_i``), S5 (limits of ``p_i^{1/tau}`` and of ``r^{1/tau}``, ``0 < r < 1``)
  and S3: with ``beta = 1/tau`` and moments ``M_k = sum_j p_j^beta (log p_j)^k``, the derivative
  ``dH(S_tau(p))/d beta`` reduces for every ``n`` to ``-beta (M_2/M_0 - (M_1/M_0)^2)``, i.e.
  ``-(1/tau) Var_{S_tau(p)}(log p) <= 0`` (also compared with the variance at ``n = 2, 3``).
* ``entropy-derivative``: that derivative, for a given ``p`` and ``tau``.
* ``linear-smoothing-closure``: ``S_tau(delta_1)_2 = (1 - 1/tau)/n < 0`` exactly for
  ``0 < tau < 1`` (solved by SymPy); an exact witness is replayed, and the components of
  ``S_tau`` diverge as ``tau -> 0+``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import flint
import mpmath
import sympy as sp

from kdaxioms.certified.intervals import ball, precision  # the one arb walker and precision context

from ..certify import certified_sign
from ..divergences import divergence
from ..errors import InputError, ModelError, excerpt
from ..limits import MAX_EXPONENT, exponent_fits
from ..families import ALPHA, TAU, linear_smoothing, power_softening, softened_anchor
from ..model import INDEX, SUM_INDEX, SUPPORT, coordinate_symbol, vector_symbols
from ..outcome import PROVED
from ..printing import latex
from ..points import Point
from ..power_shape import EntropyIdentity, entropy_identity, prove_power_axiom
from .base import DIGITS, Derivation, DerivationSpec, Input, Value, decimal, in_interval, simplex_vector, parameter_value

#: Largest support size of linear-smoothing-closure (one limit per component).
MAX_SMOOTHING_N = 50

#: ``y = (q_1/q_2)^{1/N}`` of the exact route at ``n = 2``.
_Y = sp.Symbol("y", positive=True)
#: Largest degree ``N + D`` of the ratio polynomial solved exactly.
MAX_DEGREE = 40
#: Working precision of the numeric route: Newton digits, arb bits, relative box radius.
_NEWTON_DIGITS, _ARB_BITS, _BOX = 90, 400, sp.Rational(1, 10**60)
_ITERATIONS, _SETTLED = 20000, 1e-13


# -- inputs ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """Exact values of ``alpha``, ``tau`` and the anchor ``p``."""

    alpha: sp.Rational
    tau: sp.Rational
    p: tuple[sp.Rational, ...]

    @property
    def n(self) -> int:
        return len(self.p)

    def substitution(self) -> dict[sp.Symbol, sp.Rational]:
        return {ALPHA: self.alpha, TAU: self.tau} | dict(zip(vector_symbols("p", self.n), self.p))


def _alpha(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Rational]:
    """``alpha`` checked against the family's own domain."""
    return parameter_value(values, softened_anchor())


def _tau(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Rational]:
    """``tau > 0`` whose numerator and denominator are at most :data:`MAX_EXPONENT`, as any number in
    an exponent of an operator file: ``1/tau`` is the exponent of ``p_i``, and ``(1/2)**(10**50)``
    computed exactly would not end."""
    if "tau" not in values:
        return {}
    (tau,) = parameter_value(values, power_softening(), "tau").values()
    if not exponent_fits(tau):
        raise InputError(f"tau={excerpt(tau)}: 1/tau is an exponent, so tau's numerator and denominator are at most "
                         f"{MAX_EXPONENT}; e.g. tau=1/64 or tau=64")
    return {TAU: tau}


def _anchor(values: Mapping[str, Value]) -> tuple[sp.Rational, ...] | None:
    return simplex_vector("p", values["p"], interior=True) if "p" in values else None


def _setting(values: Mapping[str, Value]) -> tuple[dict[sp.Symbol, sp.Rational], Setting | None]:
    """Validate every given input; a :class:`Setting` when ``alpha``, ``tau`` and ``p`` are all set."""
    subs = _alpha(values) | _tau(values)
    p = _anchor(values)
    if p is None or len(subs) < 2:
        return subs, None
    return subs, Setting(subs[ALPHA], subs[TAU], p)


# -- the model ------------------------------------------------------------------------------

def softening_part() -> tuple[sp.Expr, tuple[str, ...]]:
    """``r_i = (T(q)_i - alpha p_i) / (1 - alpha)`` from the F5 model, checked to be power
    softening of ``q`` (the power-softening model's component, normalized by its sum)."""
    f5, power = softened_anchor(), power_softening()
    p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
    weight = f5.roles["anchor_weight"]
    part = sp.simplify((f5.component - weight * p[INDEX]) / (1 - weight))
    raw = power.component.xreplace({p: q})
    softened = raw / sp.Sum(raw.xreplace({INDEX: SUM_INDEX}), (SUM_INDEX, 1, SUPPORT))
    if sp.simplify(part - softened) != 0:
        raise ModelError(f"the F5 remainder {part} is not power softening of q")
    return part, (rf"F5: $T(q)_i = \alpha p_i + (1-\alpha) r_i$ with $r_i = {latex(part)}$, "
                  r"the power-softening model applied to $q$",)


def fixed_point_equation(subs: Mapping[sp.Symbol, sp.Expr]) -> sp.Eq:
    """``q_i = T(q)_i`` for every ``n`` (the sum over ``j`` unexpanded)."""
    return sp.Eq(sp.IndexedBase("q")[INDEX], softened_anchor().component.xreplace(dict(subs)))


def operator_at(s: Setting) -> tuple[tuple[sp.Expr, ...], tuple[sp.Symbol, ...]]:
    """The components ``T(q)_1 .. T(q)_n`` at the setting, over the symbols ``q_1 .. q_n``."""
    subs = s.substitution()
    return tuple(c.xreplace(subs) for c in softened_anchor().vector(s.n)), vector_symbols("q", s.n)


def residuals(s: Setting) -> tuple[tuple[sp.Expr, ...], tuple[sp.Symbol, ...]]:
    """``q_k - T(q)_k``: their common zeros in the open simplex are the fixed points."""
    t, qs = operator_at(s)
    return tuple(q - c for q, c in zip(qs, t)), qs


def anchor_is_fixed(s: Setting) -> bool:
    """Whether ``T(p) = p``, decided exactly (certified signs of the residuals at ``p``)."""
    res, qs = residuals(s)
    at = dict(zip(qs, s.p))
    signs = [certified_sign(r.xreplace(at)) for r in res]
    if None in signs:
        raise ModelError("the residual of T at the anchor could not be decided")
    return all(sign == 0 for sign in signs)


# -- uniqueness: Hilbert metric and Birkhoff's contraction coefficient ----------------------

def hilbert_slope() -> tuple[sp.Expr, tuple[str, ...]]:
    """``log S_tau(q)_i = slope * log q_i - log Z``: the slope, from the power-softening model."""
    x, tau = sp.Symbol("x_i", positive=True), sp.Symbol("tau", positive=True)
    raw = power_softening().unnormalized_coordinate().xreplace({coordinate_symbol("p"): x, TAU: tau})
    logged = sp.expand_log(sp.log(raw), force=True)
    slope = sp.simplify(sp.diff(logged, x) * x)
    if sp.simplify(logged - slope * sp.log(x)) != 0:
        raise ModelError(f"log of the power-softening weight {raw} is not linear in log x")
    slope = slope.xreplace({tau: TAU})
    return slope, (rf"$\log S_\tau(q)_i = {latex(slope)} \log q_i - \log Z$, so $S_\tau$ scales Hilbert's "
                   rf"projective metric by exactly ${latex(slope)}$",)


def _vertex(k: int, n: int) -> tuple[sp.Integer, ...]:
    return tuple(sp.Integer(int(m == k)) for m in range(n))


def _diameter_ratio(a: Sequence[sp.Rational], b: Sequence[sp.Rational]) -> sp.Rational:
    """``exp d_H(a, b) = max_i (a_i/b_i) / min_i (a_i/b_i)`` for positive rational vectors."""
    ratios = [x / y for x, y in zip(a, b)]
    return max(ratios) / min(ratios)


def contraction_bound(s: Setting) -> tuple[sp.Expr, bool, tuple[str, ...]]:
    """Birkhoff's bound ``kappa = tanh(Delta/4) * slope`` on the Lipschitz constant of ``T`` in
    ``d_H``, and whether ``kappa < 1`` is certified."""
    slope, steps = hilbert_slope()
    op, sub = softened_anchor(), {ALPHA: s.alpha, TAU: s.tau}
    images = [op.apply({"p": s.p, "q": _vertex(k, s.n)}, sub) for k in range(s.n)]
    spread = max(_diameter_ratio(a, b) for a in images for b in images)
    kappa = sp.radsimp(sp.simplify((sp.tanh(sp.log(spread) / 4) * slope.xreplace(sub)).rewrite(sp.exp)))
    below = certified_sign(kappa - 1) == -1
    steps += (rf"the vertex images $T(\delta_k) = \alpha p + (1-\alpha)\delta_k$ span a cone of projective diameter "
              rf"$\Delta = \log {latex(spread)}$; by Birkhoff's contraction theorem "
              rf"$d_H(Tq, Tq') \le \tanh(\Delta/4)\,{latex(slope)}\, d_H(q, q')$, "
              rf"$\kappa = {latex(kappa)} \approx {sp.N(kappa, 6)}$: "
              + (r"$\kappa < 1$ (certified), so the fixed point is unique and attracts every interior start"
                 if below else r"$\kappa \ge 1$ or undecided: uniqueness does not follow from this bound"),)
    return kappa, below, steps


# -- certified numbers ----------------------------------------------------------------------

def _dyadic(x: mpmath.mpf) -> flint.arb:
    """An mpmath number as an exact arb point (``man_exp`` carries no sign)."""
    man, exp = x.man_exp
    sign = -1 if x < 0 else 1
    return flint.arb(flint.fmpq(sign * int(man) * 2 ** max(exp, 0), 2 ** max(-exp, 0)))


def _rational(point: flint.arb) -> sp.Rational:
    if not point.is_exact():
        raise ModelError(f"{point} is not an exact binary number")
    man, exp = point.man_exp()
    return sp.Integer(int(man)) * sp.Integer(2) ** int(exp)


def certified_float(ball: flint.arb) -> sp.Float:
    """The midpoint of ``ball`` as a Float whose ``DIGITS`` significant digits are those of every
    point of the ball (both end points round alike, and rounding is monotone)."""
    lo, hi, mid = (_rational(x) for x in (ball.lower(), ball.upper(), ball.mid()))
    value = sp.Float(mid, DIGITS + 15)
    if not decimal(lo) == decimal(hi) == decimal(value):
        raise ModelError(f"the enclosure {ball} does not determine {DIGITS} digits")
    return value


# -- the exact route at n = 2 ---------------------------------------------------------------

@dataclass(frozen=True)
class Root:
    """A positive root ``y`` of the ratio polynomial: exact, with an isolating rational bracket."""

    value: sp.Expr
    bracket: tuple[sp.Rational, sp.Rational]


def ratio_residuals(s: Setting) -> tuple[list[tuple[sp.Expr, sp.Expr]], int, tuple[str, ...]]:
    """Numerators and denominators of the residuals at ``q = (y^N, 1)/(1 + y^N)``, ``tau = N/D``."""
    res, qs = residuals(s)
    power = int(s.tau.p)
    point = (_Y ** power / (1 + _Y ** power), 1 / (1 + _Y ** power))
    parts = []
    for r in res:
        at = sp.powsimp(sp.powdenest(r.xreplace(dict(zip(qs, point))), force=True), force=True)
        num, den = sp.fraction(sp.cancel(sp.together(at)))
        if not (num.is_polynomial(_Y) and den.is_polynomial(_Y)):
            raise ModelError(f"the residual at q(y) is not rational in y: {at}")
        parts.append((sp.expand(num), sp.expand(den)))
    step = (rf"$n = 2$, $\tau = N/D$ with $N = {power}$, $D = {s.tau.q}$: with "
            rf"$q = (y^{{{power}}}, 1)/(1 + y^{{{power}}})$, $y = (q_1/q_2)^{{1/{power}}} > 0$, "
            rf"the fixed-point equation becomes $P(y) = {latex(parts[0][0])} = 0$")
    return parts, power, (step,)


def _verify_ratio(parts: list[tuple[sp.Expr, sp.Expr]], poly: sp.Expr) -> str:
    """Both residuals vanish at every root of ``poly``: numerators divisible, denominators coprime."""
    for num, den in parts:
        if sp.rem(num, poly, _Y) != 0 or sp.degree(sp.gcd(den, poly), _Y) > 0:
            raise ModelError(f"a root of {poly} is not a fixed point")
    return (r"exact check: both residual numerators are divisible by the square-free part of $P$ and both "
            r"denominators are coprime to it, so every positive root is a fixed point, and every fixed point "
            r"gives a positive root")


def positive_roots(poly: sp.Expr, eps: sp.Rational = sp.Rational(1, 10**40)) -> list[Root]:
    """The positive real roots of ``poly`` (exact) with disjoint rational brackets of width ``< eps``."""
    p = sp.Poly(poly, _Y)
    roots = p.real_roots(multiple=True)
    brackets = sorted((sp.Rational(a), sp.Rational(b)) for (a, b), _ in p.intervals(eps=eps))
    if len(roots) != len(brackets) or any(not a - eps <= sp.N(r, 60) <= b + eps for r, (a, b) in zip(roots, brackets)):
        raise ModelError(f"the isolating intervals of {poly} do not match its real roots")
    return [Root(r, bracket) for r, bracket in zip(roots, brackets) if r.is_positive]


def _side(root: Root, target: sp.Rational, power: int, poly: sp.Expr) -> int:
    """Sign of ``y^N - target`` at the root, refining its bracket until decided (target not a root value)."""
    bracket, eps = root.bracket, sp.Rational(1, 10**40)
    for _ in range(4):
        lo, hi = (b ** power for b in bracket)
        if lo > target:
            return 1
        if hi < target:
            return -1
        if lo == hi:
            break
        eps = eps ** 2
        bracket = next(r.bracket for r in positive_roots(poly, eps) if r.value == root.value)
    raise ModelError(f"could not separate the root {root.value} from {target}")


def _increasing(s: Setting, power: int) -> str:
    """``f(q_1) = T(q_1, 1-q_1)_1`` is increasing: ``q_1(y)`` and ``f(q_1(y))`` both increase in ``y``."""
    t, qs = operator_at(s)
    point = {qs[0]: _Y ** power / (1 + _Y ** power), qs[1]: 1 / (1 + _Y ** power)}
    raw = sp.powdenest(t[0].xreplace(point), force=True)
    # square-free factored rational functions first (fast, and their signs are read off the
    # factors); SymPy's simplify when those signs are not decided
    for tidy in (lambda e: sp.sqf(sp.cancel(e)), sp.simplify):
        image = tidy(raw)
        slopes = [tidy(sp.diff(e, _Y)) for e in (point[qs[0]], image)]
        if all(d.is_positive for d in slopes):
            break
    else:
        raise ModelError("the one-dimensional map f is not shown to be increasing")
    return (rf"$f(q_1) = T(q_1, 1-q_1)_1$ at $q(y)$ is ${latex(image)}$; $dq_1/dy = {latex(slopes[0])} > 0$ and "
            rf"$df/dy = {latex(slopes[1])} > 0$, so $f$ is increasing and every orbit is monotone")


@dataclass(frozen=True)
class FixedPoint:
    """The fixed point reached from ``p``, how it was found, and what is known about the others."""

    point: tuple[sp.Expr, ...]
    exact: bool
    route: str
    unique: bool | None
    biased: bool
    kappa: sp.Expr
    steps: tuple[str, ...]
    balls: tuple[flint.arb, ...] = ()
    others: tuple[tuple[sp.Expr, ...], ...] = ()


def _as_point(root: sp.Expr, power: int) -> tuple[sp.Expr, sp.Expr]:
    return root ** power / (1 + root ** power), 1 / (1 + root ** power)


def _select(s: Setting, roots: list[Root], power: int, poly: sp.Expr) -> tuple[int, str]:
    """Index of the fixed point reached from ``q_0 = p`` (p not itself a fixed point)."""
    res, qs = residuals(s)
    sign = certified_sign(res[0].xreplace(dict(zip(qs, s.p))))
    if not sign:
        raise ModelError("the direction of the orbit from p could not be decided")
    drift, target = -sign, s.p[0] / s.p[1]
    sides = [_side(r, target, power, poly) for r in roots]
    ahead = [k for k, side in enumerate(sides) if side == drift]
    if not ahead:
        raise ModelError("no fixed point lies in the direction of the orbit from p")
    index = min(ahead) if drift > 0 else max(ahead)
    direction = "increases" if drift > 0 else "decreases"
    chosen = latex(_as_point(roots[index].value, power)[0])
    return index, (rf"$f(p_1) {'>' if drift > 0 else '<'} p_1$: the orbit from $q_0 = p$ {direction} monotonically "
                   rf"to the nearest fixed point on that side, $q_1^* = {chosen}$")


def exact_two(s: Setting, kappa: sp.Expr, below: bool, fixed_anchor: bool) -> FixedPoint:
    """Every fixed point at ``n = 2`` from the ratio polynomial; the one reached from ``p``."""
    parts, power, steps = ratio_residuals(s)
    poly = sp.sqf_part(parts[0][0], _Y)
    steps += (_verify_ratio(parts, poly),)
    roots = positive_roots(poly)
    points = [_as_point(r.value, power) for r in roots]
    steps += (rf"positive roots of $P$: {len(roots)}, i.e. fixed points $q_1^* \in "
              rf"\{{{', '.join(str(sp.N(q[0], 12)) for q in points)}\}}$",)
    if fixed_anchor:
        holding = [k for k, r in enumerate(roots) if _side_or_zero(r, s.p[0] / s.p[1], power) == 0]
        if len(holding) != 1:
            raise ModelError("the anchor's root of P could not be identified")
        index = holding[0]
        steps += (r"$T(p) = p$ exactly: the orbit from $p$ stays at $p$",)
        chosen = tuple(s.p)
    else:
        steps += (_increasing(s, power),)
        index, step = _select(s, roots, power, poly)
        steps += (step,)
        chosen = points[index]
    others = tuple(q for k, q in enumerate(points) if k != index)
    return FixedPoint(chosen, True, "ratio-polynomial", len(roots) == 1 or below, not fixed_anchor, kappa, steps,
                      others=others)


def _side_or_zero(root: Root, target: sp.Rational, power: int) -> int:
    """0 when the root's bracket holds ``target^{1/N}`` (the anchor's own root), else its side."""
    lo, hi = (b ** power for b in root.bracket)
    return 0 if lo <= target <= hi else (1 if lo > target else -1)


# -- the numeric route ----------------------------------------------------------------------

def iterate_from_anchor(s: Setting) -> list[float]:
    """Direct float iteration of ``T`` from ``q_0 = p`` until the step is below ``1e-13``."""
    t, qs = operator_at(s)
    step = sp.lambdify(qs, t, "math")
    q = [float(x) for x in s.p]
    for _ in range(_ITERATIONS):
        new = step(*q)
        if max(abs(a - b) for a, b in zip(new, q)) < _SETTLED:
            return list(new)
        q = list(new)
    raise ModelError(f"the iteration of T from p did not settle within {_ITERATIONS} steps; the fixed point "
                     "reached from p could not be located")


def newton(s: Setting, start: Sequence[float]) -> list[mpmath.mpf]:
    """Newton's method on ``q - T(q) = 0`` at ``_NEWTON_DIGITS`` digits."""
    res, qs = residuals(s)
    f = sp.lambdify(qs, res, "mpmath")
    jac = sp.lambdify(qs, sp.Matrix(res).jacobian(qs), "mpmath")
    with mpmath.workdps(_NEWTON_DIGITS):
        x = mpmath.matrix(list(start))
        for _ in range(40):
            fx = mpmath.matrix(f(*x))
            if mpmath.norm(fx, mpmath.inf) < mpmath.mpf(10) ** (5 - _NEWTON_DIGITS):
                return list(x)
            x -= mpmath.lu_solve(mpmath.matrix(jac(*x)), fx)
    raise ModelError("Newton's method did not converge to a fixed point of T")


def _krawczyk_image(c: list, box: list, y: list, fc: list, jx: list) -> list[flint.arb]:
    """``K = c - Y F(c) + (I - Y J(X)) (X - c)`` in ball arithmetic, row by row."""
    n = len(c)
    rows = []
    for a in range(n):
        total = c[a] - sum((y[a][b] * fc[b] for b in range(n)), flint.arb(0))
        for b in range(n):
            m = int(a == b) - sum((y[a][e] * jx[e][b] for e in range(n)), flint.arb(0))
            total += m * (box[b] - c[b])
        rows.append(total)
    return rows


def krawczyk(res: Sequence[sp.Expr], qs: Sequence[sp.Symbol], centre: Sequence[mpmath.mpf]) -> tuple[flint.arb, ...]:
    """Certify one zero of ``F = res`` near ``centre``: with ``X = c +- 1e-60 |c|``, ``Y`` an
    approximate inverse of ``F'(c)`` and ``K = c - Y F(c) + (I - Y F'(X))(X - c)``, ``K`` inside the
    interior of ``X`` proves that ``X`` holds exactly one zero, and that it lies in ``K``."""
    n = len(qs)
    jac = sp.Matrix(res).jacobian(qs)
    with mpmath.workdps(_NEWTON_DIGITS):
        inverse = mpmath.inverse(mpmath.matrix(sp.lambdify(qs, jac, "mpmath")(*centre)))
    with precision(_ARB_BITS):
        y = [[_dyadic(inverse[a, b]) for b in range(n)] for a in range(n)]
        c = [_dyadic(x) for x in centre]
        box = [x + flint.arb(0, ball(_BOX, {}).upper()) * abs(x) for x in c]
        fc = [ball(r, dict(zip(qs, c))) for r in res]
        jx = [[ball(jac[a, b], dict(zip(qs, box))) for b in range(n)] for a in range(n)]
        k = _krawczyk_image(c, box, y, fc, jx)
        if not all(x.contains_interior(kx) for x, kx in zip(box, k)):
            raise ModelError("the Krawczyk test failed: the fixed point could not be certified")
        return tuple(k)


def numeric(s: Setting, kappa: sp.Expr, below: bool) -> FixedPoint:
    """The certified fixed point reached from ``p`` by iteration, Newton and Krawczyk."""
    start = iterate_from_anchor(s)
    centre = newton(s, start)
    res, qs = residuals(s)
    balls = krawczyk(res, qs, centre)
    with precision(_ARB_BITS):
        point = tuple(certified_float(b) for b in balls)
        positive = all(b > 0 for b in balls)
        biased = any(not b.overlaps(ball(x, {})) for b, x in zip(balls, s.p))
        width = max(float(b.rad()) for b in balls)
    if not positive:
        raise ModelError("the certified fixed point is not in the open simplex")
    steps = ("float iteration of $T$ from $q_0 = p$, then Newton's method at "
             f"{_NEWTON_DIGITS} digits",
             rf"Krawczyk test in arb ({_ARB_BITS} bits): $K(X) \subset \operatorname{{int}} X$ for "
             rf"$X = \tilde q \pm 10^{{-60}} \tilde q$, so $X$ holds exactly one fixed point, enclosed with radius "
             rf"$\le {width:.1e}$; every point of the enclosure has the same {DIGITS} digits",)
    if not below:
        steps += ("uniqueness not established; the fixed point reported is the one the float iteration from p "
                  "reached (that choice is not certified)",)
    return FixedPoint(point, False, "krawczyk", True if below else None, biased, kappa, steps, balls=balls)


def solve_fixed_point(s: Setting) -> FixedPoint:
    """The fixed point of ``T`` reached from ``q_0 = p``, exact where possible, else certified."""
    kappa, below, steps = contraction_bound(s)
    fixed_anchor = anchor_is_fixed(s)
    if s.n == 2 and s.tau.p + s.tau.q <= MAX_DEGREE:
        found = exact_two(s, kappa, below, fixed_anchor)
    elif fixed_anchor:
        found = FixedPoint(tuple(s.p), True, "anchor", True if below else None, False, kappa,
                           (r"$T(p) = p$ exactly: the orbit from $p$ stays at $p$",))
    else:
        found = numeric(s, kappa, below)
    verdict = ("$q^* \\ne p$: the fixed point is biased" if found.biased
               else "$q^* = p$: no bias")
    return FixedPoint(found.point, found.exact, found.route, found.unique, found.biased, kappa,
                      steps + found.steps + (f"{verdict} (decided on the value found)",), found.balls, found.others)


# -- C7 derivations -------------------------------------------------------------------------

def _fixed_point_extra(found: FixedPoint) -> dict:
    return {"route": found.route, "unique": found.unique, "biased": found.biased,
            "contraction_bound": found.kappa,
            "other_fixed_points": [[decimal(x) for x in q] for q in found.others]}


def softened_fixed_point(values: Mapping[str, Value]) -> Derivation:
    """The fixed point ``q* = alpha p + (1 - alpha) S_tau(q*)`` reached from ``q_0 = p``."""
    subs, setting = _setting(values)
    part_steps = softening_part()[1]
    expr = fixed_point_equation(subs)
    if setting is None:
        return Derivation("softened-fixed-point", expr, values, part_steps)
    found = solve_fixed_point(setting)
    return Derivation("softened-fixed-point", expr, values, part_steps + found.steps, list(found.point),
                      exact=found.exact, extra=_fixed_point_extra(found))


def _bias_expression(n: int | None) -> sp.Expr:
    """``KL(p||q*)`` from the KL term: a sum over ``i`` (or ``n`` terms when ``n`` is known)."""
    kl = divergence("kl")
    if n is None:
        p, q = sp.IndexedBase("p"), sp.IndexedBase("q^*")
        return sp.Sum(kl.coordinate(p[INDEX], q[INDEX]), (INDEX, 1, SUPPORT))
    return kl.total(vector_symbols("p", n), vector_symbols("q^*", n))


def _bias_value(found: FixedPoint, s: Setting) -> sp.Expr:
    kl = divergence("kl")
    if found.exact:
        return kl.total(s.p, found.point)
    with precision(_ARB_BITS):
        balls = dict(zip(vector_symbols("q", s.n), found.balls))
        return certified_float(ball(kl.total(s.p, vector_symbols("q", s.n)), balls))


def softened_bias(values: Mapping[str, Value]) -> Derivation:
    """``KL(p || q*)`` at the fixed point reached from ``p``: zero iff ``q* = p``."""
    _, setting = _setting(values)
    p = _anchor(values)
    expr = _bias_expression(None if p is None else len(p))
    if setting is None:
        return Derivation("softened-bias", expr, values)
    found = solve_fixed_point(setting)
    value = _bias_value(found, setting)
    steps = found.steps + (rf"$\mathrm{{KL}}(p\|q^*) = {latex(value) if found.exact else sp.N(value, 12)}$",)
    return Derivation("softened-bias", expr, values, steps, value, exact=found.exact, extra=_fixed_point_extra(found))


def limit_at_infinity(expr: sp.Expr) -> tuple[sp.Expr, dict[sp.Sum, sp.Expr]]:
    """``lim_{tau -> oo}`` of a component over positive coordinates: each sum over the support is
    replaced by the (finite) sum of its summand's limit, then the rest is a limit in ``tau`` that
    is continuous in those sums (they tend to a positive number)."""
    tau, x = sp.Symbol("tau", positive=True), sp.Symbol("x", positive=True)
    q = sp.IndexedBase("q")
    sums = {}
    for total in expr.atoms(sp.Sum):
        summand = sp.limit(total.function.xreplace({q[SUM_INDEX]: x, TAU: tau}), tau, sp.oo)
        sums[total] = sp.Sum(summand.xreplace({x: q[SUM_INDEX]}), *total.limits).doit()
    rest = expr.xreplace(sums).xreplace({q[INDEX]: x, TAU: tau})
    return sp.limit(rest, tau, sp.oo).xreplace({x: q[INDEX]}), sums


def softening_limit() -> tuple[sp.Expr, sp.Expr, tuple[str, ...]]:
    """The limits as ``tau -> oo`` of the F5 remainder ``r_i`` and of the component ``T(q)_i``."""
    part, steps = softening_part()
    limit, sums = limit_at_infinity(part)
    limit_map, _ = limit_at_infinity(softened_anchor().component)
    described = ", ".join(rf"${latex(k)} \to {latex(v)}$" for k, v in sums.items())
    steps += (rf"for $q > 0$, $\lim_{{\tau\to\infty}} q_j^{{1/\tau}} = 1$ (SymPy's limit), so {described} and "
              rf"$r_i \to {latex(limit)}$",)
    if limit_map.has(sp.IndexedBase("q")):
        raise ModelError(f"the limit map {limit_map} still depends on q")
    return limit, limit_map, steps


def _limit_check(s_alpha: sp.Rational, p: tuple[sp.Rational, ...], limit_point: list[sp.Expr]) -> str:
    """Every ``T_tau(q_oo)_i -> q_oo_i``: ``T_tau`` fixes ``q_oo`` in the limit (so ``d_H -> 0``)."""
    tau = sp.Symbol("tau", positive=True)
    op = softened_anchor()
    image = op.apply({"p": p, "q": tuple(limit_point)}, {ALPHA: s_alpha, TAU: tau})
    limits = [sp.limit(a, tau, sp.oo) for a in image]
    if any(v != b for v, b in zip(limits, limit_point)):
        raise ModelError(f"T_tau does not fix the limit point as tau -> oo (limits {limits})")
    return (r"at the given point $T_\tau(q^*_\infty) \to q^*_\infty$ (SymPy's limit of every component), so "
            r"$d_H(T_\tau q^*_\infty, q^*_\infty) \to 0$; with $\kappa_\tau \le \tanh(\Delta/4)/\tau \to 0$ the bound "
            r"$d_H(q^*_\tau, q^*_\infty) \le d_H(T_\tau q^*_\infty, q^*_\infty)/(1 - \kappa_\tau)$ gives "
            r"$q^*_\tau \to q^*_\infty$")


def _uniform_limit_step() -> str:
    """Why the fixed points converge to the limit map's fixed point (not only the maps): ``q*_tau``
    stays in ``{q >= alpha p}``, where ``S_tau -> u`` uniformly.  The two facts it uses are checked
    here: ``c^(1/tau) -> 1`` for ``c > 0`` and ``x^(1/tau)`` increasing in ``x``."""
    tau, c, x = sp.Symbol("tau", positive=True), sp.Symbol("c", positive=True), sp.Symbol("x", positive=True)
    if sp.limit(c ** (1 / tau), tau, sp.oo) != 1:
        raise ModelError("c^(1/tau) does not tend to 1 as tau -> oo")
    slope = sp.diff(x ** (1 / tau), x)
    if not sp.ask(sp.Q.positive(slope), sp.Q.positive(x) & sp.Q.positive(tau)):
        raise ModelError("x^(1/tau) is not shown increasing in x")
    return (r"the fixed points converge, not only the maps: $S_\tau \ge 0$ gives $q^*_\tau \ge \alpha p$, so "
            r"every coordinate of $q^*_\tau$ lies in $[c, 1]$ with $c = \alpha \min_i p_i > 0$ ($p$ interior); there "
            rf"$c^{{1/\tau}} \le x^{{1/\tau}} \le 1$ (${latex(slope)} > 0$) and $\lim_{{\tau\to\infty}} c^{{1/\tau}} = 1$ "
            r"(SymPy's limit), so $S_\tau(q^*_\tau)_i \to 1/n$ uniformly and "
            r"$q^*_\tau - q^*_\infty = (1-\alpha)\bigl(S_\tau(q^*_\tau) - u\bigr) \to 0$")


def softened_limit(values: Mapping[str, Value]) -> Derivation:
    """``lim_{tau -> oo} q*`` = the fixed point of the limit map ``alpha p + (1 - alpha) u``."""
    subs = _alpha(values)
    p = _anchor(values)
    _, limit_map, steps = softening_limit()
    star = sp.IndexedBase("q^*_infty")[INDEX]
    (solution,) = sp.solve(sp.Eq(star, limit_map), star)
    solution = sp.expand(solution)
    steps += (rf"limit map $T_\infty(q)_i = {latex(limit_map)}$, constant in $q$; its fixed point solves "
              rf"$q_i = T_\infty(q)_i$: $q^*_{{\infty,i}} = {latex(solution)}$",
              _uniform_limit_step())
    expr = sp.Eq(star, solution.xreplace(subs))
    value = None
    if p is not None and subs:
        n = len(p)
        at = dict(zip(vector_symbols("p", n), p))
        value = [v.xreplace(at) for v in softened_anchor().expand(solution.xreplace(subs), n)]
        steps += (_limit_check(subs[ALPHA], p, value),)
    return Derivation("softened-limit", expr, values, steps, value)


# -- C10: power softening -------------------------------------------------------------------

#: The softening axioms of power softening proved here for every n, through the power-shape
#: route that the audit runs on any operator of that shape.
AXIOM_NAMES = {"S1": "ranking", "S3": "entropy-monotone", "S4": "identity", "S5": "boundary"}


def prove_softening_axiom(code: str) -> tuple[str, ...]:
    """The computed proof of one of S1, S3, S4, S5 for power softening (every ``n``): its steps
    when every step established what it claims; a :class:`ModelError` otherwise."""
    out = prove_power_axiom(power_softening(), AXIOM_NAMES[code])
    if out.verdict != PROVED:
        raise ModelError(f"{code} of power softening is not established: {out.reason}")
    return out.steps


def power_softening_axioms(values: Mapping[str, Value]) -> Derivation:
    """Symbolic proofs of S1, S3, S4, S5 for power softening (every ``n``); raises when any fails."""
    steps = tuple(step for code in AXIOM_NAMES for step in prove_softening_axiom(code))
    return Derivation("power-softening-axioms", _identity_expression(entropy_identity(), {}), values, steps,
                      extra={"axioms": {code: "proved (all n)" for code in AXIOM_NAMES}})


def _identity_expression(ident: EntropyIdentity, subs: Mapping[sp.Symbol, sp.Expr]) -> sp.Eq:
    general = ident.derivative.xreplace(dict(zip(ident.moments, ident.sums)))
    general = general.xreplace({ident.beta: 1 / TAU, ident.base: sp.IndexedBase("p")})
    return sp.Eq(sp.Symbol("dH/d(1/tau)"), general.xreplace(dict(subs)))


def _moments_at(ident: EntropyIdentity, p: Sequence[sp.Rational]) -> sp.Expr:
    """The derived moment form with ``M_k = sum_j p_j^beta (log p_j)^k`` at a given ``p``, in ``tau``."""
    beta = ident.beta
    at = {m: sp.Add(*(x ** beta * sp.log(x) ** k for x in p)) for k, m in enumerate(ident.moments)}
    return ident.derivative.xreplace(at).xreplace({beta: 1 / TAU})


def _vector_entropy(n: int, p: Sequence[sp.Expr], beta: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """``dH/dbeta`` and ``-beta Var(log p)`` from the model's ``n`` components at ``p``."""
    op = power_softening()
    subs = dict(zip(vector_symbols("p", n), p)) | {TAU: 1 / beta}
    shares = [c.xreplace(subs) for c in op.vector(n)]
    derivative = sp.diff(-sp.Add(*(s * sp.log(s) for s in shares)), beta)
    logs = [sp.log(x) for x in p]
    mean = sp.Add(*(s * l for s, l in zip(shares, logs)))
    variance = sp.Add(*(s * (l - mean) ** 2 for s, l in zip(shares, logs)))
    return derivative, -beta * variance


def _direct_check(p: Sequence[sp.Rational], tau: sp.Rational, value: sp.Expr) -> str:
    """The model's own derivative at the point agrees with the moment form to 40 digits."""
    beta = sp.Symbol("beta", positive=True)
    direct, _ = _vector_entropy(len(p), p, beta)
    gap = sp.N(direct.xreplace({beta: 1 / tau}) - value, 60)
    if abs(gap) > sp.Float(10) ** -40:
        raise ModelError(f"the entropy derivative of the model differs from the moment form by {gap}")
    return (r"cross-check: $\frac{d}{d\beta} H$ of the model's components at $p$ agrees with the moment form to 40 "
            r"digits; the value is $\le 0$")


def entropy_derivative(values: Mapping[str, Value]) -> Derivation:
    """``dH(S_tau(p))/d(1/tau)``: the general moment form, evaluated at ``p`` and ``tau`` when set."""
    subs = _tau(values)
    p = _anchor(values)
    ident = entropy_identity()
    if p is None:
        return Derivation("entropy-derivative", _identity_expression(ident, subs), values, ident.steps)
    expr = _moments_at(ident, p)
    steps = ident.steps + (rf"at $p$: $\frac{{dH}}{{d(1/\tau)}} = {latex(expr)}$",)
    value = None
    if subs:
        value = expr.xreplace(subs)
        steps += (_direct_check(p, subs[TAU], value),)
    return Derivation("entropy-derivative", sp.Eq(sp.Symbol("dH/d(1/tau)"), expr.xreplace(subs)), values, steps, value)


# -- C10: linear smoothing ------------------------------------------------------------------

def _support_size(values: Mapping[str, Value]) -> int:
    n = values.get("n", 2)
    if not isinstance(n, int) or n < 2:
        raise InputError(f"n={n} must be an integer >= 2 (the support size)")
    return n


def linear_smoothing_closure(values: Mapping[str, Value]) -> Derivation:
    """Linear smoothing leaves the simplex for ``tau < 1``: solved at the vertex ``p = delta_1``,
    an exact witness replayed, and the components' divergence as ``tau -> 0+``."""
    n = _support_size(values)
    op = linear_smoothing()
    tau = sp.Symbol("tau", positive=True)
    vertex = _vertex(0, n)
    components = [c.xreplace({TAU: tau}) for c in op.apply({"p": vertex}, {})]
    region = sp.solve_univariate_inequality(components[1] < 0, tau, relational=False)
    if not isinstance(region, sp.Interval) or region.is_empty:
        raise ModelError(f"no tau makes the second component negative (solution {region})")
    witness_tau = (region.start + region.end) / 2
    replay = [c.xreplace({tau: witness_tau}) for c in components]
    negative = [k for k, c in enumerate(replay) if c < 0]
    if not negative:
        raise ModelError(f"the witness tau={witness_tau} does not replay to a negative component")
    limits = [sp.limit(c, tau, 0, "+") for c in components]
    if not any(v.is_infinite for v in limits):
        raise ModelError(f"the components at the vertex have finite limits {limits} as tau -> 0+: no divergence shown")
    x = sp.Symbol("x", real=True)
    general = sp.limit(op.unnormalized_coordinate().xreplace({coordinate_symbol("p"): x, TAU: tau}), tau, 0, "+")
    witness = Point({"p": tuple(Fraction(int(v)) for v in vertex)},
                    {"tau": Fraction(int(witness_tau.p), int(witness_tau.q))})
    condition = region.as_relational(TAU)
    steps = (rf"$S_\tau(\delta_1) = ({', '.join(latex(c) for c in components)})$ at $n = {n}$",
             rf"$S_\tau(\delta_1)_2 < 0$ for $\tau > 0$ exactly when $\tau \in {latex(region)}$ (solved by SymPy)",
             rf"witness $p = \delta_1$, $\tau = {witness_tau}$: $S_\tau(p) = ({', '.join(map(str, replay))})$, "
             rf"component {negative[0] + 1} is ${replay[negative[0]]} < 0$ (exact): closure fails",
             rf"as $\tau \to 0^+$ the components tend to $({', '.join(latex(v) for v in limits)})$: no limit; "
             rf"in general a coordinate $p_i = x$ tends to ${latex(general)}$, infinite unless $x = 1/n$, and a "
             r"non-uniform $p$ "
             r"has such a coordinate",)
    extra = {"witness": witness.to_json(),
             "negative_component": {"index": negative[0] + 1, "value": str(replay[negative[0]])},
             "limits": [str(v) for v in limits]}
    return Derivation("linear-smoothing-closure", condition, values, steps, replay[negative[0]], extra=extra)


_ALPHA = Input("alpha", "scalar", "anchor weight in (0, 1]")
_TAU = Input("tau", "scalar", "temperature tau > 0")
_P = Input("p", "vector", "anchor (interior distribution)")

DERIVATIONS = (
    DerivationSpec("softened-fixed-point", "C7",
                   "F5: the fixed point q* = alpha p + (1-alpha) S_tau(q*) reached from p "
                   "(exact at n = 2, else certified)",
                   (_ALPHA, _TAU, _P), softened_fixed_point),
    DerivationSpec("softened-bias", "C7", "F5: the bias KL(p||q*) of the softened anchor's fixed point",
                   (_ALPHA, _TAU, _P), softened_bias),
    DerivationSpec("softened-limit", "C7", "F5: q* -> alpha p + (1-alpha) u as tau -> oo, by limits of the model",
                   (_ALPHA, _P), softened_limit),
    DerivationSpec("power-softening-axioms", "C10", "power softening: S1, S3, S4, S5 proved symbolically for every n",
                   (), power_softening_axioms),
    DerivationSpec("entropy-derivative", "C10", "power softening: dH(S_tau(p))/d(1/tau) = -(1/tau) Var(log p)",
                   (_TAU, _P), entropy_derivative),
    DerivationSpec("linear-smoothing-closure", "C10",
                   "linear smoothing leaves the simplex for tau < 1 (exact witness) and has no tau -> 0+ limit",
                   (Input("n", "integer", "support size n >= 2 (default 2)", MAX_SMOOTHING_N),), linear_smoothing_closure),
)
