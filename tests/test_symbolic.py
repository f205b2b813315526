from fractions import Fraction

import pytest
import sympy as sp

from kdaxioms.symbolic.contraction import joint_convexity, prove_by_convexity, prove_identity
from kdaxioms.symbolic.divergences import DIVERGENCES, X, Y, divergence
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.recursion import Q0, T_STEP, prove_envelope, prove_fixed_point, trajectory
from kdaxioms.symbolic.statements import Contraction, Relation

from catalogue import ALPHA, CONTRACTIONS, meta, P, Q, INDEX

F1 = family("linear-anchor")


@pytest.mark.parametrize("case", [c for c in CONTRACTIONS if c.build().relation is Relation.EQ], ids=lambda c: c.id)
def test_identity_method_proves_exactly_the_true_identities(case):
    outcome = prove_identity(case.build())
    assert (outcome.verdict == "proved") == case.holds
    if case.holds:
        assert outcome.scope == "all-n"


@pytest.mark.parametrize("name, reverse", [("kl", False), ("kl", True), ("h2", False), ("chi2", False), ("l2", False)])
def test_convexity_method_proves_one_step_inequalities(name, reverse):
    c = Contraction(F1, divergence(name), 1 - ALPHA, Relation.LE, reverse=reverse, strict=True)
    assert prove_by_convexity(c).verdict == "proved"


def test_convexity_method_refuses_a_wrong_factor():
    c = Contraction(F1, divergence("kl"), (1 - ALPHA) ** 2, Relation.LE)
    out = prove_by_convexity(c)
    assert out.verdict == "unknown" and "factor" in out.reason


def test_convexity_method_needs_a_convex_combination():
    overshoot = meta("overshoot", (1 + ALPHA) * Q[INDEX] - ALPHA * P[INDEX])
    out = prove_by_convexity(Contraction(overshoot, divergence("kl"), 1 - ALPHA, Relation.LE))
    assert out.verdict == "unknown"


def test_joint_convexity_rejects_a_non_convex_term():
    convex, _ = joint_convexity(-X * sp.log(X / Y))
    assert convex is None
    assert joint_convexity(DIVERGENCES["kl"].term)[0] is True


def test_trajectory_matches_direct_iteration():
    traj = trajectory(F1)
    p, q0, a = Fraction(1, 7), Fraction(5, 6), Fraction(2, 9)
    q = q0
    for t in range(12):
        value = traj.expression.xreplace({T_STEP: t, Q0: sp.Rational(q0), F1.coordinate_inputs()["p"]: sp.Rational(p),
                                          ALPHA: sp.Rational(a)})
        assert value == sp.Rational(q)
        q = a * p + (1 - a) * q


def test_trajectory_base_and_t_step_weight():
    traj = trajectory(F1)
    assert sp.simplify(traj.base - (1 - ALPHA)) == 0
    assert sp.simplify(traj.anchor_weight() - (1 - (1 - ALPHA) ** T_STEP)) == 0


def test_fixed_point_and_envelope_are_proved():
    assert prove_fixed_point(F1).verdict == "proved"
    assert prove_envelope(Contraction(F1, divergence("kl"), 1 - ALPHA, Relation.LE)).verdict == "proved"


def test_unanchored_operator_has_no_unique_fixed_point():
    unanchored = meta("unanchored", Q[INDEX])
    assert prove_fixed_point(unanchored).verdict == "unknown"


def test_certified_truth_refuses_a_relation_undefined_at_the_point():
    # Eq(1/x, 1) at x = 0 would fold to False (zoo != 1) and pass for a violation.
    import sympy as sp
    from kdaxioms.symbolic.certify import certified_truth
    x = sp.Symbol("x")
    assert certified_truth(sp.Eq(1 / x, 1), {x: sp.Integer(0)}) is None
    assert certified_truth(sp.Not(sp.Eq(x ** (1 / x), 1)), {x: sp.Integer(0)}) is None
    assert certified_truth(sp.Eq(1 / x, 1), {x: sp.Integer(1)}) is True
    assert certified_truth(sp.Eq(1 / x, 1), {x: sp.Integer(2)}) is False


def test_certified_sign_encloses_isolated_real_roots():
    import sympy as sp
    from kdaxioms.symbolic.certify import certified_sign
    x = sp.Symbol("x")
    root = sp.CRootOf(x ** 3 + 11 * x ** 2 - 19 * x - 9, 2)  # 1.8553305570643...
    assert certified_sign(root - sp.Rational(18553305570643, 10 ** 13)) == 1
    assert certified_sign(root - sp.Rational(18553305570644, 10 ** 13)) == -1
    assert certified_sign(sp.CRootOf(x ** 2 - 2, 1) - sp.sqrt(2)) == 0
