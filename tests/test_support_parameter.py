"""A component that reads the support size n (linear smoothing): per coordinate, n is one constant
of every coordinate, so ranking, identity and continuity shown for every real n >= 2 hold for
every n.  Planted bugs (wrong at n = 2, wrong identity, decreasing) get no proof for every n."""

from __future__ import annotations

from kdaxioms.proofs.audit import audit_operator
from kdaxioms.symbolic.opfile import operator_from_data

SMOOTHING = {"name": "smooth", "kind": "softening", "component": "p[i]/tau + (1 - 1/tau)/n",
             "parameters": {"tau": "tau > 0"}, "roles": {"temperature": "tau"}}
AXIOMS = ["ranking", "identity", "continuity"]


def _audit(names=AXIOMS, **changes):
    op = operator_from_data({**SMOOTHING, **changes})
    return {r.axiom: r for r in audit_operator(op, names, max_n=3, timeout_ms=3000)}


def test_linear_smoothing_ranks_is_the_identity_at_one_and_is_continuous_for_every_n():
    for changes in ({}, {"component": "(p[i] - 1/n)/t + 1/n", "parameters": {"t": "t > 0"},
                         "roles": {"temperature": "t"}}):
        found = _audit(**changes)
        for name in AXIOMS:
            assert (found[name].verdict, found[name].scope) == ("proved", "all-n"), (changes, name, found[name])


def test_a_factor_that_vanishes_at_n_2_is_refuted_there_not_proved_for_every_n():
    """``p_i (n - 2)``: constant at n = 2, so S1 fails there; ``p_i (n - 1)`` ranks for every n >= 2."""
    bad = _audit(["ranking"], component="p[i]*(n - 2)/tau")["ranking"]
    assert bad.verdict == "refuted" and bad.scope == "n=2"
    good = _audit(["ranking"], component="p[i]*(n - 1)/tau")["ranking"]
    assert (good.verdict, good.scope) == ("proved", "all-n")


def test_a_wrong_identity_and_a_decreasing_map_are_refuted():
    wrong = _audit(["identity"], component="p[i]/(2*tau) + (1 - 1/(2*tau))/n")["identity"]
    assert wrong.verdict == "refuted"
    falling = _audit(["ranking"], component="(1 - p[i])/tau")["ranking"]
    assert falling.verdict == "refuted"
