"""A normalizer inside the component (:mod:`kdaxioms.symbolic.inner_sums`): the softened anchor
is closed, anchored and positive for every n and every temperature, as a user writes it in any
form; planted bugs (a normalizer that does not match its numerator, a sum that may vanish) get no
proof for every n."""

from __future__ import annotations

from kdaxioms.proofs.audit import audit_operator
from kdaxioms.smt.definedness import decide_definedness
from kdaxioms.symbolic.inner_sums import inner_sums, sums_to_one
from kdaxioms.symbolic.lemma_book import cite
from kdaxioms.symbolic.opfile import operator_from_data

SOFTENED = {"name": "soft", "kind": "meta",
            "component": "alpha*p[i] + (1 - alpha)*q[i]**(1/tau)/Sum(q[j]**(1/tau), (j, 1, n))",
            "parameters": {"alpha": "0 < alpha <= 1", "tau": "tau > 0"},
            "roles": {"anchor_weight": "alpha", "temperature": "tau"}}
REWRITTEN = {"name": "soft-rewritten", "kind": "meta",
             "component": "(1 - a)*Sum(q[j]**(1/t), (j, 1, n))**(-1)*q[i]**(1/t) + a*p[i]",
             "parameters": {"a": "0 < a <= 1", "t": "t > 0"}, "roles": {"anchor_weight": "a", "temperature": "t"}}
AXIOMS = ["closure", "anchoring", "positivity"]


def _op(data: dict, **changes):
    return operator_from_data({**data, **changes})


def test_the_softened_anchor_holds_for_every_n_and_every_temperature_in_any_form():
    for data in (SOFTENED, REWRITTEN):
        found = {r.axiom: r for r in audit_operator(_op(data), AXIOMS, max_n=2, timeout_ms=3000)}
        for name in AXIOMS:
            r = found[name]
            assert (r.verdict, r.scope, r.conditions) == ("proved", "all-n", ()), (data["name"], name, r)
            assert r.parameters is None or "full" in str(r.parameters)
        assert any(cite("positive-sum") in s for s in found["closure"].steps)
        assert any(cite("sum-normal-form") in s for s in found["closure"].steps)
        defined = decide_definedness(_op(data))
        assert (defined.verdict, defined.scope) == ("proved", "all-n")


def test_a_normalizer_that_does_not_match_its_numerator_is_no_closure_proof():
    """``q_i^(1/tau) / sum_j q_j^(2/tau)``: the output does not sum to one; the identity fails and
    the audit refutes closure with an exact witness."""
    op = _op(SOFTENED, component="alpha*p[i] + (1 - alpha)*q[i]**(1/tau)/Sum(q[j]**(2/tau), (j, 1, n))")
    holds, steps = sums_to_one(op)()
    assert holds is None and "not established" in steps[0]
    (r,) = audit_operator(op, ["closure"], max_n=2, timeout_ms=3000)
    assert r.verdict == "refuted"


def test_a_sum_that_may_vanish_gives_no_proof_for_every_n():
    """``sum_j (q_j - 1/n)``-like terms of either sign: the sum is not shown positive, so neither
    definedness nor closure is claimed for every n."""
    op = _op(SOFTENED, component="alpha*p[i] + (1 - alpha)*(q[i] - 1/2)/Sum(q[j] - 1/2, (j, 1, n))")
    assert decide_definedness(op).scope != "all-n"
    (r,) = audit_operator(op, ["closure"], max_n=2, timeout_ms=3000)
    assert not (r.verdict == "proved" and r.scope == "all-n")
    # a sum reading the coordinate x_i is no normalizer of one input's terms
    assert inner_sums(_op(SOFTENED, component="alpha*p[i] + (1 - alpha)*Sum(q[j]*p[i], (j, 1, n))")) is None
