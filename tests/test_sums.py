"""The rules for sums over a symbolic number of terms (:mod:`kdaxioms.symbolic.sums`): each is
checked against brute-force evaluation of the expanded sums at random exact points for
n = 2..8, and a planted false rule is rejected."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from kdaxioms.symbolic import sums
from kdaxioms.symbolic.derivations.memory import bounds_for_every_k
from kdaxioms.symbolic.errors import ModelError

k = sp.Symbol("k", integer=True, positive=True)
j = sp.Symbol("j", integer=True)
z = sp.Symbol("z", positive=True)
c = sp.Symbol("c", nonnegative=True)
x = sp.Function("x", nonnegative=True)
SIZES = range(2, 9)


def _values(n: int, rng: random.Random, simplex: bool = False) -> dict:
    """Random exact values of x(1..n) (in the simplex with ``simplex``), z and c."""
    xs = [sp.Rational(rng.randint(0, 9), rng.randint(1, 9)) for _ in range(n)]
    if simplex:
        total = sum(xs) or 1
        xs = [v / total for v in xs] if sum(xs) else [sp.Rational(1, n)] * n
    out = {x(m + 1): v for m, v in enumerate(xs)}
    out.update({z: sp.Rational(rng.randint(1, 9), rng.randint(1, 9)), c: sp.Rational(rng.randint(0, 9), 9)})
    return out


def _at(expr: sp.Expr, n: int, values: dict) -> sp.Expr:
    return expr.subs(k, n).doit().xreplace(values)


def _equal(a: sp.Expr, b: sp.Expr, simplex: bool = False) -> None:
    rng = random.Random(1)
    for n in SIZES:
        for _ in range(3):
            values = _values(n, rng, simplex)
            assert sp.simplify(_at(a, n, values) - _at(b, n, values)) == 0, (n, values)


def test_linearity_matches_the_expanded_derivative():
    g = sp.Sum(c * x(j) * z ** (-j), (j, 1, k))
    dg, step = sums.linearity(g, z)
    assert step.rule == "linearity"
    rng = random.Random(2)
    for n in SIZES:
        values = _values(n, rng)
        assert sp.simplify(_at(dg, n, values) - sp.diff(g.subs(k, n).doit(), z).xreplace(values)) == 0
    total, _ = sums.factor_out(g, c)
    _equal(total, g)
    combined, _ = sums.combine([(z, dg), (sp.Integer(2), g)])
    _equal(combined, z * dg + 2 * g)
    with pytest.raises(ModelError):  # c is no factor of x(j)
        sums.factor_out(sp.Sum(x(j), (j, 1, k)), c)
    with pytest.raises(ModelError):  # a coefficient that depends on the index
        sums.combine([(j, g)])


def test_shift_and_termwise_identity_match_brute_force():
    s = sp.Sum(x(j + 1) * z ** (-j - 1), (j, 0, k - 1))
    shifted, _ = sums.shift(s, 1)
    _equal(shifted, s)
    target = sp.Sum(x(j) / z ** j, (j, 1, k))
    sums.termwise_identity(shifted, target)
    _equal(shifted, target)


def test_a_planted_false_identity_is_rejected():
    """``sum x_j^2 = (sum x_j)^2`` is false (brute force says so) and no rule proves it."""
    squares, square = sp.Sum(x(j) ** 2, (j, 1, k)), sp.Sum(x(j), (j, 1, k)) ** 2
    rng = random.Random(3)
    assert any(_at(squares, n, v) != _at(square, n, v) for n in SIZES for v in [_values(n, rng)])
    with pytest.raises(ModelError):
        sums.termwise_identity(squares, square)
    with pytest.raises(ModelError):
        sums.termwise_identity(squares, sp.Sum(x(j), (j, 1, k)))
    with pytest.raises(ModelError):  # different ranges
        sums.termwise_identity(squares, sp.Sum(x(j) ** 2, (j, 0, k)))


def test_termwise_sign_matches_brute_force_and_rejects_mixed_signs():
    s = sp.Sum(c * x(j) * (1 - j) * z ** (-j), (j, 1, k))
    sums.termwise_sign(s, "nonpositive")
    rng = random.Random(4)
    assert all(_at(s, n, _values(n, rng)) <= 0 for n in SIZES for _ in range(3))
    mixed = sp.Sum((j - 2) * x(j), (j, 1, k))
    with pytest.raises(ModelError):
        sums.termwise_sign(mixed, "nonnegative")
    with pytest.raises(ModelError):
        sums.termwise_sign(mixed, "nonpositive")


def test_weights_sum_to_one_matches_brute_force_on_the_simplex():
    s = sp.Sum(x(j) * c ** (1 - j), (j, 1, k))
    excess, step = sums.weights_sum_to_one(s, x(j), "x is in the simplex")
    assert "x is in the simplex" in step.fact
    rng = random.Random(5)
    for n in SIZES:
        values = _values(n, rng, simplex=True)
        values[c] = sp.Rational(rng.randint(1, 9), 10)
        assert sp.simplify(_at(s, n, values) - 1 - _at(excess, n, values)) == 0
    with pytest.raises(ModelError):  # z^j is no weight sequence
        sums.weights_sum_to_one(s, z ** j, "a planted premise")
    with pytest.raises(ModelError):  # x(j + 1) is not the weight at the index j
        sums.weights_sum_to_one(sp.Sum(x(j) * c, (j, 1, k)), x(j + 1), "a planted premise")


def test_power_at_least_one_and_its_false_twin():
    u = sp.Symbol("u", positive=True)
    m = sp.Symbol("m", integer=True, nonnegative=True)
    sums.power_at_least_one(1 + u, m)
    assert all((1 + sp.Rational(a, 7)) ** e >= 1 for a in range(0, 9) for e in range(0, 6))
    with pytest.raises(ModelError):
        sums.power_at_least_one(1 / (1 + u), m)
    with pytest.raises(ModelError):
        sums.power_at_least_one(1 + u, m, strict=True)  # m = 0 gives exactly 1


def test_memory_bounds_for_every_k_cite_the_rules_and_agree_with_each_k():
    """The all-k proof names its rules; its conclusion agrees with the exact spectral radius at
    random weights for k = 1..6."""
    steps = bounds_for_every_k()
    cited = {s[1:s.index("]")].split(",")[0] for s in steps if s.startswith("[")}
    assert cited == set(sums.RULES)
    rng = random.Random(6)
    zz = sp.Symbol("zz")
    for order in range(1, 7):
        raw = [rng.randint(0, 5) for _ in range(order)]
        raw[0] += 1
        beta = [sp.Rational(v, sum(raw)) for v in raw]
        alpha = sp.Rational(rng.randint(1, 9), 10)
        poly = sp.Poly(zz ** order - (1 - alpha) * sum(b * zz ** (order - 1 - i) for i, b in enumerate(beta)), zz)
        rho = max(abs(complex(r)) for r in poly.nroots(n=30))
        assert 1 - float(alpha) - 1e-12 <= rho < 1
        assert (abs(rho - (1 - float(alpha))) < 1e-9) == (beta[1:] == [0] * (order - 1))
