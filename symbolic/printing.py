"""LaTeX for readers: SymPy's printer with two notations a paper would use instead of SymPy's.

* ``Heaviside(a - b, 0)`` (the unit step with value 0 at 0) is the Iverson bracket ``[a > b]``
  (the positive terms of the argument against the negated negative ones, the side with
  variables first: ``[c_i < 3/2]``); ``Heaviside(a - b, 1)`` is ``[a \\ge b]``.  A step with
  another value at 0 keeps SymPy's form.
* The coordinate ``p1_{i}`` of a numbered input is ``p^{1}_{i}`` (a teacher), ``q1_{i}`` is
  ``q_{t-1,i}`` (the student one generation back).
* ``harmonic(t, m)`` is the sum ``\\sum_{s=1}^{t} s^{-m}`` it abbreviates.
* A real algebraic number ``CRootOf(P, k)`` is named ``y`` (``y_1, y_2, ...`` when there are
  several) and described after the formula: ``y \\approx 1.855\\ldots``, the 3rd smallest real
  root of ``P``.  The exact value stays the root; the decimal only helps reading.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


#: A coordinate of a numbered input, as the model names it: ``p1_{i}`` (a teacher), ``q1_{i}``
#: (the student one generation back).
_NUMBERED = re.compile(r"([A-Za-z])(\d+)_\{(\w+)\}")


class ReaderPrinter(LatexPrinter):
    """SymPy's LaTeX printer with Iverson brackets for unit steps and the paper's names for
    numbered inputs (see the module docstring)."""

    def _print_Symbol(self, expr, style="plain"):
        found = _NUMBERED.fullmatch(expr.name)
        if found is None:
            return super()._print_Symbol(expr, style)
        base, number, index = found.groups()
        if base == "q":  # the student ``number`` generations back
            return rf"q_{{t-{number},{index}}}"
        return rf"{{{base}^{{{number}}}_{{{index}}}}}"

    def _print_Heaviside(self, expr, exp=None):
        arg = expr.args[0]
        at_zero = expr.args[1] if len(expr.args) > 1 else sp.S.Half
        if at_zero not in (0, 1):
            return super()._print_Heaviside(expr, exp)
        strict = at_zero == 0
        terms = sp.Add.make_args(arg)
        big = sp.Add(*(t for t in terms if not t.could_extract_minus_sign()))
        small = sp.Add(*(-t for t in terms if t.could_extract_minus_sign()))
        if big.is_number and not small.is_number:  # the variable side first: [c_i < 3/2]
            rel = (sp.StrictLessThan if strict else sp.LessThan)(small, big, evaluate=False)
        else:
            rel = (sp.StrictGreaterThan if strict else sp.GreaterThan)(big, small, evaluate=False)
        text = rf"\left[{self._print(rel)}\right]"
        return rf"{text}^{{{exp}}}" if exp else text

    def _print_harmonic(self, expr, exp=None):
        """``harmonic(t, m)`` as the sum it abbreviates, ``\\sum_{s=1}^{t} s^{-m}``."""
        order = expr.args[1] if len(expr.args) > 1 else sp.S.One
        text = rf"\sum_{{s=1}}^{{{self._print(expr.args[0])}}} s^{{{self._print(-order)}}}"
        return rf"\left({text}\right)^{{{exp}}}" if exp else text


#: Names for algebraic numbers, the first not already a symbol of the expression is used.
_NAMES = ("y", "z", "r", "u", "v")


def latex(expr: sp.Basic) -> str:
    """``expr`` as LaTeX with Iverson brackets and named algebraic roots (module docstring)."""
    expr = sp.sympify(expr)
    roots = sorted(expr.atoms(sp.CRootOf), key=sp.default_sort_key)
    if not roots:
        return ReaderPrinter().doprint(expr)
    taken = {s.name for s in expr.free_symbols}
    base = next((n for n in _NAMES if not any(t == n or t.startswith(n + "_") for t in taken)), "y")
    names = [sp.Symbol(base) if len(roots) == 1 else sp.Symbol(f"{base}_{k + 1}") for k in range(len(roots))]
    body = ReaderPrinter().doprint(expr.xreplace(dict(zip(roots, names))))
    notes = []
    for name, root in zip(names, roots):
        poly = sp.Poly(root.expr, root.poly.gen).as_expr().subs(root.poly.gen, sp.Symbol("x"))
        value = sp.N(root, 12)
        if root.is_real:
            rank = "" if root.index == 0 else _ordinal(root.index + 1) + " "
            what = rf"\text{{, the {rank}smallest real root of }}"
            shown = sp.latex(sp.Float(value, 10))
        else:
            what = r"\text{, a complex root of }"
            shown = sp.latex(sp.Float(sp.re(value), 10) + sp.Float(sp.im(value), 10) * sp.I)
        notes.append(rf"{sp.latex(name)} \approx {shown}\ldots{what}{sp.latex(poly)}")
    return body + r"\ \text{ where }" + r"\text{; }".join(notes)
