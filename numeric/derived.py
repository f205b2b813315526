"""Derived values for the numeric cross-checks, obtained by calling the derivations.

Nothing here states a formula: each function calls
``kdaxioms.symbolic.derivations.derivation(name).derive(inputs)`` with exact inputs (fractions,
integers, tuples) and turns the exact or certified value into floats (30 digits, then rounded).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np
import sympy as sp

from kdaxioms.symbolic.derivations import Derivation, derivation
from kdaxioms.symbolic.errors import ModelError


def to_float(value) -> float:
    """A real SymPy value (rational, radical, ``CRootOf``, Float) as a float."""
    number = sp.N(value, 30)
    real, imag = number.as_real_imag()
    if abs(imag) > 1e-25:
        raise ModelError(f"derived value {value} is not real")
    return float(real)


def derive(name: str, inputs: Mapping[str, object]) -> Derivation:
    """Run the named derivation."""
    return derivation(name).derive(dict(inputs))


def value(name: str, inputs: Mapping[str, object]) -> float | np.ndarray:
    """The derivation's value as a float (a vector value as an array)."""
    d = derive(name, inputs)
    if d.value is None:
        raise ModelError(f"derivation {name} with inputs {sorted(inputs)} has no value; an input is unset")
    if isinstance(d.value, (list, tuple)):
        return np.array([to_float(v) for v in d.value])
    return to_float(d.value)


def exact_vector(x: Sequence[float | Fraction]) -> tuple[Fraction, ...]:
    """A vector as fractions (floats are taken at their exact binary value)."""
    return tuple(Fraction(v) for v in x)


def lambdified(expression: sp.Expr, symbols: Sequence[sp.Symbol]):
    """A numpy function of ``symbols`` for a derived expression whose other inputs are set."""
    stray = expression.free_symbols - set(symbols)
    if stray:
        raise ModelError(f"derived expression {expression} still depends on {sorted(map(str, stray))}")
    return sp.lambdify(list(symbols), expression, "numpy")
