"""Certified refutations and interval proofs of claims with logarithms (certified/refute, prove, plenclose)."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import mpmath
import pytest

from kdaxioms.certified import plenclose
from kdaxioms.certified.logclaims import axiom_claim, contraction_claim
from kdaxioms.certified.plenclose import cegar
from kdaxioms.certified.prove import Diagonal, prove
from kdaxioms.certified.refute import certify, refute
from kdaxioms.proofs import cli
from kdaxioms.proofs import audit as audit_module
from kdaxioms.proofs.audit import log_route
from kdaxioms.proofs.interval_claims import c2_kl_interval_n3_route
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.divergences import divergence
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.opfile import load_operator, operator_from_data
from kdaxioms.symbolic.outcome import PROVED, REFUTED, UNKNOWN, Outcome
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.statements import Contraction, Relation

OPERATORS = Path(__file__).resolve().parents[1] / "examples" / "operators"


def _contraction(name: str, factor) -> Contraction:
    op = family(name)
    (alpha,) = op.parameter_symbols
    return Contraction(op, divergence("kl"), factor(alpha), Relation.LE)


def _replay_violation(point: Point) -> mpmath.mpf:
    """KL(Tq||p) - (1-α) KL(q||p) for the geometric anchor, at 60 digits, written out independently."""
    with mpmath.workdps(60):
        a = mpmath.mpf(point.parameters["alpha"].numerator) / point.parameters["alpha"].denominator
        p = [mpmath.mpf(x.numerator) / x.denominator for x in point.inputs["p"]]
        q = [mpmath.mpf(x.numerator) / x.denominator for x in point.inputs["q"]]
        w = [pi**a * qi**(1 - a) for pi, qi in zip(p, q)]
        t = [x / sum(w) for x in w]
        kl = lambda x, y: sum(xi * mpmath.log(xi / yi) for xi, yi in zip(x, y))
        return kl(t, p) - (1 - a) * kl(q, p)


@pytest.mark.parametrize("n", [2, 3])
def test_geometric_kl_factor_refuted_with_replayed_witness(n):
    c = _contraction("geometric-anchor", lambda a: 1 - a)
    out = refute(contraction_claim(c, n), seed=0)
    assert out.verdict == REFUTED and out.scope == f"n={n}"
    assert out.data["seconds"] < 5
    point = out.witness
    assert all(sum(v) == 1 and min(v) > 0 for v in point.inputs.values())
    assert _replay_violation(point) > 0
    assert c.violated_at(point) is True


def test_search_finds_nothing_for_a_true_claim():
    c = _contraction("linear-anchor", lambda a: 1 - a)
    out = refute(contraction_claim(c, 2), seed=1, budget_s=1.0)
    assert out.verdict == UNKNOWN and out.witness is None


def test_certify_refuses_a_point_where_the_claim_holds():
    c = _contraction("geometric-anchor", lambda a: 1 - a)
    claim = contraction_claim(c, 2)
    near = Point({"p": (F(1, 2), F(1, 2)), "q": (F(11, 20), F(9, 20))}, {"alpha": F(1, 2)})
    assert _replay_violation(near) < 0
    assert certify(claim, near) is None


def test_interval_prover_proves_c2_kl_at_n2_for_every_anchor():
    c = _contraction("linear-anchor", lambda a: 1 - a)
    (alpha,) = c.operator.parameter_symbols
    out = prove(contraction_claim(c, 2, {alpha: (F(1, 10), F(9, 10))}), Diagonal("q", "p"))
    assert out.verdict == PROVED
    assert out.scope == "n=2" and out.parameters == {"alpha": ("[1/10, 9/10]",)} and out.conditions == ()


def test_c2_kl_n3_route_covers_the_report_anchor_with_a_narrow_alpha_box():
    # the check's route uses alpha in [1/10, 9/10] (about 18 s); a point box keeps the test short
    c = _contraction("linear-anchor", lambda a: 1 - a)
    route = c2_kl_interval_n3_route(c, alpha_box=(F(1, 2), F(1, 2)))
    out = route.run(None)
    assert route.name == "interval-n3" and out.verdict == PROVED
    assert out.scope == "n=3" and out.parameters == {"alpha": ("[1/2, 1/2]",)}
    assert out.conditions == ("anchor p = (1/2, 3/10, 1/5)",)


def test_interval_prover_refuses_a_false_inequality():
    # (1-α)² is the local ratio at q = p but not a global bound: KL(Tq||p) <= (1-α)² KL(q||p) fails far from p
    c = _contraction("linear-anchor", lambda a: (1 - a) ** 2)
    (alpha,) = c.operator.parameter_symbols
    out = prove(contraction_claim(c, 2, {alpha: (F(1, 4), F(3, 4))}), budget=4000)
    assert out.verdict in (REFUTED, UNKNOWN)
    if out.verdict == REFUTED:
        assert c.violated_at(out.witness) is True


def test_cegar_finds_and_certifies_the_n2_witness():
    c = _contraction("geometric-anchor", lambda a: 1 - a)
    (alpha,) = c.operator.parameter_symbols
    out = cegar(contraction_claim(c, 2, anchor=(F(1, 10), F(9, 10))), {alpha: F(1, 2)})
    assert out.verdict == REFUTED
    assert c.violated_at(out.witness) is True and _replay_violation(out.witness) > 0


def test_audit_proves_m4_in_kl_by_jensen_and_the_interval_route_agrees_at_n2(capsys):
    code = cli.main(["audit", str(OPERATORS / "linear-anchor.toml"), "--axiom", "remainder-nonexpansive-kl", "--json"])
    assert code == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["verdict"] == "proved" and result["route"] == "symbolic-coordinate" and result["scope"] == "all-n"
    r = log_route(axiom("remainder-nonexpansive-kl", family("linear-anchor")), 0, (2,))
    assert r.verdict == PROVED and r.route == "intervals" and r.scope.startswith("n=2")


def test_audit_keeps_an_undecided_log_axiom_unknown_with_a_reason(capsys):
    code = cli.main(["audit", str(OPERATORS / "linear-smoothing.toml"), "--axiom", "entropy-monotone", "--json"])
    assert code == 0
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["verdict"] == "unknown" and "proves nothing" in result["reason"]


#: A planted bug in the weights (each teacher gets the other's weight): raising w_2 moves the
#: output towards p1, away from p2, so A3 fails in KL both ways.  Written with its own names.
SWAPPED = """
name = "swapped-weights"
kind = "aggregation"
teachers = 2
component = "v*p1[i] + u*p2[i]"
constraints = ["u + v = 1"]
[parameters]
u = "0 <= u <= 1"
v = "0 <= v <= 1"
[roles]
weights = ["u", "v"]
"""


def _no_search(*args, **kwargs):
    return Outcome(UNKNOWN, None, (), reason="search disabled by the test")


@pytest.mark.parametrize("name", ["weight-monotone-kl", "weight-monotone-kl-reverse"])
def test_log_route_refutes_by_z3_with_log_enclosures_when_the_search_finds_nothing(tmp_path, monkeypatch, name):
    """With the certified search and the interval cover switched off, the CEGAR loop (weights free in their box) finds the
    violation, and its witness is checked exactly against the axiom's premise and conclusion."""
    path = tmp_path / "swapped.toml"
    path.write_text(SWAPPED)
    ax = axiom(name, load_operator(path))
    monkeypatch.setattr(audit_module, "refute", _no_search)
    monkeypatch.setattr(audit_module, "prove", _no_search)
    r = log_route(ax, 0, (2,))
    assert r.verdict == REFUTED and r.route == "z3-pl-cegar", r.reason
    assert ax.violated_at(r.witness) is True


def test_log_route_cannot_refute_without_a_certified_candidate(tmp_path, monkeypatch):
    """Break the certification on purpose: Z3's candidates are then never a refutation."""
    path = tmp_path / "swapped.toml"
    path.write_text(SWAPPED)
    ax = axiom("weight-monotone-kl", load_operator(path))
    monkeypatch.setattr(audit_module, "refute", _no_search)
    monkeypatch.setattr(audit_module, "prove", _no_search)
    monkeypatch.setattr(plenclose, "certify", lambda claim, point, enclosure=None: None)
    r = log_route(ax, 0, (2,))
    assert r.verdict == UNKNOWN and "Z3 with log enclosures" in r.reason


def test_cegar_pins_exponent_parameters_on_the_grid():
    """A parameter in an exponent is fixed to grid values (the others stay free); without them
    the loop says what it needs instead of guessing."""
    ax = axiom("entropy-monotone", family("power-softening"))
    claim = axiom_claim(ax, 2)
    out = cegar(claim, {})
    assert out.verdict == UNKNOWN and "exponent" in out.reason
    out = plenclose.refute_on_grid(claim, timeout_ms=2000)
    assert out.verdict == UNKNOWN and "tau = 1/3" in out.reason


def test_log_route_ends_unknown_on_a_formula_z3_cannot_read(monkeypatch):
    """``exp(p_i/tau)``: the CEGAR translation has no rule for exp; the route says so instead of
    stopping the audit."""
    op = operator_from_data({"name": "sm", "kind": "softening", "component": "exp(p[i]/tau)", "normalize": True,
                             "parameters": {"tau": "tau > 0"}})
    monkeypatch.setattr(audit_module, "refute", _no_search)
    monkeypatch.setattr(audit_module, "prove", _no_search)
    r = log_route(axiom("entropy-monotone", op), 0, (2,))
    assert r.verdict == UNKNOWN and "Z3 with log enclosures" in r.reason


def test_rational_bounds_enclose():
    for x in (F(14142135623, 10**10), F(1, 3), F(5, 10**7), F(2)):
        assert plenclose._below(x) <= x <= plenclose._above(x)
