"""C5: the convergence rate of the memory-k anchor (F3).

F3 is ``T = alpha p + (1 - alpha) sum_j beta_j q_{t-j}`` (``j = 0 .. k-1``, ``beta`` in the
simplex).  Everything below is computed by SymPy from the model ``memory_anchor(k)``:

* error recursion: with ``q_{t-j} = p + e_{t-j}`` in the component, ``T_i - p_i`` is linear in
  the errors; its ``p_i`` coefficient vanishes under ``sum_j beta_j = 1`` and the coefficient of
  ``e_{t-j}`` is ``(1 - alpha) beta_j``, so ``e_{t+1} = (1 - alpha) sum_j beta_j e_{t-j}``.
* characteristic polynomial: ``e_s = z^s`` and clearing ``z^{t+1-k}`` gives
  ``P(z) = z^k - (1 - alpha) sum_j beta_j z^{k-1-j}``, the characteristic polynomial of the
  companion matrix of the recursion (checked with ``Matrix.charpoly``).
* bounds (for each concrete ``k``, symbolic ``alpha`` and ``beta``): for ``z != 0``,
  ``P(z) = 0`` iff ``g(z) = 1`` with ``g(z) = 1 - P(z)/z^k = (1 - alpha) sum_j beta_j z^{-(j+1)}``.
  ``g`` has non-negative coefficients and is strictly decreasing on ``z > 0``; ``g(1) = 1 - alpha
  < 1`` and ``g(1 - alpha) - 1 = sum_j beta_j ((1 - alpha)^{-j} - 1) >= 0``, zero iff
  ``beta_j = 0`` for ``j >= 1``.  So the unique positive root ``rho`` lies in ``[1 - alpha, 1)``,
  equals ``1 - alpha`` iff ``beta = (1, 0, .., 0)``, and every root has ``|z| <= rho`` because
  ``1 = |g(z)| <= g(|z|)``: ``rho`` is the spectral radius.  ``alpha = 1`` gives ``P = z^k``, ``rho = 0``.
* the value: with ``alpha`` and ``beta`` set, ``rho`` is the positive real root of ``P`` (one sign
  change in its coefficients: Descartes), exact as radicals or as a ``CRootOf``; its dominance
  is checked on every root computed to high precision.  With something unset and ``deg P <= 2``
  (``k <= 2``; by default ``k = 2``, ``beta = (gamma, 1 - gamma)``) the roots come from
  ``sp.roots`` and the dominant one is selected by Vieta's formulas (sum ``>= 0``, product ``<= 0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy as sp

from ..errors import InputError, ModelError
from ..families import ALPHA, memory_anchor
from ..model import Operator, coordinate_symbol, real
from ..points import fraction
from .. import sums
from ..recursion import T_STEP
from .base import DIGITS, MAX_MEMORY, Derivation, DerivationSpec, Input, Value, parameter_value, simplex_vector

#: The variable of the characteristic polynomial.
Z = sp.Symbol("z")
#: The free weight of the default memory-2 weights ``beta = (gamma, 1 - gamma)``.
GAMMA = real("gamma")
#: The spectral radius, in the inequality chain of ``memory-rate-bounds``.
RHO = sp.Symbol("rho", nonnegative=True)
#: The error one generation ahead, ``e_{t+1} = q_{t+1,i} - p_i``.
NEXT_ERROR = sp.Symbol("e_{t+1}", real=True)
#: The memory used when ``beta`` is unset (memory-rate) and when ``k`` is unset (memory-rate-bounds).
DEFAULT_K, DEFAULT_BOUNDS_K = 2, 3
BOUNDS_TEXT = "1-alpha <= rho < 1; rho = 1-alpha iff beta = (1,0,...,0) (0 < alpha < 1)"


def error_symbols(k: int) -> tuple[sp.Symbol, ...]:
    """``e_t, e_{t-1}, .., e_{t-k+1}``: the errors of the students the meta-teacher remembers."""
    return tuple(sp.Symbol("e_{t}" if j == 0 else f"e_{{t-{j}}}", real=True) for j in range(k))


def weight_symbols(op: Operator) -> tuple[sp.Symbol, ...]:
    """The memory weights ``beta_1 .. beta_k`` of the model (``beta_1`` weighs ``q_t``)."""
    return tuple(s for s in op.parameter_symbols if s.name.startswith("beta_"))


def eliminate_last_weight(op: Operator) -> dict[sp.Symbol, sp.Expr]:
    """``beta_k = 1 - beta_1 - .. - beta_{k-1}``, solved by SymPy from the model's constraint."""
    last = weight_symbols(op)[-1]
    (constraint,) = op.constraints
    solution = sp.solve(constraint, last, dict=True)
    if len(solution) != 1:
        raise ModelError(f"the weight constraint {constraint} does not determine {last}")
    return solution[0]


def tidy_coefficient(expr: sp.Expr) -> sp.Expr:
    """``beta_1 (1 - alpha)`` rather than ``beta_1 - alpha beta_1``: common factors pulled out, else factored."""
    pulled = sp.factor_terms(sp.expand(expr))
    return sp.factor(pulled) if isinstance(pulled, sp.Add) else pulled


def tidy(expr: sp.Expr) -> sp.Expr:
    """An expression in powers of ``z`` (or a coefficient) with each coefficient tidied, for display."""
    return sp.collect(sp.expand(expr), Z, tidy_coefficient) if expr.has(Z) else tidy_coefficient(expr)


# -- the error recursion and its characteristic polynomial -----------------------------------

@dataclass(frozen=True)
class ErrorRecursion:
    """``e_{t+1} = sum_j coefficients[j] e_{t-j}``, derived from the model ``operator``."""

    operator: Operator
    coefficients: tuple[sp.Expr, ...]
    steps: tuple[str, ...]

    @property
    def k(self) -> int:
        return len(self.coefficients)

    def right_side(self) -> sp.Expr:
        return sp.Add(*(c * e for c, e in zip(self.coefficients, error_symbols(self.k))))


def error_recursion(k: int) -> ErrorRecursion:
    """Substitute ``q_{t-j,i} = p_i + e_{t-j}`` into ``T_i`` and read ``T_i - p_i`` off as a linear form."""
    op = memory_anchor(k)
    p, errors = coordinate_symbol("p"), error_symbols(k)
    moved = {coordinate_symbol(s): p + e for s, e in zip(op.inputs[1:], errors)}
    residual = sp.expand(op.unnormalized_coordinate().xreplace(moved) - p)
    form = sp.Poly(residual, p, *errors)
    if form.total_degree() > 1 or form.coeff_monomial(1) != 0:
        raise ModelError(f"T_i - p_i = {residual} is not a linear form in p_i and the errors")
    anchor = form.coeff_monomial(p)
    if sp.simplify(anchor.xreplace(eliminate_last_weight(op))) != 0:
        raise ModelError(f"the p_i coefficient {anchor} of T_i - p_i does not vanish: p is not a fixed point")
    rec = ErrorRecursion(op, tuple(tidy(form.coeff_monomial(e)) for e in errors), ())
    steps = (
        rf"with $q_{{t-j,i}} = p_i + e_{{t-j}}$ in $T_i = {op.latex()}$: "
        rf"$T_i - p_i = {sp.latex(sp.collect(residual, [p, *errors], tidy_coefficient))}$",
        rf"the coefficient ${sp.latex(tidy(anchor))}$ of $p_i$ vanishes under "
        rf"${sp.latex(op.constraints[0])}$, so the error obeys $e_{{t+1}} = {sp.latex(rec.right_side())}$",
    )
    return ErrorRecursion(op, rec.coefficients, steps)


def _matrix(m: sp.Matrix) -> str:
    """A matrix in LaTeX, in small type beyond 3 x 3 (so that it fits a line of text)."""
    if m.rows <= 3:
        return sp.latex(m)
    return sp.latex(m, mat_str="smallmatrix", mat_delim="(")


def characteristic_polynomial(rec: ErrorRecursion) -> tuple[sp.Expr, tuple[str, ...]]:
    """Put ``e_s = z^s`` into the recursion and clear ``z^{t+1-k}``; check it against the companion matrix."""
    k, errors = rec.k, error_symbols(rec.k)
    powers = {NEXT_ERROR: Z ** (T_STEP + 1), **{e: Z ** (T_STEP - j) for j, e in enumerate(errors)}}
    trial = (NEXT_ERROR - rec.right_side()).xreplace(powers)
    cleared = sp.expand(sp.powsimp(sp.expand(trial * Z ** (k - 1 - T_STEP)), combine="exp"))
    if T_STEP in cleared.free_symbols or sp.Poly(cleared, Z).degree() != k:
        raise ModelError(f"clearing powers left {cleared}, not a polynomial of degree {k} in z")
    state = ", ".join(sp.latex(e) for e in errors)
    companion = sp.Matrix(k, k, lambda r, c: rec.coefficients[c] if r == 0 else int(r == c + 1))
    agrees = sp.expand(companion.charpoly(Z).as_expr() - cleared) == 0
    if not agrees:
        raise ModelError("the characteristic polynomial differs from that of the companion matrix")
    steps = (
        rf"with $e_s = z^s$: ${sp.latex(trial)} = 0$; multiplied by $z^{{{sp.latex(k - 1 - T_STEP)}}}$: "
        rf"$P(z) = {sp.latex(tidy(cleared))}$",
        rf"$P$ equals $\det(z I - C)$ for the companion matrix $C = {_matrix(companion)}$ of the state "
        rf"$({state})$ (computed), so the rate of the error is the spectral radius of $C$",
    )
    return cleared, steps


# -- the bounds, proved for a concrete k with symbolic alpha and beta ------------------------

def sign_reparametrization(op: Operator) -> tuple[dict[sp.Symbol, sp.Expr], dict[sp.Symbol, sp.Expr]]:
    """Encode the domains in SymPy assumptions: ``beta_j = b_j``, ``alpha = 1 - c`` with ``b_j, c >= 0``.

    The signs are read off the model's domains (``sp.ask``); returns the map and its inverse."""
    facts = op.assumptions()
    forward: dict[sp.Symbol, sp.Expr] = {}
    inverse: dict[sp.Symbol, sp.Expr] = {}
    for beta in weight_symbols(op):
        if sp.ask(sp.Q.nonnegative(beta), facts) is not True:
            raise ModelError(f"the domain of {beta} does not make it non-negative")
        forward[beta] = sp.Dummy(beta.name, nonnegative=True)
        inverse[forward[beta]] = beta
    if sp.ask(sp.Q.nonnegative(1 - ALPHA), facts) is not True:
        raise ModelError("the domain of alpha does not give 1 - alpha >= 0")
    c = sp.Dummy("c", nonnegative=True)
    forward[ALPHA], inverse[c] = 1 - c, 1 - ALPHA
    return forward, inverse


def terms_have_sign(expr: sp.Expr, signs: Mapping[sp.Symbol, sp.Expr], sign: str) -> bool:
    """Every term of the expanded ``expr`` is ``<= 0`` (``sign='nonpositive'``) or ``>= 0``, for ``z > 0``."""
    x = sp.Dummy("z", positive=True)
    terms = sp.Add.make_args(sp.expand(expr.xreplace({**signs, Z: x})))
    return all(getattr(term, f"is_{sign}") is True for term in terms)


def monotonicity_steps(g: sp.Expr, signs: Mapping[sp.Symbol, sp.Expr]) -> tuple[str, ...]:
    """``g`` has non-negative terms and is strictly decreasing on ``z > 0``: ``g' <= 0`` and ``z g' + g <= 0``."""
    dg = sp.diff(g, Z)
    euler = sp.expand(Z * dg + g)
    checks = [terms_have_sign(g, signs, "nonnegative"), terms_have_sign(dg, signs, "nonpositive"),
              terms_have_sign(euler, signs, "nonpositive")]
    if not all(checks):
        raise ModelError(f"the sign pattern of g, g', z g' + g ({checks}) is not established")
    return (
        rf"$g'(z) = {sp.latex(tidy(dg))}$ and $z g'(z) + g(z) = {sp.latex(tidy(euler))}$: for $z > 0$, $\alpha \le 1$, "
        r"$\beta_j \ge 0$ every term of $g$ is $\ge 0$ and every term of both is $\le 0$ (checked term by term)",
        r"so $g'(z) \le -g(z)/z < 0$ for $z > 0$, $\alpha < 1$ ($g(z) > 0$: its terms are $\ge 0$ and not all $0$ "
        r"because $\sum_j \beta_j = 1$): $g$ is strictly decreasing on $(0, \infty)$",
    )


def upper_bound_steps(g: sp.Expr, op: Operator) -> tuple[str, ...]:
    """``g(1) = 1 - alpha < 1`` under the weight constraint, hence ``rho < 1``."""
    at_one = sp.simplify(g.subs(Z, 1).xreplace(eliminate_last_weight(op)))
    gap = sp.simplify(1 - at_one)
    if sp.ask(sp.Q.positive(gap), op.assumptions()) is not True:
        raise ModelError(f"1 - g(1) = {gap} is not positive on the domain")
    return (rf"$g(1) = {sp.latex(sp.factor(g.subs(Z, 1)))} = {sp.latex(at_one)}$ under the constraint, and "
            rf"$1 - g(1) = {sp.latex(gap)} > 0$ on the domain, so $g(1) < 1$",)


def lower_bound_steps(g: sp.Expr, op: Operator) -> tuple[str, ...]:
    """``g(1 - alpha) - sum_j beta_j = sum_j beta_j w_j`` with ``w_1 = 0`` and ``w_j > 0`` for ``j >= 2``, ``0 < alpha < 1``."""
    betas = weight_symbols(op)
    excess = g.subs(Z, 1 - ALPHA) - sp.Add(*betas)
    weights = [sp.factor(sp.diff(excess, b)) for b in betas]
    linear = sp.Add(*(w * b for w, b in zip(weights, betas)))
    if sp.simplify(excess - linear) != 0:
        raise ModelError(f"g(1 - alpha) - 1 = {excess} is not linear in the weights")
    s = sp.Dummy("s", positive=True)
    inside = {ALPHA: s / (1 + s)}
    signs = [sp.simplify(w.xreplace(inside)) for w in weights]
    if signs[0] != 0 or not all(x.is_positive for x in signs[1:]):
        raise ModelError(f"the coefficients {weights} of g(1 - alpha) - 1 do not have the expected signs")
    shown = ", ".join(rf"$\beta_{j + 1}: {sp.latex(w)}$" for j, w in enumerate(weights))
    return (
        rf"$g(1-\alpha) - \sum_j \beta_j = {sp.latex(linear)}$ (computed; coefficients {shown})",
        r"for $0 < \alpha < 1$ (i.e. $\alpha = s/(1+s)$, $s > 0$) the first coefficient is $0$ and the others "
        r"are positive (computed); with $\beta_j \ge 0$ and $\sum_j \beta_j = 1$: $g(1-\alpha) \ge 1$, with "
        r"equality iff $\beta_j = 0$ for $j \ge 2$, i.e. $\beta = (1, 0, \dots, 0)$",
    )


def bounds_proof(rec: ErrorRecursion, polynomial: sp.Expr) -> tuple[str, ...]:
    """The proof of ``1 - alpha <= rho < 1`` (equality iff ``beta = e_1``) and of dominance, for ``rec``'s ``k``."""
    op, k = rec.operator, rec.k
    g = sp.expand(1 - polynomial / Z ** k)
    signs, _ = sign_reparametrization(op)
    lower_coefficients = sp.Poly(polynomial, Z).all_coeffs()[1:]
    descartes = all(sp.factor(x.xreplace(signs)).is_nonpositive for x in lower_coefficients)
    flat = sp.expand(polynomial.xreplace({ALPHA: 1}))
    if not descartes or flat != Z ** k:
        raise ModelError(f"the coefficient signs of P(z) = {polynomial} are not as required")
    return (
        (rf"dividing $P(z) = 0$ by $z^{k}$: for $z \ne 0$, $P(z) = 0 \iff g(z) = 1$ with "
         rf"$g(z) = 1 - P(z)/z^{k} = {sp.latex(tidy(g))}$",)
        + monotonicity_steps(g, signs) + upper_bound_steps(g, op) + lower_bound_steps(g, op)
        + (r"hence, for $0 < \alpha < 1$, $g - 1$ changes sign on $[1-\alpha, 1]$ and $g$ is continuous and strictly "
           r"decreasing: $P$ has exactly one positive root $\rho$, and $1 - \alpha \le \rho < 1$ with $\rho = 1-\alpha$ "
           r"iff $\beta = (1, 0, \dots, 0)$ (Descartes agrees: the coefficients of $P$ after the leading $1$ are "
           r"$\le 0$ on the domain and not all $0$ for $\alpha < 1$, so they change sign once)",
           r"dominance: a root $z \ne 0$ has $1 = |g(z)| \le g(|z|)$ (triangle inequality, coefficients of $g$ "
           r"$\ge 0$), so $g(|z|) \ge g(\rho)$ and $|z| \le \rho$: $\rho$ is the spectral radius",
           rf"$\alpha = 1$: $P(z) = {sp.latex(flat)}$, every root is $0$, $\rho = 0 = 1 - \alpha$"))


# -- the value of rho ------------------------------------------------------------------------

def sign_changes(coefficients: list[sp.Expr]) -> int:
    """Descartes' count: sign changes in the sequence of non-zero coefficients."""
    signs = [sp.sign(c) for c in coefficients if c != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def root_moduli(poly: sp.Poly, digits: int) -> list[sp.Float]:
    """The moduli of every root (with multiplicity) to ``digits`` digits, factor by square-free factor."""
    out = []
    for factor, multiplicity in poly.sqf_list()[1]:
        moduli = [sp.Abs(r) for r in factor.nroots(n=digits, maxsteps=200)]
        out += moduli * multiplicity
    return out


def exact_radius(polynomial: sp.Expr, alpha: sp.Rational) -> tuple[sp.Expr, tuple[str, ...], bool]:
    """``rho`` for rational coefficients: the positive root (radicals or ``CRootOf``), with its checks.

    Returns ``rho``, the steps and whether ``rho = 1 - alpha``."""
    poly = sp.Poly(polynomial, Z)
    changes = sign_changes(poly.all_coeffs())
    if changes == 0 and poly.as_expr() == Z ** poly.degree():
        return sp.Integer(0), (rf"$P(z) = {sp.latex(poly.as_expr())}$: every root is $0$, so $\rho = 0$",), alpha == 1
    positive = sorted({r for r in poly.real_roots() if r.is_positive}, key=sp.default_sort_key)
    if changes != 1 or len(positive) != 1:
        raise ModelError(f"P(z) = {polynomial} has {changes} sign changes and {len(positive)} positive roots, not 1")
    rho = positive[0]
    found = (rf"the coefficients of $P(z) = {sp.latex(poly.as_expr())}$ change sign {changes} time(s) (Descartes): "
             rf"exactly one positive root, $\rho = {sp.latex(rho)}$",)
    steps = found + dominance_steps(poly, rho) + value_bound_steps(poly, rho, alpha)
    return rho, steps, poly.eval(1 - alpha) == 0


def dominance_steps(poly: sp.Poly, rho: sp.Expr) -> tuple[str, ...]:
    """Every root's modulus, computed to ``DIGITS + 15`` digits, is at most ``rho``."""
    digits = DIGITS + 15
    moduli = root_moduli(poly, digits)
    level = sp.N(rho, digits)
    tolerance = sp.Float(10, digits) ** (-DIGITS) * max(1, level)
    if any(m > level + tolerance for m in moduli) or abs(max(moduli) - level) > tolerance:
        raise ModelError(f"the largest root modulus {max(moduli)} of {poly.as_expr()} is not rho = {level}")
    shown = ", ".join(sp.latex(sp.N(m, 8)) for m in sorted(moduli, reverse=True))
    return (rf"all {poly.degree()} roots computed to {digits} digits: moduli ${shown}$; the largest is $\rho$ "
            rf"to {DIGITS} digits",)


def value_bound_steps(poly: sp.Poly, rho: sp.Expr, alpha: sp.Rational) -> tuple[str, ...]:
    """Exact checks of ``1 - alpha <= rho < 1``: ``P < 0`` on ``(0, rho)`` and ``P > 0`` on ``(rho, oo)``."""
    at_one, at_floor = poly.eval(1), poly.eval(1 - alpha)
    if not (at_one > 0 and at_floor <= 0):
        raise ModelError(f"P(1) = {at_one}, P(1 - alpha) = {at_floor}: the bounds 1 - alpha <= rho < 1 fail")
    relation = "=" if at_floor == 0 else "<"
    return (rf"at the value: $P(1) = {sp.latex(at_one)} > 0$ and $P(1-\alpha) = {sp.latex(at_floor)} \le 0$, "
            rf"and $P$ is negative exactly on $(0, \rho)$, so $1 - \alpha = {sp.latex(1 - alpha)} {relation} \rho < 1$",)


def closed_form_radius(polynomial: sp.Expr, op: Operator) -> tuple[sp.Expr, tuple[str, ...]]:
    """``rho`` for symbolic coefficients and ``deg P <= 2``: ``sp.roots``, then Vieta selects the dominant root.

    In the sign-carrying variables (``alpha = 1 - c``, ``beta_j = b_j``, ``b_j, c >= 0``) the sum
    of the two roots is ``>= 0`` and their product ``<= 0``: the roots are real, one is ``>= 0``,
    and ``|r_+| - |r_-| = r_+ + r_- >= 0``; ``r_+`` is the root with ``2 r - (r_+ + r_-) >= 0``."""
    forward, inverse = sign_reparametrization(op)
    poly = sp.Poly(polynomial.xreplace(forward), Z)
    roots = sp.roots(poly, multiple=True)
    if len(roots) != poly.degree() or poly.degree() > 2:
        raise ModelError(f"SymPy gives {len(roots)} roots of the degree-{poly.degree()} polynomial {poly.as_expr()}")
    total, product = sp.expand(sp.Add(*roots)), sp.expand(sp.Mul(*roots))
    chosen = [r for r in roots if (2 * r - total).is_nonnegative]
    radicands = [x.base for x in sp.Add(*roots).atoms(sp.Pow) if x.exp == sp.S.Half]
    if not (total.is_nonnegative and (product.is_nonpositive or len(roots) == 1) and chosen
            and all(x.is_nonnegative for x in radicands)):
        raise ModelError(f"the roots {roots} of {poly.as_expr()} do not have the sign pattern that selects rho")
    rho = sp.powsimp(chosen[0].xreplace(inverse), force=True)
    back = [sp.latex(r.xreplace(inverse)) for r in roots]
    return rho, (
        rf"SymPy's roots of $P$: ${', '.join(back)}$; their sum ${sp.latex(total.xreplace(inverse))} \ge 0$ and "
        rf"product ${sp.latex(product.xreplace(inverse))} \le 0$ on the domain (checked with $\alpha \le 1$, $\beta_j \ge 0$)",
        r"so the roots are real, one is $\ge 0$, and the larger root has the larger modulus ($|r_+| - |r_-| = "
        rf"r_+ + r_- \ge 0$): $\rho = {sp.latex(rho)}$ (radicands $\ge 0$, so the square roots were combined)",
    )


# -- inputs ----------------------------------------------------------------------------------

def memory_weights(value: Value) -> tuple[sp.Rational, ...]:
    """``beta`` in the simplex, of any length ``k >= 1`` (``k = 1`` forces ``beta = (1,)``)."""
    if not isinstance(value, tuple) or not value:
        raise InputError("beta must be a non-empty vector of memory weights, e.g. beta=1/2,1/2 (its length is the memory k)")
    if len(value) >= 2:
        return simplex_vector("beta", tuple(fraction(v) for v in value))
    (only,) = value
    if fraction(only) != 1:
        raise InputError(f"beta=({only}) sums to {only}, not 1; with memory k = 1 the only weight is beta=1")
    return (sp.Integer(1),)


def _alpha(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Rational]:
    """``alpha`` checked against F3's own domain."""
    return parameter_value(values, memory_anchor())


def _memory(values: Mapping[str, Value]) -> int:
    k = values.get("k", DEFAULT_BOUNDS_K)
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise InputError(f"k={k} must be an integer >= 1 (the number of remembered students)")
    return k


# -- the derivations -------------------------------------------------------------------------

def rate(polynomial: sp.Expr, op: Operator, alpha: sp.Expr) -> tuple[sp.Expr, sp.Expr | None, tuple[str, ...], bool | None]:
    """``rho`` from the (partly evaluated) characteristic polynomial: exact when every parameter is set,
    a closed form when ``deg P <= 2``, else the defining equation.  Returns (expression, value, steps, equality)."""
    if not polynomial.free_symbols - {Z}:
        value, steps, equality = exact_radius(polynomial, alpha)
        return value, value, steps, equality
    if sp.Poly(polynomial, Z).degree() <= 2:
        expr, steps = closed_form_radius(polynomial, op)
        return expr, None, steps, None
    steps = (rf"$\rho$ is the unique positive root of ${sp.latex(tidy(polynomial))}$; set alpha for its value",)
    return sp.Eq(tidy(polynomial), 0), None, steps, None


def memory_rate(values: Mapping[str, Value]) -> Derivation:
    """``rho(alpha, beta)``: exact with both set, the ``k = 2`` closed form in ``(alpha, gamma)`` by default."""
    subs = _alpha(values)
    weights = memory_weights(values["beta"]) if "beta" in values else None
    rec = error_recursion(len(weights) if weights is not None else DEFAULT_K)
    general, poly_steps = characteristic_polynomial(rec)
    betas = weight_symbols(rec.operator)
    subs.update(zip(betas, weights) if weights is not None else {})
    expr, value, rate_steps, equality = rate(sp.expand(general.xreplace(subs)), rec.operator, subs.get(ALPHA, ALPHA))
    shown = {} if weights is not None else {betas[0]: GAMMA, betas[1]: 1 - GAMMA}
    if shown:
        expr = sp.factor_terms(expr.xreplace(shown))
        rate_steps += (rf"with $\beta = (\gamma, 1 - \gamma)$: $\rho = {sp.latex(expr)}$",)
    steps = rec.steps + poly_steps + bounds_proof(rec, general) + rate_steps
    every = {**subs, **shown}
    extra = {"characteristic_polynomial": tidy(general.xreplace(every)), "k": rec.k, "bounds": BOUNDS_TEXT,
             "recursion": sp.Eq(NEXT_ERROR, sp.Add(*(tidy(c.xreplace(every)) * e for c, e in
                                                     zip(rec.coefficients, error_symbols(rec.k))))),
             "equality": equality}
    return Derivation("memory-rate", expr, values, steps, value, extra=extra)


def memory_rate_bounds(values: Mapping[str, Value]) -> Derivation:
    """The inequality chain ``1 - alpha <= rho < 1`` for memory ``k`` and every ``alpha``, ``beta``, proved symbolically."""
    k = _memory(values)
    rec = error_recursion(k)
    polynomial, poly_steps = characteristic_polynomial(rec)
    steps = rec.steps + poly_steps + bounds_proof(rec, polynomial)
    expr = sp.And(sp.Le(1 - ALPHA, RHO), sp.Lt(RHO, 1))
    return Derivation("memory-rate-bounds", expr, values, steps, None,
                      extra={"characteristic_polynomial": polynomial, "k": k, "bounds": BOUNDS_TEXT})


DERIVATIONS = (
    DerivationSpec("memory-rate", "C5",
                   "F3 rate rho(alpha, beta): spectral radius of the error recursion e_{t+1} = (1-alpha) sum_j beta_j e_{t-j}",
                   (Input("alpha", "scalar", "anchor weight in (0, 1]"),
                    Input("beta", "vector", "memory weights in the simplex; the length is k (default k=2, beta=(gamma, 1-gamma))",
                          MAX_MEMORY)),
                   memory_rate),
    DerivationSpec("memory-rate-bounds", "C5",
                   "F3: 1-alpha <= rho < 1, equality iff beta = (1,0,..,0), proved for memory k with symbolic alpha, beta",
                   (Input("k", "integer", f"memory k >= 1 (default {DEFAULT_BOUNDS_K})", MAX_MEMORY),),
                   memory_rate_bounds),
)


# -- the bounds for every memory order k (symbolic k) ------------------------------------------

def bounds_for_every_k() -> tuple[str, ...]:
    """``1 - alpha <= rho < 1``, with ``rho = 1 - alpha`` iff ``beta = (1, 0, ..., 0)``, for every
    memory order ``k``: the argument of :func:`bounds_proof` with ``k`` a symbol, each step a rule
    of :mod:`kdaxioms.symbolic.sums` that holds for every number of terms.

    With ``c = 1 - alpha`` and ``e_t = z^t`` in ``e_{t+1} = c sum_{j=0}^{k-1} beta_{j+1} e_{t-j}``, a
    root ``z != 0`` of the characteristic polynomial ``P(z) = z^k - c sum_j beta_j z^{k-j}`` (the
    determinant of ``z I - C`` for the companion matrix ``C``, a classical identity) is a solution
    of ``g(z) = 1`` with ``g(z) = sum_{j=1}^k c beta_j z^{-j}``."""
    k = sp.Symbol("k", integer=True, positive=True)
    j = sp.Symbol("j", integer=True)
    t = sp.Symbol("t", integer=True)
    z = sp.Symbol("z", positive=True)
    c = sp.Symbol("c", nonnegative=True)
    beta = sp.Function(r"\beta", nonnegative=True)
    steps: list[sums.Step] = []
    # 1. the characteristic equation
    recursion = sp.Sum(c * beta(j + 1) * z ** (t - j), (j, 0, k - 1))
    divided = sp.Sum(recursion.function / z ** (t + 1), (j, 0, k - 1))
    shifted, step = sums.shift(divided, 1)
    steps.append(step)
    g = sp.Sum(c * beta(j) * z ** (-j), (j, 1, k))
    steps.append(sums.termwise_identity(shifted, g))
    # 2. g is decreasing, and z g' + g <= 0
    dg, step = sums.linearity(g, z)
    steps.append(step)
    steps.append(sums.termwise_sign(dg, "nonpositive"))
    euler, step = sums.combine([(z, dg), (sp.Integer(1), g)])
    steps.append(step)
    steps.append(sums.termwise_identity(euler, sp.Sum(c * beta(j) * (1 - j) * z ** (-j), (j, 1, k))))
    steps.append(sums.termwise_sign(euler, "nonpositive"))
    # 3. g(1) = c sum_j beta_j = c = 1 - alpha < 1
    at_one, step = sums.factor_out(g.xreplace({z: 1}), c)
    steps.append(step)
    # 4. g(c) - 1 = sum_j beta_j (c^{1-j} - 1) >= 0 for 0 < c < 1, i.e. c = 1/(1 + u), u > 0
    u = sp.Symbol("u", positive=True)
    at_c = sp.Sum(sp.powsimp(g.function.xreplace({z: c})), (j, 1, k))
    excess, step = sums.weights_sum_to_one(at_c, beta(j), r"$\beta$ is in the simplex")
    steps.append(step)
    inside = sp.Sum(excess.function.xreplace({c: 1 / (1 + u)}), (j, 1, k))
    m = sp.Symbol("m", integer=True, nonnegative=True)
    steps.append(sums.power_at_least_one(1 + u, m))
    steps.append(sums.power_at_least_one(1 + u, m + 1, strict=True))
    v = sp.Symbol("v", nonnegative=True)
    steps.append(sums.termwise_sign(inside, "nonnegative", lambda mm: {(1 + u) ** mm: 1 + v}))
    notation = (r"notation: $c = 1 - \alpha$; the error recursion $e_{t+1} = c \sum_{j=0}^{k-1} \beta_{j+1} e_{t-j}$ "
                r"with $e_t = z^t$ gives $g(z) = \sum_{j=1}^{k} c\, \beta_j z^{-j}$, and $P(z) = 0 \iff g(z) = 1$ "
                r"for $z \ne 0$; below, $c = 1/(1 + u)$ with $u = \alpha/(1 - \alpha) > 0$",)
    return notation + tuple(step.text() for step in steps) + (
        rf"so for $0 < \alpha < 1$ ($0 < c < 1$): $g$ has non-negative terms, not all $0$ ($\sum_j \beta_j = 1$), so "
        r"$g > 0$ and $g'(z) \le -g(z)/z < 0$: $g$ is strictly decreasing on $(0, \infty)$; $g(1) = c\sum_j\beta_j = "
        r"1 - \alpha < 1$ and $g(1 - \alpha) \ge 1$, with equality iff $\beta_j = 0$ for every $j \ge 2$ (their "
        r"brackets $(1+u)^{j-1} - 1$ are $> 0$): $P$ has exactly one positive root $\rho$, and $1 - \alpha \le \rho < 1$ "
        r"with $\rho = 1 - \alpha$ iff $\beta = (1, 0, \dots, 0)$",
        r"dominance: a root $z \ne 0$ has $1 = |g(z)| \le g(|z|)$ (triangle inequality, terms of $g$ with "
        r"non-negative coefficients), so $g(|z|) \ge g(\rho)$ and $|z| \le \rho$: $\rho$ is the spectral radius; "
        r"$\alpha = 1$: $P(z) = z^k$, $\rho = 0 = 1 - \alpha$ -- for every memory order $k \ge 1$",
    )
