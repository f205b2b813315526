"""The registry of built-in operator families, keyed by the names users type.

Each family's formula is written here once, as an :class:`Operator` (the per-generation map
``T``), together with the process that turns ``T``'s output into the next student:

* ``exact``: ``q_{t+1} = T(q_t, ...)`` (realizable students, ``Pi_Q = id``);
* ``projection``: ``q_{t+1} = Pi_Q(T(q_t))`` onto an exponential family with features ``Phi``;
* ``multinomial``: ``q_{t+1} = X / N`` with ``X ~ Multinomial(N, T(q_t))``.

Structural sizes (memory ``k``, number of teachers ``m``) are arguments of the constructors.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import sympy as sp

from .domains import Parameter
from .errors import InputError, UnknownNameError
from .model import INDEX, SUM_INDEX, SUPPORT, Kind, Operator, real

ALPHA, TAU = real("alpha"), real("tau")
_I, _J = INDEX, SUM_INDEX


def _alpha(open_right: bool = False) -> Parameter:
    return Parameter(ALPHA, sp.And(0 < ALPHA, ALPHA < 1) if open_right else sp.And(0 < ALPHA, ALPHA <= 1))


def _tau() -> Parameter:
    return Parameter(TAU, TAU > 0)


def _weights(name: str, m: int) -> tuple[tuple[sp.Symbol, ...], tuple[Parameter, ...], sp.Basic]:
    """Weights ``name_1 .. name_m`` in the simplex: each in ``[0, 1]``, summing to one."""
    if m < 1:
        raise InputError(f"the number of {name} weights must be at least 1, got {m}")
    ws = tuple(real(f"{name}_{k}") for k in range(1, m + 1))
    return ws, tuple(Parameter(w, sp.And(0 <= w, w <= 1)) for w in ws), sp.Eq(sp.Add(*ws), 1)


def _power_softmax(x: sp.IndexedBase) -> sp.Expr:
    """``S_tau(x)_i = x_i^{1/tau} / sum_j x_j^{1/tau}`` (power softening, normalized by a Sum)."""
    return x[_I] ** (1 / TAU) / sp.Sum(x[_J] ** (1 / TAU), (_J, 1, SUPPORT))


def unanchored() -> Operator:
    """F0, unanchored self-distillation ``T(q) = q``; ``alpha`` is the anchor weight that M3
    asks for (the map ignores it), so that the anchoring axiom can be stated and refuted."""
    q = sp.IndexedBase("q")
    return Operator("unanchored", Kind.META, ("p", "q"), q[_I], (_alpha(),), roles={"anchor_weight": ALPHA},
                    title="F0 unanchored self-distillation")


def softened_self() -> Operator:
    """F0 with softening, ``T(q) = S_tau(q)`` (power softening)."""
    q = sp.IndexedBase("q")
    return Operator("softened-self", Kind.META, ("p", "q"), q[_I] ** (1 / TAU), (_tau(),), normalize=True,
                    roles={"temperature": TAU}, title="F0 softened self-distillation")


def linear_anchor() -> Operator:
    """F1, the linear anchor ``T(q) = alpha p + (1 - alpha) q`` with ``0 < alpha <= 1``."""
    p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
    return Operator("linear-anchor", Kind.META, ("p", "q"), ALPHA * p[_I] + (1 - ALPHA) * q[_I], (_alpha(),),
                    roles={"anchor_weight": ALPHA}, title="F1 linear anchor")


def multi_teacher_anchor(m: int = 2, aggregation: str = "arithmetic") -> Operator:
    """F2, ``T(q) = alpha A_w(p1..pm) + (1 - alpha) q`` with arithmetic or geometric ``A_w``."""
    ws, wparams, total = _weights("w", m)
    teachers = [sp.IndexedBase(f"p{k}") for k in range(1, m + 1)]
    q = sp.IndexedBase("q")
    if aggregation == "arithmetic":
        anchor = sp.Add(*(w * t[_I] for w, t in zip(ws, teachers)))
    elif aggregation == "geometric":
        anchor = sp.Mul(*(t[_I] ** w for w, t in zip(ws, teachers))) / sp.Sum(
            sp.Mul(*(t[_J] ** w for w, t in zip(ws, teachers))), (_J, 1, SUPPORT))
    else:
        raise InputError(f"aggregation {aggregation!r} is neither 'arithmetic' nor 'geometric'")
    name = "multi-teacher-anchor" if aggregation == "arithmetic" else "multi-teacher-geometric-anchor"
    return Operator(name, Kind.META, tuple(f"p{k}" for k in range(1, m + 1)) + ("q",),
                    ALPHA * anchor + (1 - ALPHA) * q[_I], (_alpha(),) + wparams,
                    roles={"anchor_weight": ALPHA, "anchor": anchor}, constraints=(total,),
                    title=f"F2 multi-teacher anchor ({aggregation})")


def memory_anchor(k: int = 2) -> Operator:
    """F3, ``T = alpha p + (1 - alpha) sum_j beta_j q_{t-j}`` with memory ``k`` and ``beta`` in the simplex.

    Inputs: the anchor ``p``, the current student ``q`` and the older students ``q1 .. q{k-1}``."""
    betas, bparams, total = _weights("beta", k)
    students = ["q"] + [f"q{j}" for j in range(1, k)]
    p = sp.IndexedBase("p")
    mix = sp.Add(*(b * sp.IndexedBase(s)[_I] for b, s in zip(betas, students)))
    return Operator("memory-anchor", Kind.META, ("p", *students), ALPHA * p[_I] + (1 - ALPHA) * mix,
                    (_alpha(),) + bparams, roles={"anchor_weight": ALPHA}, constraints=(total,),
                    title=f"F3 memory-{k} anchor")


def geometric_anchor() -> Operator:
    """F4, ``T(q) ∝ p^alpha q^(1 - alpha)`` (normalized), ``0 < alpha < 1``."""
    p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
    return Operator("geometric-anchor", Kind.META, ("p", "q"), p[_I] ** ALPHA * q[_I] ** (1 - ALPHA),
                    (_alpha(open_right=True),), normalize=True, roles={"anchor_weight": ALPHA},
                    title="F4 geometric anchor")


def softened_anchor() -> Operator:
    """F5, ``T(q) = alpha p + (1 - alpha) S_tau(q)`` with power softening."""
    p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
    return Operator("softened-anchor", Kind.META, ("p", "q"), ALPHA * p[_I] + (1 - ALPHA) * _power_softmax(q),
                    (_alpha(), _tau()), roles={"anchor_weight": ALPHA, "temperature": TAU},
                    title="F5 softened anchor")


def capacity_anchor() -> Operator:
    """F6, the linear anchor followed by the projection ``Pi_Q`` onto ``Q_Phi`` (see PROCESSES)."""
    op = linear_anchor()
    return Operator("capacity-anchor", op.kind, op.inputs, op.component, op.parameters, roles=dict(op.roles),
                    title="F6 capacity-constrained anchor")


def sampled_anchor() -> Operator:
    """F7, the linear anchor followed by multinomial resampling of ``N`` draws (see PROCESSES)."""
    op = linear_anchor()
    return Operator("sampled-anchor", op.kind, op.inputs, op.component, op.parameters, roles=dict(op.roles),
                    title="F7 finite-sample anchor")


def power_softening() -> Operator:
    """Power softening ``S_tau(p)_i ∝ p_i^{1/tau}`` (softmax of logits over tau)."""
    p = sp.IndexedBase("p")
    return Operator("power-softening", Kind.SOFTENING, ("p",), p[_I] ** (1 / TAU), (_tau(),), normalize=True,
                    roles={"temperature": TAU, "identity": sp.Integer(1)}, title="power softening")


def linear_smoothing() -> Operator:
    """Linear smoothing ``S_tau(p) = p / tau + (1 - 1/tau) u``."""
    p = sp.IndexedBase("p")
    return Operator("linear-smoothing", Kind.SOFTENING, ("p",), p[_I] / TAU + (1 - 1 / TAU) / SUPPORT, (_tau(),),
                    roles={"temperature": TAU, "identity": sp.Integer(1)}, title="linear smoothing")


def top_k_renormalization(k: int = 2) -> Operator:
    """Top-k renormalization: keep the entries of ``p`` that have fewer than ``k`` entries strictly
    above them, and renormalize.  Ties at the k-th largest value are all kept (the rule is
    deterministic and label-symmetric); without ties exactly the k largest are kept.  The count
    is ``sum_j H(p_j - p_i)`` with ``H(0) = 0``.  ``k`` is structural, like the memory of F3."""
    if k < 1:
        raise InputError(f"top-k renormalization needs k >= 1, got k={k}")
    p = sp.IndexedBase("p")
    above = sp.Sum(sp.Heaviside(p[SUM_INDEX] - p[_I], 0), (SUM_INDEX, 1, SUPPORT))
    return Operator("top-k-renormalization", Kind.SOFTENING, ("p",), sp.Piecewise((p[_I], above < k), (0, True)), (),
                    normalize=True, title=f"top-{k} renormalization")


def arithmetic_aggregation(m: int = 2) -> Operator:
    """Arithmetic aggregation ``A_w(p1..pm) = sum_k w_k p^k``."""
    ws, wparams, total = _weights("w", m)
    teachers = tuple(f"p{k}" for k in range(1, m + 1))
    comp = sp.Add(*(w * sp.IndexedBase(t)[_I] for w, t in zip(ws, teachers)))
    return Operator("arithmetic-aggregation", Kind.AGGREGATION, teachers, comp, wparams,
                    roles={"weights": ws}, constraints=(total,), title="arithmetic aggregation")


def geometric_aggregation(m: int = 2) -> Operator:
    """Geometric aggregation ``A_w(p1..pm) ∝ prod_k (p^k)^{w_k}`` (normalized)."""
    ws, wparams, total = _weights("w", m)
    teachers = tuple(f"p{k}" for k in range(1, m + 1))
    comp = sp.Mul(*(sp.IndexedBase(t)[_I] ** w for w, t in zip(ws, teachers)))
    return Operator("geometric-aggregation", Kind.AGGREGATION, teachers, comp, wparams, normalize=True,
                    roles={"weights": ws}, constraints=(total,), title="geometric aggregation")


@dataclass(frozen=True)
class FamilySpec:
    """A registered family: its theory id, its constructor and its student process."""

    name: str
    code: str
    build: Callable[..., Operator]
    process: str = "exact"
    summary: str = ""


_SPECS = (
    FamilySpec("unanchored", "F0", unanchored, summary="T(q) = q"),
    FamilySpec("softened-self", "F0", softened_self, summary="T(q) = S_tau(q)"),
    FamilySpec("linear-anchor", "F1", linear_anchor, summary="T(q) = alpha p + (1-alpha) q"),
    FamilySpec("multi-teacher-anchor", "F2", multi_teacher_anchor, summary="F1 with p = sum_k w_k p^k"),
    FamilySpec("multi-teacher-geometric-anchor", "F2", lambda m=2: multi_teacher_anchor(m, "geometric"),
               summary="F1 with p ∝ prod_k (p^k)^{w_k}"),
    FamilySpec("memory-anchor", "F3", memory_anchor, summary="T = alpha p + (1-alpha) sum_j beta_j q_{t-j}"),
    FamilySpec("geometric-anchor", "F4", geometric_anchor, summary="T(q) ∝ p^alpha q^(1-alpha)"),
    FamilySpec("softened-anchor", "F5", softened_anchor, summary="T(q) = alpha p + (1-alpha) S_tau(q)"),
    FamilySpec("capacity-anchor", "F6", capacity_anchor, "projection", "q' = Pi_Q(alpha p + (1-alpha) q)"),
    FamilySpec("sampled-anchor", "F7", sampled_anchor, "multinomial", "q' = Multinomial(N, alpha p + (1-alpha) q)/N"),
    FamilySpec("power-softening", "S", power_softening, summary="S_tau(p)_i ∝ p_i^(1/tau)"),
    FamilySpec("linear-smoothing", "S", linear_smoothing, summary="S_tau(p) = p/tau + (1-1/tau) u"),
    FamilySpec("top-k-renormalization", "S", top_k_renormalization, summary="keep the k largest entries, renormalize"),
    FamilySpec("arithmetic-aggregation", "A", arithmetic_aggregation, summary="A_w = sum_k w_k p^k"),
    FamilySpec("geometric-aggregation", "A", geometric_aggregation, summary="A_w ∝ prod_k (p^k)^{w_k}"),
)

#: Family name -> spec.  Constructors build fresh immutable models.
FAMILIES: Mapping[str, FamilySpec] = MappingProxyType({s.name: s for s in _SPECS})


def family_spec(name: str) -> FamilySpec:
    try:
        return FAMILIES[name]
    except KeyError:
        raise UnknownNameError("operator family", name, list(FAMILIES)) from None


def family(name: str, **structure: int) -> Operator:
    """The operator model of a built-in family (``structure``: e.g. ``k=3`` for memory-anchor)."""
    return family_spec(name).build(**structure)
