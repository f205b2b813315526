import numpy as np
import pytest

from kdaxioms.numeric.checks import Sampling, contraction_check, trajectory_check
from kdaxioms.numeric.iterate import iterate
from kdaxioms.numeric.sampling import boundary, interior, starts
from kdaxioms.numeric.translate import numeric_operator
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.recursion import trajectory

from catalogue import CONTRACTIONS

SMALL = Sampling(sizes=(2, 3, 7), chains=300, seed=3)


def test_samples_are_distributions_and_boundary_has_zeros():
    rng = np.random.default_rng(0)
    x, b = interior(rng, 500, 6), boundary(rng, 500, 6)
    for arr in (x, b):
        assert np.allclose(arr.sum(axis=1), 1) and (arr >= 0).all()
    assert (x > 0).all() and ((b == 0).sum(axis=1) >= 1).all() and ((b > 0).sum(axis=1) >= 1).all()


def test_sampling_is_seeded():
    a = starts(np.random.default_rng(11), 50, 4)
    b = starts(np.random.default_rng(11), 50, 4)
    assert np.array_equal(a, b)


@pytest.mark.parametrize("case", CONTRACTIONS, ids=lambda c: c.id)
def test_contraction_check_agrees_exactly_when_the_claim_holds(case):
    out = contraction_check(case.build(), SMALL)
    assert out.verdict == ("agrees" if case.holds else "disagrees")


def test_kl_ratio_stays_below_and_near_the_factor():
    from catalogue import ALPHA
    from kdaxioms.symbolic.divergences import divergence
    from kdaxioms.symbolic.statements import Contraction, Relation
    c = Contraction(family("linear-anchor"), divergence("kl"), 1 - ALPHA, Relation.LE)
    out = contraction_check(c, Sampling(sizes=(2,), chains=4000, seed=1))
    assert out.verdict == "agrees"
    assert 0.8 < out.data["largest_ratio_over_factor"] < 1.0


def test_iteration_is_vectorized_and_converges():
    op = numeric_operator(family("linear-anchor"))
    rng = np.random.default_rng(5)
    p, q = interior(rng, 100, 50), boundary(rng, 100, 50)
    path = iterate(op, p, q, {"alpha": 0.3}, 60)
    assert path.shape == (61, 100, 50)
    assert np.abs(path[-1] - p).max() < 0.7 ** 60 * 2


def test_trajectory_check_agrees():
    out = trajectory_check(trajectory(family("linear-anchor")), SMALL, steps=20)
    assert out.verdict == "agrees" and out.data["max_error"] < 1e-12
