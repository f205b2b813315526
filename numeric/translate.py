"""Translation of the operator model into vectorized numpy functions.

The component formula and the divergence terms are lambdified by SymPy's numpy printer; the
functions act elementwise on arrays whose last axis is the support ``[n]`` and whose leading
axes index chains (independent runs).  No formula is re-typed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import sympy as sp

from kdaxioms.symbolic.divergences import X, Y, Divergence
from kdaxioms.symbolic.errors import TranslationError
from kdaxioms.symbolic.model import Operator, coordinate_symbol


def _lambdify(args, expr: sp.Expr) -> Callable:
    try:
        return sp.lambdify(args, expr, modules="numpy")
    except (NameError, TypeError) as err:
        raise TranslationError("numpy", expr, str(err)) from None


@dataclass(frozen=True)
class NumericOperator:
    """``T`` as a numpy function of arrays ``(..., n)``, one per input."""

    operator: Operator
    _component: Callable

    def __call__(self, inputs: Mapping[str, np.ndarray], parameters: Mapping[str, float | np.ndarray]) -> np.ndarray:
        args = [inputs[x] for x in self.operator.inputs] + [parameters[p.name] for p in self.operator.parameters]
        out = np.broadcast_to(self._component(*args), np.broadcast_shapes(*(np.shape(a) for a in args)))
        if self.operator.normalize:
            out = out / out.sum(axis=-1, keepdims=True)
        return np.array(out, dtype=float)


def numeric_operator(op: Operator) -> NumericOperator:
    """Lambdify the per-coordinate component (normalization is applied over the last axis)."""
    args = [coordinate_symbol(x) for x in op.inputs] + list(op.parameter_symbols)
    return NumericOperator(op, _lambdify(args, op.unnormalized_coordinate()))


@dataclass(frozen=True)
class NumericDivergence:
    """``D(x||y)`` summed over the last axis, with the term's limit at ``x = 0`` applied there."""

    divergence: Divergence
    _term: Callable
    _at_zero: Callable

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = self._term(x, y)
            terms = np.where(x == 0, self._at_zero(y), terms)
        return np.sum(terms, axis=-1)


def numeric_divergence(d: Divergence) -> NumericDivergence:
    """The term and its one-sided limit at ``x -> 0^+`` (e.g. ``0 log 0 = 0``), both lambdified."""
    y_pos = sp.Symbol("y", positive=True)
    at_zero = sp.limit(d.term.xreplace({Y: y_pos}), X, 0, "+").xreplace({y_pos: Y})
    return NumericDivergence(d, _lambdify((X, Y), d.term), _lambdify((Y,), at_zero + 0 * Y))
