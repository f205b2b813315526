"""C8 derivations (capacity-constrained anchor, F6) against an independent numpy projection.

The reference projection minimizes the convex dual ``log sum exp(Phi theta) - theta^T Phi^T r`` by
Newton's method in float64 (pseudo-inverse Hessian), and the F6 recursion is iterated with it.
"""

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from kdaxioms.symbolic.derivations import capacity
from kdaxioms.symbolic.errors import InputError

SPECS = {s.name: s for s in capacity.DERIVATIONS}


def parse(name, **texts):
    return SPECS[name].parse([f"{k}={v}" for k, v in texts.items()])


def matrix(text):
    return np.array([[float(Fraction(x)) for x in row.split(",")] for row in text.split(";")])


def vector(text):
    return np.array([float(Fraction(x)) for x in text.split(",")])


def project_np(phi, r, steps=100):
    """argmin_{q in Q_Phi} KL(r||q) by damped Newton on the dual, float64."""
    theta = np.zeros(phi.shape[1])
    target = phi.T @ r

    def member(th):
        z = phi @ th
        w = np.exp(z - z.max())
        return w / w.sum(), z.max() + np.log(w.sum())

    for _ in range(steps):
        q, logz = member(theta)
        grad = phi.T @ q - target
        if np.abs(grad).max() < 1e-15:
            break
        centred = phi - q @ phi
        hess = centred.T @ (q[:, None] * centred)
        direction = -np.linalg.pinv(hess) @ grad
        size, now = 1.0, logz - theta @ target
        while member(theta + size * direction)[1] - (theta + size * direction) @ target > now + 1e-4 * size * grad @ direction:
            size /= 2
        theta = theta + size * direction
    return member(theta)[0]


def kl(x, y):
    return float(np.sum(x * np.log(x / y)))


# (Phi, p, alpha, the exact route expected), points not used elsewhere
CASES = [
    ("1,0;0,1;1,1", "1/6,1/3,1/2", "2/7", "full"),
    ("0;1;2", "1/7,2/7,4/7", "1/2", "member"),
    ("0;1;2", "3/20,7/20,1/2", "3/8", "parametric"),
    ("0;1;3;4", "1/8,3/8,1/4,1/4", "1/5", "parametric"),
    ("1/2;1;-1;0", "1/10,3/10,2/5,1/5", "5/6", "parametric"),
    ("1,0;1,0;0,1;0,1;0,0", "1/10,3/10,1/5,1/10,3/10", "1/4", "toric"),
    ("1,0;0,1;1,1;0,0", "1/5,1/5,3/10,3/10", "2/3", "toric"),
    ("1,0,0;0,1,0;0,0,1;1,1,1;0,0,0", "1/10,1/5,3/10,1/4,3/20", "7/10", "toric"),
    ("2,0;0,1;1,1;0,0", "1/10,2/5,1/5,3/10", "1/20", "toric"),
    ("0,0;1,0;0,1;1,1;2,1", "1/5,1/10,3/10,1/4,3/20", "1/3", "numeric"),
    ("1,0,0;0,1,0;0,0,1;1,1,1;0,0,0;2,0,1", "1/12,1/6,1/4,1/6,1/6,1/6", "1/2", "numeric"),
]


@pytest.mark.parametrize("phi, p, alpha, route", CASES)
def test_fixed_point_matches_the_iterated_projection(phi, p, alpha, route):
    d = SPECS["capacity-fixed-point"].derive(parse("capacity-fixed-point", alpha=alpha, Phi=phi, p=p))
    assert d.extra["route"] == route
    assert d.exact is (route != "numeric")
    f, pv, a = matrix(phi), vector(p), float(Fraction(alpha))
    q = np.full(len(pv), 1 / len(pv))
    for _ in range(int(np.ceil(np.log(1e-16) / np.log1p(-a))) + 20 if a < 1 else 1):  # past float resolution
        q = project_np(f, a * pv + (1 - a) * q)
    # ~700 numeric projections at alpha = 1/20 accumulate their solver's rounding (7e-11 with numpy 2.4)
    assert [float(v) for v in d.value] == pytest.approx(list(q), abs=1e-9)
    assert [float(v) for v in d.value] == pytest.approx(list(project_np(f, pv)), abs=1e-12)


@pytest.mark.parametrize("phi, p, alpha, route", CASES)
def test_fixed_point_matches_moments_to_thirty_digits(phi, p, alpha, route):
    d = SPECS["capacity-fixed-point"].derive(parse("capacity-fixed-point", alpha=alpha, Phi=phi, p=p))
    a = sp.Matrix([[sp.Rational(x) for x in row.split(",")] for row in phi.split(";")])
    a = sp.ones(a.rows, 1).row_join(a)
    pv = sp.Matrix([sp.Rational(x) for x in p.split(",")])
    gap = a.T * (sp.Matrix(d.value) - pv)
    assert all(abs(sp.N(g, 40)) < 1e-29 for g in gap)
    assert all(sp.N(v, 30) > 0 for v in d.value)
    assert len(d.decimal()) == len(d.value)


@pytest.mark.parametrize("phi, p, alpha, route", CASES)
def test_bias_is_the_minimum_and_pythagorean(phi, p, alpha, route):
    d = SPECS["capacity-bias"].derive(parse("capacity-bias", alpha=alpha, Phi=phi, p=p))
    f, pv = matrix(phi), vector(p)
    dagger = project_np(f, pv)
    bias = float(d.value)
    assert bias == pytest.approx(kl(pv, dagger), abs=1e-12)
    assert (bias == 0) is (route in ("full", "member"))
    rng = np.random.default_rng(20260811)
    for theta in rng.normal(size=(50, f.shape[1])) * 2:
        w = np.exp(f @ theta)
        q = w / w.sum()
        assert kl(pv, q) >= bias - 1e-14
        assert kl(pv, q) == pytest.approx(bias + kl(dagger, q), abs=1e-11)
    assert abs(d.extra["pythagorean_residual"]) < 1e-28


@pytest.mark.parametrize("phi, p, alpha, q0", [
    ("0;1;2", "3/20,7/20,1/2", "3/8", "1,0,0"),
    ("1,0;0,1;1,1;0,0", "1/5,1/5,3/10,3/10", "1/9", "0,1/2,0,1/2"),
    ("0,0;1,0;0,1;1,1;2,1", "1/5,1/10,3/10,1/4,3/20", "3/4", "0,0,0,0,1"),
])
def test_moments_match_the_iterated_projection(phi, p, alpha, q0):
    f, pv, a, q = matrix(phi), vector(p), float(Fraction(alpha)), vector(q0)
    for t in range(6):
        d = SPECS["capacity-moments"].derive(parse("capacity-moments", alpha=alpha, Phi=phi, p=p, t=t, q0=q0))
        assert all(v.is_Rational for v in d.value)
        assert [float(v) for v in d.value] == pytest.approx(list(f.T @ q), abs=1e-12)
        q = project_np(f, a * pv + (1 - a) * q)


def test_moment_closed_form_is_the_theory_formula():
    d = SPECS["capacity-moments"].derive({})
    a, t = sp.Symbol("alpha", real=True), sp.Symbol("t", integer=True, nonnegative=True)
    m, mu0 = capacity.M_K, capacity.MU_0
    assert sp.simplify(d.expression - (m + (1 - a) ** t * (mu0 - m))) == 0
    assert d.value is None


def test_numeric_route_agrees_with_an_exact_route():
    phi = sp.Matrix([[0], [1], [3], [4]])
    p = tuple(sp.Rational(x) for x in ("1/8", "3/8", "1/4", "1/4"))
    exact = capacity.project(phi, p)
    numeric = capacity._numeric(capacity.identifiable_features(phi), p)
    assert exact.exact and not numeric.exact
    assert all(abs(sp.N(x - y, 45)) < 1e-40 for x, y in zip(exact.q, numeric.q))


@pytest.mark.parametrize("texts, fragment", [
    ({"alpha": "0", "Phi": "0;1;2", "p": "1/3,1/3,1/3"}, "alpha=0 is outside"),
    ({"alpha": "5/4", "Phi": "0;1;2", "p": "1/3,1/3,1/3"}, "alpha=5/4 is outside"),
    ({"alpha": "1/2", "Phi": "0;1", "p": "1/3,1/3,1/3"}, "Phi has 2 rows but p has 3 entries"),
    ({"alpha": "1/2", "Phi": "1,2;2,4;3,6", "p": "1/3,1/3,1/3"}, r"linearly dependent \(rank 1\)"),
    ({"alpha": "1/2", "Phi": "0;1;2", "p": "1/2,1/3,1/3"}, "sums to 7/6"),
    ({"alpha": "1/2", "Phi": "0;1;2", "p": "1/2,1/2,0"}, "zero entry"),
    ({"alpha": "1/2", "Phi": "0,1,2", "p": "1/3,1/3,1/3"}, "Phi has 1 rows"),
])
@pytest.mark.parametrize("name", ["capacity-fixed-point", "capacity-bias", "capacity-moments"])
def test_bad_inputs_raise_input_error(name, texts, fragment):
    with pytest.raises(InputError, match=fragment):
        SPECS[name].derive(parse(name, **texts))


def test_phi_must_be_a_matrix():
    with pytest.raises(InputError, match="Phi must be a matrix"):
        SPECS["capacity-bias"].derive({"Phi": (Fraction(1), Fraction(0)), "p": (Fraction(1, 2), Fraction(1, 2))})


@pytest.mark.parametrize("name, texts", [
    ("capacity-moments", dict(alpha="1/4", Phi="0;1;3", p="1/5,1/5,3/5", t=2, q0="0,1,0")),
    ("capacity-fixed-point", dict(alpha="1/4", Phi="0;1;3", p="1/5,1/5,3/5")),
    ("capacity-bias", dict(alpha="1/4", Phi="0,0;1,0;0,1;1,1;2,1", p="1/5,1/5,1/5,1/5,1/5")),
    ("capacity-bias", {}),
])
def test_json_round_trip(name, texts):
    data = json.loads(json.dumps(SPECS[name].derive(parse(name, **texts)).to_json()))
    assert data["name"] == name and data["steps"]
    assert (data["value"] is None) is (not texts)
