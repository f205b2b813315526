"""Re-verifying an identity certificate ``E = c N`` with SymPy, from its ``srepr`` strings.

The identity is checked as the certificate states it: with the parameters' solved constraints
substituted, every symbol positive and logarithms of products and powers expanded, the numerator
of ``E - c N`` over one denominator must expand to the zero polynomial once every input's last
coordinate is replaced by one minus the others.  The coefficient must be non-negative for
positive symbols (SymPy's sign rules).  ``N >= 0`` is the named lemma's statement (Gibbs'
inequality, a sum of squares, a variance); the lemma itself is not re-proved here.
"""

from __future__ import annotations

import sympy as sp

from .srepr import read


def check_certificate(data: dict) -> tuple[str, str]:
    """``("agree" | "disagree" | "skipped", detail)`` for one certificate's JSON data."""
    expression, coefficient, form = (read(data[k]) for k in ("expression", "coefficient", "form"))
    solved = {read(a): read(b) for a, b in data.get("solved", [])}
    simplex = {read(a): read(b) for a, b in data.get("simplex", [])}
    difference = (expression - coefficient * form).xreplace(solved)
    positive = {s: sp.Symbol(s.name, positive=True) for s in difference.free_symbols | coefficient.free_symbols}
    expanded = sp.expand(sp.expand_log(difference.xreplace(positive), force=True))
    numerator, _ = sp.fraction(sp.together(expanded))
    on_simplex = {positive.get(k, k): v.xreplace(positive) for k, v in simplex.items()}
    if sp.expand(sp.expand(numerator).xreplace(on_simplex)) != 0:
        return "disagree", "E - c N does not expand to 0 on the simplex"
    if coefficient.xreplace(positive).is_nonnegative is not True:
        return "skipped", f"the identity holds, but the sign of the coefficient {coefficient} is not decided by SymPy"
    return "agree", f"E = ({coefficient}) N expands exactly; N >= 0 by {data.get('lemma', 'its lemma')}"
