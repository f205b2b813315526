"""The meta-teacher axioms of THEORY.md section 2.3 as statements every engine can read.

Each axiom gives per-coordinate obligations (proof for every ``n`` when all hold) and a formula
on whole vectors for a fixed ``n``:

* M1 ``closure``: ``T(q)`` lies in the simplex.  Per coordinate: ``T_i >= 0`` on the box, and
  the sum is preserved because ``T_i`` is additive and homogeneous in the inputs' coordinates
  with ``T(1, ..., 1) = 1`` (then ``sum_i T_i(x) = T(sum_i x_i) = T(1, ..., 1)``).
* M2 ``anchor-fixed-point``: ``T(p, ..., p) = p``.
* M3 ``anchoring``: ``T(q) >= alpha p`` componentwise, with ``alpha`` the anchor weight.
* M5 ``positivity``: ``T(q) > 0`` componentwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

from .errors import ModelError, UnknownNameError
from .model import Kind, Operator, coordinate_symbol, real, vector_symbols
from .obligations import Obligation, coordinate_box
from .points import Point
from .statements import ANCHOR, STUDENT


def _substitute_inputs(op: Operator, expr: sp.Expr, new: dict[str, sp.Expr]) -> sp.Expr:
    return expr.xreplace({coordinate_symbol(k): v for k, v in new.items()})


def _closure_obligations(op: Operator) -> list[Obligation]:
    t = op.coordinate()
    box = coordinate_box(op)
    domains = op.domain()
    u = {x: real(f"u_{x}") for x in op.inputs}
    v = {x: real(f"v_{x}") for x in op.inputs}
    a = real("a")
    t_u, t_v = _substitute_inputs(op, t, u), _substitute_inputs(op, t, v)
    t_sum = _substitute_inputs(op, t, {x: u[x] + v[x] for x in op.inputs})
    t_scaled = _substitute_inputs(op, t, {x: a * u[x] for x in op.inputs})
    t_ones = _substitute_inputs(op, t, {x: sp.Integer(1) for x in op.inputs})
    return [
        Obligation(r"$T_i \ge 0$ on the box", box, t >= 0),
        Obligation(r"$T_i$ additive in the inputs", domains, sp.Eq(t_sum, t_u + t_v), liftable=False),
        Obligation(r"$T_i$ homogeneous in the inputs", domains, sp.Eq(t_scaled, a * t_u), liftable=False),
        Obligation(r"$T(1,\dots,1) = 1$", domains, sp.Eq(t_ones, 1), liftable=False),
    ]


def _closure_vector(op: Operator, n: int) -> sp.Basic:
    t = op.vector(n)
    return sp.And(*(c >= 0 for c in t), sp.Eq(sp.Add(*t), 1))


def _anchor_obligations(op: Operator) -> list[Obligation]:
    x = op.coordinate_inputs()
    fixed = _substitute_inputs(op, op.coordinate(), {STUDENT: x[ANCHOR]})
    return [Obligation(r"$T_i(p, p) = p_i$", coordinate_box(op), sp.Eq(fixed, x[ANCHOR]))]


def _anchor_vector(op: Operator, n: int) -> sp.Basic:
    ps, qs = vector_symbols(ANCHOR, n), vector_symbols(STUDENT, n)
    t = [c.xreplace(dict(zip(qs, ps))) for c in op.vector(n)]
    return sp.And(*(sp.Eq(c, pk) for c, pk in zip(t, ps)))


def _anchor_weight(op: Operator) -> sp.Expr:
    try:
        return op.roles["anchor_weight"]
    except KeyError:
        raise ModelError(f"operator {op.name} names no anchor weight (roles.anchor_weight)") from None


def _anchoring_obligations(op: Operator) -> list[Obligation]:
    p = op.coordinate_inputs()[ANCHOR]
    return [Obligation(r"$T_i \ge \alpha p_i$", coordinate_box(op), op.coordinate() >= _anchor_weight(op) * p)]


def _anchoring_vector(op: Operator, n: int) -> sp.Basic:
    lam = _anchor_weight(op)
    return sp.And(*(c >= lam * pk for c, pk in zip(op.vector(n), vector_symbols(ANCHOR, n))))


def _positivity_obligations(op: Operator) -> list[Obligation]:
    return [Obligation(r"$T_i > 0$", coordinate_box(op), op.coordinate() > 0)]


def _positivity_vector(op: Operator, n: int) -> sp.Basic:
    return sp.And(*(c > 0 for c in op.vector(n)))


@dataclass(frozen=True)
class AxiomSpec:
    name: str
    code: str
    text: str
    latex: str
    obligations: Callable[[Operator], list[Obligation]]
    vector: Callable[[Operator, int], sp.Basic]


#: Meta axioms decided in exact arithmetic, keyed by the names users type.
META_AXIOMS: dict[str, AxiomSpec] = {
    a.name: a for a in (
        AxiomSpec("closure", "M1", "T(q) is a distribution", r"T(q) \in \Delta_n", _closure_obligations, _closure_vector),
        AxiomSpec("anchor-fixed-point", "M2", "T(p) = p", r"T(p) = p", _anchor_obligations, _anchor_vector),
        AxiomSpec("anchoring", "M3", "T(q) >= alpha p componentwise", r"T(q) \ge \alpha\, p", _anchoring_obligations, _anchoring_vector),
        AxiomSpec("positivity", "M5", "T(q) > 0 componentwise", r"T(q) \in \Delta_n^\circ", _positivity_obligations, _positivity_vector),
    )
}


@dataclass(frozen=True)
class Axiom:
    """One axiom applied to one operator."""

    spec: AxiomSpec
    operator: Operator

    def __post_init__(self) -> None:
        if self.operator.kind is not Kind.META:
            raise ModelError(f"axiom {self.spec.name} is a meta axiom; {self.operator.name} is {self.operator.kind.value}")

    def obligations(self) -> list[Obligation]:
        return self.spec.obligations(self.operator)

    def vector_formula(self, n: int) -> sp.Basic:
        return self.spec.vector(self.operator, n)

    def violated_at(self, point: Point) -> bool | None:
        """Exact replay: True if the axiom fails at ``point``; None if undecidable exactly."""
        subs = self.operator.check_parameters(point.parameters)
        syms = self.operator.vector_inputs(point.n)
        for name, vec in point.sympy_inputs().items():
            subs.update(zip(syms[name], vec))
        value = self.vector_formula(point.n).xreplace(subs)
        if value in (sp.true, sp.false):
            return value is sp.false
        return None

    def text(self) -> str:
        return f"{self.spec.code} {self.spec.name}: {self.spec.text}"


def axiom(name: str, op: Operator) -> Axiom:
    try:
        return Axiom(META_AXIOMS[name], op)
    except KeyError:
        raise UnknownNameError("axiom", name, list(META_AXIOMS)) from None
