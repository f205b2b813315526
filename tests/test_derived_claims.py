"""Claims checked against derivations: proved when the derivation matches the statement,
a loud disagreement (never a refutation) when it does not."""

import pytest

from kdaxioms.proofs import registry
from kdaxioms.proofs.catalogue import CATALOGUE, Built
from kdaxioms.proofs.derived_claims import BUILDERS, derived_claim
from kdaxioms.proofs.runner import run_claim
from kdaxioms.proofs.settings import Settings


def _derived():
    """The registry's claims built by the derivation module's builders."""
    ids = {e.id for e in CATALOGUE if isinstance(e.how, Built) and e.how.key in BUILDERS}
    return [c for c in registry().values() if c.id in ids]


@pytest.mark.parametrize("claim", [c for c in _derived() if c.id != "C12.accumulation" and c.expected == "holds"],
                         ids=lambda c: c.id)
def test_derivation_claims_are_proved(claim):
    result = run_claim(claim, Settings())
    assert result.verdict == "proved" and not result.combined.disagreement


def test_false_c6_kl_factor_is_refuted_by_every_route():
    claim = registry()["C6.kl-factor"]
    result = run_claim(claim, Settings())
    assert result.verdict == "refuted" and result.as_expected and result.combined.confirmed
    assert all(r.verdict == "refuted" for r in result.routes)


def test_a_wrong_statement_is_a_disagreement_not_a_refutation():
    wrong = derived_claim("X", "wrong island model", "F", "sampled-anchor", "island-model",
                          "(1 - alpha)/(N - (N - 1)*(1 - alpha)**2)")
    result = run_claim(wrong, Settings())
    assert result.verdict == "disagreement" and result.combined.disagreement and result.combined.witness is None
