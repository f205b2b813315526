"""The whole claim registry against its expected verdicts and minimum scopes, and mutations of the
evidence: a claim never stays ``proved`` (or ``refuted``) once the evidence behind it is gone.

The registry runs once for the module (two worker processes).  ``EXPECTED`` gives, per claim, the
verdict, the least support-size scope, and whether the verdict may carry a restriction (a parameter
grid or a side condition); a later proof may widen a scope, never narrow it.
"""

import dataclasses

import pytest

from kdaxioms.proofs import Settings, registry, run_claims
from kdaxioms.proofs.runner import ClaimResult, _route_results, exit_status
from kdaxioms.symbolic.errors import DisagreementError, KdaxiomsError, ModelError
from kdaxioms.symbolic.outcome import Outcome, unknown
from kdaxioms.symbolic.verdict import PROVER, RouteResult, Scope, Verdict, combine

SETTINGS = Settings(seed=0, chains=200)

#: claim id: (verdict, least scope, may the verdict carry a parameter grid or side condition)
EXPECTED = {
    "C1.linear-anchor.M1": ("proved", "all-n", False),
    "C1.linear-anchor.M2": ("proved", "all-n", False),
    "C1.linear-anchor.M3": ("proved", "all-n", False),
    "C1.linear-anchor.M5": ("proved", "all-n", False),
    "C1.linear-anchor.M6": ("proved", "all-n", False),
    "C1.linear-anchor.M4-tv": ("proved", "all-n", False),
    "C1.linear-anchor.M4-l2": ("proved", "all-n", False),
    "C1.memory-anchor.M1": ("proved", "all-n", False),
    "C1.memory-anchor.M2": ("proved", "all-n", False),
    "C1.memory-anchor.M3": ("proved", "all-n", False),
    "C1.memory-anchor.M5": ("proved", "all-n", False),
    "C1.memory-anchor.M6": ("proved", "all-n", False),
    "C1.memory-anchor.M4-tv": ("proved", "all-n", False),
    "C1.memory-anchor.M4-l2": ("proved", "all-n", False),
    "C1.geometric-anchor.M3": ("refuted", "n=2", False),
    "C1.geometric-anchor.M5": ("refuted", "n=2", False),
    "C1.softened-anchor.M2": ("refuted", "n=2", False),
    "C1.unanchored.M3": ("refuted", "n=2", False),
    "C1.linear-anchor.M4-kl": ("proved", "all-n", False),
    "C1.memory-anchor.M4-kl": ("proved", "all-n", False),
    "C1.multi-teacher-anchor.M1-M6": ("proved", "n<=2", True),  # interior teachers: the reduction needs A_w interior
    "C1.multi-teacher-geometric-anchor.M1-M6": ("proved", "n<=2", True),
    "C2.tv": ("proved", "all-n", False),
    "C2.chi2": ("proved", "all-n", False),
    "C2.kl": ("proved", "all-n", False),
    "C2.kl-reverse": ("proved", "all-n", False),
    "C2.h2": ("proved", "all-n", False),
    "C3.trajectory": ("proved", "all-n", False),
    "C3.kl-envelope": ("proved", "all-n", False),
    "C3.fixed-point": ("proved", "all-n", False),
    "C4.local-ratio": ("proved", "all-n", False),
    "C4.supremum": ("proved", "all-n", False),
    "C4.exact-factor": ("proved", "n<=3", True),
    "C5.k2-closed-form": ("proved", "all-n", False),
    "C5.bounds": ("proved", "all-n", True),
    "C6.hilbert": ("proved", "all-n", False),
    "C6.kl-factor": ("refuted", "n=2", False),
    "C6.global-attraction": ("refuted", "n=2", False),
    "C7.limit": ("proved", "all-n", False),
    "C7.biased-fixed-point": ("proved", "n=2", True),
    "C8.moments": ("proved", "all-n", False),
    "C8.fixed-point": ("proved", "all-n", False),
    "C8.bias": ("proved", "all-n", False),
    "C9.stationary-l2": ("proved", "all-n", False),
    "C9.stationary-chi2": ("proved", "all-n", False),
    "C9.island-model": ("proved", "all-n", False),
    "C9.heterozygosity": ("proved", "all-n", False),
    "C9.anchor-floor": ("proved", "all-n", False),
    "C10.power.closure": ("proved", "n<=4", True),
    "C10.power.S1": ("proved", "all-n", False),
    "C10.power.S2": ("proved", "n<=4", True),
    "C10.power.S3": ("proved", "all-n", False),
    "C10.power.S4": ("proved", "all-n", False),
    "C10.power.S5": ("proved", "all-n", False),
    "C10.smoothing.closure": ("refuted", "n=2", False),
    "C10.topk.S2": ("refuted", "n=3", False),
    "C10.smoothing.no-limit": ("proved", "all-n", False),
    "C11.arithmetic.A1": ("proved", "all-n", False),
    "C11.arithmetic.A2": ("proved", "n<=6", False),
    "C11.arithmetic.A4": ("proved", "n<=3", False),
    "C11.arithmetic.A6": ("proved", "n<=3", False),
    "C11.geometric.A1": ("proved", "n<=2", True),
    "C11.geometric.A2": ("proved", "n<=2", True),
    "C11.geometric.A4": ("proved", "n<=3", True),
    "C11.geometric.A6": ("proved", "n<=3", True),
    "C11.geometric.A1-everywhere": ("refuted", "n=2", False),
    "C11.arithmetic.A5": ("refuted", "n=2", False),
    "C11.geometric.A5": ("proved", "all-n", True),
    "C11.arithmetic.A3-l2": ("proved", "n<=4", False),
    "C11.geometric.A3-l2": ("refuted", "n=3", False),
    "C11.arithmetic.A3-tv": ("proved", "all-n", False),
    "C11.arithmetic.A3-kl": ("proved", "n<=3", False),
    "C11.arithmetic.A3-kl-reverse": ("proved", "n<=3", False),
    "C11.geometric.A3-kl": ("proved", "n<=3", False),
    "C11.geometric.A3-kl-reverse": ("proved", "n<=3", False),
    "C11.geometric.A3-tv": ("proved", "all-n", True),
    "C12.accumulation": ("proved", "all-n", False),
}


@pytest.fixture(scope="module")
def results():
    claims = list(registry().values())
    return {r.claim.id: r for r in run_claims(claims, SETTINGS, jobs=2)}


def test_expected_covers_the_whole_registry():
    assert set(EXPECTED) == set(registry())


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_claim_has_its_verdict_and_at_least_its_scope(results, claim_id):
    verdict, sizes, may_restrict = EXPECTED[claim_id]
    r = results[claim_id]
    scope = r.combined.scope
    assert str(r.verdict) == verdict, (r.verdict, r.combined.notes)
    assert r.as_expected and not r.contradicts
    assert scope.size_rank >= Scope(sizes).size_rank, scope
    if not may_restrict:
        assert scope.unrestricted, scope
    payload = r.to_json()
    assert payload["scope"] == scope.sizes and isinstance(payload["conditions"], list)
    assert payload["parameters"] == "full domain" or isinstance(payload["parameters"], dict)


def test_c2_and_c3_are_proved_for_every_n_by_two_routes_at_least(results):
    """Each C2 and C3 claim: proved for every n, and at least one other route proves it or agrees
    numerically (C2.kl's interval covers at n = 2 and 3 among them); nothing disagrees."""
    chosen = [r for r in results.values() if r.claim.id.split(".")[0] in ("C2", "C3")]
    assert len(chosen) >= 8 and "C2.kl" in {r.claim.id for r in chosen}
    for r in chosen:
        claim = r.to_json()
        assert claim["verdict"] == "proved" and claim["scope"] == "all-n", claim["id"]
        verdicts = [x["verdict"] for x in claim["routes"]]
        assert "proved" in verdicts and verdicts.count("proved") + verdicts.count("agrees") >= 2, claim["id"]
        assert "disagrees" not in verdicts and "refuted" not in verdicts, claim["id"]
    kl = {x["route"]: x["verdict"] for x in results["C2.kl"].to_json()["routes"]}
    assert kl["interval-n2"] == kl["interval-n3"] == "proved", kl


def test_every_grid_a_deciding_proof_used_is_in_the_claim_scope(results):
    for r in results.values():
        if r.verdict != Verdict.PROVED:
            continue
        chosen = max((x for x in r.routes if x.verdict == Verdict.PROVED), key=lambda x: x.outcome.full_scope.rank())
        assert r.combined.scope == chosen.outcome.full_scope
        if chosen.outcome.data.get("covered"):
            assert r.combined.scope.parameters is not None, r.claim.id


def _without_provers(r: ClaimResult, outcome: Outcome) -> list[RouteResult]:
    return [dataclasses.replace(x, outcome=outcome) if x.role == PROVER else x for x in r.routes]


@pytest.mark.parametrize("broken", [unknown("the route failed"), unknown("ModelError: a step failed")])
def test_no_claim_stays_decided_without_its_provers(results, broken):
    for r in results.values():
        combined = combine(_without_provers(r, broken))
        assert combined.verdict in (Verdict.UNKNOWN, Verdict.DISAGREEMENT), r.claim.id


def test_each_proof_alone_never_leaves_its_scope_behind(results):
    for r in results.values():
        proofs = [k for k, x in enumerate(r.routes) if x.verdict == Verdict.PROVED]
        for k in proofs:
            routes = list(r.routes)
            routes[k] = dataclasses.replace(routes[k], outcome=unknown("removed"))
            combined = combine(routes)
            others = [x.outcome.full_scope.rank() for j, x in enumerate(r.routes) if j in proofs and j != k]
            if not others:
                assert combined.verdict != Verdict.PROVED, r.claim.id
            else:
                assert combined.scope.rank() == max(others), r.claim.id


def _routes(claim_id, **replace_runs):
    """The claim with some routes' run functions replaced (by route name)."""
    claim = registry()[claim_id]
    routes = tuple(dataclasses.replace(x, run=replace_runs[x.name]) if x.name in replace_runs else x
                   for x in claim.routes)
    return dataclasses.replace(claim, routes=routes)


def _run(claim) -> ClaimResult:
    routes = _route_results(claim, SETTINGS)
    return ClaimResult(claim, routes, combine(routes))


def _raise(error):
    def run(*_args):
        raise error
    return run


@pytest.mark.parametrize("error", [ModelError("a step failed"), KdaxiomsError("engine limit")])
def test_a_prover_that_raises_is_unknown_not_proved(error):
    claim = _routes("C10.power.S5", audit=_raise(error))
    r = _run(claim)
    assert r.verdict == Verdict.UNKNOWN and not r.as_expected and exit_status([r]) == 0


def test_a_route_that_detects_a_contradiction_makes_a_loud_disagreement():
    claim = _routes("C10.power.S5", audit=_raise(DisagreementError("intervals certify the opposite")))
    r = _run(claim)
    assert r.verdict == Verdict.DISAGREEMENT and r.contradicts and exit_status([r]) == 1
    assert r.to_json()["disagreement"] is True


def test_a_cross_check_cannot_prove():
    claim = registry()["C5.k2-closed-form"]
    numeric = next(x for x in claim.routes if x.role != PROVER)
    with pytest.raises(ValueError, match="cannot conclude"):
        RouteResult(numeric.name, Outcome("proved", "all-n"), 0.0, numeric.role)


# -- mutations of the engines behind the proofs ----------------------------------------------

def test_power_softening_ranking_that_fails_proves_nothing_for_every_n(monkeypatch):
    from kdaxioms.symbolic import power_shape
    from kdaxioms.symbolic.derivations import softening
    monkeypatch.setattr(power_shape, "_ranking", lambda *a: unknown("mutated"))
    r = _run(registry()["C10.power.S1"])
    assert r.routes[0].route != "audit/symbolic-power"
    assert r.verdict != Verdict.PROVED or r.combined.scope.sizes != "all-n" or not r.combined.scope.unrestricted
    with pytest.raises(ModelError):
        softening.power_softening_axioms({})


def test_power_softening_boundary_that_raises_leaves_s5_unknown(monkeypatch):
    from kdaxioms.symbolic import power_shape
    monkeypatch.setattr(power_shape, "_boundary", _raise(ModelError("limit not computed")))
    assert _run(registry()["C10.power.S5"]).verdict == Verdict.UNKNOWN


def test_a_power_shape_that_is_not_recognized_proves_s5_by_nothing_else(monkeypatch):
    from kdaxioms.symbolic import power_shape
    monkeypatch.setattr(power_shape, "power_weight", lambda op: None)
    assert _run(registry()["C10.power.S5"]).verdict == Verdict.UNKNOWN


def test_z3_that_never_answers_proves_nothing_and_refutes_only_by_replayed_points(monkeypatch):
    from kdaxioms.smt import decide, solve
    monkeypatch.setattr(decide, "check", lambda *a, **k: solve.Answer(solve.UNKNOWN, reason="mutated"))
    assert _run(registry()["C1.linear-anchor.M1"]).verdict == Verdict.UNKNOWN
    r = _run(registry()["C1.unanchored.M3"])  # sampling needs no solver: its witness is replayed exactly
    assert r.verdict != Verdict.PROVED
    if r.verdict == Verdict.REFUTED:
        assert r.routes[0].route == "audit/sampling" and r.combined.witness is not None


def test_sampling_that_finds_nothing_leaves_refutations_to_the_solver(monkeypatch):
    from kdaxioms.numeric import search
    monkeypatch.setattr(search, "_replays", lambda ax, point: False)
    r = _run(registry()["C1.unanchored.M3"])
    assert r.verdict == Verdict.REFUTED and r.routes[0].route == "audit/smt-coordinate"


def test_exact_replay_that_cannot_decide_refutes_nothing(monkeypatch):
    from kdaxioms.symbolic import replay
    monkeypatch.setattr(replay, "certified_truth", lambda *a, **k: None)
    r = _run(registry()["C1.unanchored.M3"])
    assert r.verdict != Verdict.REFUTED


def test_a_derivation_that_differs_from_the_statement_is_a_disagreement(monkeypatch):
    from kdaxioms.proofs import derived_claims
    real = derived_claims._stated
    monkeypatch.setattr(derived_claims, "_stated", lambda *a: real(*a) + 1)
    r = _run(registry()["C4.local-ratio"])
    assert r.verdict == Verdict.DISAGREEMENT


def test_limits_that_cannot_be_told_apart_refute_no_continuity(monkeypatch):
    from kdaxioms.symbolic import discontinuity
    monkeypatch.setattr(discontinuity, "certified_sign", lambda e: None)
    r = _run(registry()["C10.topk.S2"])
    assert r.routes[0].route != "audit/exact-limits" and r.verdict != Verdict.REFUTED


def test_memory_bounds_that_fail_at_one_order_prove_nothing(monkeypatch):
    """Break one rule of the proof for every k: the claim falls back to the orders proved one by
    one (a grid, named in the scope); break one order as well: nothing is proved."""
    from kdaxioms.symbolic import sums
    from kdaxioms.symbolic.derivations import memory

    def no_sign(*args, **kwargs):
        raise ModelError("mutated")
    monkeypatch.setattr(sums, "termwise_sign", no_sign)
    r = _run(registry()["C5.bounds"])
    assert r.routes[0].verdict == "unknown"
    assert r.verdict == Verdict.PROVED and r.combined.scope.parameters == {"k": ("2", "3", "5")}
    real = memory.bounds_proof

    def broken(rec, polynomial):
        if rec.k == 3:
            raise ModelError("mutated")
        return real(rec, polynomial)
    monkeypatch.setattr(memory, "bounds_proof", broken)
    r = _run(registry()["C5.bounds"])
    assert r.verdict != Verdict.PROVED


def test_definedness_that_cannot_be_decided_is_written_into_the_scope(monkeypatch):
    from kdaxioms.smt import definedness, solve
    monkeypatch.setattr(definedness, "check", lambda *a, **k: solve.Answer(solve.UNKNOWN, reason="mutated"))
    r = _run(registry()["C10.power.S4"])
    assert r.verdict == Verdict.PROVED
    assert any("where the operator is defined" in c for c in r.combined.scope.conditions)
