"""Per-coordinate proofs for every n of normalized and aggregation operators (issue 14, item 2):
``T_i = c_i / Z`` with ``Z = sum_j c_j`` read per coordinate, lemmas for symbolic exponents
(SymPy's sign and power rules over every case of the parameter domain), and continuity from
definedness.  Planted bugs show that no lemma proves what is false."""

from __future__ import annotations

from fractions import Fraction as F

import sympy as sp

from kdaxioms.proofs.audit import audit_operator
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.model import coordinate_symbol
from kdaxioms.symbolic.obligations import conditional_sign, identity, signed
from kdaxioms.symbolic.opfile import operator_from_data
from kdaxioms.symbolic.points import Point

GEOMETRIC = {"name": "geo", "kind": "aggregation", "teachers": 2, "component": "p1[i]**u*p2[i]**v",
             "normalize": True, "constraints": ["u + v = 1"],
             "parameters": {"u": "0 <= u <= 1", "v": "0 <= v <= 1"}, "roles": {"weights": ["u", "v"]}}
POWER = {"name": "pow", "kind": "softening", "component": "p[i]**(1/t)", "normalize": True,
         "parameters": {"t": "t > 0"}, "roles": {"temperature": "t"}}


def _op(data: dict, **changes):
    return operator_from_data({**data, **changes})


def _audit(data: dict, *names: str, **changes):
    return {r.axiom: r for r in audit_operator(_op(data, **changes), list(names), max_n=3, timeout_ms=3000)}


def _lemma(ob):
    assert ob.lemma is not None
    return ob.lemma()[0]


def test_normalized_closure_unanimity_positivity_continuity_hold_for_every_n():
    found = _audit(GEOMETRIC, "positivity", "unanimity", "continuity")
    for name, r in found.items():
        assert (r.verdict, r.scope) == ("proved", "all-n"), (name, r.route, r.reason)
        assert not r.covered, name  # no grid
    assert found["continuity"].route == "symbolic-continuity"
    assert found["unanimity"].route == "symbolic-coordinate"
    (closure,) = audit_operator(_op(POWER), ["closure"], max_n=3)
    assert (closure.verdict, closure.scope, closure.route) == ("proved", "all-n", "symbolic-coordinate")


def test_planted_wrong_exponents_break_unanimity_and_no_lemma_proves_it():
    """``p1^u p2^u``: the exponents do not sum to 1, so T(p, p) = p^{2u}/sum p^{2u} != p."""
    op = _op(GEOMETRIC, component="p1[i]**u*p2[i]**u")
    (ob,) = axiom("unanimity", op).obligations()
    assert _lemma(ob) is None
    (r,) = audit_operator(op, ["unanimity"], max_n=3)
    assert r.verdict == "refuted" and axiom("unanimity", op).violated_at(r.witness) is True


def test_planted_negative_weight_breaks_closure_and_the_sign_rule_does_not_prove_it():
    op = _op(POWER, component="p[i]**(1/t) - 1/3")
    (ob,) = axiom("closure", op).obligations()
    assert _lemma(ob) is None
    (r,) = audit_operator(op, ["closure"], max_n=3)
    assert r.verdict == "refuted"


def test_identity_lemma_rejects_a_false_power_rule_and_accepts_a_true_one():
    op = _op(POWER)
    x = coordinate_symbol("p")
    (t,) = op.parameter_symbols
    assert _lemma(identity(op, "false", sp.true, x ** (1 / t) + x ** (1 / t), x ** (2 / t), {})) is None
    assert _lemma(identity(op, "false", sp.true, (x ** 2) ** (1 / t), x ** (1 / t), {})) is None
    assert _lemma(identity(op, "true", sp.true, (x ** 2) ** (1 / (2 * t)), x ** (1 / t), {})) is True


def test_sign_lemmas_need_the_sign_to_hold_on_the_whole_domain():
    op = _op(GEOMETRIC)
    p1, p2 = coordinate_symbol("p1"), coordinate_symbol("p2")
    u, v = op.parameter_symbols
    assert _lemma(signed(op, "ok", sp.true, p1 ** u * p2 ** v, ">=")) is True
    assert _lemma(signed(op, "false", sp.true, p1 ** u * p2 ** v - sp.Rational(1, 4), ">=")) is None
    conditions = [(u > 0, p1), (v > 0, p2)]
    assert _lemma(conditional_sign(op, "ok", sp.true, p1 ** u * p2 ** v, ">", conditions)) is True
    # without the premise a zero coordinate makes the product 0: not positive
    assert _lemma(conditional_sign(op, "false", sp.true, p1 ** u * p2 ** v, ">", [])) is None


def test_continuity_route_needs_no_switch_and_definedness_on_the_open_simplex():
    switching = _audit(POWER, "continuity", component="p[i]**(1/t)*Heaviside(p[i] - 1/3) + p[i]")["continuity"]
    assert switching.route != "symbolic-continuity"
    undefined = _audit(POWER, "continuity", component="p[i]**(1/t)/(p[i] - 1/3)**2")["continuity"]
    assert undefined.verdict == "refuted"


def test_renamed_temperature_must_be_named():
    """A softening with parameters has a temperature: a file that names it ``t`` without
    ``roles.temperature`` is an input error, not an operator without temperature axioms."""
    import pytest

    from kdaxioms.symbolic.errors import InputError
    with pytest.raises(InputError, match="tau"):
        operator_from_data({k: v for k, v in POWER.items() if k != "roles"})


def test_closure_with_sums_inside_reads_them_as_arbitrary_values():
    """Top-k's count of larger entries sits inside a step: c_i = p_i H(3/2 - count) >= 0 for every
    value of the count, so c_i >= 0 for every n; closure also needs the normalizer non-zero, which
    holds for every n because the largest coordinate is kept.  A planted sign flip is not proved."""
    data = {"name": "top", "kind": "softening", "normalize": True,
            "component": "p[i]*Heaviside(3/2 - Sum(Heaviside(p[j] - p[i]), (j, 1, n)))"}
    (r,) = audit_operator(_op(data), ["closure"], max_n=3)
    assert (r.verdict, r.scope, r.route) == ("proved", "all-n", "smt-coordinate")
    assert any("for every value of its sums" in step for step in r.steps)
    flipped = _op(data, component="p[i]*(Heaviside(3/2 - Sum(Heaviside(p[j] - p[i]), (j, 1, n))) - 1/2)")
    (r,) = audit_operator(flipped, ["closure"], max_n=3)
    assert r.verdict == "refuted"


SOFT = {"name": "x", "kind": "softening", "normalize": True, "parameters": {"t": "t > 0"}, "roles": {"temperature": "t"}}


def test_closure_covers_only_the_sizes_where_the_operator_is_shown_defined():
    """``Max(p_i - 1/5, 0)^2`` has c_i >= 0 everywhere, but at n = 5 the uniform point has Z = 0:
    closure (which includes definedness) is proved only for the sizes definedness covers."""
    op = _op(SOFT, component="Max(p[i] - 1/5, 0)**2")
    (r,) = audit_operator(op, ["closure"], max_n=4)
    assert (r.verdict, r.scope) == ("proved", "n<=4")
    p = op.expanded(5)
    assert sum(p).xreplace({x: F(1, 5) for x in sum(p).free_symbols}) == 0  # Z = 0 at the uniform point


def test_a_zero_base_with_a_positive_symbolic_exponent_is_defined_everywhere():
    """``0^(1/t)`` is 0 for t > 0: the continuity formula does not call p = (1/4, 3/4) undefined."""
    op = _op(SOFT, component="Max(p[i] - 1/3, 0)**(1/t) + p[i]")
    assert axiom("continuity", op).violated_at(Point({"p": (F(1, 4), F(3, 4))}, {"t": F(1)})) is False
    (r,) = audit_operator(op, ["continuity"], max_n=3)
    assert (r.verdict, r.scope) == ("proved", "all-n")


def test_unanimity_is_not_refuted_where_the_output_is_undefined_on_the_diagonal():
    """``|p1_i - p2_i|`` makes T(p, p) = 0/0: undefined, which is no violation of A6."""
    op = _op(GEOMETRIC, component="p1[i]**u*p2[i]**v*Abs(p1[i] - p2[i])")
    (r,) = audit_operator(op, ["unanimity"], max_n=2)
    assert r.verdict != "refuted"


def test_forward_kl_monotonicity_of_a_log_linear_raise_holds_for_every_n():
    """Geometric aggregation: c_i(w') = c_i^{1-s} (p^k_i)^s, KL along the raise, Hoelder by
    weighted AM-GM, Gibbs: A3 in forward KL for every n, its lemmas named in the steps."""
    (r,) = audit_operator(_op(GEOMETRIC), ["weight-monotone-kl"], max_n=3)
    assert (r.verdict, r.scope, r.route) == ("proved", "all-n", "symbolic-coordinate")
    text = " ".join(r.steps)
    assert "weighted AM--GM" in text and "log-linear" in text


def test_swapped_exponents_are_not_log_linear_and_are_refuted():
    """``p1^v p2^u``: raising u moves the output toward p1, not p2; the identity lemma fails and
    the audit refutes with an exact witness."""
    op = _op(GEOMETRIC, component="p1[i]**v*p2[i]**u")
    obligations = axiom("weight-monotone-kl", op).obligations()
    identities = [ob for ob in obligations if "log-linear" in ob.label]
    assert identities and all(_lemma(ob) is None for ob in identities)
    (r,) = audit_operator(op, ["weight-monotone-kl"], max_n=2)
    assert r.verdict == "refuted"


def test_reverse_kl_monotonicity_of_a_log_linear_raise_holds_for_every_n():
    """Geometric aggregation: d/ds KL(A(s)||p^k) = -(1-s) Var over a symbolic number of
    coordinates: A3 in reverse KL for every n, with the sum rules named in the steps."""
    (r,) = audit_operator(_op(GEOMETRIC), ["weight-monotone-kl-reverse"], max_n=3)
    assert (r.verdict, r.scope, r.route) == ("proved", "all-n", "symbolic-coordinate")
    text = " ".join(r.steps)
    assert r"\lemmaref{reverse-kl-log-linear}" in text and "log-linear" in text


def test_reverse_kl_is_not_proved_without_its_lemma(monkeypatch):
    """Break the variance lemma: the all-n route must not survive (the small-n routes may)."""
    from kdaxioms.symbolic import axioms
    monkeypatch.setattr(axioms, "reverse_kl_along_log_linear_raise", lambda: (None, ("broken on purpose",)))
    (r,) = audit_operator(_op(GEOMETRIC), ["weight-monotone-kl-reverse"], max_n=2, timeout_ms=3000)
    assert r.scope != "all-n"


def test_swapped_exponents_are_not_log_linear_in_reverse_kl_either():
    op = _op(GEOMETRIC, component="p1[i]**v*p2[i]**u")
    identities = [ob for ob in axiom("weight-monotone-kl-reverse", op).obligations() if "log-linear" in ob.label]
    assert identities and all(_lemma(ob) is None for ob in identities)
    (r,) = audit_operator(op, ["weight-monotone-kl-reverse"], max_n=2)
    assert r.verdict == "refuted"


TOP_K = {"name": "topk", "kind": "softening", "normalize": True,
         "component": "p[i]*Heaviside(3/2 - Sum(Heaviside(p[j] - p[i]), (j, 1, n)))"}


def test_top_k_is_defined_for_every_n_because_the_largest_coordinate_is_kept():
    from kdaxioms.smt.definedness import decide_definedness
    for component in (TOP_K["component"], "p[i]*(1 - Heaviside(Sum(Heaviside(-p[i] + p[j]), (j, 1, n)) - 3/2))"):
        found = decide_definedness(_op(TOP_K, component=component))
        assert (found.verdict, found.scope) == ("proved", "all-n") and "largest coordinate is kept" in found.steps[-1]
    (r,) = audit_operator(_op(TOP_K), ["closure"], max_n=3)
    assert (r.verdict, r.scope) == ("proved", "all-n")


def test_an_operator_that_drops_the_largest_coordinate_gets_no_all_n_normalizer():
    """Planted: keep only entries with a larger entry; at the uniform point every entry is dropped
    and Z = 0, so the lemma must not apply and closure is refuted."""
    from kdaxioms.smt.definedness import decide_definedness
    op = _op(TOP_K, component="p[i]*Heaviside(Sum(Heaviside(p[j] - p[i]), (j, 1, n)) - 1/2)")
    assert decide_definedness(op).scope != "all-n"
    (r,) = audit_operator(op, ["closure"], max_n=3)
    assert r.verdict == "refuted"
    # counting smaller entries (bottom-k): the terms are not constant below the maximum
    bottom = _op(TOP_K, component="p[i]*Heaviside(3/2 - Sum(Heaviside(p[i] - p[j]), (j, 1, n)))")
    assert decide_definedness(bottom).scope != "all-n"


def test_a_count_whose_terms_are_undefined_somewhere_is_no_all_n_normalizer():
    """Reviewer's reproducer: the terms of the count divide by p_j - p_i - 7/13, undefined at
    p = (3/13, 10/13); the constancy query alone reads only defined points, so definedness of the
    terms is checked first and closure and continuity are refuted."""
    from kdaxioms.smt.definedness import decide_definedness
    op = _op(TOP_K, component="p[i]*Max(1 - Sum(Max(p[j] - p[i], 0)/(p[j] - p[i] - 7/13), (j, 1, n)), 0)")
    assert decide_definedness(op).verdict == "refuted"
    found = {r.axiom: r for r in audit_operator(op, ["closure", "continuity"], max_n=2, timeout_ms=3000)}
    assert found["closure"].verdict == "refuted" and found["continuity"].verdict == "refuted"
