"""Running claims through their routes and timing each route."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from kdaxioms.symbolic.errors import KdaxiomsError
from kdaxioms.symbolic.outcome import PROVED, REFUTED, unknown

from .claims import FAILS, HOLDS, Claim
from .settings import Settings
from .verdict import Combined, RouteResult, combine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    routes: tuple[RouteResult, ...]
    combined: Combined

    @property
    def verdict(self) -> str:
        return self.combined.verdict

    @property
    def as_expected(self) -> bool:
        """Proved when the theory says it holds, refuted when it says it fails, no disagreement."""
        wanted = PROVED if self.claim.expected == HOLDS else REFUTED
        return self.verdict == wanted and not self.combined.disagreement

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.routes)

    def to_json(self) -> dict:
        out = {
            "id": self.claim.id,
            "statement": self.claim.statement,
            "expected": self.claim.expected,
            "verdict": self.verdict,
            "scope": self.combined.scope,
            "as_expected": self.as_expected,
            "disagreement": self.combined.disagreement,
            "confirmed": self.combined.confirmed,
            "routes": [r.to_json() for r in self.routes],
        }
        if self.combined.witness is not None:
            out["witness"] = self.combined.witness.to_json()
        if self.combined.notes:
            out["notes"] = list(self.combined.notes)
        return out


def run_claim(claim: Claim, settings: Settings) -> ClaimResult:
    """Every route of ``claim``; a route that raises a kdaxioms error is ``unknown`` with its reason."""
    results = []
    for route in claim.routes:
        start = time.perf_counter()
        try:
            outcome = route.run(settings)
        except KdaxiomsError as err:
            outcome = unknown(f"{type(err).__name__}: {err}")
        seconds = time.perf_counter() - start
        log.debug("%s via %s: %s (%.2f s)", claim.id, route.name, outcome.verdict, seconds)
        results.append(RouteResult(route.name, outcome, seconds))
    return ClaimResult(claim, tuple(results), combine(results))


def run_claims(claims: Iterable[Claim], settings: Settings,
               progress: Callable[[ClaimResult], None] | None = None) -> list[ClaimResult]:
    out = []
    for claim in claims:
        result = run_claim(claim, settings)
        if progress is not None:
            progress(result)
        out.append(result)
    return out


def exit_status(results: list[ClaimResult]) -> int:
    """0 when every verdict is as the theory expects, else 1."""
    return 0 if all(r.as_expected for r in results) else 1
