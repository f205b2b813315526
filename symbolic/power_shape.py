"""S1, S3, S4, S5 for every support size, for any softening operator of the power shape.

The shape (:func:`kdaxioms.symbolic.shapes.power_weight`) is ``S(p)_i = g(p_i) / sum_j g(p_j)``
with ``g(x) = c(theta) x^{e(theta)}`` for ``x > 0``; ``tau`` below is the operator's temperature
(``roles.temperature``), whatever it is called.  With ``c > 0`` and ``e > 0`` on the domain:

* **S1** ranking: ``g`` is strictly increasing on ``x > 0`` (``g' = c e x^{e-1} > 0``) and ``g(0) = 0``
  is below every positive weight; the normaliser is common to every coordinate.
* **S4** identity: ``e(tau_1) = 1`` at the identity temperature ``tau_1`` gives
  ``S(p)_i = c p_i / (c sum_j p_j) = p_i`` on the simplex.
* **S5** boundary: ``e -> 0`` as ``tau -> oo`` makes every positive weight tend to ``c``
  (uniform on the support, ``g(0) = 0``); ``e -> oo`` as ``tau -> 0+`` makes ``(p_i/m)^e -> 0``
  for ``p_i < m = max_j p_j`` (uniform on the argmax).
* **S3** entropy: with ``beta = e(tau)``, SymPy derives ``dH/dbeta = -beta Var_{S(p)}(log p)``
  for every ``n`` (:func:`entropy_identity`, computed on ``p_i^beta / sum_j p_j^beta``), so
  ``dH/dtau = -beta Var(log p) de/dtau >= 0`` when ``de/dtau <= 0``.

Every sign is decided on the parameter domain by :func:`~kdaxioms.symbolic.shapes.sign_on_domain`
and every limit by SymPy; a step that is not established leaves the axiom ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .errors import KdaxiomsError
from .model import INDEX, SUM_INDEX, SUPPORT, Kind, Operator
from .outcome import PROVED, Outcome, unknown
from .shapes import PowerWeight, power_weight, sign_on_domain

#: The softening axioms this route proves, by name.
AXIOMS = ("ranking", "identity", "boundary", "entropy-monotone")


@dataclass(frozen=True)
class EntropyIdentity:
    """``dH/dbeta`` of ``S_beta(p)_i = p_i^beta / sum_j p_j^beta`` in the moments
    ``M_k = sum_j p_j^beta (log p_j)^k``."""

    derivative: sp.Expr
    base: sp.IndexedBase
    moments: tuple[sp.Symbol, sp.Symbol, sp.Symbol]
    sums: tuple[sp.Expr, sp.Expr, sp.Expr]
    beta: sp.Symbol
    steps: tuple[str, ...]


def entropy_identity() -> EntropyIdentity:
    """For every ``n``: ``H = -sum_i S_i log S_i``; the derivative of one summand in ``beta`` is
    linear in ``p_i^beta (log p_i)^k`` with coefficients free of ``i``, so the sum over ``i`` is a
    combination of ``M_0, M_1, M_2``; SymPy shows it equals ``-beta Var(log p)``."""
    base = sp.IndexedBase("p", positive=True)
    beta = sp.Symbol("beta", positive=True)
    raw = base[INDEX] ** beta
    moments = (sp.Symbol("M_0", positive=True), sp.Symbol("M_1", real=True), sp.Symbol("M_2", nonnegative=True))
    sums = tuple(sp.Sum(raw.xreplace({INDEX: SUM_INDEX}) * sp.log(base[SUM_INDEX]) ** k, (SUM_INDEX, 1, SUPPORT))
                 for k in range(3))
    share = raw / sums[0]
    term = sp.diff(-share * sp.log(share), beta).xreplace(dict(zip(sums[:2], moments[:2])))
    term = sp.expand(sp.expand_log(term, force=True))
    u, ell = sp.Symbol("U"), sp.Symbol("L")
    poly = sp.Poly(term.xreplace({raw: u, sp.log(base[INDEX]): ell}), u, ell)
    if any(du != 1 for du, _ in poly.monoms()):
        raise KdaxiomsError(f"the entropy derivative is not linear in p_i^beta: {term}")
    derivative = sp.simplify(sum(c * moments[k] for (_, k), c in poly.terms()))
    variance = moments[2] / moments[0] - (moments[1] / moments[0]) ** 2
    if sp.simplify(derivative + beta * variance) != 0:
        raise KdaxiomsError(f"dH/dbeta = {derivative} is not -beta Var")
    steps = (rf"with $S_i = {sp.latex(share)}$ and $H = -\sum_i S_i \log S_i$: "
             rf"$\frac{{d}}{{d\beta}}(-S_i \log S_i) = {sp.latex(term)}$ with $M_k = \sum_j p_j^\beta (\log p_j)^k$",
             rf"summing over $i$ (linear in $p_i^\beta (\log p_i)^k$): $\frac{{dH}}{{d\beta}} = {sp.latex(derivative)} "
             rf"= -\beta\,\mathrm{{Var}}_{{S(p)}}(\log p)$ for every $n$",)
    return EntropyIdentity(derivative, base, moments, sums, beta, steps)


def prove_power_axiom(op: Operator, name: str) -> Outcome:
    """``name`` (one of :data:`AXIOMS`) for the softening operator ``op`` and every ``n``, when
    ``op`` has the power shape; ``unknown`` with the reason otherwise."""
    if op.kind is not Kind.SOFTENING or name not in AXIOMS:
        return unknown(f"the power-shape route covers {', '.join(AXIOMS)} of softening operators")
    shape = power_weight(op)
    if shape is None:
        return unknown("the weight is not recognized as c(tau) x^e(tau): the power-shape route does not apply")
    tau = op.roles.get("temperature")
    if tau not in op.parameter_symbols:
        return unknown("the temperature role is not one of the parameters")
    if any(c.has(tau) for c in op.constraints):  # S4 and S5 need tau free on its own domain
        return unknown("the temperature is tied to other parameters by a constraint")
    e, c, x = shape.exponent, shape.factor, shape.x
    steps = [rf"$S(p)_i = g(p_i)/\sum_j g(p_j)$ with $g(x) = {sp.latex(shape.weight)} = c\,x^{{e}}$ for $x > 0$, "
             rf"$c = {sp.latex(c)}$, $e = x \frac{{d}}{{dx}} \log g = {sp.latex(e)}$"]
    if not (sign_on_domain(c, op, ">") and sign_on_domain(e, op, ">")):
        return unknown("c > 0 and e > 0 are not shown on the parameter domain", *steps)
    steps.append(r"$c > 0$ and $e > 0$ on the parameter domain")
    if shape.at_zero != 0 and shape.at_zero is not sp.nan:
        return unknown(f"the weight at x = 0 is {shape.at_zero}, not 0", *steps)
    zero = (r"$g(0) = 0$" if shape.at_zero == 0
            else r"$g$ is undefined at $0$ (the verdict covers the points where $S$ is defined)")
    try:
        prove = {"ranking": _ranking, "identity": _identity, "boundary": _boundary,
                 "entropy-monotone": _entropy}[name]
        return prove(op, shape, tau, steps, zero)
    except (KdaxiomsError, NotImplementedError, TypeError, ValueError) as err:  # SymPy gave no answer
        return unknown(f"the power-shape proof of {name} did not go through: {err}", *steps)


def _ranking(op: Operator, shape: PowerWeight, tau, steps: list[str], zero: str) -> Outcome:
    x = shape.x
    slope = sp.simplify(sp.diff(shape.weight, x))
    steps.append(rf"S1: $g'(x) = {sp.latex(slope)} = c\,e\,x^{{e-1}} > 0$ for $x > 0$ and {zero}: a larger entry "
                 r"gets a larger weight and equal entries the same one, and the normaliser is common: ranking holds "
                 r"for every $n$")
    return Outcome(PROVED, "all-n", tuple(steps))


def _identity(op: Operator, shape: PowerWeight, tau, steps: list[str], zero: str) -> Outcome:
    one = sp.sympify(op.roles.get("identity", sp.Integer(1)))
    at = sp.simplify(shape.exponent.xreplace({tau: one}))
    if at != 1:
        return unknown(f"e = {at} at the identity temperature, not 1", *steps)
    if op.parameter(tau.name).domain.xreplace({tau: one}) is not sp.true:
        return unknown(f"the identity temperature {one} is outside the temperature's domain", *steps)
    steps.append(rf"S4: at ${sp.latex(tau)} = {sp.latex(one)}$, $e = 1$, so $S(p)_i = c\,p_i / (c \sum_j p_j) = p_i$ "
                 r"on the simplex: identity holds for every $n$")
    return Outcome(PROVED, "all-n", tuple(steps))


def _boundary(op: Operator, shape: PowerWeight, tau, steps: list[str], zero: str) -> Outcome:
    iv = op.parameter(tau.name).interval()
    if iv.start != 0 or iv.end != sp.oo:
        return unknown(f"the temperature's domain {iv} does not reach both 0+ and oo", *steps)
    t = sp.Symbol("t", positive=True)
    e = shape.exponent.xreplace({tau: t})
    hot, cold = sp.limit(e, t, sp.oo), sp.limit(e, t, 0, "+")
    c_hot = sp.limit(shape.factor.xreplace({tau: t}), t, sp.oo)
    if hot != 0 or cold != sp.oo or not (c_hot.is_positive and c_hot.is_finite):
        return unknown(f"limits of e: {hot} as tau -> oo and {cold} as tau -> 0+ (needed 0 and oo), "
                       f"c -> {c_hot}", *steps)
    if shape.at_zero != 0:
        return unknown("S5's uniform limit on the support needs g(0) = 0", *steps)
    steps += [rf"S5 ($\tau \to \infty$): $\lim e = {sp.latex(hot)}$ and $\lim c = {sp.latex(c_hot)} > 0$, so every "
              r"positive entry's weight tends to the same positive value and a zero entry's weight is $0$: "
              r"$S_\tau(p) \to$ uniform on $\mathrm{supp}(p)$",
              rf"S5 ($\tau \to 0^+$): $\lim e = {sp.latex(cold)}$; dividing every weight by $c\,m^e$, "
              r"$m = \max_j p_j$, changes nothing, and $(p_i/m)^e \to 0$ for $p_i < m$, $1^e = 1$: "
              r"$S_\tau(p) \to$ uniform on $\arg\max p$ (every $n$)"]
    return Outcome(PROVED, "all-n", tuple(steps))


def _entropy(op: Operator, shape: PowerWeight, tau, steps: list[str], zero: str) -> Outcome:
    ident = entropy_identity()
    slope = sp.simplify(sp.diff(shape.exponent, tau))
    if not sign_on_domain(slope, op, "<="):
        return unknown(f"de/d{tau} = {slope} is not shown <= 0 on the domain", *steps)
    steps += [rf"S3: the factor $c$ cancels, so $S(p) = p^\beta / \sum_j p_j^\beta$ with $\beta = e = "
              rf"{sp.latex(shape.exponent)}$", *ident.steps,
              rf"$\frac{{de}}{{d{sp.latex(tau)}}} = {sp.latex(slope)} \le 0$ and $\beta > 0$, so "
              rf"$\frac{{dH}}{{d{sp.latex(tau)}}} = -\beta\,\mathrm{{Var}}(\log p)\,\frac{{de}}{{d{sp.latex(tau)}}} \ge 0$: "
              r"entropy is non-decreasing in the temperature for every $n$"]
    return Outcome(PROVED, "all-n", tuple(steps))
