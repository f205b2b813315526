"""Proof obligations shared by every engine.

A statement about an operator reduces to

* **per-coordinate obligations**: ``premise => conclusion`` over the scalar symbols ``p_i``,
  ``q_i`` and the parameters.  The premise is the coordinate box (``0 < p_i < 1`` for the
  anchor, ``0 <= q_i <= 1`` for the others, parameters in their domains).  Every pair in the
  box is realized by a distribution with ``n = 2``, so a per-coordinate counterexample lifts
  to the candidate point ``(x_i, 1 - x_i)``, which is then replayed on the whole statement;
* a **vector formula** for a fixed support size ``n``, asserted under the simplex
  constraints.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp

from .certify import exact_value
from .domains import irrational_power
from .citation import cite
from .errors import UndefinedError
from .model import SUPPORT, Operator, coordinate_symbol, vector_symbols
from .printing import latex
from .points import Point


@dataclass(frozen=True)
class Obligation:
    """``premise => conclusion``; ``liftable`` says a model lifts to an ``n = 2`` point.

    ``lemma``, when given, discharges the obligation symbolically instead of by Z3 (for
    conclusions with logarithms): it returns ``(True, steps)`` only when SymPy established every
    hypothesis of a named theorem that implies the conclusion, else ``(None, steps)``."""

    label: str
    premise: sp.Basic
    conclusion: sp.Basic
    liftable: bool = True
    lemma: Callable[[], tuple[bool | None, tuple[str, ...]]] | None = None


def coordinate_box(op: Operator) -> sp.Basic:
    """The coordinate box of every input, with the parameter domains (and ``n >= 2`` when the
    component reads the support size ``n`` outside a sum: ``n`` is then a parameter)."""
    parts = [op.domain()]
    if SUPPORT in op.component.free_symbols and not op.component.has(sp.Sum):
        parts.append(SUPPORT >= 2)
    for name in op.inputs:
        x = coordinate_symbol(name)
        parts += [0 < x, x < 1] if name in op.interior_inputs else [0 <= x, x <= 1]
    return sp.And(*parts)


def simplex_constraints(op: Operator, n: int, all_interior: bool = False) -> sp.Basic:
    """Every input on the simplex (anchors, or all inputs, in its interior), parameters in their domains."""
    parts = [op.domain()]
    for name in op.inputs:
        xs = vector_symbols(name, n)
        inside = all_interior or name in op.interior_inputs
        parts += [(0 < x) if inside else (0 <= x) for x in xs]
        parts.append(sp.Eq(sp.Add(*xs), 1))
    return sp.And(*parts)


def symmetry_breaking(op: Operator, n: int, name: str) -> sp.Basic:
    """``x_1 <= x_2 <= ... <= x_n`` for input ``name``: sound when the statement is label-symmetric."""
    xs = vector_symbols(name, n)
    return sp.And(*(a <= b for a, b in zip(xs, xs[1:])))


def lift_coordinate_model(op: Operator, values: Mapping[str, Fraction]) -> Point:
    """A per-coordinate model ``{p_i: a, q_i: b, alpha: c}`` as the point ``p = (a, 1 - a)``, ..."""
    inputs = {}
    for name in op.inputs:
        v = values[coordinate_symbol(name).name]
        inputs[name] = (v, 1 - v)
    params = {p.name: values[p.name] for p in op.parameters}
    return Point(inputs, params)


def vector_model_point(op: Operator, n: int, values: Mapping[str, Fraction], extra: list[str] = ()) -> Point:
    """A whole-vector model as an exact point; the last entry of each input is set to one minus
    the others, so rounding of algebraic values cannot leave the simplex's hyperplane."""
    inputs = {}
    for name in op.inputs:
        head = [values[s.name] for s in vector_symbols(name, n)[:-1]]
        inputs[name] = tuple(head) + (1 - sum(head),)
    params = {p.name: values[p.name] for p in op.parameters} | {k: values[k] for k in extra}
    return Point(inputs, params)


# -- obligations with symbolic exponents: discharged by SymPy's sign and power rules ----------------

def _coordinate_signs(op: Operator, premise_positive: bool) -> dict[sp.Symbol, sp.Symbol]:
    """Each input coordinate as a sign-definite symbol: positive for an interior input (or every
    input, with ``premise_positive``), non-negative otherwise."""
    interior = set(op.interior_inputs) if not premise_positive else set(op.inputs)
    return {coordinate_symbol(x): sp.Symbol(f"{x}_i", positive=True) if x in interior
            else sp.Symbol(f"{x}_i", nonnegative=True) for x in op.inputs}


def signed(op: Operator, label: str, premise: sp.Basic, expr: sp.Expr, relation: str,
           premise_positive: bool = False, liftable: bool = False) -> Obligation:
    """The obligation ``premise => expr relation 0``; when ``expr`` has a symbolic exponent (which
    Z3 cannot read) it carries a lemma: SymPy's sign rules on ``expr`` with every coordinate a
    non-negative (interior: positive; ``premise_positive``: every one positive) symbol and every
    parameter written through a sign-definite symbol of its interval
    (:func:`kdaxioms.symbolic.shapes.sign_on_domain`), e.g. ``x^w >= 0`` for ``x >= 0, w >= 0``.
    The lemma ignores ``premise`` beyond the coordinate box and the parameter intervals (the joint
    constraints included): it proves a stronger statement."""
    from .shapes import sign_on_domain  # (shapes reads operators; obligations only needs its sign rule)
    conclusion = {">": expr > 0, ">=": expr >= 0, "<": expr < 0, "<=": expr <= 0}[relation]
    if not irrational_power(expr):
        return Obligation(label, premise, conclusion, liftable)

    def lemma() -> tuple[bool | None, tuple[str, ...]]:
        shown = sign_on_domain(expr, op, relation, _coordinate_signs(op, premise_positive))
        step = (f"{label}: SymPy's sign rules ($x^e \\ge 0$ for $x \\ge 0$, $x^e > 0$ for $x > 0$, products and sums) "
                f"on ${latex(sp.Rel(expr, 0, relation, evaluate=False))}$ over the parameters' whole domain")
        return (True, (step,)) if shown else (None, (f"{label}: the sign rules do not show it",))
    return Obligation(label, premise, conclusion, liftable, lemma)


def identity(op: Operator, label: str, premise: sp.Basic, lhs: sp.Expr, rhs: sp.Expr,
             dependent: Mapping[sp.Symbol, sp.Expr], positive_only: bool = False) -> Obligation:
    """The obligation ``premise => lhs = rhs``; with a symbolic exponent it carries a lemma: with
    the dependent parameters solved from the constraints (``dependent``), ``lhs - rhs`` is 0 by
    SymPy's power rules (``x^a x^b = x^{a+b}`` for ``x > 0``) in every case of
    :func:`kdaxioms.symbolic.shapes.domain_cases` (the parameters strictly inside their intervals,
    or at a closed end) and with every coordinate positive or zero (``0^e = 0`` for ``e > 0``;
    where ``0^0`` would occur the operator is undefined and the verdict carries that restriction).
    The lemma ignores ``premise`` beyond the parameter intervals and the solved constraints: it
    proves a stronger statement.  With ``positive_only`` (a premise of positive coordinates) the
    zero coordinates are not tried."""
    conclusion = sp.Eq(lhs, rhs)
    if not irrational_power(lhs - rhs):
        return Obligation(label, premise, conclusion, liftable=False)

    def lemma() -> tuple[bool | None, tuple[str, ...]]:
        from .shapes import domain_cases  # (shapes reads operators; obligations only needs its cases)
        cases = domain_cases(op)
        if cases is None:
            return None, (f"{label}: a parameter domain is no interval of its own parameter",)
        difference = (lhs - rhs).xreplace(dict(dependent))
        positive = _coordinate_signs(op, premise_positive=True)
        may_vanish = [] if positive_only else [x for x in positive
                                               if not any(x == coordinate_symbol(i) for i in op.interior_inputs)]
        for zero in itertools.chain.from_iterable(itertools.combinations(may_vanish, k) for k in range(len(may_vanish) + 1)):
            at = {x: (sp.Integer(0) if x in zero else positive[x]) for x in positive}
            for case in cases:
                try:  # bottom-up, so that 0**0 is undefined (the point is outside the verdict's scope)
                    left = exact_value(difference, at | case)
                except UndefinedError as err:
                    if not err.certain:
                        return None, (f"{label}: definedness not certified: {err}",)
                    continue
                if all(pw.base.is_positive is True for pw in left.atoms(sp.Pow)):
                    # every base positive: (x y)^e = x^e y^e and (x^a)^b = x^(ab) hold
                    left = sp.powdenest(sp.expand_power_base(left, force=True), force=True)
                left = sp.simplify(sp.powsimp(left))
                if left != 0:
                    return None, (f"{label}: the power rules leave ${sp.latex(left)}$ (coordinates "
                                  f"{', '.join(f'${sp.latex(k)} = {sp.latex(v)}$' for k, v in at.items())})",)
        solved = ", ".join(f"${sp.latex(k)} = {sp.latex(v)}$" for k, v in dependent.items())
        return True, (f"{label}: {'with ' + solved + ', ' if solved else ''}the difference "
                      f"${sp.latex(lhs - rhs)}$ is $0$ by the power rules (" + cite("power-rules") + ") for positive coordinates and at zero "
                      r"coordinates, for every parameter value (inside each interval and at its closed ends)",)
    return Obligation(label, premise, conclusion, liftable=False, lemma=lemma)


def conditional_sign(op: Operator, label: str, premise: sp.Basic, expr: sp.Expr, relation: str,
                     conditions: list[tuple[sp.Basic, sp.Symbol]]) -> Obligation:
    """The obligation ``premise => expr relation 0`` where the premise makes coordinates positive
    under conditions on the parameters (``(w_k > 0, x_k)``: ``x_k > 0`` when ``w_k > 0``).  With a
    symbolic exponent it carries a lemma: in every case of
    :func:`kdaxioms.symbolic.shapes.domain_cases` each condition is decided, its coordinate is
    then a positive (else a non-negative) symbol, and SymPy's sign rules decide ``expr``; a case
    where ``expr`` meets ``0^0`` is outside the operator's domain (the verdict carries that).
    Every parameter ranges over its own interval, independently (a superset of the domain that the
    joint constraints cut out), and the lemma reads only the conditions, not the rest of
    ``premise``: it proves a stronger statement."""
    conclusion = {">": expr > 0, ">=": expr >= 0}[relation]
    if not irrational_power(expr):
        return Obligation(label, premise, conclusion, liftable=False)

    def lemma() -> tuple[bool | None, tuple[str, ...]]:
        from .shapes import domain_cases  # (shapes reads operators; obligations only needs its cases)
        cases = domain_cases(op)
        if cases is None:
            return None, (f"{label}: a parameter domain is no interval of its own parameter",)
        test = {">": lambda e: e.is_positive, ">=": lambda e: e.is_nonnegative}[relation]
        signs = _coordinate_signs(op, premise_positive=True)
        nonnegative = {x: sp.Symbol(s.name, nonnegative=True) for x, s in signs.items()}
        for case in cases:
            at = dict(nonnegative)
            for condition, x in conditions:
                decided = condition.xreplace(case)
                if decided not in (sp.true, sp.false):
                    decided = sp.simplify(decided)
                if decided not in (sp.true, sp.false):
                    return None, (f"{label}: ${sp.latex(condition)}$ is not decided in every case",)
                if decided is sp.true:
                    at[x] = signs[x]
            try:
                value = exact_value(expr, at | case)
            except UndefinedError as err:
                if not err.certain:
                    return None, (f"{label}: definedness not certified: {err}",)
                continue
            if test(sp.simplify(value)) is not True:
                return None, (f"{label}: the sign rules do not decide ${sp.latex(value)} {relation} 0$",)
        return True, (f"{label}: SymPy's sign rules (" + cite("power-rules") + ", $x^0 = 1$, products) on "
                      f"${sp.latex(expr)}$, for every parameter value (inside each interval and at its closed ends)",)
    return Obligation(label, premise, conclusion, liftable=False, lemma=lemma)
