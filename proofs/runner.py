"""Running claims through their routes and timing each route, on one core or several.

With ``jobs > 1`` the claims run in worker processes (``spawn``: a fresh interpreter each, so
no solver state is shared); a worker rebuilds the registry and runs one claim by id, and the
results come back in the order of the claims given, whatever order they finish in.  Workers
ignore SIGINT and have Z3's memory capped (:func:`kdaxioms.proofs.interrupt.worker_init`); on
Ctrl-C (or any other exception) in the parent every worker is terminated and joined before the
exception goes on (:func:`kdaxioms.proofs.interrupt.stop_pool`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from kdaxioms.smt.solve import MEMORY_MB
from kdaxioms.symbolic.errors import DisagreementError, KdaxiomsError
from kdaxioms.symbolic.outcome import PROVED, REFUTED, UNKNOWN, unknown
from kdaxioms.symbolic.verdict import Combined, RouteResult, combine

from .claim_model import FAILS, HOLDS, OPEN, Claim
from .interrupt import sigint_blocked, stop_pool, stop_resource_tracker, worker_init
from .settings import Settings

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
        """Proved when the theory says it holds, refuted when it says it fails, no disagreement;
        an open question is as expected whatever the verdict, as long as the routes agree."""
        if self.claim.expected == OPEN:
            return not self.combined.disagreement
        wanted = PROVED if self.claim.expected == HOLDS else REFUTED
        return self.verdict == wanted and not self.combined.disagreement

    @property
    def contradicts(self) -> bool:
        """The verdict is the opposite of what the theory expects, or the routes disagree.
        (An ``unknown`` verdict contradicts nothing: it names the engine limit that caused it.)"""
        opposite = {HOLDS: REFUTED, FAILS: PROVED}.get(self.claim.expected)
        return self.verdict == opposite or self.combined.disagreement

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.routes)

    def to_json(self) -> dict:
        out = {
            "id": self.claim.id,
            "statement": self.claim.statement,
            "expected": self.claim.expected,
            "verdict": str(self.verdict),
            **self.combined.scope.to_json(),
            "as_expected": self.as_expected,
            "contradicts": self.contradicts,
            "disagreement": self.combined.disagreement,
            "confirmed": self.combined.confirmed,
            "routes": [r.to_json() for r in self.routes],
        }
        if self.combined.witness is not None:
            out["witness"] = self.combined.witness.to_json()
        if self.combined.notes:
            out["notes"] = list(self.combined.notes)
        return out


def available_cores() -> int:
    """The cores this process may run on (the default of ``--jobs``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _route_results(claim: Claim, settings: Settings) -> tuple[RouteResult, ...]:
    """Every route of ``claim``.  A route that raises a kdaxioms error is ``unknown`` with its
    reason, except a :class:`DisagreementError` (the route found contradicting evidence), which
    is flagged so that the claim becomes a disagreement.

    One deadline of ``settings.budget_s`` seconds covers all of the claim's routes: the routes
    pass it to their engines, and a route is not started once it has run out (``unknown``, the
    reason names the budget; the routes that finished keep their outcomes)."""
    settings = settings.for_claim()
    deadline = settings.deadline
    results = []
    for route in claim.routes:
        start = time.perf_counter()
        if deadline.expired:
            done = ", ".join(r.route for r in results) or "no route"
            results.append(RouteResult(route.name, unknown(deadline.reason(f"{done}; {route.name} was not started")), 0.0,
                                       route.role))
            continue
        try:
            outcome = route.run(settings)
        except DisagreementError as err:
            outcome = unknown(f"contradicting evidence: {err}", disagreement=True)
        except KdaxiomsError as err:
            outcome = unknown(f"the route stopped: {err}")
        if outcome.verdict == UNKNOWN and deadline.expired and deadline.label not in outcome.reason:
            outcome = replace(outcome, reason=deadline.reason(f"{route.name}: {outcome.reason}"))
        seconds = time.perf_counter() - start
        log.debug("%s via %s: %s (%.2f s)", claim.id, route.name, outcome.verdict, seconds)
        results.append(RouteResult(outcome.data.get("decided_by", route.name), outcome, seconds, route.role))
    return tuple(results)


def run_claim(claim: Claim, settings: Settings) -> ClaimResult:
    """Run every route of ``claim`` and combine their outcomes into one verdict."""
    routes = _route_results(claim, settings)
    return ClaimResult(claim, routes, combine(routes))


def _run_by_id(claim_id: str, settings: Settings) -> tuple[RouteResult, ...]:
    """Worker entry point: claims hold closures, so a worker looks its claim up by id."""
    from .claims import registry  # the registry is rebuilt in each worker process
    return _route_results(registry()[claim_id], settings)


def run_claims(claims: Sequence[Claim], settings: Settings, progress: Callable[[ClaimResult], None] | None = None,
               jobs: int = 1) -> list[ClaimResult]:
    """Run ``claims`` on ``jobs`` processes; ``progress`` is called as each claim finishes.

    Claims from :func:`kdaxioms.proofs.claims.registry` only when ``jobs > 1`` (workers look
    them up by id).  The result list is in the order of ``claims``."""
    claims = list(claims)
    jobs = max(1, min(jobs, len(claims)))
    if jobs == 1:
        out = []
        for claim in claims:
            out.append(run_claim(claim, settings))
            if progress is not None:
                progress(out[-1])
        return out
    done: dict[str, ClaimResult] = {}
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=worker_init,
                               initargs=(os.getpid(), MEMORY_MB))
    futures: dict = {}
    try:
        with sigint_blocked():  # the workers are spawned here: they start with SIGINT blocked
            for c in claims:
                futures[pool.submit(_run_by_id, c.id, settings)] = c
        for future in as_completed(futures):
            claim = futures[future]
            routes = future.result()
            done[claim.id] = ClaimResult(claim, routes, combine(routes))
            if progress is not None:
                progress(done[claim.id])
    except BaseException:
        stop_pool(pool)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        del pool, futures
        stop_resource_tracker()
    return [done[c.id] for c in claims]


def exit_status(results: list[ClaimResult]) -> int:
    """1 when a verdict contradicts the theory or routes disagree, else 0 (``unknown`` verdicts,
    each with its reason, are listed but do not fail the run)."""
    return 1 if any(r.contradicts for r in results) else 0
