"""Cross-checks by direct iteration: they agree on the true families and disagree when a derived
value is planted wrong (the derivation is replaced by a wrong one, or a wrong reference is passed)."""

from fractions import Fraction as F

import numpy as np
import pytest

from kdaxioms.numeric import crosscheck as cc
from kdaxioms.numeric.derived import value as true_value
from kdaxioms.proofs.claims import CROSS_CHECK, registry
from kdaxioms.symbolic.outcome import AGREES, DISAGREES

P3 = (F(1, 2), F(1, 4), F(1, 4))
PHI = ((F(1),), (F(2),), (F(3),))


def _plant(monkeypatch, name, wrong):
    """Replace the derivation ``name`` by ``wrong(true value)`` inside the cross-checks."""
    def planted(which, inputs):
        v = true_value(which, inputs)
        return wrong(v) if which == name else v
    monkeypatch.setattr(cc, "value", planted)


CHECKS = {
    "memory-rate": lambda: cc.memory_rate_check(F(1, 10), (F(1, 2), F(1, 2)), chains=20),
    "memory-slowdown": lambda: cc.memory_slowdown_check(F(1, 5), (F(1, 2), F(1, 4), F(1, 4)), chains=20),
    "softened-limit": lambda: cc.softened_limit_check(F(1, 2), (F(9, 10), F(1, 10))),
    "softened-fixed-point": lambda: cc.softened_fixed_point_check(F(1, 2), F(2), (F(9, 10), F(1, 10)), chains=5),
    "capacity-moments": lambda: cc.capacity_moments_check(F(1, 10), PHI, P3, chains=20),
    "capacity-fixed-point": lambda: cc.capacity_fixed_point_check(F(1, 10), PHI, P3, chains=20),
    "sampled-stationary": lambda: cc.sampled_stationary_check(F(1, 10), 100, P3, chains=1000),
    "heterozygosity": lambda: cc.heterozygosity_check(50, (F(1, 2), F(1, 2)), chains=2000),
    "accumulation": lambda: cc.accumulation_check(50, P3, steps=10, chains=2000),
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_cross_checks_agree_on_the_true_families(name):
    outcome = CHECKS[name]()
    assert outcome.verdict == AGREES, outcome.reason
    assert outcome.steps and not outcome.reason


@pytest.mark.parametrize("check, derivation, wrong", [
    ("memory-rate", "memory-rate", lambda v: v * 1.001),
    ("memory-slowdown", "memory-rate", lambda v: v * 0.999),
    ("softened-limit", "softened-limit", lambda v: v[::-1]),
    ("capacity-fixed-point", "capacity-fixed-point", lambda v: v + np.array([1e-6, -1e-6, 0.0])),
    ("sampled-stationary", "island-model", lambda v: v * 1.1),
    ("sampled-stationary", "sampled-stationary", lambda v: v * 0.9),
    ("sampled-stationary", "sampled-stationary-chi2", lambda v: v * 1.1),
])
def test_cross_checks_disagree_with_a_planted_wrong_value(monkeypatch, check, derivation, wrong):
    _plant(monkeypatch, derivation, wrong)
    outcome = CHECKS[check]()
    assert outcome.verdict == DISAGREES and outcome.reason


def test_softened_fixed_point_disagrees_with_a_wrong_point(monkeypatch):
    real = cc.derive

    def planted(name, inputs):
        d = real(name, inputs)
        return type(d)(**{**d.__dict__, "value": d.value[::-1]}) if name == "softened-fixed-point" else d
    monkeypatch.setattr(cc, "derive", planted)
    assert CHECKS["softened-fixed-point"]().verdict == DISAGREES


def test_moments_disagree_with_a_wrong_closed_form():
    ex = cc.experiment(cc.family("capacity-anchor"), "projection", {"p": np.array([0.5, 0.25, 0.25])},
                       {"alpha": 0.1}, features=np.array([[1.0], [2.0], [3.0]]))
    path = cc.run(ex.build(), cc.starts(np.random.default_rng(0), 10, 3), 20, keep=True).path
    anchor = np.array([0.5, 0.25, 0.25])
    phi = np.array([[1.0], [2.0], [3.0]])
    assert cc.compare_moments(path, phi, anchor, F(1, 10)).verdict == AGREES
    assert cc.compare_moments(path, phi, anchor, F(1, 9)).verdict == DISAGREES  # other alpha's closed form


def test_heterozygosity_and_accumulation_disagree_with_wrong_references():
    _, out = cc.sampled_run(F(0), 50, (F(1, 2), F(1, 2)), 2000, 50, np.random.default_rng(0))
    series = out.series["heterozygosity"]
    true = cc.heterozygosity_function(50, (F(1, 2), F(1, 2)))
    assert cc.compare_heterozygosity(series, [10, 50], true).verdict == AGREES
    wrong = cc.compare_heterozygosity(series, [10, 50], lambda t: 0.5 * (1 - 2 / 50) ** t)  # (1 - 2/N)^t
    assert wrong.verdict == DISAGREES and "outside" in wrong.reason
    bound, exact = cc.accumulation_values(50, P3, 10)
    finals = np.random.default_rng(1).normal(exact, exact, size=4000)
    assert cc.compare_accumulation(finals, bound, exact, 10).verdict == AGREES
    assert cc.compare_accumulation(finals, bound, exact * 1.3, 10).verdict == DISAGREES
    assert cc.compare_accumulation(finals, exact * 0.5, exact, 10).verdict == DISAGREES  # above the bound


def test_step_ratios_must_not_exceed_the_factor_and_meet_tight_ones():
    rho = 0.8
    series = {"tv": 0.5 * rho ** np.arange(30.0)[:, None] * np.ones((1, 4))}
    assert cc.compare_ratios(series, {"tv": (rho, True)}).verdict == AGREES
    assert cc.compare_ratios(series, {"tv": (0.79, False)}).verdict == DISAGREES  # above the factor
    assert cc.compare_ratios(series, {"tv": (0.81, True)}).verdict == DISAGREES  # tight but not reached
    assert cc.compare_ratios(series, {"tv": (0.81, False)}).verdict == AGREES


def test_rate_and_point_comparisons_disagree_loudly():
    m = 0.9 ** np.arange(400.0)
    assert cc.compare_rate(m, 0.9, "memory-rate").verdict == AGREES
    assert cc.compare_rate(m, 0.9005, "memory-rate").verdict == DISAGREES
    point = np.array([0.3, 0.7])
    assert cc.compare_point(np.tile(point, (3, 1)), point, "x", 10).verdict == AGREES
    assert cc.compare_point(np.tile(point + [1e-7, -1e-7], (3, 1)), point, "x", 10).verdict == DISAGREES


def test_claims_carry_the_iteration_cross_checks():
    claims = registry()
    for cid in ("C5.k2-closed-form", "C5.bounds", "C7.limit", "C8.moments", "C9.stationary-l2",
                "C9.stationary-chi2", "C9.island-model", "C9.heterozygosity", "C12.accumulation"):
        assert any(r.role == CROSS_CHECK for r in claims[cid].routes), cid
