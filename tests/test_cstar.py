"""The c* theorem: the psi_k enclosures, the lemma chain (and that a wrong identity is not
confirmed), a certified cell of the cover, a planted reversed claim that the cover refutes, and the
theorem's statement assembled from the cover's cells."""

from __future__ import annotations

from fractions import Fraction as F

import flint
import mpmath
import pytest
import sympy as sp

from kdaxioms.certified import cstar, cstar_lemmas
from kdaxioms.certified.branch import certify_nonnegative
from kdaxioms.certified.intervals import Interval, precision
from kdaxioms.certified.psi import enclose, point, psi
from kdaxioms.proofs import cstar_theorem
from kdaxioms.sweep.code import code_digest
from kdaxioms.symbolic.errors import InputError, ModelError


def _reference(k: int, z: float) -> float:
    """mpmath at 60 digits (the closed form cancels near 0, the derivative is numerical)."""
    with mpmath.workdps(60):
        f = lambda x: ((1 + x) * mpmath.log(1 + x) - x) / x**2  # noqa: E731
        return float(mpmath.diff(f, mpmath.mpf(z), k))


@pytest.mark.parametrize("k", [0, 1, 2, 3])
@pytest.mark.parametrize("z", ["-0.9", "-0.25", "-0.01", "0.003", "0.25", "0.26", "3", "49.5"])
def test_psi_point_values_contain_the_true_value(k, z):
    with precision(64):
        b = point(k, flint.arb(z))
    truth = _reference(k, float(z))
    assert float(b.lower()) <= truth + 1e-12 * abs(truth) and truth - 1e-12 * abs(truth) <= float(b.upper())
    assert float(b.rad()) < 1e-9


def test_psi_enclosures_are_monotone_and_sound():
    with precision(64):
        for k in range(4):
            box = enclose(k, Interval.of(F(-1, 2), F(2)))
            samples = [_reference(k, -0.5 + 2.5 * j / 40) for j in range(1, 40) if j != 8]  # z = 0 is 0/0 there
            assert float(box.lo) <= min(samples) and max(samples) <= float(box.hi)
        assert not enclose(1, Interval.of(F(-1), F(0))).bounded  # psi_1 is unbounded at -1: nothing certified
    z = sp.Symbol("z")
    assert psi(0)(sp.Integer(0)) == sp.Rational(1, 2) and sp.diff(psi(0)(z), z) == psi(1)(z)


def test_the_lemma_chain_is_confirmed_and_a_wrong_identity_is_not():
    chain = cstar_lemmas.lemmas()
    assert [l.name for l in chain] == ["phi-sign", "convex-then-concave", "concave-pair", "jensen", "reduction",
                                       "symmetry", "limit", "below-the-anchor", "psi", "from-zero"]
    u, x, a = sp.symbols("u x alpha", positive=True)
    t = a + (1 - a) * x
    phi = u * x * sp.log(x) - t * sp.log(t)
    second = sp.diff(phi, x, 2)
    cstar.confirm_zero(x * t * second - (u * a - (1 - a) * (1 - a - u) * x), "right")
    with pytest.raises(ModelError):  # the sign line with (1-alpha) instead of (1-alpha)^2
        cstar.confirm_zero(x * t * second - (u * a - (1 - a - u) * x), "planted")


def test_a_cell_is_proved_and_the_reversed_claim_is_refuted_with_a_point():
    alpha, m = (F(1, 2), F(21, 40)), (F(1, 5), F(9, 40))
    cell = cstar.certify_cell(alpha, m, budget=20000)
    assert cell.proved and cell.violation is None
    # planted: claim dR/dm > 0 (the sign flipped) on the far piece: a certified counterexample point
    flipped = certify_nonnegative(-cstar.far_function(), cstar.far_region(alpha, m), strict=True, budget=2000)
    assert not flipped.complete and flipped.violation is not None
    assert alpha[0] <= flipped.violation[cstar.ALPHA] <= alpha[1]


@pytest.fixture
def fresh_caches():
    """The from-zero route caches dG/dalpha and its check by name; a planted function needs them empty."""
    cached = (cstar.alpha_derivative, cstar.check_from_zero)
    for f in cached:
        f.cache_clear()
    yield
    for f in cached:
        f.cache_clear()


def test_a_small_alpha_cell_is_proved_from_zero(fresh_caches):
    row = cstar.run_cell({"alpha": "1/5:1/4", "m": "3/10:31/100"}, {"budget": 20000})
    assert row["verdict"] == "proved" and row["form"] == "from-zero" and row["point"] is None
    assert min(row["near_cells"], row["far_cells"], row["edge_cells"]) > 0 and row["uncovered"] == 0


def test_the_from_zero_route_needs_g_to_vanish_at_zero(fresh_caches, monkeypatch):
    true_near = cstar.near_function()
    # planted: G + 1/1000 has a positive alpha-derivative wherever G has, but G(0) = 1/1000, not 0
    monkeypatch.setattr(cstar, "near_function", lambda: true_near + sp.Rational(1, 1000))
    with pytest.raises(ModelError, match="alpha = 0"):
        cstar.certify_cell((F(1, 5), F(1, 4)), (F(3, 10), F(31, 100)), budget=200)


def test_a_failed_derivative_leaves_the_cell_unknown_not_open(fresh_caches, monkeypatch):
    true_near = cstar.near_function()
    monkeypatch.setattr(cstar, "near_function", lambda: -true_near)  # vanishes at 0, decreases in alpha
    cell = cstar.certify_cell((F(1, 5), F(1, 4)), (F(3, 10), F(31, 100)), budget=200)
    near = cell.pieces[0]
    assert near.derivative and not near.cover.complete and near.cover.violation is not None
    assert not cell.proved and cell.violation is None  # dG/dalpha < 0 somewhere is no point where G < 0


def test_cell_inputs_are_checked():
    with pytest.raises(InputError, match="lo:hi"):
        cstar.check_cell({"alpha": "1/2", "m": "1/5:1/4"}, {})
    with pytest.raises(InputError, match="outside"):
        cstar.check_cell({"alpha": "1/2:3/5", "m": "1/5:1/2"}, {})


def _row(alpha, m, verdict):
    return {"alpha": alpha, "m": m, "verdict": verdict, "cells": 10}


def test_the_statement_uses_only_proved_cells_from_the_smallest_m(monkeypatch):
    monkeypatch.setattr(cstar_theorem, "lemmas", lambda: ())
    rows = [_row("1/20:3/20", "1/10:1/5", "proved"), _row("1/20:3/20", "1/5:3/10", "proved"),
            _row("3/20:1/4", "1/10:1/5", "proved"), _row("3/20:1/4", "1/5:3/10", "unknown")]
    meta = {"workers": 2, "cluster_seconds": 5.0, "code": code_digest()}
    t = cstar_theorem.theorem(rows, meta)
    assert t["statement"] == {"alpha": "[1/20, 1/4]", "m": "[1/10, 1/5]",
                              "corollary": "every p_k in [1/10, 1/5], in [4/5, 9/10] or equal to 1/2"}
    assert any("m in [1/5, 3/10]" in x for x in t["left"])
    assert cstar_theorem.theorem(rows, dict(meta, code="other"))["statement"] is None  # another code's cover
    gap = [_row("1/20:3/20", "1/10:1/5", "proved"), _row("1/4:7/20", "1/10:1/5", "proved")]
    assert cstar_theorem.theorem(gap, meta)["statement"] is None  # alpha in (3/20, 1/4) has no cell
    rows[2]["verdict"] = "open"
    assert cstar_theorem.theorem(rows, meta)["statement"] is None
