"""Claims checked against derivations: proved when the derivation matches the statement,
a loud disagreement (never a refutation) when it does not."""

import pytest

from kdaxioms.proofs.derived_claims import derivation_claims, derived_claim
from kdaxioms.proofs.runner import run_claim
from kdaxioms.proofs.settings import Settings


@pytest.mark.parametrize("claim", [c for c in derivation_claims() if c.id != "C12.accumulation" and c.expected == "holds"],
                         ids=lambda c: c.id)
def test_derivation_claims_are_proved(claim):
    result = run_claim(claim, Settings())
    assert result.verdict == "proved" and not result.combined.disagreement


def test_false_c6_kl_factor_is_refuted_by_every_route():
    (claim,) = [c for c in derivation_claims() if c.id == "C6.kl-factor"]
    result = run_claim(claim, Settings())
    assert result.verdict == "refuted" and result.as_expected and result.combined.confirmed
    assert all(r.verdict == "refuted" for r in result.routes)


def test_a_wrong_statement_is_a_disagreement_not_a_refutation():
    wrong = derived_claim("X", "wrong island model", "F", "sampled-anchor", "island-model",
                          "(1 - alpha)/(N - (N - 1)*(1 - alpha)**2)")
    result = run_claim(wrong, Settings())
    assert result.verdict == "disagreement" and result.combined.disagreement and result.combined.witness is None
