"""kdaxioms.symbolic: the operator model, divergences, statements and SymPy derivations.

This is the one layer where formulas are written; the SMT and numeric layers translate it.  The
built-in families are operator-file data (:mod:`.families`), parsed like a user's file; the
shapes that proving routes recognize are in :mod:`.shapes` and :mod:`.power_shape`; per-coordinate
obligations (:mod:`.obligations`, with SymPy lemmas for symbolic exponents) and rules for sums over
a symbolic number of terms (:mod:`.sums`) carry proofs to every support size.
"""

from .divergences import DIVERGENCES, Divergence, divergence
from .errors import InputError, KdaxiomsError, ModelError, TranslationError, UnknownNameError
from .families import FAMILIES, family
from .model import INDEX, Kind, Operator
from .outcome import Outcome
from .points import Point
from .statements import Contraction, Relation

__all__ = [
    "DIVERGENCES", "Divergence", "divergence", "InputError", "KdaxiomsError", "ModelError",
    "TranslationError", "UnknownNameError", "FAMILIES", "family", "INDEX", "Kind", "Operator",
    "Outcome", "Point", "Contraction", "Relation",
]
