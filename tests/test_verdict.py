from fractions import Fraction

from kdaxioms.symbolic.verdict import CROSS_CHECK, PROVER, RouteResult, combine
from kdaxioms.symbolic.outcome import Outcome, unknown
from kdaxioms.symbolic.points import Point

W = Point({"p": (Fraction(1, 2), Fraction(1, 2))}, {})


def r(name, verdict, scope=None, witness=None):
    role = CROSS_CHECK if verdict in ("agrees", "disagrees") else PROVER
    return RouteResult(name, Outcome(verdict, scope, witness=witness), 0.0, role)


def test_proof_confirmed_by_numeric_agreement():
    c = combine([r("symbolic", "proved", "all-n"), r("numeric", "agrees")])
    assert c.verdict == "proved" and c.scope.sizes == "all-n" and c.confirmed and not c.disagreement


def test_single_proof_is_not_confirmed():
    c = combine([r("symbolic", "proved", "all-n"), unknown_route()])
    assert c.verdict == "proved" and not c.confirmed


def unknown_route():
    return RouteResult("smt", unknown("timeout"), 0.0)


def test_best_scope_wins():
    c = combine([r("smt-vector", "proved", "n<=6"), r("smt-coordinate", "proved", "all-n")])
    assert c.scope.sizes == "all-n"
    assert combine([r("a", "proved", "n<=3"), r("b", "proved", "n<=6")]).scope.sizes == "n<=6"


def test_proof_against_refutation_is_a_loud_disagreement():
    c = combine([r("symbolic", "proved", "all-n"), r("smt", "refuted", "n=2", W)])
    assert c.verdict == "disagreement" and c.disagreement


def test_proof_against_numeric_disagreement():
    c = combine([r("symbolic", "proved", "all-n"), r("numeric", "disagrees")])
    assert c.verdict == "disagreement" and c.disagreement


def test_numeric_disagreement_alone_is_not_a_refutation():
    c = combine([r("numeric", "disagrees"), unknown_route()])
    assert c.verdict == "disagreement" and c.disagreement


def test_refutation_with_witness():
    c = combine([r("smt", "refuted", "n=2", W), r("numeric", "disagrees")])
    assert c.verdict == "refuted" and c.witness == W and not c.disagreement


def test_flagged_replay_failure_is_a_disagreement():
    flagged = RouteResult("smt-vector", unknown("model failed exact replay", disagreement=True), 0.0)
    c = combine([r("symbolic", "proved", "all-n"), flagged])
    assert c.verdict == "disagreement" and c.disagreement


def test_timeouts_stay_unknown():
    assert combine([unknown_route(), unknown_route()]).verdict == "unknown"


def test_exit_status_fails_on_contradiction_not_on_unknown():
    from kdaxioms.proofs.claims import FAILS, HOLDS, Claim
    from kdaxioms.proofs.runner import ClaimResult, exit_status
    from kdaxioms.symbolic.verdict import combine
    from kdaxioms.symbolic.verdict import RouteResult
    from kdaxioms.symbolic.outcome import Outcome, unknown

    def result(expected, outcome):
        routes = (RouteResult("r", outcome, 0.0),)
        return ClaimResult(Claim("C0.x", "s", "s", expected, "f", ()), routes, combine(routes))

    undecided = result(HOLDS, unknown("Z3 timed out"))
    proved_false = result(FAILS, Outcome("proved", "all-n"))
    assert not undecided.as_expected and not undecided.contradicts and exit_status([undecided]) == 0
    assert proved_false.contradicts and exit_status([undecided, proved_false]) == 1
