"""The shared catalogue of cases: operators and statements with known verdicts.

Each case names what the theory (or simple algebra) says about it.  Planted bugs are
statements or operators with a known violation: the search must refute them with a witness
that replays exactly, and must never refute a true case.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import sympy as sp

from kdaxioms.symbolic.domains import Parameter
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.model import INDEX, Kind, Operator, real
from kdaxioms.symbolic.statements import Contraction, Relation

ALPHA = real("alpha")
P, Q = sp.IndexedBase("p"), sp.IndexedBase("q")


def meta(name: str, component: sp.Expr) -> Operator:
    """A meta operator of (p, q) with the parameter 0 < alpha <= 1 as anchor weight."""
    return Operator(name, Kind.META, ("p", "q"), component,
                    (Parameter(ALPHA, sp.And(0 < ALPHA, ALPHA <= 1)),), roles={"anchor_weight": ALPHA})


@dataclass(frozen=True)
class ContractionCase:
    id: str
    build: Callable[[], Contraction]
    holds: bool
    #: The divergence computed independently of kdaxioms, on fractions: (x, y) -> D(x||y).
    direct: Callable[[list[Fraction], list[Fraction]], Fraction] | None = None


def _tv(x, y):
    return sum(abs(a - b) for a, b in zip(x, y)) / 2


def _chi2(x, y):
    return sum((a - b) ** 2 / b for a, b in zip(x, y))


def _l2(x, y):
    return sum((a - b) ** 2 for a, b in zip(x, y))


def _f1(d: str, factor, relation: Relation, **kw) -> Callable[[], Contraction]:
    return lambda: Contraction(family("linear-anchor"), divergence(d), factor, relation, **kw)


CONTRACTIONS = [
    ContractionCase("tv-identity", _f1("tv", 1 - ALPHA, Relation.EQ), True, _tv),
    ContractionCase("chi2-identity", _f1("chi2", (1 - ALPHA) ** 2, Relation.EQ), True, _chi2),
    ContractionCase("l2-identity", _f1("l2", (1 - ALPHA) ** 2, Relation.EQ), True, _l2),
    ContractionCase("planted-chi2-cubed", _f1("chi2", (1 - ALPHA) ** 3, Relation.LE), False, _chi2),
    ContractionCase("planted-tv-squared", _f1("tv", (1 - ALPHA) ** 2, Relation.LE), False, _tv),
    ContractionCase("planted-tv-identity-squared", _f1("tv", (1 - ALPHA) ** 2, Relation.EQ), False, _tv),
    ContractionCase("planted-l2-linear-identity", _f1("l2", 1 - ALPHA, Relation.EQ), False, _l2),
    ContractionCase("planted-chi2-half", _f1("chi2", (1 - ALPHA) ** 2 / 2, Relation.LE), False, _chi2),
]


@dataclass(frozen=True)
class AxiomCase:
    """An operator and, per meta axiom, whether it holds."""

    id: str
    build: Callable[[], Operator]
    holds: dict[str, bool]
    #: The operator computed independently, on fractions: (p, q, alpha) -> T(q).
    direct: Callable[[list[Fraction], list[Fraction], Fraction], list[Fraction]]


AXIOMS = [
    AxiomCase("linear-anchor", lambda: family("linear-anchor"),
              {"closure": True, "anchor-fixed-point": True, "anchoring": True, "positivity": True},
              lambda p, q, a: [a * x + (1 - a) * y for x, y in zip(p, q)]),
    AxiomCase("planted-unanchored", lambda: meta("unanchored", Q[INDEX]),
              {"closure": True, "anchor-fixed-point": True, "anchoring": False, "positivity": False},
              lambda p, q, a: list(q)),
    AxiomCase("planted-overshoot", lambda: meta("overshoot", (1 + ALPHA) * Q[INDEX] - ALPHA * P[INDEX]),
              {"closure": False, "anchor-fixed-point": True, "anchoring": False, "positivity": False},
              lambda p, q, a: [(1 + a) * y - a * x for x, y in zip(p, q)]),
    AxiomCase("planted-squared-student", lambda: meta("squared", ALPHA * P[INDEX] + (1 - ALPHA) * Q[INDEX] ** 2),
              {"closure": False, "anchor-fixed-point": False, "anchoring": True, "positivity": True},
              lambda p, q, a: [a * x + (1 - a) * y ** 2 for x, y in zip(p, q)]),
    AxiomCase("planted-half-anchor", lambda: meta("half-anchor", ALPHA / 2 * P[INDEX] + (1 - ALPHA / 2) * Q[INDEX]),
              {"closure": True, "anchor-fixed-point": True, "anchoring": False, "positivity": True},
              lambda p, q, a: [a / 2 * x + (1 - a / 2) * y for x, y in zip(p, q)]),
]


@dataclass(frozen=True)
class AuditCase:
    """An operator file's contents and the verdicts the audit must reach (axiom -> verdict)."""

    id: str
    data: dict
    expected: dict[str, str]


def _meta(component: str, **extra) -> dict:
    data = {"name": "planted", "kind": "meta", "component": component,
            "parameters": {"alpha": "0 < alpha <= 1"}, "roles": {"anchor_weight": "alpha"}}
    data.update(extra)
    return data


def _soft(component: str, normalize: bool = False) -> dict:
    return {"name": "planted", "kind": "softening", "component": component, "normalize": normalize,
            "parameters": {"tau": "tau > 0"}}


def _agg(component: str, normalize: bool = False) -> dict:
    return {"name": "planted", "kind": "aggregation", "component": component, "normalize": normalize,
            "parameters": {"w": "0 <= w <= 1"}, "roles": {"weights": ["w", "1 - w"]}}


YES, NO = "proved", "refuted"
AUDITS = [
    AuditCase("linear-anchor", _meta("alpha*p[i] + (1 - alpha)*q[i]"),
              {"closure": YES, "anchor-fixed-point": YES, "anchoring": YES, "positivity": YES, "label-symmetry": YES,
               "remainder-nonexpansive-tv": YES, "remainder-nonexpansive-l2": YES}),
    AuditCase("unanchored", _meta("q[i]"), {"closure": YES, "anchor-fixed-point": YES, "anchoring": NO, "positivity": NO}),
    AuditCase("overshoot", _meta("(1 + alpha)*q[i] - alpha*p[i]"), {"closure": NO, "anchor-fixed-point": YES, "anchoring": NO}),
    AuditCase("squared-student", _meta("alpha*p[i] + (1 - alpha)*q[i]**2"),
              {"closure": NO, "anchor-fixed-point": NO, "anchoring": YES, "positivity": YES}),
    AuditCase("half-anchor", _meta("alpha/2*p[i] + (1 - alpha/2)*q[i]"), {"anchoring": NO, "positivity": YES, "closure": YES}),
    AuditCase("capped-anchor-narrow", _meta("Min(alpha, 99/100)*p[i] + (1 - Min(alpha, 99/100))*q[i]"),
              {"anchoring": NO, "closure": YES, "positivity": YES}),
    AuditCase("index-dependent", _meta("alpha*p[i] + (1 - alpha)*q[i] + (i - 1)*(q[i] - p[i])/10"),
              {"label-symmetry": NO}),
    AuditCase("memory-2", _meta("alpha*p[i] + (1 - alpha)*(beta*q[i] + (1 - beta)*q1[i])", memory=2,
                                parameters={"alpha": "0 < alpha <= 1", "beta": "0 <= beta <= 1"}),
              {"closure": YES, "anchor-fixed-point": YES, "anchoring": YES, "positivity": YES, "remainder-nonexpansive-l2": YES}),
    AuditCase("expansive-remainder", _meta("alpha*p[i] + (1 - alpha)*(2*q[i] - p[i])"),
              {"remainder-nonexpansive-tv": NO, "remainder-nonexpansive-l2": NO, "anchor-fixed-point": YES, "closure": NO}),
    AuditCase("geometric-anchor", _meta("p[i]**alpha*q[i]**(1 - alpha)", normalize=True,
                                        parameters={"alpha": "0 < alpha < 1"}),
              {"anchoring": NO, "positivity": NO, "anchor-fixed-point": YES}),
    AuditCase("power-softening", _soft("p[i]**(1/tau)", True), {"closure": YES, "ranking": YES, "identity": YES, "continuity": YES}),
    AuditCase("linear-smoothing", _soft("p[i]/tau + (1 - 1/tau)/n"), {"closure": NO, "ranking": YES, "identity": YES}),
    AuditCase("order-reversing", _soft("(1 - p[i])/(n - 1)"), {"closure": YES, "ranking": NO, "identity": NO}),
    AuditCase("squaring-softener", _soft("p[i]**(2/tau)", True), {"identity": NO, "ranking": YES, "closure": YES}),
    AuditCase("arithmetic-aggregation", _agg("w*p1[i] + (1 - w)*p2[i]"),
              {"closure": YES, "positivity": YES, "unanimity": YES, "weight-monotone-tv": YES, "weight-monotone-l2": YES,
               "temperature-coherence": NO}),
    AuditCase("max-aggregation", _agg("Max(p1[i], p2[i])"), {"closure": NO, "unanimity": YES}),
    AuditCase("mass-creating", _agg("(w*p1[i] + (1 - w)*p2[i] + 1/100)/(1 + n/100)"),
              {"closure": YES, "positivity": NO, "unanimity": NO}),
    AuditCase("geometric-aggregation", _agg("p1[i]**w*p2[i]**(1 - w)", True), {"unanimity": YES, "continuity": YES}),
]
