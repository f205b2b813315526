"""The shapes proving routes recognize (symbolic/shapes.py, symbolic/power_shape.py): recognized
whatever the names and however the formula is written, and never a different map.  The last
four are the reproducers of the review of issue 13."""

from __future__ import annotations

from fractions import Fraction as F

import sympy as sp

from kdaxioms.proofs.audit import _stronger
from kdaxioms.smt.audit import AuditResult
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.opfile import operator_from_data
from kdaxioms.symbolic.outcome import DISAGREEMENT, PROVED, UNKNOWN
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.power_shape import AXIOMS, prove_power_axiom
from kdaxioms.symbolic.shapes import normalized, power_weight, sign_on_domain


def _soft(component: str, normalize: bool = True, **extra) -> object:
    data = {"name": "s", "kind": "softening", "component": component, "normalize": normalize,
            "parameters": {"t": "t > 0"}, "roles": {"temperature": "t"}}
    for key, value in extra.items():
        data[key] = value if not isinstance(value, dict) else {**data.get(key, {}), **value}
    return operator_from_data(data)


def test_power_softening_written_four_ways_is_one_shape_and_gets_every_proof():
    for op in (family("power-softening"), _soft("p[i]**(1/t)"), _soft("(p[i]**2)**(1/(2*t))"),
               _soft("p[i]**(1/t)/Sum(p[j]**(1/t), (j, 1, n))", normalize=False)):
        shape = power_weight(op)
        assert shape is not None and shape.at_zero == 0, op.component
        assert all(prove_power_axiom(op, name).verdict == PROVED for name in AXIOMS), op.component


def test_a_sharpening_power_is_ranked_but_neither_softens_nor_has_the_limits():
    op = _soft("p[i]**t")
    assert prove_power_axiom(op, "ranking").verdict == PROVED
    assert prove_power_axiom(op, "entropy-monotone").verdict == UNKNOWN
    assert prove_power_axiom(op, "boundary").verdict == UNKNOWN


def test_signs_on_a_closed_interval_include_its_ends():
    op = operator_from_data({"name": "a", "kind": "aggregation", "component": "w*p1[i] + (1 - w)*p2[i]",
                             "parameters": {"w": "0 <= w <= 1"}, "roles": {"weights": ["w", "1 - w"]}})
    (w,) = op.parameter_symbols
    assert sign_on_domain(1 - w, op, ">=") and not sign_on_domain(1 - w, op, ">")
    assert sign_on_domain(w * (1 - w), op, ">=") and not sign_on_domain(w - sp.Rational(1, 2), op, ">=")


def test_a_sum_that_reads_the_index_i_is_no_normalization():
    op = _soft("p[i]**2/Sum(p[j]*p[i], (j, 1, n))", normalize=False)  # = p_i / sum_j p_j
    assert normalized(op) is op


def test_an_exponent_whose_sign_depends_on_an_absolute_value_is_not_reduced_as_if_positive():
    op = _soft("p[i]**(1/t - Abs(a))", parameters={"a": "-1/4 <= a <= 0"})
    assert power_weight(op) is None and prove_power_axiom(op, "ranking").verdict == UNKNOWN
    point = Point({"p": (F(3, 4), F(1, 4))}, {"t": F(8), "a": F(-1, 4)})
    assert axiom("ranking", op).violated_at(point) is True  # the exponent is negative at t = 8


def test_a_temperature_tied_by_a_constraint_gets_no_identity_or_limit_proof():
    op = _soft("p[i]**(1/t)", parameters={"a": "0 <= a <= 1"}, constraints=["t + a = 3"])
    assert prove_power_axiom(op, "identity").verdict == UNKNOWN
    assert prove_power_axiom(op, "boundary").verdict == UNKNOWN


def test_contradicting_smt_evidence_is_not_lost_behind_an_early_bounded_proof():
    early = AuditResult("entropy-monotone", "S3", PROVED, "n<=3", "symbolic-derivative", 0.0)
    later = AuditResult("entropy-monotone", "S3", DISAGREEMENT, None, "smt-vector", 0.0, reason="model failed replay")
    assert _stronger(early, later).verdict == DISAGREEMENT
