"""C9 and C12 derivations against exact Markov-chain computations and seeded Monte Carlo.

For small ``N`` the resampling chain lives on the finite grid ``{X/N}``; its transition matrix is
built from the multinomial probability mass function with exact rationals, so stationary
moments and t-step moments are computed exactly and compared for equality.
"""

import json
from fractions import Fraction
from itertools import product
from math import factorial

import numpy as np
import pytest
import sympy as sp

from kdaxioms.symbolic.derivations import sampling
from kdaxioms.symbolic.errors import InputError

SPECS = {s.name: s for s in sampling.DERIVATIONS}
R = sp.Rational


def derive(name, **texts):
    spec = SPECS[name]
    return spec.derive(spec.parse([f"{k}={v}" for k, v in texts.items()]))


def compositions(total, parts):
    """Count vectors of ``parts`` non-negative integers summing to ``total``."""
    return [c + (total - sum(c),) for c in product(range(total + 1), repeat=parts - 1) if sum(c) <= total]


def multinomial_pmf(counts, probs):
    out = R(factorial(sum(counts)))
    for k, r in zip(counts, probs):
        out *= r ** k / factorial(k)
    return out


def transition(states, size, teacher):
    """Exact matrix ``P[a, b] = P(X = b | q = a / size)``, X ~ Multinomial(size, teacher(a / size))."""
    rows = []
    for a in states:
        r = teacher([R(k, size) for k in a])
        rows.append([multinomial_pmf(b, r) for b in states])
    return sp.Matrix(rows)


def stationary(matrix):
    """The stationary row vector of an irreducible chain, exactly."""
    m = matrix.shape[0]
    system = (matrix.T - sp.eye(m))
    system[m - 1, :] = sp.ones(1, m)
    rhs = sp.zeros(m, 1)
    rhs[m - 1] = 1
    return list(system.LUsolve(rhs))


def f7_chain(alpha, size, p):
    states = compositions(size, len(p))
    step = transition(states, size, lambda q: [alpha * a + (1 - alpha) * b for a, b in zip(p, q)])
    return states, step, stationary(step)


@pytest.mark.parametrize("alpha, size, p", [
    (R(2, 7), 3, (R(1, 5), R(4, 5))),
    (R(3, 4), 5, (R(5, 8), R(3, 8))),
    (R(1), 2, (R(1, 3), R(2, 3))),
    (R(1, 6), 3, (R(1, 2), R(1, 6), R(1, 3))),
    (R(5, 9), 1, (R(1, 4), R(1, 4), R(1, 2))),
])
def test_stationary_moments_equal_the_exact_chain(alpha, size, p):
    states, _, pi = f7_chain(alpha, size, p)
    err = [sum((R(k, size) - a) ** 2 for k, a in zip(s, p)) for s in states]
    chi = [sum((R(k, size) - a) ** 2 / a for k, a in zip(s, p)) for s in states]
    texts = dict(alpha=str(alpha), N=size, p=",".join(map(str, p)))
    assert derive("sampled-stationary", **texts).value == sum(w * e for w, e in zip(pi, err))
    assert derive("sampled-stationary-chi2", **texts).value == sum(w * c for w, c in zip(pi, chi))
    assert derive("sampled-stationary-chi2", alpha=str(alpha), N=size, n=len(p)).value == sum(w * c for w, c in zip(pi, chi))
    teacher = [alpha * p[0] + (1 - alpha) * R(s[0], size) for s in states]
    mean = sum(w * r for w, r in zip(pi, teacher))
    variance = sum(w * (r - mean) ** 2 for w, r in zip(pi, teacher))
    assert mean == p[0]
    assert derive("island-model", alpha=str(alpha), N=size).value == variance / (p[0] * (1 - p[0]))


def test_stationary_monte_carlo_at_larger_n_and_N():
    alpha, size, p = 0.15, 40, np.array([0.05, 0.15, 0.3, 0.5])
    d = derive("sampled-stationary", alpha="3/20", N=size, p="1/20,3/20,3/10,1/2")
    c = derive("sampled-stationary-chi2", alpha="3/20", N=size, p="1/20,3/20,3/10,1/2")
    rng = np.random.default_rng(314159)
    chains, burn, keep = 4000, 80, 60
    q = np.tile(p, (chains, 1))
    err, chi = np.zeros(chains), np.zeros(chains)
    for t in range(burn + keep):
        q = rng.multinomial(size, alpha * p + (1 - alpha) * q) / size
        if t >= burn:
            err += ((q - p) ** 2).sum(axis=1) / keep
            chi += ((q - p) ** 2 / p).sum(axis=1) / keep
    for sample, expected in ((err, float(d.value)), (chi, float(c.value))):
        half = 1.96 * sample.std(ddof=1) / np.sqrt(chains)
        assert abs(sample.mean() - expected) < half


def test_symbolic_forms_match_theory():
    a, n_ = sp.Symbol("alpha", real=True), sp.Symbol("N", integer=True, positive=True)
    n, norm = sp.Symbol("n", integer=True, positive=True), sampling.NORM2
    den = n_ - (1 - a) ** 2 * (n_ - 1)
    assert sp.simplify(derive("sampled-stationary").expression - (1 - norm) / den) == 0
    assert sp.simplify(derive("sampled-stationary-chi2").expression - (n - 1) / den) == 0
    assert sp.simplify(derive("island-model").expression - (1 - a) ** 2 / den) == 0
    t, h0 = sp.Symbol("t", integer=True, nonnegative=True), sp.Symbol("h_0")
    assert sp.simplify(derive("unanchored-heterozygosity").expression - (1 - 1 / n_) ** t * h0) == 0
    assert sp.simplify(derive("anchor-floor").expression - (n - 1) / sp.Symbol("N_0", integer=True, positive=True)) == 0
    bound = derive("accumulation-bound", t=4).expression
    assert sp.simplify(bound - (1 - norm) / n_ * sum(R(1, s * s) for s in range(1, 5))) == 0


@pytest.mark.parametrize("size, q0", [(4, (R(1, 2), R(1, 2))), (3, (R(1, 3), R(0), R(2, 3))), (1, (R(1, 4), R(3, 4)))])
def test_heterozygosity_decay_equals_exact_propagation(size, q0):
    states = compositions(size, len(q0))
    step = transition(states, size, lambda q: q)
    law = sp.Matrix([[multinomial_pmf(s, q0) for s in states]])
    het = [1 - sum(R(k, size) ** 2 for k in s) for s in states]
    start = derive("unanchored-heterozygosity", N=size, t=0, q0=",".join(map(str, q0))).value
    assert start == 1 - sum(x ** 2 for x in q0)
    for t in range(1, 7):
        expected = sum(w * h for w, h in zip(law, het))
        assert derive("unanchored-heterozygosity", N=size, t=t, q0=",".join(map(str, q0))).value == expected
        law = law * step


def accumulated_error(size, p, generations):
    """Exact E||q_t - p||^2 for t = 1..generations of the pooling process, by enumeration."""
    n = len(p)
    law = {tuple(R(0) for _ in p): R(1)}
    out = []
    for s in range(1, generations + 1):
        nxt = {}
        for counts, weight in law.items():
            q = p if s == 1 else tuple(c / ((s - 1) * size) for c in counts)
            for draw in compositions(size, n):
                key = tuple(c + k for c, k in zip(counts, draw))
                nxt[key] = nxt.get(key, 0) + weight * multinomial_pmf(draw, q)
        law = nxt
        out.append(sum(w * sum((c / (s * size) - a) ** 2 for c, a in zip(k, p)) for k, w in law.items()))
    return out


@pytest.mark.parametrize("size, p, generations", [(3, (R(1, 3), R(2, 3)), 5), (2, (R(1, 6), R(1, 3), R(1, 2)), 4),
                                                  (1, (R(3, 10), R(7, 10)), 3)])
def test_accumulation_equals_exact_enumeration_and_respects_the_bound(size, p, generations):
    exact = accumulated_error(size, p, generations)
    for t, expected in enumerate(exact, start=1):
        d = derive("accumulation-bound", N=size, t=t, p=",".join(map(str, p)))
        assert d.extra["expected_error"] == expected
        assert expected <= d.value
        assert d.value == (1 - sum(x ** 2 for x in p)) / size * sum(R(1, s * s) for s in range(1, t + 1))
        assert d.value < sp.pi ** 2 / 6 * (1 - sum(x ** 2 for x in p)) / size


def test_accumulation_monte_carlo_and_limit():
    size, p, t = 4, np.array([0.2, 0.3, 0.5]), 150
    d = derive("accumulation-bound", N=size, t=t, p="1/5,3/10,1/2")
    limit = derive("accumulation-bound", N=size, p="1/5,3/10,1/2")
    rng = np.random.default_rng(27182)
    chains = 6000
    counts = rng.multinomial(size, p, size=chains).astype(float)
    for s in range(2, t + 1):
        counts += rng.multinomial(size, counts / counts.sum(axis=1, keepdims=True))
    err = ((counts / (t * size) - p) ** 2).sum(axis=1)
    half = 1.96 * err.std(ddof=1) / np.sqrt(chains)
    assert abs(err.mean() - float(d.extra["expected_error"])) < half
    h = 1 - (p ** 2).sum()
    assert float(limit.extra["expected_error"]) == pytest.approx(h * (1 - np.sin(np.pi / 2) / (np.pi / 2)), rel=1e-14)
    assert float(d.extra["expected_error"]) < float(limit.extra["expected_error"]) < float(limit.value)
    assert float(limit.extra["expected_error"]) - float(d.extra["expected_error"]) < 1e-3


@pytest.mark.parametrize("size, p0", [(4, (R(1, 10), R(3, 10), R(3, 5))), (5, (R(1, 4), R(3, 4))),
                                      (2, (R(1, 5), R(1, 5), R(1, 5), R(2, 5)))])
def test_anchor_floor_equals_exact_enumeration(size, p0):
    expected = sum(multinomial_pmf(c, p0) * sum((R(k, size) - a) ** 2 / a for k, a in zip(c, p0))
                   for c in compositions(size, len(p0)))
    assert derive("anchor-floor", N0=size, p0=",".join(map(str, p0))).value == expected
    assert derive("anchor-floor", N0=size, n=len(p0)).value == expected


@pytest.mark.parametrize("name, texts, fragment", [
    ("sampled-stationary", dict(alpha="0", N=3), "alpha=0 is outside"),
    ("sampled-stationary", dict(alpha="3/2", N=3), "alpha=3/2 is outside"),
    ("sampled-stationary", dict(alpha="1/2", N=0), "N=0 must be an integer >= 1"),
    ("sampled-stationary", dict(alpha="1/2", N=3, p="1/2,1/4"), "sums to 3/4"),
    ("sampled-stationary", dict(alpha="1/2", N=3, p="1,0"), "zero entry"),
    ("sampled-stationary-chi2", dict(alpha="1/2", N=3, n=1), "n=1 must be an integer >= 2"),
    ("sampled-stationary-chi2", dict(alpha="1/2", N=3, n=3, p="1/2,1/2"), "n=3 but p has 2 entries"),
    ("island-model", dict(alpha="-1/4", N=3), "outside"),
    ("unanchored-heterozygosity", dict(N=3, t=-1), "t=-1 must be an integer >= 0"),
    ("unanchored-heterozygosity", dict(N=3, t=1, q0="1/2,2/3"), "sums to 7/6"),
    ("accumulation-bound", dict(N=-2, t=1), "N=-2 must be an integer >= 1"),
    ("accumulation-bound", dict(N=2, t=1, p="3/2,-1/2"), "negative entry"),
    ("anchor-floor", dict(N0=0, n=3), "N0=0 must be an integer >= 1"),
])
def test_bad_inputs_raise_input_error(name, texts, fragment):
    with pytest.raises(InputError, match=fragment):
        derive(name, **texts)


def test_unanchored_takes_no_alpha():
    with pytest.raises(InputError, match="takes no input 'alpha'"):
        SPECS["unanchored-heterozygosity"].derive({"alpha": Fraction(1, 2)})


@pytest.mark.parametrize("name, texts", [
    ("sampled-stationary", dict(alpha="2/9", N=6, p="1/9,8/9")),
    ("sampled-stationary-chi2", dict(alpha="2/9", N=6, n=5)),
    ("island-model", dict(alpha="2/9", N=6)),
    ("unanchored-heterozygosity", dict(N=6, t=2, q0="1/9,8/9")),
    ("accumulation-bound", dict(N=6, t=2, p="1/9,8/9")),
    ("anchor-floor", dict(N0=6, p0="1/9,8/9")),
])
def test_json_round_trip_with_exact_values(name, texts):
    data = json.loads(json.dumps(derive(name, **texts).to_json()))
    assert data["name"] == name and data["steps"]
    assert sp.Rational(data["exact"]) == sp.Rational(sp.Float(data["value"], 30)).limit_denominator(10 ** 12)
