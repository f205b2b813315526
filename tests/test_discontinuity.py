"""Continuity refuted by exact one-sided limits (THEORY C10: top-k is not continuous at ties);
continuous operators are never refuted, and definedness no longer 'proves' switching formulas."""

import json

import pytest
import sympy as sp

from kdaxioms.numeric.translate import numeric_operator
from kdaxioms.proofs import registry, run_claims, Settings
from kdaxioms.proofs.audit import audit_operator
from kdaxioms.proofs.cli import main
from kdaxioms.smt.audit import audit_axiom
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.discontinuity import on_switch_set, one_sided_limit, refute_continuity
from kdaxioms.symbolic.errors import TranslationError
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.model import INDEX, Kind, Operator, vector_symbols
from kdaxioms.symbolic.opfile import operator_from_data
from kdaxioms.symbolic.outcome import REFUTED, UNKNOWN

R = sp.Rational


def _soft(component: str) -> dict:
    return {"name": "planted", "kind": "softening", "component": component, "normalize": True,
            "parameters": {"tau": "tau > 0"}, "roles": {"temperature": "tau"}}


def test_top2_limits_on_either_side_of_the_theory_tie():
    op = family("top-k-renormalization", k=2)
    xs = vector_symbols("p", 3)
    x0 = {x: v for x, v in zip(xs, (R(1, 2), R(1, 4), R(1, 4)))}
    eps = sp.Symbol("epsilon", positive=True)
    plus = one_sided_limit(op.vector(3), x0, xs, [0, 1, -1], eps)
    minus = one_sided_limit(op.vector(3), x0, xs, [0, -1, 1], eps)
    assert plus == (R(2, 3), R(1, 3), 0) and minus == (R(2, 3), 0, R(1, 3))


def test_top_k_is_refuted_with_an_exact_witness_for_every_k_below_n():
    for k in (1, 2):
        out = refute_continuity(family("top-k-renormalization", k=k))
        assert out.verdict == REFUTED and out.scope == "n=3"
        plus, minus = out.data["limits"]
        assert plus != minus and out.witness.inputs["p"][0] == out.witness.inputs["p"][1]


def test_continuous_operators_are_not_refuted():
    for op in (family("power-softening"), family("linear-smoothing"),
               operator_from_data(_soft("Abs(p[i] - 1/3) + Max(p[i], 1/4)"))):
        assert refute_continuity(op).verdict == UNKNOWN
    # keep-all-when-tied with k = n keeps everything: a switching formula that never jumps
    out = refute_continuity(family("top-k-renormalization", k=3))
    assert out.verdict == UNKNOWN and "no jump" in out.reason


def test_planted_step_is_refuted_and_definedness_does_not_prove_it():
    op = operator_from_data(_soft("p[i] + Heaviside(p[i] - 1/3)/10"))
    out = refute_continuity(op)
    assert out.verdict == REFUTED
    assert set(out.data["limits"][0]) == {"13/33", "10/33"}
    assert audit_axiom(axiom("continuity", op), max_n=3).verdict == UNKNOWN  # no longer 'proved'
    (r,) = audit_operator(op, ["continuity"], max_n=3, timeout_ms=2000)
    assert r.verdict == REFUTED and r.route == "exact-limits"


def test_planted_switch_off_the_ties_is_refuted():
    """A softening that switches formula where p_1 crosses 1/2 (never a tie in the open simplex
    at n = 3): the switch set, not only the ties, is probed."""
    p = sp.IndexedBase("p")
    op = Operator("planted-half", Kind.SOFTENING, ("p",),
                  sp.Piecewise((p[INDEX], p[1] < R(1, 2)), (p[INDEX] ** 2, True)), (), normalize=True)
    out = refute_continuity(op)
    assert out.verdict == REFUTED and out.witness.inputs["p"] == (R(1, 2), R(1, 4), R(1, 4))
    assert out.data["limits"] == [["2/3", "1/6", "1/6"], ["1/2", "1/4", "1/4"]]


def test_only_the_switch_set_is_probed():
    xs = vector_symbols("p", 3)
    vector = family("top-k-renormalization", k=2).vector(3)
    at = lambda *v: dict(zip(xs, v))  # noqa: E731
    assert on_switch_set(vector, at(R(1, 2), R(1, 4), R(1, 4)))
    assert not on_switch_set(vector, at(R(1, 2), R(1, 3), R(1, 6)))


def test_numpy_refuses_top_k_by_name():
    """The count of larger entries is a sum whose terms depend on i: numpy says so, loudly."""
    with pytest.raises(TranslationError, match="depend on the output index"):
        numeric_operator(family("top-k-renormalization"))


def test_z3_reads_heaviside_and_finds_top_k_breaks_strict_ranking_at_n4():
    r = audit_axiom(axiom("ranking", family("top-k-renormalization", k=2)), max_n=4, timeout_ms=4000)
    assert r.verdict == REFUTED and r.scope == "n=4"
    p = r.witness.inputs["p"]
    assert sum(v < sorted(p)[-2] for v in p) == 2  # two dropped entries that differ: both map to 0


def test_claim_c10_topk_is_refuted_as_the_theory_expects():
    (result,) = run_claims([registry()["C10.topk.S2"]], Settings(seed=0))
    assert result.verdict == REFUTED and result.as_expected
    assert [r.verdict for r in result.routes] == ["refuted", "disagrees"] and result.combined.confirmed


@pytest.mark.parametrize("selector", [["C10.topk.S2"], ["--family", "top-k-renormalization"]])
def test_check_command_refutes_top_k(capsys, selector):
    code = main(["check", *selector, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    (claim,) = json.loads(out)["claims"]
    assert claim["id"] == "C10.topk.S2" and claim["verdict"] == "refuted" and claim["scope"] == "n=3"
