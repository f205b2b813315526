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

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp

from .model import Operator, coordinate_symbol, vector_symbols
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
    """The coordinate box of every input, with the parameter domains."""
    parts = [op.domain()]
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
