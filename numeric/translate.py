"""Translation of the operator model into vectorized numpy functions.

The component formula and the divergence terms are lambdified by SymPy's numpy printer; the
functions act on arrays whose last axis is the support ``[n]`` and whose leading axes index
chains (independent runs).  No formula is re-typed here.

A component ``c_i(x)`` is translated node by node:

* ``x[i]`` of every input ``x`` becomes the array of ``x`` (the coordinate symbol ``x_i``);
* each outermost ``Sum(f(x[j]), (j, 1, n))`` becomes ``sum_j f(x_j)``: its summand is translated
  the same way (with ``j`` in the role of ``i``), summed over the last axis with ``keepdims`` and
  passed to the lambdified component as one extra argument (a per-chain scalar);
* the support size ``n`` is the length of the last axis, the index ``i`` the array ``1 .. n``.

Anything else (an input indexed otherwise, a sum over other bounds, a sum whose terms depend on
``i``, a function the numpy printer does not know) is a :class:`TranslationError` naming the node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from kdaxioms.symbolic.divergences import X, Y, Divergence
from kdaxioms.symbolic.errors import TranslationError
from kdaxioms.symbolic.model import INDEX, SUPPORT, Operator, coordinate_symbol

_PRINTER_SETTINGS = {"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": False,
                     "user_functions": {}, "strict": True}


#: Names a generated function may use besides numpy's own (``Max``/``Min`` print as ``reduce``).
_HELPERS = frozenset({"reduce"})


def _lambdify(args, expr: sp.Expr) -> Callable:
    """Lambdify with a strict numpy printer: an unknown node raises instead of printing its name,
    and a name that does not resolve to numpy (e.g. ``math.gamma``, scalar only) is refused."""
    try:
        fn = sp.lambdify(args, expr, modules="numpy", printer=NumPyPrinter(dict(_PRINTER_SETTINGS)))
    except (NameError, TypeError, NotImplementedError) as err:
        raise TranslationError("numpy", expr, str(err).splitlines()[0]) from None
    for name in fn.__code__.co_names:
        if name not in _HELPERS and fn.__globals__.get(name) is not getattr(np, name, None):
            raise TranslationError("numpy", expr, f"{name!r} is not a numpy function")
    return fn


def _outermost_sums(expr: sp.Expr) -> list[sp.Sum]:
    """The ``Sum`` nodes of ``expr`` that lie inside no other ``Sum``, in a stable order."""
    sums = expr.atoms(sp.Sum)
    top = [s for s in sums if not any(o is not s and o.has(s) for o in sums)]
    return sorted(top, key=sp.default_sort_key)


def _summand(node: sp.Sum) -> sp.Expr:
    """``f(x[i])`` for ``Sum(f(x[j]), (j, 1, n))``: the terms as a component-like expression."""
    if len(node.limits) != 1:
        raise TranslationError("numpy", node, "only single sums over the support are translated")
    var, low, high = node.limits[0]
    if low != 1 or high != SUPPORT:
        raise TranslationError("numpy", node, "a sum must run over the support, (j, 1, n)")
    if INDEX in node.free_symbols:
        raise TranslationError("numpy", node, "a sum whose terms depend on the output index i")
    return node.function.xreplace({var: INDEX})


@dataclass(frozen=True)
class NumericExpression:
    """A component-like expression ``c_i(x)`` as a numpy function of input arrays ``(..., n)``.

    ``sums`` are the translated summands of the outermost sums; their totals over the last axis
    are extra arguments of ``function``, after the inputs and parameters (then ``n`` and the
    index array when the expression uses them)."""

    expression: sp.Expr
    function: Callable
    sums: tuple["NumericExpression", ...]
    uses_support: bool
    uses_index: bool

    def evaluate(self, arrays: Sequence[np.ndarray], parameters: Sequence) -> np.ndarray:
        """The expression for every coordinate: ``arrays`` in the operator's input order,
        ``parameters`` in its parameter order."""
        args = [*arrays, *parameters]
        for s in self.sums:
            args.append(np.sum(s.evaluate(arrays, parameters), axis=-1, keepdims=True))
        if self.uses_support or self.uses_index:
            n = np.shape(arrays[0])[-1]
            if self.uses_support:
                args.append(n)
            if self.uses_index:
                args.append(np.arange(1, n + 1, dtype=float))
        return self.function(*args)


def numeric_expression(op: Operator, expr: sp.Expr) -> NumericExpression:
    """Translate a component-like expression of ``op`` (the component itself or a role such as
    the aggregated anchor of F2)."""
    coordinates = {sp.IndexedBase(x)[INDEX]: coordinate_symbol(x) for x in op.inputs}
    sums = _outermost_sums(expr)
    holders = [sp.Dummy(f"sum{k}", real=True) for k in range(len(sums))]
    body = expr.xreplace(dict(zip(sums, holders))).xreplace(coordinates)
    stray = body.atoms(sp.Indexed)
    if stray:
        raise TranslationError("numpy", sorted(stray, key=str)[0], "inputs must be indexed by i (or j inside a sum)")
    free = body.free_symbols
    args = [coordinate_symbol(x) for x in op.inputs] + list(op.parameter_symbols) + holders
    args += [s for s in (SUPPORT, INDEX) if s in free]
    unknown = free - set(args)
    if unknown:
        raise TranslationError("numpy", sorted(unknown, key=str)[0], "a symbol that is neither an input nor a parameter")
    translated = tuple(numeric_expression(op, _summand(s)) for s in sums)
    return NumericExpression(expr, _lambdify(args, body), translated, SUPPORT in free, INDEX in free)


@dataclass(frozen=True)
class NumericOperator:
    """``T`` as a numpy function of arrays ``(..., n)``, one per input.

    The output is always a fresh float array of the broadcast shape of the inputs (and of array
    parameters such as ``(chains, 1)``): it never aliases an input, so callers may keep it."""

    operator: Operator
    component: NumericExpression

    def __call__(self, inputs: Mapping[str, np.ndarray], parameters: Mapping[str, float | np.ndarray]) -> np.ndarray:
        return self.evaluate([inputs[x] for x in self.operator.inputs],
                             [parameters[p.name] for p in self.operator.parameters])

    def evaluate(self, arrays: Sequence[np.ndarray], parameters: Sequence[float | np.ndarray]) -> np.ndarray:
        """Positional form of ``__call__`` (inputs and parameters in the model's order): the hot path."""
        out = self.component.evaluate(arrays, parameters)
        if type(out) is not np.ndarray or out.dtype != np.float64 or not _owned(out, arrays, parameters):
            fresh = np.empty(np.broadcast_shapes(*(np.shape(a) for a in arrays), *(np.shape(v) for v in parameters)))
            fresh[...] = out
            out = fresh
        if self.operator.normalize:
            out /= out.sum(axis=-1, keepdims=True)
        return out


def _covers(shape: tuple[int, ...], other: tuple[int, ...]) -> bool:
    """``shape`` is already the broadcast of ``shape`` and ``other``."""
    if other == shape:
        return True
    if len(other) > len(shape):
        return False
    for o, s in zip(other[::-1], shape[::-1]):
        if o != 1 and o != s:
            return False
    return True


def _owned(out: np.ndarray, arrays: Sequence, parameters: Sequence) -> bool:
    """``out`` has the broadcast shape of every argument and shares memory with no input array
    (cheap checks first: this runs once per generation)."""
    shape = out.shape
    for a in arrays:
        if a is out or not _covers(shape, np.shape(a)) or np.may_share_memory(out, a):
            return False
    return all(type(v) is float or _covers(shape, np.shape(v)) for v in parameters)


def numeric_operator(op: Operator) -> NumericOperator:
    """Translate the component (normalization is applied over the last axis)."""
    return NumericOperator(op, numeric_expression(op, op.component))


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
