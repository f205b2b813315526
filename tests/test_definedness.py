"""Definedness as an obligation: undefined points are found exactly, closure is refuted there, and
every other proof carries the restriction; never a silent restriction."""

from fractions import Fraction

import pytest
import sympy as sp

from kdaxioms.proofs.audit import audit_operator
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.smt.definedness import conditions, decide_definedness, restriction
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.model import vector_symbols
from kdaxioms.symbolic.opfile import operator_from_data


def meta(component, normalize=False, domain="0 < alpha <= 1"):
    return operator_from_data({"name": "m", "kind": "meta", "component": component, "normalize": normalize,
                               "parameters": {"alpha": domain}, "roles": {"anchor_weight": "alpha"}})


def evaluate_raw(op, point):
    """The operator's components and normalizer at the point, by SymPy with no simplification."""
    subs = {sp.Symbol(k, real=True): sp.Rational(v.numerator, v.denominator) for k, v in point.parameters.items()}
    for name, vec in point.inputs.items():
        subs.update(zip(vector_symbols(name, point.n), (sp.Rational(v.numerator, v.denominator) for v in vec)))
    raw = [c.xreplace(subs) for c in op.expand(op.component, point.n)]
    return raw, sp.Add(*raw)


@pytest.mark.parametrize("name", ["linear-anchor", "memory-anchor", "arithmetic-aggregation", "power-softening"])
def test_defined_families_are_proved_defined_for_every_n(name):
    d = decide_definedness(family(name), 3, 5000)
    assert d.verdict == "proved" and d.scope == "all-n" and restriction(d, "all-n") == ""


def test_geometric_aggregation_is_undefined_at_disjoint_supports():
    op = family("geometric-aggregation")
    d = decide_definedness(op, 3, 5000)
    assert d.verdict == "refuted" and d.witness is not None
    assert "share a support point" in d.condition
    raw, total = evaluate_raw(op, d.witness)
    assert total == 0  # 0/0: the normalizer vanishes exactly at the witness
    assert all(sum(v) == 1 and min(v) >= 0 for v in d.witness.inputs.values())
    # restricted everywhere: a proof of another axiom must carry the condition
    assert "share a support point" in restriction(d, "n<=2")


def test_a_pole_inside_the_simplex_is_found():
    op = meta("alpha*p[i] + (1 - alpha)*q[i] + alpha/(4*q[i] - 2)")
    d = decide_definedness(op, 3, 5000)
    assert d.verdict == "refuted"
    assert Fraction(1, 2) in d.witness.inputs["q"]


def test_log_of_zero_is_undefined_on_the_boundary_but_not_inside():
    op = meta("alpha*p[i] + (1 - alpha)*q[i] + alpha*q[i]*log(q[i])")
    assert decide_definedness(op, 3, 5000).verdict == "refuted"
    assert decide_definedness(op, 3, 5000, interior=True).verdict == "proved"


def test_conditions_are_innermost_first():
    x = sp.Symbol("x", real=True)
    conds = conditions(1 / sp.sqrt(1 / x - 1))
    texts = [c.text for c in conds]
    assert texts.index("1/(x) defined") < texts.index("1/sqrt(-1 + 1/x) defined")


def test_audit_refutes_closure_where_undefined_and_restricts_other_proofs():
    op = operator_from_data({"name": "g", "kind": "aggregation", "component": "p1[i]**w * p2[i]**(1 - w)",
                             "normalize": True, "parameters": {"w": "0 < w < 1"}, "roles": {"weights": ["w", "1 - w"]}})
    results = {r.axiom: r for r in audit_operator(op, ["closure", "unanimity"], max_n=2, timeout_ms=5000)}
    closure = results["closure"]
    assert closure.verdict == "refuted" and closure.route == "definedness"
    assert "undefined" in closure.reason
    raw, total = evaluate_raw(op, closure.witness)
    assert total == 0
    unanimity = results["unanimity"]
    assert unanimity.verdict == "proved"
    assert any("where the operator is defined" in c for c in unanimity.conditions)
    assert unanimity.to_json()["conditions"] == list(unanimity.conditions)


def test_a_defined_operator_gets_no_condition():
    results = audit_operator(family("linear-anchor"), ["closure", "anchoring"], max_n=2, timeout_ms=5000)
    assert all(r.verdict == "proved" and r.conditions == () for r in results)


def softening(component, domain="tau > 0", normalize=True):
    return operator_from_data({"name": "s", "kind": "softening", "component": component, "normalize": normalize,
                               "parameters": {"tau": domain}, "roles": {"temperature": "tau"}})


def test_the_zero_set_lemma_needs_non_negative_terms():
    # 2 p_i - p_i^tau: the normalizer vanishes at p uniform, n = 4, tau = 1/2; never 'proved'
    op = softening("2*p[i] - p[i]**tau")
    assert decide_definedness(op, 4, 5000).verdict != "proved"


@pytest.mark.parametrize("component, domain", [
    ("p[i]**sqrt(2)", "tau > 0"),                       # 0**sqrt(2) = 0 is defined
    ("p[i]*(1 + p[i]) + (1 + p[i]) - (1 + p[i])**tau", "0 < tau < 1"),  # normalizer > 0 everywhere
])
def test_closure_is_never_refuted_at_a_defined_point(component, domain):
    (closure,) = audit_operator(softening(component, domain), ["closure"], max_n=2, timeout_ms=3000)
    assert not (closure.verdict == "refuted" and closure.route == "definedness")


def test_an_exponent_grid_outside_the_domain_is_never_a_vacuous_proof():
    # 0 < tau < 1/5 holds none of the fixed grid values: sample values of the domain stand in
    (closure,) = audit_operator(softening("p[i]**tau", "0 < tau < 1/5", normalize=False), ["closure"],
                                max_n=3, timeout_ms=3000)
    assert closure.verdict == "refuted"
    assert sum(closure.witness.inputs["p"]) == 1 and 0 < Fraction(closure.witness.parameters["tau"]) < Fraction(1, 5)


def test_continuity_is_refuted_where_the_operator_is_undefined_not_a_disagreement(monkeypatch):
    """S2 says "continuous on the open simplex": Z3's model of the negated definedness statement is
    an interior point where the normalizer is 0 (every ``sqrt(p_i - 1/4)`` is 0 at n = 4).  The
    replay confirms the operator is undefined there, which violates continuity; before, the
    replay's 'undefined' was taken for a failed replay and the axiom became a disagreement."""
    op = operator_from_data({"name": "complex", "kind": "softening", "component": "sqrt(p[i] - 1/4)",
                             "normalize": True, "parameters": {"tau": "tau > 0"}})
    [result] = audit_operator(op, ["continuity"], max_n=4, timeout_ms=10000)  # the sampling stage finds one
    assert result.verdict == "refuted", result.reason
    assert "undefined" in axiom("continuity", op).replay(result.witness).reason
    from kdaxioms.proofs import audit
    monkeypatch.setattr(audit, "_sampled", lambda *a: None)  # and without it, Z3's model of the negation
    [result] = audit_operator(op, ["continuity"], max_n=4, timeout_ms=10000)
    assert result.verdict == "refuted", result.reason
    assert result.witness.n == 4 and set(result.witness.inputs["p"]) == {Fraction(1, 4)}
    assert axiom("continuity", op).replay(result.witness).violated


@pytest.mark.parametrize("component, normalize", [("p[i]/(tau - 1)", False), ("p[i]*sqrt(n - 3)", True)])
def test_continuity_is_refuted_wherever_the_operator_is_undefined_in_the_open_simplex(component, normalize):
    """Undefinedness that depends only on a parameter (tau = 1) or on n (sqrt(n - 3) at n = 2) is
    treated as undefinedness at an input is: continuity on the open simplex fails there.  Before,
    these were 'proved where the operator is defined', which is vacuous for the second."""
    op = operator_from_data({"name": "partial", "kind": "softening", "component": component,
                             "normalize": normalize, "parameters": {"tau": "tau > 0"}})
    [result] = audit_operator(op, ["continuity"], max_n=3, timeout_ms=10000)
    assert result.verdict == "refuted", result.reason
    assert axiom("continuity", op).replay(result.witness).violated
