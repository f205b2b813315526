"""Symbolic proofs of axioms with logarithms: A3 by the derivative along the raise (certificates
checked exactly), and M4 in KL by Jensen's inequality per coordinate; planted bugs are not proved."""

import sympy as sp

from kdaxioms.proofs.audit import audit_operator
from kdaxioms.smt.audit import audit_axiom
from kdaxioms.smt.decide import decide_obligations
from kdaxioms.symbolic.axioms import axiom, monotone_term
from kdaxioms.symbolic.contraction import convex_in_first
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.certificates import Domain
from kdaxioms.symbolic.monotone import (prove_by_derivative, prove_entropy_monotone, prove_weight_monotone,
                                         raise_derivative)
from kdaxioms.symbolic.obligations import Obligation
from kdaxioms.symbolic.opfile import operator_from_data
from kdaxioms.symbolic.outcome import PROVED, REFUTED, UNKNOWN


def _agg(component: str) -> dict:
    return {"name": "planted", "kind": "aggregation", "component": component,
            "parameters": {"w": "0 <= w <= 1"}, "roles": {"weights": ["w", "1 - w"]}}


def test_arithmetic_kl_certificate_is_chi_square():
    out = prove_weight_monotone(axiom("weight-monotone-kl", family("arithmetic-aggregation")))
    assert out.verdict == PROVED and out.scope == "n<=3"
    assert sum(r"\chi^2(p \| A)" in s for s in out.steps) == 4  # n = 2, 3 times two teachers


def test_geometric_reverse_kl_certificate_is_a_variance():
    out = prove_weight_monotone(axiom("weight-monotone-kl-reverse", family("geometric-aggregation")), (2,))
    assert out.verdict == PROVED and out.scope == "n<=2"
    assert all(r"\mathrm{Var}_{A}" in s for s in out.steps[1:])


def test_the_exact_check_rejects_a_form_that_is_off_by_a_little():
    ax = axiom("weight-monotone-kl", family("arithmetic-aggregation"))
    G, A, p = raise_derivative(ax, 2, 0, monotone_term(ax.spec.name))
    chi2 = sum((a - b) ** 2 / b for a, b in zip(p, A))
    domain = Domain(ax.operator, 2)
    assert domain.is_zero(G + chi2)
    assert not domain.is_zero(G + chi2 * (1 + sp.Rational(1, 10**12)))


def test_false_a3_is_not_proved():
    # THEORY C11: A3 in L2 is FALSE for geometric aggregation
    assert prove_weight_monotone(axiom("weight-monotone-l2", family("geometric-aggregation")), (2,)).verdict == UNKNOWN
    # planted bug: the weight w multiplies the *other* teacher, so raising it moves away from p1
    reversed_agg = operator_from_data(_agg("(1 - w)*p1[i] + w*p2[i]"))
    for name in ("weight-monotone-kl", "weight-monotone-kl-reverse"):
        assert prove_weight_monotone(axiom(name, reversed_agg), (2,)).verdict == UNKNOWN
    (r,) = audit_operator(reversed_agg, ["weight-monotone-kl"], max_n=2, timeout_ms=2000, sizes=(2,))
    assert r.verdict == REFUTED and r.witness is not None


def test_tv_has_no_derivative_route():
    out = prove_weight_monotone(axiom("weight-monotone-tv", family("arithmetic-aggregation")))
    assert out.verdict == UNKNOWN and "differentiable" in out.reason


def test_the_audit_derivative_route_proves_up_to_max_n_and_at_most_n3():
    """The derivative's certificates, up to --max-n and at most n = 3 (the audit's route itself;
    both aggregations' KL monotonicity is now proved for every n by other routes)."""
    from kdaxioms.proofs.audit import _derivative
    from kdaxioms.symbolic.budget import Deadline
    ax = axiom("weight-monotone-kl-reverse", family("arithmetic-aggregation"))
    for max_n, scope in ((2, "n<=2"), (3, "n<=3"), (6, "n<=3")):  # certificates stop at n = 3
        out = _derivative(ax, Deadline.unbounded(), max_n, None)
        assert out.verdict == PROVED and out.scope == scope, (max_n, out)


def test_arithmetic_kl_weight_monotonicity_holds_for_every_n_per_coordinate():
    """Arithmetic aggregation: the raise moves c_i on a segment toward p^k_i, so Jensen and Gibbs
    give every n (the per-coordinate route beats the derivative's n <= 3)."""
    for name in ("weight-monotone-kl", "weight-monotone-kl-reverse"):
        (r,) = audit_operator(family("arithmetic-aggregation"), [name], max_n=3)
        assert (r.verdict, r.route, r.scope) == (PROVED, "symbolic-coordinate", "all-n"), (name, r)


def test_convexity_in_the_first_argument():
    assert convex_in_first(lambda a, b: a * sp.log(a / b))[0] is True
    assert convex_in_first(lambda a, b: (a - b) ** 2)[0] is True
    assert convex_in_first(lambda a, b: -a * sp.log(a / b))[0] is None      # concave
    assert convex_in_first(lambda a, b: b * sp.log(b / a))[0] is None       # not finite at a -> 0+


def test_a_failing_lemma_leaves_the_obligation_unknown():
    op = family("linear-anchor")
    ob = Obligation("lemma that does not hold", sp.true, sp.false, lemma=lambda: (None, ("not established",)))
    out = decide_obligations(op, [ob], None)
    assert out.verdict == UNKNOWN and "not established" in out.steps


def test_m4_in_kl_by_jensen_for_every_memory():
    for op in (family("linear-anchor"), family("memory-anchor", k=2), family("memory-anchor", k=3)):
        r = audit_axiom(axiom("remainder-nonexpansive-kl", op))
        assert r.verdict == PROVED and r.scope == "all-n" and r.route == "symbolic-coordinate", (op.name, r)
        assert any(r"\lemmaref{jensen}" in s for s in r.steps)


def test_m4_in_kl_is_not_proved_when_the_remainder_is_not_a_mixture():
    # remainder 2q - p: not a combination of the students, so the Jensen lemma does not apply
    op = operator_from_data({"name": "planted", "kind": "meta", "component": "alpha*p[i] + (1 - alpha)*(2*q[i] - p[i])",
                             "parameters": {"alpha": "0 < alpha <= 1"}, "roles": {"anchor_weight": "alpha"}})
    assert audit_axiom(axiom("remainder-nonexpansive-kl", op)).verdict == UNKNOWN


def test_entropy_monotonicity_of_power_softening_has_the_variance_certificate():
    # THEORY C10: dH/d(1/tau) = -(1/tau) Var(log p) under S_tau(p), i.e. dH/dtau = Var(log p) / tau^3
    out = prove_entropy_monotone(axiom("entropy-monotone", family("power-softening")))
    assert out.verdict == PROVED and out.scope == "n<=3"
    assert all(r"\frac{1}{\tau^{3}}" in s and r"\mathrm{Var}_{A}(\log p)" in s for s in out.steps)


def test_certificates_need_the_output_in_the_simplex():
    # linear smoothing leaves the simplex for tau < 1: no lemma behind the forms applies
    out = prove_entropy_monotone(axiom("entropy-monotone", family("linear-smoothing")))
    assert out.verdict == UNKNOWN and "simplex" in out.reason
    # planted bug: a sharpening "softener" (entropy decreases in tau) is never proved
    sharpen = operator_from_data({"name": "planted", "kind": "softening", "component": "p[i]**tau", "normalize": True,
                                  "parameters": {"tau": "tau > 0"}, "roles": {"temperature": "tau"}})
    assert prove_entropy_monotone(axiom("entropy-monotone", sharpen)).verdict == UNKNOWN


def test_a3_in_tv_is_decided_for_every_n_by_the_direction_of_the_raise():
    # THEORY C11 leaves A3 in TV for geometric aggregation to the tool: the raise is an exponential tilt
    geo = prove_by_derivative(axiom("weight-monotone-tv", family("geometric-aggregation")))
    assert geo.verdict == PROVED and geo.scope == "all-n" and all("exponential tilt" in s for s in geo.steps[1:])
    ar = prove_by_derivative(axiom("weight-monotone-tv", family("arithmetic-aggregation")))
    assert ar.verdict == PROVED and ar.scope == "all-n" and all("mixture path" in s for s in ar.steps[1:])
    for component, normalize in (("(1 - w)*p1[i] + w*p2[i]", False), ("p1[i]**(1 - w)*p2[i]**w", True)):
        planted = operator_from_data(_agg(component) | {"normalize": normalize})  # weight on the wrong teacher
        assert prove_by_derivative(axiom("weight-monotone-tv", planted)).verdict == UNKNOWN


def test_audit_decides_geometric_tv_after_z3_times_out():
    (r,) = audit_operator(family("geometric-aggregation"), ["weight-monotone-tv"], max_n=3, timeout_ms=500)
    assert r.verdict == PROVED and r.route == "symbolic-derivative" and r.scope == "all-n"


def test_a_constraint_with_several_solution_branches_certifies_nothing():
    # w1^2 + w2^2 = 1 solves to w2 = +-sqrt(1 - w1^2): an identity on one branch proves nothing
    import dataclasses
    op = family("arithmetic-aggregation")
    w1, w2 = op.parameter_symbols
    bent = dataclasses.replace(op, constraints=(sp.Eq(w1**2 + w2**2, 1),))
    domain = Domain(bent, 2)
    assert domain.points == [] and not domain.distribution(bent.vector(2))
    assert Domain(op, 2).points and Domain(op, 2).distribution(op.vector(2))


def test_without_a_budget_the_sized_derivative_route_runs_only_when_smt_falls_short(monkeypatch):
    """The derivative route's certificates for n <= 3 are the costliest checks of an audit.  Without
    a budget they are computed after SMT, and only when SMT has not proved the axiom for every n
    unrestricted (then nothing could outrank SMT's proof); broken, SMT's all-n lemma leaves the
    route to run and prove its sizes; with a budget the route runs first, as before."""
    from kdaxioms.proofs import audit as audit_module
    from kdaxioms.proofs.audit import audit_operator
    from kdaxioms.symbolic import axioms
    from kdaxioms.symbolic.families import family
    calls = []
    real = audit_module.prove_by_derivative
    monkeypatch.setattr(audit_module, "prove_by_derivative", lambda ax, *a: calls.append(ax.spec.name) or real(ax, *a))
    op, name = family("geometric-aggregation"), "weight-monotone-kl-reverse"
    (r,) = audit_operator(op, [name], max_n=2)
    assert (r.verdict, r.scope, r.route, calls) == ("proved", "all-n", "symbolic-coordinate", [])
    (r,) = audit_operator(op, [name], max_n=2, budget_s=600)
    assert (r.verdict, r.scope, r.route, calls) == ("proved", "all-n", "symbolic-coordinate", [name])
    monkeypatch.setattr(axioms, "reverse_kl_along_log_linear_raise", lambda: (None, ("broken on purpose",)))
    (r,) = audit_operator(op, [name], max_n=2)
    assert (r.verdict, r.scope, r.route, calls) == ("proved", "n<=2", "symbolic-derivative", [name, name])
