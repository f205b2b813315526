"""kdaxioms.proofs: the one engine, the claim catalogue, verdicts, the report and the command line.

:mod:`.audit` decides every axiom of every operator -- a user's file or a built-in family -- by
the routes its formula's shape admits; :mod:`.catalogue` writes every claim id once, as an audit
of a family's axiom or a builder of the claim modules; :mod:`.claims` assembles the registry.

The names below are loaded on first use (PEP 562), so that the console script
(:mod:`kdaxioms.proofs.entry`) can catch a Ctrl-C while SymPy, Z3 and numpy load.
"""

from __future__ import annotations

import importlib

_EXPORTS = {"Claim": ".claim_model", "registry": ".claims", "select": ".claims", "ClaimResult": ".runner",
            "run_claim": ".runner", "run_claims": ".runner", "Settings": ".settings"}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value
