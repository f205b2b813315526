"""C5 derivations (memory-k anchor, F3) against independent computations.

Independent routes: numpy's eigenvalues of the companion matrix of ``e_{t+1} = (1-alpha) sum_j
beta_j e_{t-j}`` (built here from THEORY, not from the model), mpmath's roots of the
characteristic polynomial at 50 digits, and exact rational iteration of the F3 map on
distributions, whose measured decay rate is compared with ``rho``.
"""

import json
import re
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest
import sympy as sp

from kdaxioms.symbolic.derivations import memory
from kdaxioms.symbolic.errors import InputError

SPECS = {s.name: s for s in memory.DERIVATIONS}
ALPHA, GAMMA = sp.Symbol("alpha", real=True), sp.Symbol("gamma", real=True)


def rate(alpha, beta):
    return SPECS["memory-rate"].derive({"alpha": alpha, "beta": beta})


def companion(alpha, beta):
    """Companion matrix of the error recursion, state (e_t, ..., e_{t-k+1})."""
    k = len(beta)
    c = np.zeros((k, k))
    c[0, :] = [(1 - float(alpha)) * float(b) for b in beta]
    c[1:, :-1] += np.eye(k - 1)
    return c


def spectral_radius(alpha, beta):
    return float(np.max(np.abs(np.linalg.eigvals(companion(alpha, beta)))))


def mp_radius(alpha, beta, dps=50):
    """The largest root modulus of z^k - (1-alpha) sum_j beta_j z^{k-1-j}, by mpmath at ``dps`` digits."""
    with mpmath.workdps(dps):
        coeffs = [mpmath.mpf(1)] + [-(1 - mpmath.mpf(alpha.numerator) / alpha.denominator)
                                    * mpmath.mpf(b.numerator) / b.denominator for b in beta]
        if all(c == 0 for c in coeffs[1:]):
            return mpmath.mpf(0)
        return max(abs(r) for r in mpmath.polyroots(coeffs, maxsteps=200, extraprec=4 * dps))


def measured_rate(alpha, beta, steps=150, window=20):
    """Exact iteration of q_{t+1} = alpha p + (1-alpha) sum_j beta_j q_{t-j} on n = 3 (history padded
    with q_0); the decay rate of ||q_t - p||_1 over the last ``window`` generations."""
    p, q0 = (F(1, 6), F(1, 3), F(1, 2)), (F(7, 10), F(1, 5), F(1, 10))
    history = [q0] * len(beta)
    errors = []
    for _ in range(steps):
        nxt = tuple(alpha * pi + (1 - alpha) * sum(b * h[i] for b, h in zip(beta, history)) for i, pi in enumerate(p))
        history = [nxt] + history[:-1]
        errors.append(sum(abs(x - pi) for x, pi in zip(nxt, p)))
    return float(errors[-1] / errors[-1 - window]) ** (1 / window)


POINTS = [  # (alpha, beta): k = 1, 2, 3, 5, boundary weights included
    (F(3, 8), (F(1),)),
    (F(1, 2), (F(1, 2), F(1, 2))),
    (F(2, 7), (F(3, 10), F(7, 10))),
    (F(9, 10), (F(1, 4), F(3, 4))),
    (F(1, 2), (F(0), F(1))),
    (F(1, 2), (F(1, 3), F(1, 3), F(1, 3))),
    (F(5, 9), (F(1, 6), F(1, 3), F(1, 2))),
    (F(1, 10), (F(0), F(0), F(1))),
    (F(1, 3), (F(1, 5),) * 5),
    (F(3, 4), (F(2, 5), F(0), F(1, 5), F(1, 10), F(3, 10))),
    (F(1, 20), (F(1, 2), F(1, 8), F(1, 8), F(1, 8), F(1, 8))),
]


@pytest.mark.parametrize("alpha, beta", POINTS)
def test_rho_is_the_spectral_radius_of_the_companion_matrix(alpha, beta):
    d = rate(alpha, beta)
    assert float(d.value) == pytest.approx(spectral_radius(alpha, beta), rel=1e-9)
    assert d.extra["k"] == len(beta)


@pytest.mark.parametrize("alpha, beta", POINTS)
def test_thirty_digits_agree_with_mpmath(alpha, beta):
    d = rate(alpha, beta)
    digits = d.decimal()
    assert len(re.sub(r"^0\.0*|\.", "", digits)) == 30
    with mpmath.workdps(50):
        assert abs(mpmath.mpf(digits) - mp_radius(alpha, beta)) < mpmath.mpf(10) ** -29


@pytest.mark.parametrize("alpha, beta", [
    (F(2, 5), (F(1),)),
    (F(1, 2), (F(1, 2), F(1, 2))),
    (F(1, 4), (F(3, 5), F(1, 5), F(1, 5))),
    (F(1, 3), (F(1, 5),) * 5),
    (F(1, 7), (F(1, 2), F(1, 10), F(1, 10), F(1, 10), F(1, 5))),
])
def test_rho_is_the_decay_rate_of_the_iterated_operator(alpha, beta):
    assert float(rate(alpha, beta).value) == pytest.approx(measured_rate(alpha, beta), rel=1e-6)


def test_value_is_an_exact_algebraic_number():
    z = sp.Symbol("z")
    for alpha, beta in [(F(1, 2), (F(1, 3),) * 3), (F(1, 3), (F(1, 5),) * 5), (F(1, 2), (F(1, 2), F(1, 2)))]:
        d = rate(alpha, beta)
        char = sp.Poly(z ** len(beta) - (1 - sp.Rational(alpha)) * sum(
            sp.Rational(b) * z ** (len(beta) - 1 - j) for j, b in enumerate(beta)), z)
        minimal = sp.Poly(sp.minimal_polynomial(d.value, z), z)
        assert char.rem(minimal).is_zero and d.value.is_real and d.value.is_positive
    assert not rate(F(1, 2), (F(1, 2), F(1, 2))).value.has(sp.CRootOf)


def theory_k2(a, g):
    """THEORY C5: rho = ((1-a) g + sqrt((1-a)^2 g^2 + 4 (1-a)(1-g))) / 2."""
    return ((1 - a) * g + sp.sqrt((1 - a) ** 2 * g ** 2 + 4 * (1 - a) * (1 - g))) / 2


def test_k2_closed_form_matches_theory_symbolically():
    d = SPECS["memory-rate"].derive({})
    assert d.value is None and d.expression.free_symbols == {ALPHA, GAMMA}
    assert sp.simplify(d.expression - theory_k2(ALPHA, GAMMA)) == 0
    c = sp.Symbol("c", positive=True)  # 1 - alpha > 0
    assert sp.simplify(d.expression.subs({GAMMA: 1, ALPHA: 1 - c}) - c) == 0
    assert sp.simplify(d.expression.subs({GAMMA: sp.Rational(1, 2), ALPHA: 1 - c}) - c) != 0


@pytest.mark.parametrize("alpha", [F(1, 4), F(4, 5)])
def test_k2_closed_form_with_alpha_set(alpha):
    d = SPECS["memory-rate"].derive({"alpha": alpha})
    assert d.expression.free_symbols == {GAMMA}
    assert sp.simplify(d.expression - theory_k2(sp.Rational(alpha), GAMMA)) == 0


@pytest.mark.parametrize("alpha, gamma", [(F(1, 2), F(1, 2)), (F(2, 7), F(3, 10)), (F(1, 9), F(5, 6))])
def test_k2_exact_value_is_the_closed_form(alpha, gamma):
    d = rate(alpha, (gamma, 1 - gamma))
    assert sp.simplify(d.value - theory_k2(sp.Rational(alpha), sp.Rational(gamma))) == 0


def test_closed_form_when_only_beta_is_set():
    d = SPECS["memory-rate"].derive({"beta": (F(1, 3), F(2, 3))})
    assert sp.simplify(d.expression - theory_k2(ALPHA, sp.Rational(1, 3))) == 0
    k1 = SPECS["memory-rate"].derive({"beta": (F(1),)})
    assert sp.simplify(k1.expression - (1 - ALPHA)) == 0


@pytest.mark.parametrize("alpha, beta", POINTS + [(F(1), (F(1, 2), F(1, 2))), (F(1, 2), (F(1), F(0)))])
def test_bounds_and_equality(alpha, beta):
    d = rate(alpha, beta)
    floor = 1 - sp.Rational(alpha)
    at_e1 = beta[0] == 1 or alpha == 1
    assert bool(d.value < 1) and d.extra["equality"] is at_e1
    if at_e1:
        assert d.value == floor
    else:
        assert bool(d.value > floor)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_equality_exactly_at_the_first_vertex(k):
    alpha = F(2, 9)
    vertex = (F(1),) + (F(0),) * (k - 1)
    near = (F(999, 1000), F(1, 1000)) + (F(0),) * (k - 2)
    assert rate(alpha, vertex).value == 1 - sp.Rational(alpha)
    assert bool(rate(alpha, near).value > 1 - sp.Rational(alpha))


def test_bounds_hold_on_random_weights():
    rng = np.random.default_rng(5)
    for k in (2, 3, 4, 5):
        alpha = F(int(rng.integers(1, 100)), 100)
        raw = [int(x) for x in rng.integers(0, 20, size=k)]
        raw[0] += 1
        beta = tuple(F(x, sum(raw)) for x in raw)
        d = rate(alpha, beta)
        assert float(d.value) == pytest.approx(spectral_radius(alpha, beta), rel=1e-9)
        assert 1 - float(alpha) <= float(d.value) + 1e-15 and float(d.value) < 1


@pytest.mark.parametrize("alpha, beta", [(F(1, 2), (F(1, 3),) * 3), (F(3, 4), (F(2, 5), F(0), F(1, 5), F(1, 10), F(3, 10)))])
def test_recursion_and_polynomial_extras(alpha, beta):
    d = rate(alpha, beta)
    z = sp.Symbol("z")
    rhs = d.extra["recursion"].rhs
    errors = memory.error_symbols(len(beta))
    assert [rhs.coeff(e) for e in errors] == [(1 - sp.Rational(alpha)) * sp.Rational(b) for b in beta]
    coeffs = sp.Poly(d.extra["characteristic_polynomial"], z).all_coeffs()
    assert np.allclose([float(c) for c in coeffs], np.poly(companion(alpha, beta)), atol=1e-14)


@pytest.mark.parametrize("k", [1, 3, 4])
def test_bounds_derivation_for_symbolic_weights(k):
    d = SPECS["memory-rate-bounds"].derive({"k": k})
    assert d.value is None and d.extra["k"] == k
    assert d.expression == sp.And(sp.Le(1 - ALPHA, memory.RHO), sp.Lt(memory.RHO, 1))
    z = sp.Symbol("z")
    alpha, beta = F(1, 3), tuple(F(j + 1, k * (k + 1) // 2) for j in range(k))
    betas = [sp.Symbol(f"beta_{j + 1}", real=True) for j in range(k)]
    at = sp.Poly(d.extra["characteristic_polynomial"].xreplace({ALPHA: sp.Rational(alpha), **dict(zip(betas, beta))}), z)
    assert np.allclose([float(c) for c in at.all_coeffs()], np.poly(companion(alpha, beta)), atol=1e-14)


def test_steps_are_latex_ready():
    for d in (SPECS["memory-rate"].derive({}), rate(F(1, 3), (F(1, 5),) * 5), SPECS["memory-rate-bounds"].derive({})):
        assert len(d.steps) >= 8
        assert all(step.count("$") % 2 == 0 for step in d.steps)
    json.dumps(rate(F(1, 3), (F(1, 5),) * 5).to_json())


@pytest.mark.parametrize("values, message", [
    ({"alpha": F(0)}, r"alpha=0 is outside \(0, 1\]"),
    ({"alpha": F(3, 2), "beta": (F(1, 2), F(1, 2))}, r"alpha=3/2 is outside \(0, 1\]"),
    ({"beta": (F(3, 2), F(-1, 2))}, "negative entry"),
    ({"beta": (F(1, 2), F(1, 3))}, "sums to 5/6, not 1"),
    ({"beta": ()}, "non-empty vector of memory weights"),
    ({"beta": (F(1, 2),)}, "with memory k = 1 the only weight is beta=1"),
    ({"gamma": F(1, 2)}, "takes no input 'gamma'"),
])
def test_bad_inputs_raise_input_error(values, message):
    with pytest.raises(InputError, match=message):
        SPECS["memory-rate"].derive(values)


@pytest.mark.parametrize("k", [0, -2])
def test_bad_memory_for_bounds(k):
    with pytest.raises(InputError, match="must be an integer >= 1"):
        SPECS["memory-rate-bounds"].derive({"k": k})


def test_parse_from_command_line_text():
    spec = SPECS["memory-rate"]
    d = spec.derive(spec.parse(["alpha=1/2", "beta=1/2,1/2"]))
    assert d.decimal() == str(sp.N((1 + sp.sqrt(17)) / 8, 30))
