"""The SMT routes: proofs of true cases, exactly replayed witnesses for planted bugs."""

from fractions import Fraction

import pytest

from kdaxioms.smt.decide import decide_obligations, decide_vectors
from kdaxioms.symbolic.axioms import META_AXIOMS, axiom
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.statements import Contraction, Relation

from catalogue import ALPHA, AXIOMS, CONTRACTIONS


def _check_contraction_witness(case, c, witness):
    """Recompute both sides with plain fractions, independently of kdaxioms."""
    p, q = list(witness.inputs["p"]), list(witness.inputs["q"])
    a = witness.parameters["alpha"]
    assert sum(p) == 1 and sum(q) == 1 and min(p) > 0 and min(q) >= 0 and 0 < a <= 1
    tq = [a * x + (1 - a) * y for x, y in zip(p, q)]
    factor = Fraction(str(c.factor.subs(ALPHA, a)))
    lhs, rhs = case.direct(tq, p), factor * case.direct(q, p)
    assert (lhs != rhs) if c.relation is Relation.EQ else (lhs > rhs)


@pytest.mark.parametrize("case", CONTRACTIONS, ids=lambda c: c.id)
def test_coordinate_route_on_contractions(case):
    c = case.build()
    out = decide_obligations(c.operator, c.obligations(), c.replay)
    if case.holds:
        assert out.verdict == "proved" and out.scope == "all-n"
    else:
        assert out.verdict == "refuted"
        _check_contraction_witness(case, c, out.witness)


@pytest.mark.parametrize("case", CONTRACTIONS, ids=lambda c: c.id)
def test_vector_route_on_contractions(case):
    c = case.build()
    out = decide_vectors(c, range(2, 5))
    if case.holds:
        assert out.verdict == "proved" and out.scope == "n<=4"
    else:
        assert out.verdict == "refuted"
        _check_contraction_witness(case, c, out.witness)


def _check_axiom_witness(case, name, witness):
    p, q = list(witness.inputs["p"]), list(witness.inputs["q"])
    a = witness.parameters["alpha"]
    assert sum(p) == 1 and sum(q) == 1 and min(p) > 0 and min(q) >= 0 and 0 < a <= 1
    t = case.direct(p, q, a)
    failed = {
        "closure": min(t) < 0 or sum(t) != 1,
        "anchor-fixed-point": case.direct(p, p, a) != p,
        "anchoring": any(x < a * y for x, y in zip(t, p)),
        "positivity": min(t) <= 0,
    }[name]
    assert failed, f"witness {witness.to_json()} does not violate {name}"


@pytest.mark.parametrize("case", AXIOMS, ids=lambda c: c.id)
@pytest.mark.parametrize("name", list(META_AXIOMS))
def test_axioms_of_the_catalogue(case, name):
    ax = axiom(name, case.build())
    coordinate = decide_obligations(ax.operator, ax.obligations(), ax.replay)
    vector = decide_vectors(ax, range(2, 5))
    if case.holds[name]:
        assert coordinate.verdict == "proved" and coordinate.scope == "all-n"
        assert vector.verdict == "proved"
    else:
        assert coordinate.verdict != "proved" and vector.verdict == "refuted"
        _check_axiom_witness(case, name, vector.witness)
        if coordinate.verdict == "refuted":
            _check_axiom_witness(case, name, coordinate.witness)


def test_timeout_is_unknown_never_a_verdict():
    c = Contraction(family("linear-anchor"), divergence("h2"), 1 - ALPHA, Relation.LE)
    out = decide_vectors(c, [2, 3], timeout_ms=1)
    assert out.verdict == "unknown" and out.witness is None


def test_logarithms_are_outside_z3():
    c = Contraction(family("linear-anchor"), divergence("kl"), 1 - ALPHA, Relation.LE)
    out = decide_obligations(c.operator, c.obligations(), c.replay)
    assert out.verdict == "unknown" and "log" in out.reason
