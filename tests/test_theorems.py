"""Theorems (proved for every n on the full parameter domain) and the report's table of
exceptions: a claim proved only for some sizes or on a grid is listed with what its proof covers
and why not more."""

from __future__ import annotations

from kdaxioms.proofs.claims import registry
from kdaxioms.proofs.report import exception_row, render, theorem
from kdaxioms.proofs.runner import run_claims
from kdaxioms.proofs import report_typography as typography
from kdaxioms.proofs.settings import Settings


def test_a_bounded_proof_is_an_exception_with_its_coverage_and_a_theorem_is_not():
    results = {r.claim.id: r for r in run_claims([registry()[c] for c in ("C5.bounds", "C4.exact-factor")],
                                                 Settings(seed=0, max_n=3))}
    assert theorem(results["C5.bounds"])
    bounded = results["C4.exact-factor"]
    assert bounded.verdict == "proved" and not theorem(bounded)
    row = exception_row(bounded)
    assert row["id"] == "C4.exact-factor" and r"\alpha" in row["covered"] and "anchor" in row["covered"]
    assert row["why"] == typography.text(bounded.claim.limit) and "α" in row["why"]  # alpha set as a symbol
    text = render(list(results.values()), Settings(seed=0), "kdaxioms report", "today", [])
    assert "Theorems and exceptions" in text and "1 of the 2 claims expected" in text
