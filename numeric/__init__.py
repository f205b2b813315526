"""kdaxioms.numeric: numpy translation of the operator model, iteration and cross-checks."""

from .checks import Sampling, contraction_check, trajectory_check
from .iterate import iterate
from .translate import numeric_divergence, numeric_operator

__all__ = ["Sampling", "contraction_check", "trajectory_check", "iterate", "numeric_divergence", "numeric_operator"]
