"""Statements about operators that every engine can read.

A :class:`Contraction` states, for a meta operator ``T`` anchored at ``p`` and a divergence
``D`` that separates over coordinates,

    D(T(q) || p)  REL  c * D(q || p)        (or, reversed, D(p || T(q)) REL c * D(p || q))

with ``REL`` one of ``=`` and ``<=`` and ``c`` an expression in the parameters.  Because ``D`` is
a sum of per-coordinate terms, the per-coordinate statement ``d(T_i, p_i) REL c d(q_i, p_i)``
implies the statement for every support size ``n``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sympy as sp

from .divergences import Divergence
from .errors import InputError, ModelError
from .model import Kind, Operator
from .obligations import Obligation, coordinate_box
from .points import Point, distribution
from .replay import Premise, Replay, replay

ANCHOR, STUDENT = "p", "q"


class Relation(enum.Enum):
    EQ = "="
    LE = "<="

    @property
    def latex(self) -> str:
        return "=" if self is Relation.EQ else r"\le"


@dataclass(frozen=True)
class Contraction:
    """``D(T q, p) REL factor * D(q, p)`` for all anchors, students and parameters."""

    operator: Operator
    divergence: Divergence
    factor: sp.Expr
    relation: Relation
    reverse: bool = False
    strict: bool = False

    def __post_init__(self) -> None:
        if self.operator.kind is not Kind.META or set(self.operator.inputs) != {ANCHOR, STUDENT}:
            raise ModelError(f"a contraction statement needs a meta operator of (p, q), not {self.operator.name}")
        stray = self.factor.free_symbols - set(self.operator.parameter_symbols)
        if stray:
            raise ModelError(f"factor {self.factor} uses {sorted(map(str, stray))}, which are not parameters")

    # -- the two sides -----------------------------------------------------------------------
    def _side(self, moved: sp.Expr, anchor: sp.Expr) -> sp.Expr:
        return self.divergence.coordinate(anchor, moved) if self.reverse else self.divergence.coordinate(moved, anchor)

    def coordinate_sides(self) -> tuple[sp.Expr, sp.Expr]:
        """``(d(T_i, p_i), c * d(q_i, p_i))`` in the scalar symbols ``p_i``, ``q_i``."""
        x = self.operator.coordinate_inputs()
        t_i = self.operator.coordinate()
        return self._side(t_i, x[ANCHOR]), self.factor * self._side(x[STUDENT], x[ANCHOR])

    def vector_sides(self, n: int) -> tuple[sp.Expr, sp.Expr]:
        """Both sides as expressions in ``p_1..p_n``, ``q_1..q_n`` and the parameters."""
        x = self.operator.vector_inputs(n)
        t = self.operator.vector(n)
        lhs = sp.Add(*(self._side(ti, pi) for ti, pi in zip(t, x[ANCHOR])))
        rhs = self.factor * sp.Add(*(self._side(qi, pi) for qi, pi in zip(x[STUDENT], x[ANCHOR])))
        return lhs, rhs

    # -- obligations -------------------------------------------------------------------------
    def obligations(self) -> list[Obligation]:
        """The per-coordinate statement on the coordinate box."""
        lhs, rhs = self.coordinate_sides()
        return [Obligation("per-coordinate $" + self.relation.latex + "$", coordinate_box(self.operator), self._relate(lhs, rhs))]

    def vector_formula(self, n: int) -> sp.Basic:
        return self._relate(*self.vector_sides(n))

    def _relate(self, lhs: sp.Expr, rhs: sp.Expr) -> sp.Basic:
        return sp.Eq(lhs, rhs) if self.relation is Relation.EQ else (lhs <= rhs)

    # -- exact evaluation --------------------------------------------------------------------
    def check_point(self, point: Point) -> None:
        """Raise an :class:`InputError` unless ``point`` lies in the statement's domain."""
        distribution(point.inputs[ANCHOR], "anchor p", interior=True)
        distribution(point.inputs[STUDENT], "student q")
        self.operator.check_parameters(point.parameters)

    def violation(self, point: Point) -> sp.Expr:
        """The exact amount by which the statement fails at ``point`` (positive: violated)."""
        self.check_point(point)
        subs = self.operator.check_parameters(point.parameters)
        values = point.sympy_inputs()
        n = point.n
        syms = self.operator.vector_inputs(n)
        for name, vec in values.items():
            subs.update(zip(syms[name], vec))
        lhs, rhs = (side.xreplace(subs) for side in self.vector_sides(n))
        if lhs.has(sp.zoo, sp.oo, sp.nan) or rhs.has(sp.zoo, sp.oo, sp.nan):
            raise InputError("the divergence is infinite at this point; pick a student with the anchor's support")
        return lhs - rhs

    def premise(self) -> Premise:
        """Anchor in the open simplex, student in the simplex, parameters in their domains."""
        return Premise(self.operator, frozenset({ANCHOR}))

    def replay(self, point: Point) -> Replay:
        """The exact replay of :mod:`kdaxioms.symbolic.replay`: premise, definedness, conclusion."""
        return replay(self.premise(), self.vector_formula, point)

    def violated_at(self, point: Point) -> bool | None:
        """True only when :meth:`replay` says ``VIOLATED``; False when the statement holds at
        ``point``; None otherwise (outside the premise, undefined, sign not certified)."""
        truth = self.replay(point).truth()
        return None if truth is None else not truth

    # -- text --------------------------------------------------------------------------------
    def latex(self) -> str:
        d = self.divergence
        lhs = d.latex("p", "Tq") if self.reverse else d.latex("Tq", "p")
        rhs = d.latex("p", "q") if self.reverse else d.latex("q", "p")
        factor = sp.latex(self.factor)
        factor = rf"\left({factor}\right)" if self.factor.is_Add else factor
        return rf"{lhs} {self.relation.latex} {factor}\, {rhs}"

    def text(self) -> str:
        d = self.divergence.latex_name.replace("\\", "").replace("^2", "²").replace("chi", "χ").replace("_2", "")
        lhs, rhs = ("p||Tq", "p||q") if self.reverse else ("Tq||p", "q||p")
        factor = sp.sstr(self.factor).replace("**", "^").replace("alpha", "α")
        factor = f"({factor})" if self.factor.is_Add else factor
        return f"{d}({lhs}) {self.relation.value} {factor}·{d}({rhs})"
