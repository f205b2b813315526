"""The report's lemmas section and the proofs for every ``n`` that cite it.

Each lemma of :mod:`kdaxioms.symbolic.lemma_book` is printed once: its statement, then its
mechanised proof (re-run here, so the printed steps are those of this run) or how each use is
checked, and the claims that cite it.  A claim proved for every ``n`` gets a proof in the order a
reader checks it: the statement (printed above it), the lemmas it cites by name, then the
statements specific to the claim that were checked.
"""

from __future__ import annotations

from kdaxioms.symbolic.errors import KdaxiomsError
from kdaxioms.symbolic.lemma_book import BOOK, cite, cited, lemma

from .runner import ClaimResult


class LemmaError(KdaxiomsError):
    """A mechanised lemma of the book is not established in this run."""

    exit_status = 1


def all_n_route(r: ClaimResult):
    """The first proving route of ``r`` that proves it for every ``n`` (None when none does)."""
    return next((x for x in r.routes if x.role == "prover" and x.verdict == "proved" and x.outcome.scope == "all-n"),
                None)


def proof(r: ClaimResult) -> dict | None:
    """The proof for every ``n`` of ``r``: its route, the lemmas it cites (key and name), its steps."""
    route = all_n_route(r)
    if route is None:
        return None
    keys = cited(route.outcome.steps)
    return {"route": route.route, "lemmas": [rf"{cite(k)} ({lemma(k).name})" for k in keys],
            "steps": list(route.outcome.steps)}


def lemmas(results: list[ClaimResult]) -> list[dict]:
    """Every lemma of the book with its proof or check and the claims citing it (in any route)."""
    users: dict[str, list[str]] = {}
    for r in results:
        for x in r.routes:
            for key in cited(x.outcome.steps):
                users.setdefault(key, [])
                if r.claim.id not in users[key]:
                    users[key].append(r.claim.id)
    out = []
    for item in BOOK:
        steps: list[str] = []
        if item.prove is not None:
            holds, steps = item.prove()
            if holds is not True:
                raise LemmaError(f"the lemma '{item.name}' is not established in this run: {'; '.join(steps)}")
        out.append({"key": item.key, "title": f"({item.name})", "statement": item.statement, "steps": list(steps),
                    "checked": item.checked, "users": users.get(item.key, [])})
    return out
