"""kdaxioms.smt: Z3 translation of the operator model, exact decision and witness replay."""

from .decide import decide_obligations, decide_vectors
from .translate import Z3Translator

__all__ = ["decide_obligations", "decide_vectors", "Z3Translator"]
