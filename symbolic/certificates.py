"""Non-negativity certificates: ``E = c N`` with ``N`` a form that a named lemma makes non-negative.

The statements with logarithms that Z3 cannot read often reduce (after a derivative) to a
quantity ``E`` whose sign is the claim.  A *certificate* is a form ``N`` from a small library
built from the operator's output ``A`` and a reference distribution ``p`` -- ``KL(A||p)`` and
``KL(p||A)`` (Gibbs' inequality), their sum (Jeffreys' divergence), ``chi^2`` either way and
``L2^2`` (sums of squares over positive denominators), the variances of ``log(A/p)`` and of
``log p`` under ``A`` (weighted sums of squares) -- together with a coefficient
``c = r * prod_j theta_j^(e_j)`` (``r > 0`` rational, small integer exponents of the parameters,
each non-negative on the domain) such that ``E = c N`` identically on the domain.

Finding ``N`` and ``c`` is a numeric filter: ``E / N`` in 30-digit arithmetic at a few exact
points of the domain (two inputs, two parameter values) must be one rational times the monomial.
The identity itself is then checked exactly (:meth:`Domain.is_zero`): logarithms of products
and powers are expanded (every symbol is positive), the difference is put over one
denominator, the constraints among the parameters are solved, every input's last coordinate is
replaced by one minus the others, and the numerator must expand to ``0``.  Only that exact check
makes a certificate; the numbers only choose what to check.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterable, Sequence

import sympy as sp

from .domains import sample_value
from .evidence import IdentityCertificate
from .shapes import sign_on_domain
from .model import Operator, vector_symbols

#: Exponents tried for each parameter in the coefficient ``c``.
EXPONENTS = range(-3, 4)


def _kl(u, v) -> sp.Expr:
    return sp.Add(*(a * sp.log(a / b) for a, b in zip(u, v)))


def _chi2(u, v) -> sp.Expr:
    return sp.Add(*((a - b) ** 2 / b for a, b in zip(u, v)))


def _variance(weights, values) -> sp.Expr:
    mean = sp.Add(*(a * x for a, x in zip(weights, values)))
    return sp.Add(*(a * (x - mean) ** 2 for a, x in zip(weights, values)))


def forms(A: Sequence[sp.Expr], p: Sequence[sp.Expr]) -> dict[str, tuple[sp.Expr, str]]:
    """Named forms that are non-negative for ``A, p`` in the open simplex, with the lemma that says so."""
    log_ratio = [sp.log(a / b) for a, b in zip(A, p)]
    squares = "a sum of squares over positive denominators"
    return {
        r"\mathrm{KL}(A \| p)": (_kl(A, p), "Gibbs' inequality"),
        r"\mathrm{KL}(p \| A)": (_kl(p, A), "Gibbs' inequality"),
        r"\mathrm{KL}(A \| p) + \mathrm{KL}(p \| A)": (_kl(A, p) + _kl(p, A), "Gibbs' inequality, twice"),
        r"\chi^2(p \| A)": (_chi2(p, A), squares),
        r"\chi^2(A \| p)": (_chi2(A, p), squares),
        r"\|A - p\|_2^2": (sp.Add(*((a - b) ** 2 for a, b in zip(A, p))), "a sum of squares"),
        r"\mathrm{Var}_{A}\big(\log(A/p)\big)": (_variance(A, log_ratio), "a variance (a sum of squares with weights $A_i > 0$)"),
        r"\mathrm{Var}_{A}(\log p)": (_variance(A, [sp.log(b) for b in p]), "a variance (a sum of squares with weights $A_i > 0$)"),
    }


#: The forms' plain names in a proof bundle (the re-check rebuilds each form from ``A`` and ``p``).
FORM_NAMES = {
    r"\mathrm{KL}(A \| p)": "KL(A||p)", r"\mathrm{KL}(p \| A)": "KL(p||A)",
    r"\mathrm{KL}(A \| p) + \mathrm{KL}(p \| A)": "KL(A||p)+KL(p||A)", r"\chi^2(p \| A)": "chi2(p||A)",
    r"\chi^2(A \| p)": "chi2(A||p)", r"\|A - p\|_2^2": "L2(A,p)",
    r"\mathrm{Var}_{A}\big(\log(A/p)\big)": "Var_A(log(A/p))", r"\mathrm{Var}_{A}(\log p)": "Var_A(log p)",
}


def signed_symbols(op: Operator, inputs: Iterable[sp.Symbol]) -> dict[sp.Symbol, sp.Symbol]:
    """Replacements that carry signs for SymPy's sign queries: every input symbol positive (interior
    inputs), every parameter positive or non-negative when its domain implies it."""
    facts = op.assumptions()
    signs = {}
    for p in op.parameters:
        for fact, key in ((sp.Q.positive, "positive"), (sp.Q.nonnegative, "nonnegative")):
            if sp.ask(fact(p.symbol), facts) is True:
                signs[p.symbol] = sp.Symbol(p.symbol.name, **{key: True})
                break
    signs.update({x: sp.Symbol(x.name, positive=True) for x in inputs})
    return signs


@dataclass(frozen=True)
class Certificate:
    """``E = coefficient * form`` exactly on the domain; ``form >= 0`` by ``lemma``."""

    label: str
    lemma: str
    coefficient: sp.Expr
    #: The identity as plain data, for a proof bundle.
    record: IdentityCertificate | None = None

    def latex(self) -> str:
        c = self.coefficient
        return self.label if c == 1 else rf"{sp.latex(c)}\,\left({self.label}\right)"


class Domain:
    """An operator's domain at support size ``n``: exact eliminations and points for the filter."""

    def __init__(self, op: Operator, n: int):
        self.op = op
        self._distributions: dict[tuple[sp.Expr, ...], bool] = {}
        solutions = sp.solve(list(op.constraints), dict=True) if op.constraints else [{}]
        # an identity checked on one branch of several would not hold on the whole domain
        self._single = len(solutions) == 1
        self.solved = solutions[0] if solutions else {}
        self.simplex = {}
        for name in op.inputs:
            xs = vector_symbols(name, n)
            self.simplex[xs[-1]] = 1 - sp.Add(*xs[:-1])
        self.free = [p for p in op.parameters if p.symbol not in self.solved]
        settings = [self._parameters(k) for k in range(2)]
        self.points = []  # stays empty (nothing is certified) without one solution or sample values
        usable = self._single and all(None not in s.values() for s in settings)
        for params, shift in itertools.product(settings if usable else [], (1, 2)):
            point = dict(params)
            for j, name in enumerate(op.inputs):
                raw = [sp.Integer(1 + (i * (j + shift)) % (n + 2)) for i in range(n)]
                point.update(zip(vector_symbols(name, n), (r / sum(raw) for r in raw)))
            self.points.append(point)

    def _parameters(self, k: int) -> dict[sp.Symbol, sp.Expr | None]:
        values = {p.symbol: sample_value(p, k) for p in self.free}
        if None in values.values():
            return values
        values.update({s: v.xreplace(values) for s, v in self.solved.items()})
        return values

    def monomials(self):
        """Candidate coefficients ``prod theta^e`` that are non-negative on the domain."""
        facts = self.op.assumptions()
        allowed = []
        for p in self.free:
            nonneg = sp.ask(sp.Q.nonnegative(p.symbol), facts) is True
            allowed.append([e for e in EXPONENTS if nonneg or e % 2 == 0])
        for exps in itertools.product(*allowed):
            yield sp.Mul(*(p.symbol ** e for p, e in zip(self.free, exps)))

    def distribution(self, A: Sequence[sp.Expr]) -> bool:
        """Exact: every ``A_i >= 0`` (SymPy's sign with interior inputs and the parameters' assumptions)
        and ``sum_i A_i = 1`` on the domain -- the hypothesis of every lemma behind the forms.
        Decided once per ``A``."""
        key = tuple(A)
        if not self._single:
            return False
        if key not in self._distributions:
            coordinates = {s for name in self.op.inputs for s in vector_symbols(name, len(A))}
            inputs = {s for a in A for s in a.free_symbols if s in coordinates}  # never a parameter, whatever its name
            signs = signed_symbols(self.op, inputs)
            positive = {x: signs[x] for x in inputs}
            nonnegative = all(a.xreplace(signs).is_nonnegative is True or sign_on_domain(a, self.op, ">=", positive)
                              for a in A)
            self._distributions[key] = nonnegative and self.is_zero(sp.Add(*A) - 1)
        return self._distributions[key]

    def values(self, expr: sp.Expr) -> list[sp.Float]:
        """``expr`` at each sample point, to 30 digits."""
        return [sp.N(expr.xreplace(pt), 30) for pt in self.points]

    def record(self, label: str, lemma: str, expr: sp.Expr, c: sp.Expr, form: sp.Expr,
               A: Sequence[sp.Expr], p: Sequence[sp.Expr]) -> IdentityCertificate:
        """The identity ``expr = c * form`` checked by :meth:`is_zero`, as ``srepr`` strings, with
        the form's name and the ``A`` and ``p`` it is built from."""
        pairs = lambda subs: tuple((sp.srepr(k), sp.srepr(v)) for k, v in subs.items())  # noqa: E731
        signs = signed_symbols(self.op, ())
        known = tuple((s.name, "positive" if t.is_positive else "nonnegative") for s, t in signs.items())
        return IdentityCertificate(label, lemma, sp.srepr(expr), sp.srepr(c), sp.srepr(form),
                                   pairs(self.solved), pairs(self.simplex), FORM_NAMES[label],
                                   tuple(map(sp.srepr, A)), tuple(map(sp.srepr, p)), known)

    def is_zero(self, expr: sp.Expr) -> bool:
        """Exact: ``expr`` vanishes identically on the domain (see the module docstring).

        The difference is put over one denominator as written (fast), and only when that numerator
        does not expand to ``0`` after expanding it term by term first (slower, sometimes cancels
        more); either way a ``True`` is an exact identity and ``False`` proves nothing."""
        expr = expr.xreplace(self.solved)
        positive = {s: sp.Symbol(s.name, positive=True) for s in expr.free_symbols}
        logs = sp.expand_log(expr.xreplace(positive), force=True)
        on_simplex = {positive.get(s, s): v.xreplace(positive) for s, v in self.simplex.items()}
        return any(sp.expand(sp.expand(sp.fraction(sp.together(form))[0]).xreplace(on_simplex)) == 0
                   for form in (logs, sp.expand(logs)))


def certify(expr: sp.Expr, A: Sequence[sp.Expr], p: Sequence[sp.Expr], domain: Domain) -> Certificate | None:
    """A certificate that ``expr >= 0`` on the domain, or None (also when ``A`` is not shown to be
    a distribution, which every lemma behind the forms assumes)."""
    if not domain.points or not domain.distribution(A):
        return None
    at_points = domain.values(expr)  # once: the same for every form
    for label, (form, lemma) in forms(A, p).items():
        values = [v / w for v, w in zip(at_points, domain.values(form))]
        if not all(v.is_finite for v in values):
            continue
        for monomial in domain.monomials():
            scale = [sp.N(monomial.xreplace(pt), 30) for pt in domain.points]
            r = [v / s for v, s in zip(values, scale)]
            if r[0] <= 0 or any(abs(x - r[0]) > 1e-20 * abs(r[0]) for x in r[1:]):
                continue
            c = sp.Rational(r[0]).limit_denominator(1000) * monomial
            if abs(sp.N(c.xreplace(domain.points[0]), 30) - scale[0] * r[0]) < 1e-20 and domain.is_zero(expr - c * form):
                return Certificate(label, lemma, c, domain.record(label, lemma, expr, c, form, A, p))
    return None
