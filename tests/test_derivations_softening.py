"""C7 and C10 derivations (softened anchor, power softening, linear smoothing) against
independent computations: float iteration of T from several starts, mpmath Newton at 50 digits,
exact substitution of the n = 2 solutions, finite differences and Fraction replays.
"""

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from kdaxioms.symbolic.derivations import softening
from kdaxioms.symbolic.errors import InputError

SPECS = {s.name: s for s in softening.DERIVATIONS}
P5 = "1/10,1/5,3/10,1/4,3/20"


def derive(name, **texts):
    spec = SPECS[name]
    return spec.derive(spec.parse([f"{k}={v}" for k, v in texts.items()]))


def vec(text):
    return np.array([float(Fraction(x)) for x in text.split(",")])


def step(q, p, alpha, tau):
    """One application of T(q) = alpha p + (1 - alpha) q^(1/tau) / sum_j q_j^(1/tau), float64."""
    w = q ** (1.0 / tau)
    return alpha * p + (1 - alpha) * w / w.sum()


def iterate(p, alpha, tau, start, limit=200000):
    q = np.asarray(start, float)
    for _ in range(limit):
        new = step(q, p, alpha, tau)
        if np.abs(new - q).max() < 1e-15:
            return new
        q = new
    raise AssertionError(f"the iteration from {start} did not settle")


def starts(p, seed=7):
    """The anchor, the uniform start, smoothed vertices and seeded Dirichlet draws."""
    n = len(p)
    rng = np.random.default_rng(seed)
    out = [p, np.full(n, 1.0 / n)]
    out += [0.98 * np.eye(n)[k] + 0.02 / n for k in range(n)]
    out += list(rng.dirichlet(np.ones(n), size=3))
    return out


def floats(d):
    return np.array([float(v) for v in d.value])


def kl(x, y):
    return float(np.sum(x * np.log(x / y)))


# (alpha, tau, p, route) where the fixed point is unique (certified kappa < 1, or n = 2 enumeration)
UNIQUE = [
    ("1/2", "1/2", "3/10,7/10", "ratio-polynomial"),
    ("1/3", "2", "3/10,7/10", "ratio-polynomial"),
    ("1/4", "3", "1/10,9/10", "ratio-polynomial"),
    ("3/5", "7/10", "1/5,4/5", "ratio-polynomial"),
    ("7/10", "1/2", "1/6,1/3,1/2", "krawczyk"),
    ("1/3", "2", "1/5,3/10,1/2", "krawczyk"),
    ("1/2", "7/10", "1/5,3/10,1/2", "krawczyk"),
    ("1/5", "3", P5, "krawczyk"),
    ("9/10", "1/2", P5, "krawczyk"),
    ("4/5", "7/10", P5, "krawczyk"),
    ("1/10", "2", P5, "krawczyk"),
]


@pytest.mark.parametrize("alpha, tau, p, route", UNIQUE)
def test_fixed_point_matches_iteration_from_every_start(alpha, tau, p, route):
    d = derive("softened-fixed-point", alpha=alpha, tau=tau, p=p)
    assert d.extra["route"] == route and d.extra["unique"] is True
    assert d.exact == (route == "ratio-polynomial")
    pv, a, t = vec(p), float(Fraction(alpha)), float(Fraction(tau))
    for start in starts(pv):
        assert np.allclose(iterate(pv, a, t, start), floats(d), atol=1e-12, rtol=0)
    assert sum(Fraction(x) for x in d.decimal()) == pytest.approx(1, abs=1e-29)


@pytest.mark.parametrize("alpha, tau, p", [("1/2", "7/10", "1/5,3/10,1/2"), ("1/10", "2", P5), ("4/5", "1/2", P5)])
def test_certified_digits_match_an_independent_50_digit_newton(alpha, tau, p):
    d = derive("softened-fixed-point", alpha=alpha, tau=tau, p=p)
    assert not d.exact
    with mpmath.workdps(50):
        pv, a, t = [mpf(x) for x in p.split(",")], mpf(alpha), mpf(tau)

        def residual(*q):
            w = [x ** (1 / t) for x in q]
            return [x - (a * y + (1 - a) * v / sum(w)) for x, y, v in zip(q, pv, w)]

        root = mpmath.findroot(residual, [mpmath.mpf(float(x)) for x in floats(d)])
        expected = [mpmath.nstr(x, 25) for x in root]
        assert [mpmath.nstr(mpmath.mpf(x), 25) for x in d.decimal()] == expected


def mpf(text):
    """An exact rational text as an mpmath number at the current precision."""
    x = Fraction(text)
    return mpmath.mpf(x.numerator) / x.denominator


def _root_as_symbol(expr):
    """Replace the single algebraic root in ``expr`` by a positive symbol; return the polynomial it solves."""
    roots = expr.atoms(sp.CRootOf)
    y = sp.Symbol("y", positive=True)
    if not roots:
        return expr, None, y
    (r,) = roots
    return expr.xreplace({r: y}), r.poly.as_expr().xreplace({r.poly.gen: y}), y


@pytest.mark.parametrize("alpha, tau, p", [("1/2", "1/2", "3/10,7/10"), ("1/3", "2", "3/10,7/10"),
                                           ("2/5", "1/2", "1/10,9/10"), ("1/2", "2", "4/5,1/5")])
def test_exact_two_point_solutions_substitute_exactly(alpha, tau, p):
    d = derive("softened-fixed-point", alpha=alpha, tau=tau, p=p)
    assert d.exact and d.to_json()["exact"] is not None
    a, t = sp.Rational(alpha), sp.Rational(tau)
    pv = [sp.Rational(x) for x in p.split(",")]
    q1, poly, y = _root_as_symbol(d.value[0])
    q2, _, _ = _root_as_symbol(d.value[1])
    assert poly is not None
    for q, other, anchor in ((q1, q2, pv[0]), (q2, q1, pv[1])):
        residual = q - (a * anchor + (1 - a) * q ** (1 / t) / (q ** (1 / t) + other ** (1 / t)))
        num, den = sp.fraction(sp.cancel(sp.together(sp.powdenest(residual, force=True))))
        assert sp.rem(sp.expand(num), poly, y) == 0
        assert sp.gcd(den, poly) == 1
    exact = [sp.N(v, 60) for v in d.value]
    assert abs(exact[0] + exact[1] - 1) < 1e-55
    assert all(0 < v < 1 for v in exact)


def test_several_fixed_points_at_small_alpha_and_the_one_reached_from_p():
    """tau < 1 is not a contraction: three fixed points at n = 2; the orbit from p picks one."""
    alpha, tau, p = "1/10", "1/2", "3/10,7/10"
    d = derive("softened-fixed-point", alpha=alpha, tau=tau, p=p)
    assert d.extra["unique"] is False and len(d.extra["other_fixed_points"]) == 2
    pv, a, t = vec(p), 0.1, 0.5
    assert np.allclose(iterate(pv, a, t, pv), floats(d), atol=1e-12)
    others = [np.array([float(x) for x in q]) for q in d.extra["other_fixed_points"]]
    for q in others + [floats(d)]:
        assert np.abs(step(q, pv, a, t) - q).max() < 1e-14
    top = max(others, key=lambda q: q[0])
    assert np.allclose(iterate(pv, a, t, np.array([0.99, 0.01])), top, atol=1e-12)
    assert not np.allclose(top, floats(d), atol=1e-3)


@pytest.mark.parametrize("alpha, tau, p", [("1/3", "2", "3/10,7/10"), ("1/2", "1/2", "1/5,3/10,1/2"),
                                           ("1/5", "3", P5), ("3/5", "7/10", "1/5,4/5")])
def test_biased_when_tau_is_not_one_and_p_not_uniform(alpha, tau, p):
    d = derive("softened-fixed-point", alpha=alpha, tau=tau, p=p)
    assert d.extra["biased"] is True
    assert np.abs(floats(d) - vec(p)).max() > 1e-6


@pytest.mark.parametrize("alpha, tau, p", [("1/3", "1", "3/10,7/10"), ("1/2", "1", P5), ("1/3", "2", "1/2,1/2"),
                                           ("1/10", "1/2", "1/3,1/3,1/3"), ("1", "7/10", "1/5,3/10,1/2")])
def test_unbiased_when_tau_is_one_or_p_uniform_or_alpha_one(alpha, tau, p):
    d = derive("softened-fixed-point", alpha=alpha, tau=tau, p=p)
    assert d.exact and d.extra["biased"] is False
    assert list(d.value) == [sp.Rational(x) for x in p.split(",")]
    bias = derive("softened-bias", alpha=alpha, tau=tau, p=p)
    assert bias.value == 0


@pytest.mark.parametrize("alpha, tau, p", [("1/2", "1/2", "3/10,7/10"), ("1/4", "3", "1/10,9/10"),
                                           ("1/3", "2", "1/5,3/10,1/2"), ("4/5", "7/10", P5), ("1/10", "2", P5)])
def test_bias_matches_a_float_computation(alpha, tau, p):
    d = derive("softened-bias", alpha=alpha, tau=tau, p=p)
    pv = vec(p)
    q = iterate(pv, float(Fraction(alpha)), float(Fraction(tau)), pv)
    assert float(d.value) == pytest.approx(kl(pv, q), rel=1e-9)
    assert float(d.value) > 0
    assert d.exact == (len(pv) == 2)


def test_bias_expression_is_the_kl_sum():
    d = derive("softened-bias", p="1/5,4/5")
    from kdaxioms.symbolic.model import vector_symbols  # coordinates live in the internal namespace (p_{1})
    (p1, p2), (s1, s2) = vector_symbols("p", 2), vector_symbols("q^*", 2)
    assert sp.simplify(d.expression - (p1 * sp.log(p1 / s1) + p2 * sp.log(p2 / s2))) == 0 and d.value is None


@pytest.mark.parametrize("alpha, p", [("1/3", "1/5,3/10,1/2"), ("1/5", P5), ("1", "1/4,3/4")])
def test_limit_is_the_mixture_with_uniform_and_the_fixed_points_approach_it(alpha, p):
    d = derive("softened-limit", alpha=alpha, p=p)
    a, pv = Fraction(alpha), [Fraction(x) for x in p.split(",")]
    n = len(pv)
    assert list(d.value) == [sp.Rational(a * x + (1 - a) / n) for x in pv]
    target = np.array([float(v) for v in d.value])
    gaps = [np.abs(iterate(vec(p), float(a), tau, vec(p)) - target).max() for tau in (10.0, 100.0, 10000.0)]
    assert gaps[2] < 1e-4 and (a == 1 or gaps[0] > gaps[1] > gaps[2])


def test_limit_general_form():
    d = derive("softened-limit")
    a, n = sp.Symbol("alpha", real=True), sp.Symbol("n", integer=True, positive=True)
    pi = sp.IndexedBase("p")[sp.Symbol("i", integer=True, positive=True)]
    assert sp.simplify(d.expression.rhs - (a * pi + (1 - a) / n)) == 0 and d.value is None


def test_power_softening_axioms_are_proved():
    d = derive("power-softening-axioms")
    assert d.extra["axioms"] == {k: "proved (all n)" for k in ("S1", "S3", "S4", "S5")}
    assert d.value is None
    assert _general_derivative(d.expression.rhs, [0.2, 0.5, 0.3], 1.5) == pytest.approx(
        _finite_difference([0.2, 0.5, 0.3], 1.5), rel=1e-6)


def _entropy(p, beta):
    w = np.asarray(p, float) ** beta
    s = w / w.sum()
    return float(-np.sum(s * np.log(s)))


def _finite_difference(p, tau, h=1e-5):
    beta = 1.0 / tau
    return (_entropy(p, beta + h) - _entropy(p, beta - h)) / (2 * h)


def _general_derivative(expr, p, tau):
    """The general (sum over j) expression evaluated at a concrete p and tau."""
    n = sp.Symbol("n", integer=True, positive=True)
    base = sp.IndexedBase("p")
    j = sp.Symbol("j", integer=True, positive=True)
    concrete = expr.subs(n, len(p)).doit()
    concrete = concrete.xreplace({base[k + 1]: sp.Float(x, 30) for k, x in enumerate(p)})
    concrete = concrete.xreplace({sp.Symbol("tau", real=True): sp.Float(tau, 30)})
    assert not concrete.free_symbols - {j}
    return float(concrete)


@pytest.mark.parametrize("tau, p", [("2/3", "1/5,3/10,1/2"), ("3", "1/10,9/10"), ("1/2", P5), ("7/10", "1/4,3/4")])
def test_entropy_derivative_matches_a_finite_difference(tau, p):
    d = derive("entropy-derivative", tau=tau, p=p)
    expected = _finite_difference(vec(p), float(Fraction(tau)))
    assert float(d.value) == pytest.approx(expected, rel=1e-6)
    assert float(d.value) < 0 and d.exact
    general = derive("entropy-derivative", tau=tau)
    assert _general_derivative(general.expression.rhs, list(vec(p)), float(Fraction(tau))) == pytest.approx(
        expected, rel=1e-6)


def test_entropy_derivative_vanishes_for_uniform_p():
    d = derive("entropy-derivative", tau="3/10", p="1/4,1/4,1/4,1/4")
    assert sp.simplify(d.value) == 0


@pytest.mark.parametrize("n", [None, 2, 3, 5])
def test_linear_smoothing_witness_replays_with_fractions(n):
    d = derive("linear-smoothing-closure", **({} if n is None else {"n": n}))
    w = d.extra["witness"]
    p = [Fraction(x) for x in w["inputs"]["p"]]
    tau = Fraction(w["parameters"]["tau"])
    size = w["n"]
    assert size == (n or 2) and len(p) == size and sum(p) == 1 and min(p) >= 0 and 0 < tau < 1
    image = [x / tau + (1 - 1 / tau) / size for x in p]
    assert sum(image) == 1 and min(image) < 0
    negative = d.extra["negative_component"]
    assert image[negative["index"] - 1] == Fraction(negative["value"]) == Fraction(str(d.value)) < 0
    assert "oo" in d.extra["limits"] and "-oo" in d.extra["limits"]
    assert d.expression.free_symbols == {sp.Symbol("tau", real=True)}
    assert d.expression.as_set() == sp.Interval.open(0, 1)


@pytest.mark.parametrize("name, texts", [
    ("softened-fixed-point", {"alpha": "0", "tau": "2", "p": "1/2,1/2"}),
    ("softened-fixed-point", {"alpha": "3/2", "tau": "2", "p": "1/2,1/2"}),
    ("softened-fixed-point", {"alpha": "1/2", "tau": "0", "p": "1/2,1/2"}),
    ("softened-fixed-point", {"alpha": "1/2", "tau": "-1", "p": "1/2,1/2"}),
    ("softened-fixed-point", {"alpha": "1/2", "tau": "2", "p": "1/2,1/3"}),
    ("softened-fixed-point", {"alpha": "1/2", "tau": "2", "p": "1,0"}),
    ("softened-fixed-point", {"alpha": "1/2", "tau": "2", "p": "1"}),
    ("softened-bias", {"alpha": "1/2", "tau": "2", "p": "3/2,-1/2"}),
    ("softened-bias", {"alpha": "-1/3", "tau": "2", "p": "1/2,1/2"}),
    ("softened-limit", {"alpha": "0", "p": "1/2,1/2"}),
    ("softened-limit", {"alpha": "1/2", "p": "0,1"}),
    ("entropy-derivative", {"tau": "0", "p": "1/2,1/2"}),
    ("entropy-derivative", {"tau": "1", "p": "1/4,1/4"}),
    ("linear-smoothing-closure", {"n": "1"}),
])
def test_bad_inputs_raise_input_error(name, texts):
    with pytest.raises(InputError) as err:
        derive(name, **texts)
    assert "\n" not in str(err.value)


def test_unknown_input_is_rejected():
    with pytest.raises(InputError, match="takes no input"):
        derive("power-softening-axioms", tau="2")


@pytest.mark.parametrize("name, texts", [
    ("softened-fixed-point", {"alpha": "1/2", "tau": "1/2", "p": "3/10,7/10"}),
    ("softened-fixed-point", {"alpha": "1/3", "tau": "2", "p": "1/5,3/10,1/2"}),
    ("softened-bias", {"alpha": "1/3", "tau": "2", "p": "1/5,3/10,1/2"}),
    ("softened-limit", {"alpha": "1/3", "p": "1/5,3/10,1/2"}),
    ("power-softening-axioms", {}),
    ("entropy-derivative", {"tau": "2", "p": "1/5,4/5"}),
    ("linear-smoothing-closure", {}),
])
def test_json_output(name, texts):
    data = json.loads(json.dumps(derive(name, **texts).to_json()))
    assert data["name"] == name and data["steps"]
    if name != "power-softening-axioms":
        assert data["value"] is not None
