"""Three-valued truth of a formula: certainly true, certainly false, or undecided (``None``).

One walker for every certified evaluator of formulas.  The connectives And/Or/Not/Implies
combine the truth of their parts in Kleene's strong logic (``False`` decides an ``And``, ``True``
an ``Or``, ``None`` otherwise propagates).  Each relation ``a REL b`` is decided by a caller's
*enclosure* ``[lo, hi]`` of ``a - b``, through the one table of :func:`relation_truth`:

* ``a <= b`` is true when ``hi <= 0``, false when ``lo > 0``; ``a < b`` true when ``hi < 0``,
  false when ``lo >= 0`` (and symmetrically for ``>=``, ``>``);
* ``Eq`` is false when ``0`` is outside ``[lo, hi]`` and true only when ``lo = hi = 0``; ``Ne``
  the opposite.

An exact point is the enclosure ``[s, s]`` of its sign ``s``; an interval box gives a wider one.
A caller that cannot enclose ``a - b`` (undefined there, no rule) answers ``None`` for the
relation, and the connectives decide what they still can.
"""

from __future__ import annotations

from typing import Any, Callable

import sympy as sp

from kdaxioms.symbolic.errors import TranslationError

#: The relations ``a <= b``, ``a < b`` and ``a >= b``, ``a > b``.
LESS = (sp.LessThan, sp.StrictLessThan)
GREATER = (sp.GreaterThan, sp.StrictGreaterThan)


def relation_truth(relation: sp.core.relational.Relational, lo: Any, hi: Any) -> bool | None:
    """The truth of ``relation`` (``a REL b``) when ``a - b`` lies in ``[lo, hi]`` (numbers that
    compare with ``0``: ints, Fractions, exact ``arb`` endpoints)."""
    kind = type(relation)
    if kind in LESS:
        strict = kind is sp.StrictLessThan
        if hi < 0 or (not strict and hi <= 0):
            return True
        return False if (lo > 0 or (strict and lo >= 0)) else None
    if kind in GREATER:
        strict = kind is sp.StrictGreaterThan
        if lo > 0 or (not strict and lo >= 0):
            return True
        return False if (hi < 0 or (strict and hi <= 0)) else None
    if kind in (sp.Eq, sp.Ne):
        outside = bool(lo > 0 or hi < 0)
        zero = bool(lo == 0 and hi == 0)
        equal = False if outside else True if zero else None
        return equal if (kind is sp.Eq or equal is None) else not equal
    raise TranslationError("kleene", relation, "no truth rule for this relation")


def kleene(formula: sp.Basic, relation: Callable[[sp.core.relational.Relational], bool | None]) -> bool | None:
    """The three-valued truth of ``formula``: connectives in Kleene's logic, each relation
    decided by ``relation`` (which returns ``None`` when it cannot decide)."""
    if formula is sp.true or formula is True:
        return True
    if formula is sp.false or formula is False:
        return False
    if isinstance(formula, sp.Not):
        inner = kleene(formula.args[0], relation)
        return None if inner is None else not inner
    if isinstance(formula, sp.Implies):
        premise = kleene(formula.args[0], relation)
        if premise is False:
            return True
        conclusion = kleene(formula.args[1], relation)
        if conclusion is True:
            return True
        return False if (premise is True and conclusion is False) else None
    if isinstance(formula, (sp.And, sp.Or)):
        decisive = isinstance(formula, sp.Or)
        undecided = False
        for part in formula.args:
            truth = kleene(part, relation)
            if truth is decisive:
                return decisive
            undecided = undecided or truth is None
        return None if undecided else not decisive
    if isinstance(formula, sp.core.relational.Relational):
        return relation(formula)
    raise TranslationError("kleene", formula, "not a closed formula of relations (And, Or, Not, Implies)")
