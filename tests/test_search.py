"""The seeded counterexample search refutes only with exactly replayed witnesses; A5 per coordinate."""

from fractions import Fraction

import pytest
import sympy as sp

import numpy as np

from kdaxioms.numeric.search import margin, margin_function, search_violation
from kdaxioms.symbolic.points import on_simplex
from kdaxioms.proofs import registry
from kdaxioms.proofs.runner import run_claim
from kdaxioms.proofs.settings import Settings
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.coherence import prove_coherence
from kdaxioms.symbolic.families import family

x, y = sp.symbols("x y", real=True)


def test_margin_is_positive_exactly_where_the_formula_fails():
    f = sp.Implies(sp.Eq(x + y, 1), x <= sp.Rational(1, 2))
    m = sp.lambdify((x, y), margin(f))
    assert m(0.7, 0.3) > 0          # premise holds, conclusion fails
    assert m(0.4, 0.6) <= 0         # both hold
    assert m(0.7, 0.5) <= 0         # premise fails: the implication holds


def test_the_numpy_margin_is_the_margin_with_piecewise_ite_and_odd_names():
    """``margin_function`` prints the formula as it is (no rebuilding, no simplification of a
    Piecewise condition holding an ITE): its values are those of SymPy's own printer at each point,
    also for argument names that are not identifiers or that look like ours."""
    a, b, c = sp.Symbol("p[1]", real=True), sp.Symbol("_x0", real=True), sp.Symbol("lambda", real=True)
    part = sp.Piecewise((a - b, sp.ITE(a > b, c > 0, c < -1)), (b * c, a < c), (-a, True))
    f = sp.And(sp.Implies(sp.Eq(a + b, 1), part <= c), sp.Or(a >= sp.Abs(c) - 2, b > a))
    fn = margin_function(f, [a, b, c])
    points = np.random.default_rng(0).uniform(-2, 2, size=(3, 400))
    points[1, :50] = 1 - points[0, :50]  # the Implies' premise holds
    got = fn(*points)
    plain = sp.lambdify([a, b, c], margin(f), "math")  # SymPy's Python printer: its own route
    want = [plain(*point) for point in points.T]
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("denominator", [10, 1000])
def test_rounded_points_stay_on_the_simplex_with_small_denominators(denominator):
    assert on_simplex([0.5, 0.5, -0.1], denominator) == (Fraction(1, 2), Fraction(1, 2), 0)
    assert on_simplex([0.9, 0.9, 0.9], denominator) is not None and sum(on_simplex([0.9, 0.9, 0.9], denominator)) == 1
    assert on_simplex([1.0, 0.0, 0.0], 2, positive=True) is None
    vec = on_simplex([0.3333, 0.6667, 0.0], denominator, positive=True)
    assert sum(vec) == 1 and all(v > 0 for v in vec) and all(denominator % v.denominator == 0 for v in vec)


@pytest.mark.parametrize("name, operator, sizes", [
    ("weight-monotone-l2", "geometric-aggregation", (3,)),    # THEORY C11: FALSE at n = 3
    ("temperature-coherence", "arithmetic-aggregation", (2,)),
    ("closure", "linear-smoothing", (2,)),
    ("anchoring", "geometric-anchor", (2,)),
])
def test_search_refutes_planted_failures_with_replayed_witnesses(name, operator, sizes):
    ax = axiom(name, family(operator))
    out = search_violation(ax, sizes, seed=0, budget_s=20)
    assert out.verdict == "refuted"
    assert ax.violated_at(out.witness) is True
    assert all(Fraction(v).denominator <= 1000 for vec in out.witness.inputs.values() for v in vec)


def test_search_never_proves():
    out = search_violation(axiom("weight-monotone-l2", family("arithmetic-aggregation")), (2,), seed=0, rounds=2)
    assert out.verdict == "unknown" and "proves nothing" in out.reason


def test_coherence_is_proved_for_geometric_and_not_for_arithmetic_aggregation():
    assert prove_coherence(family("geometric-aggregation")).verdict == "proved"
    assert prove_coherence(family("arithmetic-aggregation")).verdict == "unknown"


def test_f2_reduction_and_second_fixed_point_claims():
    claims = registry()
    for cid in ("C1.multi-teacher-anchor.M1-M6", "C6.global-attraction", "C11.geometric.A5"):
        result = run_claim(claims[cid], Settings())
        assert result.as_expected, (cid, result.verdict, [r.outcome.reason for r in result.routes])
    w = run_claim(claims["C6.global-attraction"], Settings()).combined.witness
    assert w.inputs["q"][0] == 1 and all(v == 0 for v in w.inputs["q"][1:])
