"""kdaxioms.proofs: the claim registry, verdicts, the report and the command line."""

from .claims import Claim, registry, select
from .runner import ClaimResult, run_claim, run_claims
from .settings import Settings

__all__ = ["Claim", "registry", "select", "ClaimResult", "run_claim", "run_claims", "Settings"]
