"""kdaxioms.numeric: numpy translation of the operator model, iteration and cross-checks.

Floats only: what is computed here proposes (witness candidates of the seeded searches) or
cross-checks (iteration, Monte Carlo), and never decides a verdict; certified arithmetic lives
in :mod:`kdaxioms.certified`, exact decisions in :mod:`kdaxioms.smt` and :mod:`kdaxioms.symbolic`.
"""

from .checks import Sampling, contraction_check, trajectory_check
from .iterate import iterate
from .translate import numeric_divergence, numeric_operator

__all__ = ["Sampling", "contraction_check", "trajectory_check", "iterate", "numeric_divergence", "numeric_operator"]
