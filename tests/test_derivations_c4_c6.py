"""C4 and C6 derivations against independent numeric computations."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from kdaxioms.symbolic.derivations import geometric, kl_ratio
from kdaxioms.symbolic.errors import InputError

SPECS = {s.name: s for s in kl_ratio.DERIVATIONS + geometric.DERIVATIONS}


def kl(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    m = x > 0
    return float(np.sum(x[m] * np.log(x[m] / y[m])))


def f1(p, q, a):
    return a * np.asarray(p) + (1 - a) * np.asarray(q)


@pytest.mark.parametrize("alpha", [Fraction(1, 7), Fraction(3, 5), Fraction(9, 10)])
def test_local_ratio_matches_a_small_step(alpha):
    d = SPECS["local-kl-ratio"].derive({"alpha": alpha})
    p = np.array([0.1, 0.25, 0.65])
    q = p + 1e-5 * np.array([1.0, -3.0, 2.0])
    ratio = kl(f1(p, q, float(alpha)), p) / kl(q, p)
    assert float(d.value) == pytest.approx(ratio, rel=1e-4)
    assert d.value == (1 - sp.Rational(alpha)) ** 2


def test_local_ratio_symbolic_form():
    d = SPECS["local-kl-ratio"].derive({})
    a = sp.Symbol("alpha", real=True)
    assert sp.simplify(d.expression - (1 - a) ** 2) == 0 and d.value is None


@pytest.mark.parametrize("alpha", [Fraction(1, 5), Fraction(2, 3)])
def test_supremum_is_approached_along_the_vertex_path(alpha):
    d = SPECS["kl-ratio-supremum"].derive({"alpha": alpha})
    a = float(alpha)
    ratios = [kl(f1([p1, 1 - p1], [1, 0], a), [p1, 1 - p1]) / kl([1, 0], [p1, 1 - p1]) for p1 in (1e-3, 1e-8, 1e-30)]
    assert ratios[0] < ratios[1] < ratios[2] < float(d.value)
    assert float(d.value) - ratios[2] < 0.02
    rng = np.random.default_rng(8)
    for _ in range(2000):
        p, q = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(3))
        assert kl(f1(p, q, a), p) / kl(q, p) < float(d.value)


def test_alpha_out_of_domain():
    with pytest.raises(InputError, match="alpha=3/2 is outside"):
        SPECS["local-kl-ratio"].derive({"alpha": Fraction(3, 2)})


def geometric_step(p, q, a):
    w = np.asarray(p) ** a * np.asarray(q) ** (1 - a)
    return w / w.sum()


def hilbert(x, y):
    r = np.log(np.asarray(x) / np.asarray(y))
    return r.max() - r.min()


@pytest.mark.parametrize("alpha, p, q", [
    (Fraction(1, 4), (Fraction(1, 5), Fraction(3, 10), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 4), Fraction(1, 4))),
    (Fraction(2, 3), (Fraction(9, 10), Fraction(1, 10)), (Fraction(1, 10), Fraction(9, 10))),
])
def test_hilbert_identity_at_points(alpha, p, q):
    d = SPECS["geometric-hilbert"].derive({"alpha": alpha, "p": p, "q": q})
    pf, qf = np.array(p, float), np.array(q, float)
    assert float(d.value) == pytest.approx(hilbert(geometric_step(pf, qf, float(alpha)), pf), rel=1e-12)
    assert float(d.value) == pytest.approx((1 - float(alpha)) * hilbert(qf, pf), rel=1e-12)


def test_geometric_trajectory_matches_iteration():
    alpha, p, q0 = Fraction(3, 10), (Fraction(1, 6), Fraction(1, 3), Fraction(1, 2)), (Fraction(7, 10), Fraction(1, 5), Fraction(1, 10))
    q = np.array(q0, float)
    for t in range(6):
        d = SPECS["geometric-trajectory"].derive({"alpha": alpha, "t": t, "p": p, "q0": q0})
        assert [float(v) for v in d.value] == pytest.approx(list(q), rel=1e-12)
        q = geometric_step(np.array(p, float), q, float(alpha))


def test_geometric_alpha_one_is_outside_the_open_domain():
    with pytest.raises(InputError, match="outside"):
        SPECS["geometric-hilbert"].derive({"alpha": Fraction(1)})


def test_geometric_needs_interior_points():
    with pytest.raises(InputError, match="zero entry"):
        SPECS["geometric-trajectory"].derive({"alpha": Fraction(1, 2), "t": 1, "p": (Fraction(1, 2), Fraction(1, 2)),
                                              "q0": (Fraction(1), Fraction(0))})
