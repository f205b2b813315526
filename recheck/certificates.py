"""Re-verifying an identity certificate ``E = c N`` with SymPy, from its ``srepr`` strings.

A certificate says ``E >= 0`` on the domain because ``E = c N`` there, ``c >= 0``, and ``N`` is a
form that a named lemma makes non-negative for a distribution ``A`` and an interior input ``p``.
Each part is re-checked here, with this module's own definitions of the forms:

1. ``N`` is the named form built from the file's ``A`` and ``p`` (KL either way and their sum by
   Gibbs' inequality; chi-square either way, the squared L2 distance and two variances as sums of
   squares); the difference expands to 0;
2. ``A`` is a distribution on the domain: each ``A_i`` is non-negative for positive symbols
   (SymPy's sign rules) and ``sum_i A_i - 1`` vanishes on the simplex; ``p`` is the input it
   names (symbols, positive on the open simplex, summing to 1 there);
3. the identity: with the parameters' solved constraints substituted, every symbol positive and
   logarithms expanded, the numerator of ``E - c N`` over one denominator expands to the zero
   polynomial once every input's last coordinate is one minus the others;
4. ``c`` is non-negative for positive symbols.

The signs in 2 and 4 are decided with every input coordinate positive and each parameter as the
certificate's ``signs`` say (positive or non-negative by its domain; a parameter not named there
may be any real number).  What SymPy's sign rules do not decide is ``skipped``, never agreement.
The eliminations are checked to be what they claim (:meth:`_Domain.malformed`).
"""

from __future__ import annotations

import sympy as sp

from .srepr import read


def _kl(u, v):
    return sp.Add(*(a * sp.log(a / b) for a, b in zip(u, v)))


def _variance(weights, values):
    mean = sp.Add(*(a * x for a, x in zip(weights, values)))
    return sp.Add(*(a * (x - mean) ** 2 for a, x in zip(weights, values)))


#: Each form from (A, p), non-negative when A is a distribution and p an interior one.
FORMS = {
    "KL(A||p)": lambda A, p: _kl(A, p),
    "KL(p||A)": lambda A, p: _kl(p, A),
    "KL(A||p)+KL(p||A)": lambda A, p: _kl(A, p) + _kl(p, A),
    "chi2(p||A)": lambda A, p: sp.Add(*((a - b) ** 2 / a for a, b in zip(A, p))),
    "chi2(A||p)": lambda A, p: sp.Add(*((a - b) ** 2 / b for a, b in zip(A, p))),
    "L2(A,p)": lambda A, p: sp.Add(*((a - b) ** 2 for a, b in zip(A, p))),
    "Var_A(log(A/p))": lambda A, p: _variance(A, [sp.log(a / b) for a, b in zip(A, p)]),
    "Var_A(log p)": lambda A, p: _variance(A, [sp.log(b) for b in p]),
}


class _Domain:
    """The certificate's eliminations, applied the same way to every expression checked."""

    def __init__(self, data: dict, p: list[sp.Symbol]):
        self.solved = {read(a): read(b) for a, b in data.get("solved", [])}
        self.simplex = {read(a): read(b) for a, b in data.get("simplex", [])}
        self.signs = dict(data.get("signs", {}))
        self.inputs = set(p) | set(self.simplex) | {x for v in self.simplex.values() for x in v.free_symbols}

    def malformed(self) -> str:
        """"" when each elimination is what it claims to be, else why not: every simplex key is an
        input's last coordinate written ``1 -`` the others (which are not eliminated), and the
        solved constraints eliminate parameters, never an input coordinate."""
        for key, value in self.simplex.items():
            others = value.free_symbols
            if not isinstance(key, sp.Symbol) or key in others or others & set(self.simplex) \
                    or sp.expand(value - (1 - sp.Add(*others))) != 0:
                return f"the simplex elimination {key} = {value} is not 1 minus the input's other coordinates"
        if set(self.solved) & self.inputs:
            return "a solved constraint eliminates an input coordinate"
        return ""

    def positive(self, *exprs: sp.Expr) -> dict:
        """Input coordinates positive (interior inputs); a parameter positive or non-negative as its
        domain says (``signs``), otherwise any real number."""
        symbols = set().union(*(e.free_symbols for e in exprs))
        out = {}
        for s in symbols:
            sign = "positive" if s in self.inputs else self.signs.get(s.name)
            out[s] = sp.Symbol(s.name, **({sign: True} if sign in ("positive", "nonnegative") else {"real": True}))
        return out

    def vanishes(self, expr: sp.Expr) -> bool:
        """``expr == 0`` on the domain (numerator of the expanded, log-expanded form)."""
        expr = expr.xreplace(self.solved)
        positive = self.positive(expr, *self.simplex, *self.simplex.values())
        expanded = sp.expand(sp.expand_log(expr.xreplace(positive), force=True))
        numerator, _ = sp.fraction(sp.together(expanded))
        on_simplex = {positive.get(k, k): v.xreplace(positive) for k, v in self.simplex.items()}
        return sp.expand(sp.expand(numerator).xreplace(on_simplex)) == 0


def check_certificate(data: dict) -> tuple[str, str]:
    """``("agree" | "disagree" | "skipped", detail)`` for one certificate's JSON data."""
    expression, coefficient, form = (read(data[k]) for k in ("expression", "coefficient", "form"))
    name = data.get("form_name", "")
    if name not in FORMS:
        return "disagree", f"the form {name!r} is none of the forms a lemma makes non-negative ({', '.join(FORMS)})"
    A, p = [read(x) for x in data.get("A", [])], [read(x) for x in data.get("p", [])]
    if not A or len(A) != len(p):
        return "disagree", "the certificate does not give A and p of one length"
    domain = _Domain(data, p)
    if domain.malformed():
        return "disagree", domain.malformed()
    if not all(isinstance(x, sp.Symbol) for x in p) or len(set(p)) != len(p):
        return "disagree", "p must be an input's coordinates (distinct symbols)"
    if not domain.vanishes(sp.Add(*p) - 1):
        return "disagree", "p does not sum to 1 on the simplex"
    if not domain.vanishes(form - FORMS[name](A, p)):
        return "disagree", f"N is not {name} of the certificate's A and p"
    if not domain.vanishes(sp.Add(*A) - 1):
        return "disagree", "A does not sum to 1 on the domain"
    if not domain.vanishes(expression - coefficient * form):
        return "disagree", "E - c N does not expand to 0 on the simplex"
    positive = domain.positive(coefficient, *A)
    undecided = [str(a) for a in A if a.xreplace(positive).is_nonnegative is not True]
    if undecided:
        return "skipped", f"the identity holds, but SymPy does not decide that A is non-negative ({undecided[0]})"
    if coefficient.xreplace(positive).is_nonnegative is not True:
        return "skipped", f"the identity holds, but SymPy does not decide the sign of the coefficient {coefficient}"
    return "agree", (f"E = ({coefficient}) {name} expands exactly, with A a distribution; "
                     f"{name} >= 0 by {data.get('lemma', 'its lemma')}")
