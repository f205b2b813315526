"""C9 and C12: finite-sample distillation (F7) and accumulation of samples.

The sampling step is defined by two conditional moments only: a coordinate ``y = X_i / N`` of a
multinomial draw of ``N`` samples from a distribution ``r`` has ``E[y | r] = r_i`` and
``Var[y | r] = r_i (1 - r_i) / N``.  Everything else is derived by SymPy:

* :func:`conditional_expectation` averages a polynomial of degree <= 2 in ``y`` with those two
  moments; :func:`expectation` averages a polynomial in the error ``e_i`` by replacing each
  power ``e_i^k`` with its moment; :func:`support_sum` sums a per-coordinate polynomial over the
  support term by term (``sum_i p_i = 1``, ``sum_i p_i^2 = ||p||^2``, ``sum_i 1 = n``).
* ``sampled-stationary`` (F7, ``0 < alpha <= 1``): with ``e = q_i - p_i`` and ``r = T(q)_i`` from
  the model, ``E[e'] = (1 - alpha) E[e]`` and
  ``E[e'^2] = (1 - alpha)^2 (1 - 1/N) E[e^2] + (1 - alpha)(1 - 2 p_i) E[e] / N + p_i (1 - p_i) / N``.
  This affine map of ``(E[e], E[e^2])`` is a contraction (its eigenvalues are ``1 - alpha`` and
  ``(1 - alpha)^2 (1 - 1/N)``), and its fixed point, solved by SymPy, is the stationary pair;
  summed over ``i`` it gives ``E||q - p||^2``.  (For ``alpha > 0`` and interior ``p`` every
  grid point is reachable in one step, so the chain has one stationary law.)
* ``sampled-stationary-chi2``: ``sum_i E[e_i^2] / p_i``.
* ``island-model``: ``F* = Var(r) / (p_i (1 - p_i))`` at stationarity, the meta-teacher's
  standardized variance (the Wright-Fisher island model with migration rate ``alpha``).
* ``unanchored-heterozygosity`` (F7's process at ``alpha = 0``, where ``T(q) = q``):
  ``E[1 - ||q'||^2 | q]`` is a multiple of ``1 - ||q||^2``; the recursion is solved by ``rsolve``.
* ``accumulation-bound`` (C12): generation ``s >= 1`` draws ``N`` samples from ``q_{s-1}`` and
  ``q_s`` is the empirical distribution of all ``s N`` samples, ``q_0 = p``.  The pooled counts
  give ``q_s = ((s - 1) q_{s-1} + y) / s``; the error is a martingale (``E[e_s] = 0``) and
  ``V_s = E||q_s - p||^2`` obeys ``V_s = V_{s-1} + (H - V_{s-1}) / (N s^2)`` with
  ``H = 1 - ||p||^2``.  So ``D_s = H - V_s`` obeys ``D_s = (1 - 1/(N s^2)) D_{s-1}``, solved
  as a product, and since ``0 <= D_{s-1} <= H`` each increment is at most ``H / (N s^2)``:
  ``V_t <= (H / N) sum_{s <= t} 1/s^2 < (pi^2 / 6) H / N``.  The exact limit
  ``V_oo = H (1 - sin(pi c) / (pi c))``, ``c = N^{-1/2}``, comes from the Gamma form of the product.
* ``anchor-floor``: an anchor estimated from ``N0`` samples of ``p0`` has
  ``E[(p_i - p0_i)^2] = p0_i (1 - p0_i) / N0``, so ``E chi^2(p||p0) = (n - 1) / N0``; the
  anchored recursion's stationary mean is the estimated anchor, so the recursion keeps this error.

Values are exact rationals when every input is rational.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping

import sympy as sp

from ..errors import InputError, ModelError
from ..printing import latex
from ..families import ALPHA, family_spec, sampled_anchor
from ..model import SUPPORT, coordinate_symbol
from ..recursion import T_STEP
from .base import Derivation, DerivationSpec, Input, Value, simplex_vector, parameter_value

#: Largest generation of accumulation-bound: its exact sum and product grow with t (t = 200 takes seconds).
MAX_ACCUMULATION_T = 200

SIZE = sp.Symbol("N", integer=True, positive=True)
ANCHOR_SIZE = sp.Symbol("N_0", integer=True, positive=True)
DRAW = sp.Symbol("y_i", real=True)
ERROR = sp.Symbol("e_i", real=True)
MEAN_ERROR = sp.Symbol(r"\mathbb{E}[e_i]", real=True)
SQUARED_ERROR = sp.Symbol(r"\mathbb{E}[e_i^2]", nonnegative=True)
NORM2 = sp.Symbol(r"\|p\|^2", positive=True)
TOTAL_ERROR = sp.Symbol("V", nonnegative=True)
GENERATION = sp.Symbol("s", integer=True, positive=True)


# -- the sampling step and averaging --------------------------------------------------------

def draw_moments(mean: sp.Expr, size: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """The definition of the sampling step: ``E[y] = r_i``, ``Var[y] = r_i (1 - r_i) / N``."""
    return mean, mean * (1 - mean) / size


def conditional_expectation(expr: sp.Expr, draw: sp.Symbol, mean: sp.Expr, variance: sp.Expr) -> sp.Expr:
    """``E[expr | past]`` for ``expr`` of degree <= 2 in ``draw``: ``y -> mean``, ``y^2 -> var + mean^2``."""
    poly = sp.Poly(sp.expand(expr), draw)
    if poly.degree() > 2:
        raise ModelError(f"{expr} has degree {poly.degree()} in {draw}; only two moments of a draw are known")
    moments = {0: sp.Integer(1), 1: mean, 2: variance + mean ** 2}
    return sp.expand(sum(c * moments[k] for (k,), c in poly.terms()))


def expectation(expr: sp.Expr, variable: sp.Symbol, moments: Mapping[int, sp.Expr]) -> sp.Expr:
    """``E[expr]`` for a polynomial in ``variable`` whose moments ``E[variable^k]`` are given."""
    table = {0: sp.Integer(1), **moments}
    poly = sp.Poly(sp.expand(expr), variable)
    missing = [k for (k,), _ in poly.terms() if k not in table]
    if missing:
        raise ModelError(f"E[{variable}^{missing[0]}] is needed but unknown")
    return sp.expand(sum(c * table[k] for (k,), c in poly.terms()))


def support_sum(expr: sp.Expr, totals: Mapping[sp.Expr, sp.Expr]) -> sp.Expr:
    """``sum_i expr`` for a polynomial in per-coordinate symbols, term by term from ``totals``."""
    symbols = sorted(set().union(*(m.free_symbols for m in totals)), key=str)
    out = sp.Integer(0)
    for monomial, coeff in sp.Poly(sp.expand(expr), *symbols).terms():
        term = sp.Mul(*(s ** k for s, k in zip(symbols, monomial)))
        if term not in totals:
            raise ModelError(f"the sum over the support of {term} is not known")
        out += coeff * totals[term]
    return sp.expand(out)


def _sampled_teacher(alpha: sp.Expr = ALPHA) -> sp.Expr:
    """F7's meta-teacher ``T(q)_i`` from the model (``alpha = 0``: unanchored resampling, ``T(q) = q``)."""
    if family_spec("sampled-anchor").process != "multinomial":
        raise ModelError("sampled-anchor is not registered with the multinomial process")
    return sampled_anchor().coordinate().xreplace({ALPHA: alpha})


# -- F7 stationarity --------------------------------------------------------------------------

@dataclass(frozen=True)
class Stationary:
    """Stationary ``E[e_i]``, ``E[e_i^2]`` of F7, the meta-teacher ``r`` in terms of ``e_i``, and the steps."""

    mean: sp.Expr
    second: sp.Expr
    teacher: sp.Expr
    steps: tuple[str, ...]


def stationary_moments() -> Stationary:
    """Fixed point of the averaged one-step map of ``(E[e_i], E[e_i^2])`` for F7."""
    p, q = coordinate_symbol("p"), coordinate_symbol("q")
    teacher = _sampled_teacher().xreplace({q: p + ERROR})
    mean, variance = draw_moments(teacher, SIZE)
    moments = {1: MEAN_ERROR, 2: SQUARED_ERROR}
    first = expectation(conditional_expectation(DRAW - p, DRAW, mean, variance), ERROR, moments)
    second = expectation(conditional_expectation((DRAW - p) ** 2, DRAW, mean, variance), ERROR, moments)
    solutions = sp.solve([sp.Eq(MEAN_ERROR, first), sp.Eq(SQUARED_ERROR, second)], [MEAN_ERROR, SQUARED_ERROR], dict=True)
    if len(solutions) != 1:
        raise ModelError(f"the stationary moment equations have {len(solutions)} solutions, not one")
    mean_star, second_star = sp.factor(solutions[0][MEAN_ERROR]), sp.factor(solutions[0][SQUARED_ERROR])
    jacobian = sp.Matrix([first, second]).jacobian([MEAN_ERROR, SQUARED_ERROR])
    eigen = [sp.factor(v) for v in jacobian.eigenvals()]
    steps = (
        rf"sampling step: $y = X_i/N$ with $\mathbb{{E}}[y|q] = r$, $\mathrm{{Var}}[y|q] = r(1-r)/N$, "
        rf"$r = T(q)_i = {sp.latex(teacher)}$ for $q_i = p_i + e_i$",
        rf"averaged: $\mathbb{{E}}[e_i'] = {sp.latex(sp.factor(first))}$, "
        rf"$\mathbb{{E}}[e_i'^2] = {sp.latex(sp.collect(second, [MEAN_ERROR, SQUARED_ERROR], sp.factor))}$",
        rf"the map is affine with eigenvalues ${', '.join(sp.latex(v) for v in eigen)}$ (in $[0, 1)$ for "
        r"$0 < \alpha \le 1$, $N \ge 1$), so the moments converge to its unique fixed point",
        rf"fixed point (SymPy): $\mathbb{{E}}[e_i] = {sp.latex(mean_star)}$, $\mathbb{{E}}[e_i^2] = {sp.latex(second_star)}$",
    )
    return Stationary(mean_star, second_star, teacher, steps)


def _alpha(values: Mapping[str, Value]) -> dict[sp.Symbol, sp.Rational]:
    """``alpha`` checked against the family's own domain."""
    return parameter_value(values, sampled_anchor())


def _count(values: Mapping[str, Value], name: str, low: int) -> int | None:
    if name not in values:
        return None
    value = values[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise InputError(f"{name}={value} must be an integer >= {low}")
    return value


def _size(values: Mapping[str, Value], name: str = "N", symbol: sp.Symbol = SIZE) -> dict[sp.Symbol, sp.Integer]:
    count = _count(values, name, 1)
    return {} if count is None else {symbol: sp.Integer(count)}


def _support(values: Mapping[str, Value], vector: str) -> tuple[tuple[sp.Rational, ...] | None, int | None]:
    """The anchor (if given) and the support size, from the vector or from ``n``; they must agree."""
    vec = simplex_vector(vector, values[vector], interior=True) if vector in values else None
    n = _count(values, "n", 2)
    if vec is not None and n is not None and n != len(vec):
        raise InputError(f"n={n} but {vector} has {len(vec)} entries; give one of them or make them agree")
    return vec, (len(vec) if vec is not None else n)


def sampled_stationary(values: Mapping[str, Value]) -> Derivation:
    """``E||q - p||^2`` at stationarity: the stationary ``E[e_i^2]`` summed over the support."""
    st = stationary_moments()
    p = coordinate_symbol("p")
    total = sp.factor(support_sum(st.second, {p: sp.Integer(1), p ** 2: NORM2}))
    steps = st.steps + (rf"summed over $i$ ($\sum_i p_i = 1$, $\sum_i p_i^2 = \|p\|^2$): "
                        rf"$\mathbb{{E}}\|q - p\|^2 = {sp.latex(total)}$",)
    subs = {**_alpha(values), **_size(values)}
    expr = total.xreplace(subs)
    value = None
    anchor, _ = _support(values, "p")
    if anchor is not None:
        expr = expr.xreplace({NORM2: sum(x ** 2 for x in anchor)})
        value = expr if not expr.free_symbols else None
    return Derivation("sampled-stationary", expr, values, steps, value,
                      extra={"per_coordinate": st.second.xreplace(subs), "mean_error": st.mean})


def sampled_stationary_chi2(values: Mapping[str, Value]) -> Derivation:
    """``E chi^2(q||p) = sum_i E[e_i^2] / p_i`` at stationarity."""
    st = stationary_moments()
    p = coordinate_symbol("p")
    total = sp.factor(support_sum(sp.cancel(st.second / p), {sp.Integer(1): SUPPORT, p: sp.Integer(1)}))
    steps = st.steps + (rf"$\sum_i \mathbb{{E}}[e_i^2]/p_i$ with $\sum_i 1 = n$, $\sum_i p_i = 1$: ${sp.latex(total)}$",)
    _, n = _support(values, "p")
    expr = total.xreplace({**_alpha(values), **_size(values), **({SUPPORT: sp.Integer(n)} if n else {})})
    value = expr if not expr.free_symbols else None
    return Derivation("sampled-stationary-chi2", expr, values, steps, value)


def island_model(values: Mapping[str, Value]) -> Derivation:
    """``F* = Var(r) / (p_i (1 - p_i))`` of the meta-teacher ``r = T(q)_i`` at stationarity."""
    st = stationary_moments()
    p = coordinate_symbol("p")
    moments = {1: st.mean, 2: st.second}
    teacher_mean = sp.simplify(expectation(st.teacher, ERROR, moments))
    variance = expectation((st.teacher - teacher_mean) ** 2, ERROR, moments)
    fixation = sp.factor(sp.cancel(variance / (p * (1 - p))))
    steps = st.steps + (
        rf"$\mathbb{{E}}[r] = {sp.latex(teacher_mean)}$, $\mathrm{{Var}}(r) = {sp.latex(sp.factor(variance))}$; "
        rf"$F^* = \mathrm{{Var}}(r) / (p_i(1-p_i)) = {sp.latex(fixation)}$",)
    if p in fixation.free_symbols:
        raise ModelError(f"the standardized variance {fixation} depends on the anchor")
    expr = fixation.xreplace({**_alpha(values), **_size(values)})
    return Derivation("island-model", expr, values, steps, expr if not expr.free_symbols else None)


# -- F0 resampled: heterozygosity ----------------------------------------------------------

def heterozygosity_recursion() -> tuple[sp.Expr, tuple[str, ...]]:
    """``h_t = E[1 - ||q_t||^2]`` solved from the one-step factor (``rsolve``, verified)."""
    q = coordinate_symbol("q")
    norm = sp.Symbol(r"\|q\|^2", positive=True)
    mean, variance = draw_moments(_sampled_teacher(sp.Integer(0)), SIZE)
    martingale = conditional_expectation(DRAW, DRAW, mean, variance)
    square = conditional_expectation(DRAW ** 2, DRAW, mean, variance)
    next_het = sp.factor(1 - support_sum(square, {q: sp.Integer(1), q ** 2: norm}))
    factor = sp.factor(sp.cancel(next_het / (1 - norm)))
    if norm in factor.free_symbols:
        raise ModelError(f"E[1 - ||q'||^2 | q] = {next_het} is not a multiple of 1 - ||q||^2")
    h, h0 = sp.Function("h"), sp.Symbol("h_0", nonnegative=True)
    solution = sp.rsolve(h(T_STEP + 1) - factor * h(T_STEP), h(T_STEP), {h(0): h0})
    if solution is None or sp.simplify(solution.subs(T_STEP, 0) - h0) != 0 or \
            sp.simplify(solution.subs(T_STEP, T_STEP + 1) - factor * solution) != 0:
        raise ModelError(f"rsolve's solution {solution} of the heterozygosity recursion fails verification")
    steps = (
        rf"F7 at $\alpha = 0$, $T(q)_i = {sp.latex(_sampled_teacher(sp.Integer(0)))}$: $\mathbb{{E}}[q_i'|q] = {sp.latex(martingale)}$ (a martingale: absorbed at $\delta_i$ with "
        rf"probability $q_{{0,i}}$), $\mathbb{{E}}[q_i'^2|q] = {sp.latex(sp.factor(square))}$",
        rf"summed: $\mathbb{{E}}[1 - \|q'\|^2 \mid q] = {sp.latex(next_het)}$, i.e. $h_{{t+1}} = {sp.latex(factor)}\, h_t$",
        rf"\texttt{{rsolve}}: $h_t = {sp.latex(solution)}$ with $h_0 = 1 - \|q_0\|^2$; verified",
    )
    return solution.xreplace({h0: sp.Symbol("h_0")}), steps


def unanchored_heterozygosity(values: Mapping[str, Value]) -> Derivation:
    """``E[1 - ||q_t||^2] = (1 - 1/N)^t (1 - ||q_0||^2)`` for unanchored resampling."""
    solution, steps = heterozygosity_recursion()
    subs = _size(values)
    if "t" in values:
        subs[T_STEP] = sp.Integer(_count(values, "t", 0))
    expr = solution.xreplace(subs)
    if "q0" in values:
        q0 = simplex_vector("q0", values["q0"])
        expr = expr.xreplace({sp.Symbol("h_0"): 1 - sum(x ** 2 for x in q0)})
    return Derivation("unanchored-heterozygosity", expr, values, steps, expr if not expr.free_symbols else None)


# -- C12: accumulation ----------------------------------------------------------------------

@dataclass(frozen=True)
class Accumulation:
    """``V_s`` in terms of ``V = V_{s-1}``, the closed form ``V_t``, the bound and the steps."""

    step: sp.Expr
    exact: sp.Expr
    bound: sp.Expr
    product: sp.Expr
    steps: tuple[str, ...]


def accumulation_step() -> tuple[sp.Expr, tuple[str, ...]]:
    """``V_s`` from ``V_{s-1}``: pooled counts, the sampling moments, the martingale error."""
    p, q = coordinate_symbol("p"), coordinate_symbol("q")
    previous = p + ERROR
    pooled_counts = (GENERATION - 1) * SIZE * previous + SIZE * DRAW
    pooled = sp.simplify(pooled_counts / (GENERATION * SIZE))
    mean, variance = draw_moments(_sampled_teacher(sp.Integer(0)).xreplace({q: previous}), SIZE)
    drift = sp.simplify(conditional_expectation(pooled - p, DRAW, mean, variance))
    if drift != ERROR:
        raise ModelError(f"the pooled error is not a martingale (E[e_s | past] = {drift})")
    per_coordinate = sp.Symbol("v_i", nonnegative=True)
    second = expectation(conditional_expectation((pooled - p) ** 2, DRAW, mean, variance), ERROR,
                         {1: sp.Integer(0), 2: per_coordinate})
    step = sp.collect(support_sum(second, {per_coordinate: TOTAL_ERROR, p: sp.Integer(1), p ** 2: NORM2}),
                      TOTAL_ERROR, sp.factor)
    steps = (
        rf"pooled counts $(s-1)N q_{{s-1}} + X_s$ over $sN$ samples: $q_{{s,i}} = {sp.latex(pooled)}$ with "
        rf"$y = X_{{s,i}}/N$ drawn from $q_{{s-1}} = p + e$",
        rf"with $e = q_{{s-1}} - p$ (coordinate $i$ written $e_i$): $\mathbb{{E}}[q_{{s,i}} - p_i \mid \text{{past}}] = "
        rf"{sp.latex(drift)}$, the previous error: a martingale, and $q_0 = p$ gives $\mathbb{{E}}[e_s] = 0$",
        rf"averaged and summed over $i$: $V_s = {sp.latex(step)}$ with $V = V_{{s-1}}$",
    )
    return step, steps


@functools.lru_cache(maxsize=1)  # a pure derivation without inputs (about 1.5 s); the result is immutable
def accumulation() -> Accumulation:
    """Solve the ``D_s = H - V_s`` recursion as a product and bound ``V_t`` by a comparison sum."""
    step, steps = accumulation_step()
    gap, het = sp.Symbol("D", nonnegative=True), 1 - NORM2
    factor = sp.factor(sp.cancel((het - step.xreplace({TOTAL_ERROR: het - gap})) / gap))
    increment = sp.factor(sp.cancel(step.xreplace({TOTAL_ERROR: het - gap}) - (het - gap)))
    if factor.free_symbols & {gap, NORM2} or sp.cancel(increment / gap).free_symbols & {gap, NORM2}:
        raise ModelError(f"D_s = H - V_s does not obey a homogeneous recursion (factor {factor})")
    product = sp.Product(factor, (GENERATION, 1, T_STEP))
    closed = product.doit()
    check = sp.simplify(sp.gammasimp(closed.subs(T_STEP, T_STEP + 1) / closed) - factor.subs(GENERATION, T_STEP + 1))
    if closed.subs(T_STEP, 0) != 1 or check != 0:
        raise ModelError(f"the product {closed} does not solve D_s = ({factor}) D_(s-1)")
    exact = het * (1 - closed)
    scale, term = increment.xreplace({gap: het}).as_independent(GENERATION, as_Add=False)
    bound = scale * sp.summation(term, (GENERATION, 1, T_STEP))
    series = sp.Sum(1 / GENERATION ** 2, (GENERATION, 1, sp.oo)).doit()
    steps += (
        rf"with $H = 1 - \|p\|^2$ and $D_s = H - V_s$: $D_s = {sp.latex(factor)}\, D_{{s-1}}$, $D_0 = H$, so "
        rf"$V_t = H\left(1 - {sp.latex(product)}\right) = {sp.latex(exact)}$ (checked on the ratio of consecutive terms)",
        rf"each factor lies in $[0, 1)$, so $0 \le D_{{s-1}} \le H$ and the increment $V_s - V_{{s-1}} = {sp.latex(increment)}$ "
        rf"is at most its value at $D = H$: $V_t \le {latex(bound)}$",
        rf"$\sum_{{s \ge 1}} 1/s^2 = {sp.latex(series)}$: $V_t < {sp.latex(series * het / SIZE)}$ for every $t$",
    )
    return Accumulation(step, exact, bound, product, steps)


def accumulation_limit(product: sp.Product) -> tuple[sp.Expr, str]:
    """``lim_{t -> oo}`` of the product: its Gamma form with ``c = N^{-1/2}`` (``0 < c < 1``)."""
    c = sp.Symbol("c", positive=True)
    in_c = product.function.xreplace({SIZE: c ** -2})
    closed = sp.Product(in_c, product.limits[0]).doit()
    gammas = closed.replace(sp.RisingFactorial, lambda a, k: sp.gamma(a + k) / sp.gamma(a))
    moving = sp.Mul(*(f for f in sp.Mul.make_args(gammas) if f.has(T_STEP)))
    constant = sp.gammasimp(gammas / moving)
    limit = sp.limit(moving, T_STEP, sp.oo) * constant
    value = sp.simplify(limit).xreplace({c: 1 / sp.sqrt(SIZE)})
    step = (rf"$\prod_{{s \le t}} = {sp.latex(gammas)}$ for $c = N^{{-1/2}} < 1$; as $t \to \infty$ it tends to "
            rf"${sp.latex(value)}$ (also the limit at $N = 1$, where the product vanishes for $t \ge 1$)")
    return value, step


def accumulation_bound(values: Mapping[str, Value]) -> Derivation:
    """``E||q_t - p||^2 <= ((1 - ||p||^2)/N) sum_{s <= t} 1/s^2``; the exact value as ``expected_error``."""
    subs = _size(values)
    anchor = simplex_vector("p", values["p"], interior=True) if "p" in values else None
    if anchor is not None:
        subs[NORM2] = sum(x ** 2 for x in anchor)
    if "t" in values:
        subs[T_STEP] = sp.Integer(_count(values, "t", 0))
    acc = accumulation()
    steps = acc.steps
    if "t" in values:
        bound, exact = acc.bound.xreplace(subs).doit(), acc.exact.xreplace(subs).doit()
    else:
        series = sp.Sum(1 / GENERATION ** 2, (GENERATION, 1, sp.oo)).doit()
        bound = (series * (1 - NORM2) / SIZE).xreplace(subs)
        limit, step = accumulation_limit(acc.product)
        steps += (step,)
        exact = ((1 - NORM2) * (1 - limit)).xreplace(subs)
    bound, exact = sp.simplify(bound), sp.simplify(exact)
    value = bound if not bound.free_symbols else None
    return Derivation("accumulation-bound", bound, values, steps, value,
                      extra={"expected_error": exact, "recursion": acc.step})


# -- anchor estimation ----------------------------------------------------------------------

def anchor_floor(values: Mapping[str, Value]) -> Derivation:
    """``E chi^2(p||p0) = (n - 1) / N0`` for ``p`` the empirical distribution of ``N0`` draws from ``p0``."""
    truth = coordinate_symbol("p0")
    mean, variance = draw_moments(truth, ANCHOR_SIZE)
    square = sp.factor(conditional_expectation((DRAW - truth) ** 2, DRAW, mean, variance))
    total = sp.factor(support_sum(sp.cancel(square / truth), {sp.Integer(1): SUPPORT, truth: sp.Integer(1)}))
    st = stationary_moments()
    steps = (
        rf"$p_i = X_i/N_0$, $X \sim \mathrm{{Multinomial}}(N_0, p_0)$: $\mathbb{{E}}[(p_i - p_{{0,i}})^2] = {sp.latex(square)}$",
        rf"$\sum_i$ of it over $p_{{0,i}}$: $\mathbb{{E}}\,\chi^2(p\|p_0) = {sp.latex(total)}$",
        rf"the anchored recursion's stationary mean error relative to its anchor is ${sp.latex(st.mean)}$: it converges "
        r"to the estimated $p$, not to $p_0$, so this error stays",
    )
    _, n = _support(values, "p0")
    expr = total.xreplace({**_size(values, "N0", ANCHOR_SIZE), **({SUPPORT: sp.Integer(n)} if n else {})})
    return Derivation("anchor-floor", expr, values, steps, expr if not expr.free_symbols else None)


_ALPHA = Input("alpha", "scalar", "anchor weight in (0, 1]")
_N = Input("N", "integer", "samples per generation, N >= 1")
_T = Input("t", "integer", "generation t >= 0")

DERIVATIONS = (
    DerivationSpec("sampled-stationary", "C9", "F7: stationary E||q - p||^2, derived from the multinomial moments",
                   (_ALPHA, _N, Input("p", "vector", "anchor (interior distribution)")), sampled_stationary),
    DerivationSpec("sampled-stationary-chi2", "C9", "F7: stationary E chi^2(q||p) = sum_i E[e_i^2]/p_i",
                   (_ALPHA, _N, Input("p", "vector", "anchor (interior distribution)"),
                    Input("n", "integer", "support size n >= 2 (instead of p)")), sampled_stationary_chi2),
    DerivationSpec("island-model", "C9", "F7: standardized variance F* = Var(r)/(p(1-p)) of the meta-teacher (island model)",
                   (_ALPHA, _N), island_model),
    DerivationSpec("unanchored-heterozygosity", "C9", "F7 at alpha = 0 (unanchored): E[1 - ||q_t||^2] solved from its one-step recursion",
                   (_N, _T, Input("q0", "vector", "start (distribution)")), unanchored_heterozygosity),
    DerivationSpec("accumulation-bound", "C12", "accumulating samples: E||q_t - p||^2 <= ((1-||p||^2)/N) sum_{s<=t} 1/s^2",
                   (_N, Input("t", "integer", "generation t >= 0", MAX_ACCUMULATION_T),
                    Input("p", "vector", "true distribution q_0 = p (interior)")), accumulation_bound),
    DerivationSpec("anchor-floor", "C9", "anchor estimated from N0 samples: E chi^2(p||p0) = (n-1)/N0",
                   (Input("N0", "integer", "samples of the true anchor, N0 >= 1"),
                    Input("p0", "vector", "true anchor (interior)"), Input("n", "integer", "support size n >= 2 (instead of p0)")),
                   anchor_floor),
)
