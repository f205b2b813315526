"""The registry of built-in operator families, keyed by the names users type.

Each family's formula is written here once, as an :class:`Operator` (the per-generation map
``T``), together with the process that turns ``T``'s output into the next student:

* ``exact``: ``q_{t+1} = T(q_t, ...)`` (realizable students, ``Pi_Q = id``);
* ``projection``: ``q_{t+1} = Pi_Q(T(q_t))`` onto an exponential family with features ``Phi``;
* ``multinomial``: ``q_{t+1} = X / N`` with ``X ~ Multinomial(N, T(q_t))``.

Structural sizes (memory ``k``, number of teachers ``m``) are arguments of the constructors.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable, Mapping

import sympy as sp

from .errors import InputError, UnknownNameError
from .model import INDEX, SUM_INDEX, SUPPORT, Kind, Operator, real

ALPHA, TAU = real("alpha"), real("tau")
_I, _J = INDEX, SUM_INDEX


def _weight_data(name: str, m: int) -> tuple[list[str], dict[str, str], list[str]]:
    """The weights ``name_1 .. name_m`` of an operator file: names, domains ``[0, 1]``, and the
    constraint that they sum to one."""
    if not 1 <= m <= 16:
        raise InputError(f"the number of {name} weights must be from 1 to 16, got {m}")
    names = [f"{name}_{k}" for k in range(1, m + 1)]
    return names, {w: f"0 <= {w} <= 1" for w in names}, [" + ".join(names) + " = 1"]


# -- definitions: each family written once, as the data of an operator file ---------------------
# (examples/operators/NAME.toml holds the same data; tests/test_examples.py compares them)

def unanchored_data() -> dict:
    """F0, unanchored self-distillation ``T(q) = q``; ``alpha`` is the anchor weight that M3
    asks for (the map ignores it), so that the anchoring axiom can be stated and refuted."""
    return {"name": "unanchored", "title": "F0 unanchored self-distillation", "kind": "meta", "component": "q[i]",
            "parameters": {"alpha": "0 < alpha <= 1"}, "roles": {"anchor_weight": "alpha"}}


def linear_anchor_data() -> dict:
    """F1, the linear anchor ``T(q) = alpha p + (1 - alpha) q`` with ``0 < alpha <= 1``."""
    return {"name": "linear-anchor", "title": "F1 linear anchor", "kind": "meta",
            "component": "alpha*p[i] + (1 - alpha)*q[i]", "parameters": {"alpha": "0 < alpha <= 1"},
            "roles": {"anchor_weight": "alpha"}}


def memory_anchor_data(k: int = 2) -> dict:
    """F3, ``T = alpha p + (1 - alpha) sum_j beta_j q_{t-j}`` with memory ``k`` and ``beta`` in the
    simplex; inputs: the anchor ``p``, the current student ``q`` and the older students ``q1 .. q{k-1}``."""
    betas, domains, constraint = _weight_data("beta", k)
    students = ["q"] + [f"q{j}" for j in range(1, k)]
    mix = " + ".join(f"{b}*{s}[i]" for b, s in zip(betas, students))
    return {"name": "memory-anchor", "title": f"F3 memory-{k} anchor", "kind": "meta", "memory": k,
            "component": f"alpha*p[i] + (1 - alpha)*({mix})", "parameters": {"alpha": "0 < alpha <= 1", **domains},
            "constraints": constraint, "roles": {"anchor_weight": "alpha"}}


def geometric_anchor_data() -> dict:
    """F4, ``T(q) ∝ p^alpha q^(1 - alpha)`` (normalized), ``0 < alpha < 1``."""
    return {"name": "geometric-anchor", "title": "F4 geometric anchor", "kind": "meta",
            "component": "p[i]**alpha * q[i]**(1 - alpha)", "normalize": True,
            "parameters": {"alpha": "0 < alpha < 1"}, "roles": {"anchor_weight": "alpha"}}


def softened_anchor_data() -> dict:
    """F5, ``T(q) = alpha p + (1 - alpha) S_tau(q)`` with power softening (normalized by a Sum)."""
    return {"name": "softened-anchor", "title": "F5 softened anchor", "kind": "meta",
            "component": "alpha*p[i] + (1 - alpha)*q[i]**(1/tau)/Sum(q[j]**(1/tau), (j, 1, n))",
            "parameters": {"alpha": "0 < alpha <= 1", "tau": "tau > 0"},
            "roles": {"anchor_weight": "alpha", "temperature": "tau"}}


def power_softening_data() -> dict:
    """Power softening ``S_tau(p)_i ∝ p_i^{1/tau}`` (softmax of logits over tau)."""
    return {"name": "power-softening", "title": "power softening", "kind": "softening", "component": "p[i]**(1/tau)",
            "normalize": True, "parameters": {"tau": "tau > 0"}, "roles": {"temperature": "tau", "identity": "1"}}


def linear_smoothing_data() -> dict:
    """Linear smoothing ``S_tau(p) = p / tau + (1 - 1/tau) u``."""
    return {"name": "linear-smoothing", "title": "linear smoothing", "kind": "softening",
            "component": "p[i]/tau + (1 - 1/tau)/n", "parameters": {"tau": "tau > 0"},
            "roles": {"temperature": "tau", "identity": "1"}}


def arithmetic_aggregation_data(m: int = 2) -> dict:
    """Arithmetic aggregation ``A_w(p1..pm) = sum_k w_k p^k``."""
    ws, domains, constraint = _weight_data("w", m)
    return {"name": "arithmetic-aggregation", "title": "arithmetic aggregation", "kind": "aggregation", "teachers": m,
            "component": " + ".join(f"{w}*p{k}[i]" for k, w in enumerate(ws, 1)), "parameters": domains,
            "constraints": constraint, "roles": {"weights": ws}}


def geometric_aggregation_data(m: int = 2) -> dict:
    """Geometric aggregation ``A_w(p1..pm) ∝ prod_k (p^k)^{w_k}`` (normalized)."""
    ws, domains, constraint = _weight_data("w", m)
    return {"name": "geometric-aggregation", "title": "geometric aggregation", "kind": "aggregation", "teachers": m,
            "component": " * ".join(f"p{k}[i]**{w}" for k, w in enumerate(ws, 1)), "normalize": True,
            "parameters": domains, "constraints": constraint, "roles": {"weights": ws}}


def _from_data(data: Callable[..., dict]) -> Callable[..., Operator]:
    """The constructor of a family defined as operator-file data: the same parser as ``kdaxioms audit FILE``."""
    @functools.lru_cache(maxsize=32)  # a pure function of its arguments, returning an immutable model
    def parsed(structure: tuple[int, ...], named: tuple[tuple[str, int], ...]) -> Operator:
        from .opfile import operator_from_data  # (opfile reads files; families only needs its parser)
        return operator_from_data(data(*structure, **dict(named)), "built-in family")

    @functools.wraps(data)  # the data function's signature (k=2, m=2) is the family's structure
    def build(*structure: int, **named: int) -> Operator:
        return parsed(structure, tuple(sorted(named.items())))
    return build


unanchored = _from_data(unanchored_data)
linear_anchor = _from_data(linear_anchor_data)
geometric_anchor = _from_data(geometric_anchor_data)
softened_anchor = _from_data(softened_anchor_data)
power_softening = _from_data(power_softening_data)
linear_smoothing = _from_data(linear_smoothing_data)


memory_anchor = _from_data(memory_anchor_data)
arithmetic_aggregation = _from_data(arithmetic_aggregation_data)
geometric_aggregation = _from_data(geometric_aggregation_data)


def softened_self_data() -> dict:
    """F0 with softening, ``T(q) = S_tau(q)`` (power softening)."""
    return {"name": "softened-self", "title": "F0 softened self-distillation", "kind": "meta",
            "component": "q[i]**(1/tau)", "normalize": True, "parameters": {"tau": "tau > 0"},
            "roles": {"temperature": "tau"}}


softened_self = _from_data(softened_self_data)


def multi_teacher_anchor(m: int = 2, aggregation: str = "arithmetic") -> Operator:
    """F2, ``T(q) = alpha A_w(p1..pm) + (1 - alpha) q``: F1 with its anchor ``p`` replaced by the
    arithmetic or geometric aggregation of ``m`` teachers -- both taken from their own definitions
    (F1's ``alpha``, the aggregation's weights, their domains and constraint)."""
    if aggregation not in ("arithmetic", "geometric"):
        raise InputError(f"aggregation {aggregation!r} is neither 'arithmetic' nor 'geometric'")
    f1, agg = linear_anchor(), (arithmetic_aggregation if aggregation == "arithmetic" else geometric_aggregation)(m)
    coordinate = agg.component.xreplace({_I: _J})
    anchor = agg.component / sp.Sum(coordinate, (_J, 1, SUPPORT)) if agg.normalize else agg.component
    name = "multi-teacher-anchor" if aggregation == "arithmetic" else "multi-teacher-geometric-anchor"
    return Operator(name, Kind.META, agg.inputs + ("q",), f1.component.xreplace({sp.IndexedBase("p")[_I]: anchor}),
                    f1.parameters + agg.parameters, roles={"anchor_weight": f1.roles["anchor_weight"], "anchor": anchor},
                    constraints=agg.constraints, title=f"F2 multi-teacher anchor ({aggregation})")


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


def top_k_renormalization_data(k: int = 2) -> dict:
    """Top-k renormalization: keep the entries of ``p`` that have fewer than ``k`` entries strictly
    above them, and renormalize.  Ties at the k-th largest value are all kept (the rule is
    deterministic and label-symmetric); without ties exactly the k largest are kept.  The count
    is ``c_i = sum_j H(p_j - p_i)`` with the unit step ``H(0) = 0``, and ``c_i < k`` is written
    ``H(k - 1/2 - c_i)`` (``c_i`` is an integer).  ``k`` is structural, like the memory of F3."""
    if k < 1:
        raise InputError(f"top-k renormalization needs k >= 1, got k={k}")
    return {"name": "top-k-renormalization", "title": f"top-{k} renormalization", "kind": "softening",
            "component": f"p[i]*Heaviside({2 * k - 1}/2 - Sum(Heaviside(p[j] - p[i]), (j, 1, n)))",
            "normalize": True}


top_k_renormalization = _from_data(top_k_renormalization_data)


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
