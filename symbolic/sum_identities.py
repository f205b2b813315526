"""Identities and inequalities between sums over a symbolic number of terms, for every ``n``.

Two expressions built from sums ``sum_{j=a}^{b} f(j)`` with a symbolic end ``b`` are compared in
a *linear normal form*: every summand is expanded into its additive terms (``splitting a sum``,
``sum_j (f + g) = sum_j f + sum_j g``), and from each term the factor free of the index comes
out of the sum (``linearity``, ``sum_j c f(j) = c sum_j f(j)``).  Each remaining sum is then one
opaque quantity: if the two sides agree as rational functions of those quantities, treated as
independent unknowns, they agree for every ``n`` and every value of the sums.  Facts about
particular sums (``sum_j w_j = 1``) are substituted first and named.  A difference SymPy does not
reduce to ``0`` is not an identity (the rule raises, it never "probably" holds).

On top of the normal form:

* ``variance as a sum of squares`` -- ``sum_j w_j (x_j - m)^2 = sum_j w_j x_j^2 - m^2`` with
  ``m = sum_j w_j x_j`` when ``sum_j w_j = 1``, and ``>= 0`` when every ``w_j >= 0``;
* ``Cauchy--Schwarz`` -- ``(sum_j a_j b_j)^2 <= sum_j a_j^2 sum_j b_j^2`` from Lagrange's identity
  ``sum_i sum_j (a_i b_j - a_j b_i)^2 = 2 (sum a^2 sum b^2 - (sum a b)^2)`` and the sign of its terms;
* ``Jensen`` -- ``f(sum_j w_j x_j) <= sum_j w_j f(x_j)`` for weights in the simplex and ``f'' >= 0``
  on the interval that holds every ``x_j``.
"""

from __future__ import annotations

import sympy as sp

from .errors import ModelError
from .sums import Step, _parts


def _canonical_index(depth: int) -> sp.Symbol:
    return sp.Symbol(f"j_{depth}", integer=True)


def _canonical(expr: sp.Expr, depth: int = 0) -> sp.Expr:
    """Rename the indices of every sum by nesting depth, so ``sum_i x_i`` and ``sum_j x_j`` are the
    same quantity (SymPy writes nested sums as one sum with several limits, the innermost first)."""
    if isinstance(expr, sp.Sum):
        count = len(expr.limits)
        names = {lim[0]: _canonical_index(depth + count - 1 - m) for m, lim in enumerate(expr.limits)}
        limits = [(names[j], lo.xreplace(names), hi.xreplace(names)) for j, lo, hi in expr.limits]
        return sp.Sum(_canonical(expr.function.xreplace(names), depth + count), *limits)
    if not expr.args:
        return expr
    return expr.func(*(_canonical(a, depth) for a in expr.args))


def _over(f: sp.Expr, limit: tuple, used: set[str]) -> sp.Expr:
    """``sum over limit of f`` split into its additive terms, each with its index-free factor out."""
    j, lo, hi = limit
    if j.is_integer is not True:
        raise ModelError(f"the summation index {j} is not declared an integer")
    terms = sp.Add.make_args(sp.expand(f))
    if len(terms) > 1:
        used.add("splitting a sum")
    out = []
    for term in terms:
        free, dep = term.as_independent(j, as_Add=False)
        if free != 1:
            used.add("linearity")
        if dep == 1:
            used.add("counting terms")
            out.append(free * (hi - lo + 1))
        else:
            out.append(free * sp.Sum(dep, (j, lo, hi)))
    return sp.Add(*out)


def _linear(expr: sp.Expr, used: set[str]) -> sp.Expr:
    """The linear normal form (bottom-up, limit by limit); ``used`` collects the rules applied."""
    if not expr.args:
        return expr
    if isinstance(expr, sp.Sum):
        out = _linear(expr.function, used)
        for limit in expr.limits:
            out = _over(out, limit, used)
        return out
    return expr.func(*(_linear(a, used) for a in expr.args))


def linear_form(expr: sp.Expr) -> tuple[sp.Expr, tuple[str, ...]]:
    """``expr`` with every sum split into sums of single products, index-free factors outside,
    bound indices renamed canonically; with the names of the rules used."""
    expr = sp.sympify(expr)
    if expr.has(sp.Derivative, sp.Subs):  # a sum under d/ds or at a substituted point is no constant unknown
        raise ModelError(f"{expr} holds an unevaluated derivative or substitution: evaluate it first")
    clash = sorted(s.name for s in expr.free_symbols if s.name.startswith("j_"))
    if clash:  # the canonical indices must not capture a free symbol
        raise ModelError(f"the free symbols {clash} clash with the canonical summation indices j_0, j_1, ...")
    used: set[str] = set()
    out = _canonical(_linear(expr, used))
    return out, tuple(sorted(used))


def _atoms(expr: sp.Expr) -> set[sp.Sum]:
    """The outermost sums of ``expr``."""
    if isinstance(expr, sp.Sum):
        return {expr}
    return set().union(*(_atoms(a) for a in expr.args)) if expr.args else set()


def identity(lhs: sp.Expr, rhs: sp.Expr, facts: dict[sp.Sum, sp.Expr] | None = None,
             premise: str = "") -> Step:
    """``lhs = rhs`` for every number of terms: both sides in linear normal form, the sums in
    ``facts`` replaced by their values (``premise`` says where the facts come from), the other
    sums replaced by independent unknowns, and the difference simplified to ``0``."""
    sides, used = [], set()
    for side in (lhs, rhs):
        form, rules = linear_form(side)
        used.update(rules)
        sides.append(form)
    known = {}
    for total, value in (facts or {}).items():
        form, _ = linear_form(total)
        known[form] = value
    if known:
        used.add("weights sum to one")
    sides = [side.xreplace(known) for side in sides]
    names = {total: sp.Dummy(f"S{m}") for m, total in enumerate(sorted(_atoms(sides[0]) | _atoms(sides[1]), key=str))}
    difference = sp.simplify(sides[0].xreplace(names) - sides[1].xreplace(names))
    if difference != 0:
        raise ModelError(f"{lhs} = {rhs} is not an identity of the sums: the difference in normal form is "
                         f"{difference.xreplace({v: k for k, v in names.items()})}")
    why = ", ".join(sorted(used)) or "simplification"
    given = rf" given {premise}" if premise else ""
    return Step("sum identity", rf"${sp.latex(lhs)} = {sp.latex(rhs)}$ for every number of terms{given} "
                                rf"(both sides in normal form by {why})")


def _generic(expr: sp.Expr, j: sp.Symbol, lo: sp.Expr) -> sp.Expr:
    """``expr`` at a generic index ``j = lo + u`` (``u`` a non-negative integer), every sum in it
    replaced by a symbol carrying the sign its terms give it (positive needs a non-empty range):
    SymPy's sign rules then read the term."""
    out = expr.subs(j, lo + sp.Dummy("u", integer=True, nonnegative=True))
    signs = {}
    for total in _atoms(out):
        f, k, a, b = total.function, *total.limits[0]
        term = _generic(f, k, a) if len(total.limits) == 1 else f
        ordered = (b - a + 1).is_nonnegative  # a reversed range is a negated sum in SymPy's convention
        if len(total.limits) == 1 and ordered and term.is_positive and (b - a).is_nonnegative:
            signs[total] = sp.Dummy("S", positive=True)
        elif len(total.limits) == 1 and ordered and term.is_nonnegative:
            signs[total] = sp.Dummy("S", nonnegative=True)
        elif total.is_real:
            signs[total] = sp.Dummy("S", real=True)
    return out.xreplace(signs)


def _weights_in_simplex(weight: sp.Expr, j: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> None:
    """The hypotheses on weights that a caller's premise cannot replace: a range that is not
    reversed, every weight ``>= 0`` (SymPy's sign), and ``sum_j w_j = 1`` either shown in normal form
    (e.g. ``w_j = a_j / sum_i a_i``) or stated of a weight sequence ``w(j)`` itself (the premise is
    then about that sequence, never about an expression built from it such as ``2 w(j)``)."""
    if (sp.sympify(hi) - lo + 1).is_nonnegative is not True:
        raise ModelError(f"the range {lo}..{hi} may be reversed")
    if _generic(weight, j, lo).is_nonnegative is not True:
        raise ModelError(f"the weights {weight} are not shown non-negative")
    sequence = isinstance(weight, (sp.core.function.AppliedUndef, sp.Indexed)) and weight.args[-1] == j
    if not sequence:
        try:
            identity(sp.Sum(weight, (j, lo, hi)), sp.Integer(1))
        except ModelError as exc:
            raise ModelError(f"the weights {weight} are neither a weight sequence w(j) nor shown to sum to one") from exc


def split(total: sp.Sum) -> tuple[sp.Expr, Step]:
    """``sum_j (f(j) + g(j)) = sum_j f(j) + sum_j g(j)`` (finitely many terms)."""
    f, j, lo, hi = _parts(total)
    terms = sp.Add.make_args(f)
    out = sp.Add(*(sp.Sum(t, (j, lo, hi)) for t in terms), evaluate=False)
    return out, Step("splitting a sum", rf"${sp.latex(total)} = {sp.latex(out)}$")


def variance(weight: sp.Expr, value: sp.Expr, j: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
             premise: str) -> tuple[sp.Expr, tuple[Step, ...]]:
    """Variance as a sum of squares: with ``m = sum_j w_j x_j`` and ``sum_j w_j = 1`` (``premise``
    says why), ``V = sum_j w_j (x_j - m)^2 = sum_j w_j x_j^2 - m^2``, and ``V >= 0`` when every
    ``w_j >= 0`` (SymPy's sign of the terms).  Returns ``sum_j w_j x_j^2 - m^2`` and the steps."""
    _weights_in_simplex(weight, j, lo, hi)
    mean = sp.Sum(weight * value, (j, lo, hi))
    squares = sp.Sum(weight * (value - mean) ** 2, (j, lo, hi))
    moment = sp.Sum(weight * value ** 2, (j, lo, hi)) - mean ** 2
    equal = identity(squares, moment, {sp.Sum(weight, (j, lo, hi)): sp.Integer(1)}, premise)
    if _generic(weight * (value - sp.Dummy("m", real=True)) ** 2, j, lo).is_nonnegative is not True:
        raise ModelError(f"the terms of {squares} are not shown >= 0 (weights >= 0, real values)")
    sign = Step("termwise sign", rf"every term of ${sp.latex(squares)}$ is a weight $\ge 0$ times a real square, "
                                 r"so the sum is $\ge 0$")
    return moment, (Step("variance as a sum of squares", equal.fact), sign)


def cauchy_schwarz(a: sp.Expr, b: sp.Expr, j: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> tuple[Step, ...]:
    """``(sum_j a_j b_j)^2 <= sum_j a_j^2 sum_j b_j^2`` for real ``a_j, b_j``: Lagrange's identity in
    normal form, then every term ``(a_i b_j - a_j b_i)^2`` of the double sum is ``>= 0``."""
    i = sp.Dummy("i", integer=True)
    ai, bi = a.xreplace({j: i}), b.xreplace({j: i})
    if ai.is_real is not True or bi.is_real is not True:
        raise ModelError(f"Cauchy--Schwarz needs real terms; {a}, {b} are not known to be real")
    double = sp.Sum(sp.Sum((ai * b - a * bi) ** 2, (j, lo, hi)), (i, lo, hi))
    gap = sp.Sum(a ** 2, (j, lo, hi)) * sp.Sum(b ** 2, (j, lo, hi)) - sp.Sum(a * b, (j, lo, hi)) ** 2
    lagrange = identity(double, 2 * gap)
    term = _generic(_generic((ai * b - a * bi) ** 2, i, lo), j, lo)
    if term.is_nonnegative is not True:
        raise ModelError(f"the terms of Lagrange's double sum are not shown >= 0: {term}")
    fact = (rf"$\left({sp.latex(sp.Sum(a * b, (j, lo, hi)))}\right)^2 \le "
            rf"{sp.latex(sp.Sum(a ** 2, (j, lo, hi)))}\,{sp.latex(sp.Sum(b ** 2, (j, lo, hi)))}$: by Lagrange's identity "
            r"the gap is half a double sum of real squares")
    return (Step("Lagrange's identity", lagrange.fact), Step("Cauchy--Schwarz", fact))


def jensen(f, weight: sp.Expr, value: sp.Expr, j: sp.Symbol, lo: sp.Expr, hi: sp.Expr,
           interval: sp.Interval, premise: str) -> Step:
    """``f(sum_j w_j x_j) <= sum_j w_j f(x_j)`` when ``w`` is in the simplex (``w_j >= 0`` by SymPy's
    sign of the weights, ``sum_j w_j = 1`` by ``premise``), every ``x_j`` lies in ``interval`` and
    ``f'' >= 0`` on it (SymPy's sign of the second derivative at a symbol declared in the
    interval)."""
    _weights_in_simplex(weight, j, lo, hi)
    point = _generic(value, j, lo)
    kinds = {(sp.Integer(0), sp.oo, True): ("positive", sp.Dummy("x", positive=True)),
             (sp.Integer(0), sp.oo, False): ("nonnegative", sp.Dummy("x", nonnegative=True)),
             (-sp.oo, sp.oo, True): ("real", sp.Dummy("x", real=True))}
    key = (interval.inf, interval.sup, bool(interval.left_open))
    if key not in kinds:
        raise ModelError(f"Jensen's rule reads the intervals (0, oo), [0, oo) and the real line, not {interval}")
    kind, x = kinds[key]
    if getattr(point, f"is_{kind}") is not True:
        raise ModelError(f"the points {value} are not shown to lie in {interval}")
    second = sp.simplify(sp.diff(f(x), x, 2))
    if second.is_nonnegative is not True:
        raise ModelError(f"f'' = {second} is not shown >= 0 on {interval}: f is not known convex there")
    lhs = f(sp.Sum(weight * value, (j, lo, hi)))
    rhs = sp.Sum(weight * f(value), (j, lo, hi))
    return Step("Jensen", rf"${sp.latex(lhs)} \le {sp.latex(rhs)}$ because $f'' = {sp.latex(second)} \ge 0$ on "
                          rf"${sp.latex(interval)}$, the weights are $\ge 0$ and sum to one ({premise})")


#: The rules of this module by name.
RULES = {"sum identity": (identity, linear_form), "splitting a sum": (split,),
         "variance as a sum of squares": (variance,), "Cauchy--Schwarz": (cauchy_schwarz,), "Jensen": (jensen,)}
