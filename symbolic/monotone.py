"""A3 (weight monotonicity) by the derivative along the raise, closed by a non-negativity certificate.

Raising teacher ``k``'s weight by a share ``s`` moves the weights along
``w(s) = (1 - s) w + s e_k``.  These paths compose: raising ``w(s)`` by ``s'`` gives
``w(s + s'(1 - s))``.  With ``phi_w(s) = D(A_{w(s)}, p^k)`` this gives
``phi_w'(s) = phi_{w(s)}'(0) / (1 - s)``, so the axiom (``phi_w(s) <= phi_w(0)`` for every
``w`` and ``0 <= s <= 1``) follows as soon as

    G(w) = d/ds D(A_{w(s)}, p^k) |_{s=0} <= 0      for every w in the domain

(``phi_w`` is smooth on ``[0, 1)`` because the inputs are interior, and continuous at ``s = 1``).
SymPy computes ``G`` at a fixed support size ``n`` from the operator's own formula.  It is then
matched against a library of forms that are non-negative by a named lemma, built from the
output ``A = A_w`` and the target ``p^k``: ``KL(A||p)`` and ``KL(p||A)`` (Gibbs' inequality),
their sum (Jeffreys' divergence), ``chi^2`` in either direction and ``L2^2`` (sums of squares over
positive denominators), and the variance of ``log(A/p)`` under ``A`` (a weighted sum of squares).
A form ``N`` with ``-G = c N`` for a rational ``c > 0`` proves the claim at that ``n``.  The
candidate and ``c`` are chosen at two exact points in 30-digit arithmetic (a filter only); the
identity itself is checked exactly: logarithms of products are expanded (all inputs positive),
the expression is put over a common denominator, every input's last coordinate is replaced by
one minus the others and the weight constraints are solved, and the numerator expands to ``0``.
No step is numeric: a form that does not pass the exact check leaves the outcome ``unknown``.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

from .axioms import Axiom, monotone_term, raised_weights
from .model import vector_symbols
from .outcome import PROVED, Outcome, unknown

Term = Callable[[sp.Expr, sp.Expr], sp.Expr]
#: Support sizes of the proof (the exact check grows quickly with n: about 8 s per teacher at
#: n = 4 for geometric aggregation).
SIZES = (2, 3)


def _kl(u, v) -> sp.Expr:
    return sp.Add(*(a * sp.log(a / b) for a, b in zip(u, v)))


def _chi2(u, v) -> sp.Expr:
    return sp.Add(*((a - b) ** 2 / b for a, b in zip(u, v)))


def _variance(weights, values) -> sp.Expr:
    mean = sp.Add(*(a * x for a, x in zip(weights, values)))
    return sp.Add(*(a * (x - mean) ** 2 for a, x in zip(weights, values)))


def certificate_forms(A, p) -> dict[str, tuple[sp.Expr, str]]:
    """Named forms that are non-negative for ``A, p`` in the open simplex, with the lemma that says so."""
    log_ratio = [sp.log(a / b) for a, b in zip(A, p)]
    return {
        r"\mathrm{KL}(A \| p)": (_kl(A, p), "Gibbs' inequality"),
        r"\mathrm{KL}(p \| A)": (_kl(p, A), "Gibbs' inequality"),
        r"\mathrm{KL}(A \| p) + \mathrm{KL}(p \| A)": (_kl(A, p) + _kl(p, A), "Gibbs' inequality, twice"),
        r"\chi^2(p \| A)": (_chi2(p, A), "a sum of squares over positive denominators"),
        r"\chi^2(A \| p)": (_chi2(A, p), "a sum of squares over positive denominators"),
        r"\|A - p\|_2^2": (sp.Add(*((a - b) ** 2 for a, b in zip(A, p))), "a sum of squares"),
        r"\mathrm{Var}_{A}\big(\log(A/p)\big)": (_variance(A, log_ratio), "a variance: a sum of squares with weights $A_i > 0$"),
    }


def raise_derivative(ax: Axiom, n: int, k: int, term: Term) -> tuple[sp.Expr, tuple[sp.Expr, ...], tuple[sp.Symbol, ...]]:
    """``G = d/ds D(A_{w(s)}, p^k)`` at ``s = 0``, with the output ``A`` and the target ``p^k``."""
    op = ax.operator
    new, share, _ = raised_weights(op, k)
    out = op.vector(n)
    target = vector_symbols(op.inputs[k], n)
    phi = sp.Add(*(term(a.xreplace(new), b) for a, b in zip(out, target)))
    return sp.diff(phi, share).xreplace({share: 0}), out, target


class _Domain:
    """Eliminations that put an expression on the domain, and two exact points inside it."""

    def __init__(self, ax: Axiom, n: int):
        op = ax.operator
        self.weights = sp.solve(list(op.constraints), dict=True)[0] if op.constraints else {}
        self.simplex = {}
        for name in op.inputs:
            xs = vector_symbols(name, n)
            self.simplex[xs[-1]] = 1 - sp.Add(*xs[:-1])
        free = [p for p in op.parameters if p.symbol not in self.weights]
        params = {p.symbol: p.grid(3)[1] for p in free}
        params.update({s: v.xreplace(params) for s, v in self.weights.items()})
        self.points = []
        for shift in (1, 2):
            point = dict(params)
            for j, name in enumerate(op.inputs):
                raw = [sp.Integer(1 + (i * (j + shift)) % (n + 2)) for i in range(n)]
                point.update(zip(vector_symbols(name, n), (r / sum(raw) for r in raw)))
            self.points.append(point)

    def ratios(self, numerator: sp.Expr, denominator: sp.Expr) -> list[sp.Float]:
        return [sp.N(numerator.xreplace(pt), 30) / sp.N(denominator.xreplace(pt), 30) for pt in self.points]

    def is_zero(self, expr: sp.Expr) -> bool:
        """Exact: ``expr`` vanishes on the domain (see the module docstring)."""
        expr = expr.xreplace(self.weights)
        positive = {s: sp.Symbol(s.name, positive=True) for s in expr.free_symbols}
        expanded = sp.expand(sp.expand_log(expr.xreplace(positive), force=True))
        numerator, _ = sp.fraction(sp.together(expanded))
        on_simplex = {positive.get(s, s): v.xreplace(positive) for s, v in self.simplex.items()}
        return sp.expand(sp.expand(numerator).xreplace(on_simplex)) == 0


def _certificate(G: sp.Expr, A, p, domain: _Domain) -> tuple[str, str, sp.Rational] | None:
    for label, (form, lemma) in certificate_forms(A, p).items():
        ratios = domain.ratios(-G, form)
        if not all(r.is_finite and r > 0 for r in ratios) or abs(ratios[0] - ratios[1]) > 1e-20:
            continue
        c = sp.Rational(ratios[0]).limit_denominator(100)
        if abs(c - ratios[0]) < 1e-20 and domain.is_zero(G + c * form):
            return label, lemma, c
    return None


def prove_weight_monotone(ax: Axiom, sizes=SIZES) -> Outcome:
    """Prove A3 for each support size in ``sizes`` (see the module docstring); ``unknown`` otherwise."""
    term = monotone_term(ax.spec.name)
    if term is None:
        return unknown(f"axiom {ax.spec.name} has no differentiable divergence for the derivative route")
    op = ax.operator
    steps = [r"raises compose ($w(s)$ raised by $s'$ is $w(s + s'(1-s))$), so "
             r"$\frac{d}{ds} D(A_{w(s)}, p^k) = G(w(s)) / (1 - s)$ with $G(w) = \frac{d}{ds} D(A_{w(s)}, p^k)|_{s=0}$: "
             r"the axiom holds when $G \le 0$ on the domain"]
    for n in sizes:
        domain = _Domain(ax, n)
        for k, name in enumerate(op.inputs):
            G, A, p = raise_derivative(ax, n, k, term)
            found = _certificate(G, A, p, domain)
            if found is None:
                return unknown(f"n={n}, teacher {name}: no non-negative form N with -G = cN passed the exact check", *steps)
            label, lemma, c = found
            factor = "" if c == 1 else sp.latex(c) + r"\,"
            teacher = sp.latex(sp.Symbol(name))
            steps.append(rf"$n = {n}$, raising the weight of ${teacher}$: $-G = {factor}{label}$ exactly on the simplex "
                         rf"(with $A = A_w$, $p = {teacher}$), non-negative by {lemma}")
    return Outcome(PROVED, f"n<={max(sizes)}", tuple(steps))
