"""Reading SymPy ``srepr`` strings from a bundle without evaluating them as code.

A bundle is data written by someone else, so ``eval`` (which ``sympify`` uses) is never applied
to it.  The text is parsed by Python's ``ast`` module and only these forms are built: calls of
the constructors below with literal arguments (numbers, strings, booleans as keyword
assumptions) or nested constructor calls, and the constants ``pi`` and ``E``.  ``XLogX`` is the
bundle's name for ``x log x`` extended by ``0 log 0 = 0`` (interval covers write their functions
with it); it is read as :class:`XLogX` below.
"""

from __future__ import annotations

import ast

import sympy as sp


class SreprError(ValueError):
    """A string outside the ``srepr`` forms this reader accepts."""


class XLogX(sp.Function):
    """``x log x`` on ``x >= 0`` with ``0 log 0 = 0``; derivative ``log x + 1``."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero or x == 1:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.log(self.args[0]) + 1

    def _eval_rewrite_as_log(self, x, **kwargs):
        return x * sp.log(x)


_CONSTRUCTORS = {
    "Symbol": sp.Symbol, "Dummy": sp.Dummy, "Integer": sp.Integer, "Rational": sp.Rational, "Float": sp.Float,
    "Add": sp.Add, "Mul": sp.Mul, "Pow": sp.Pow, "log": sp.log, "exp": sp.exp, "Abs": sp.Abs, "Max": sp.Max,
    "Min": sp.Min, "Heaviside": sp.Heaviside, "sqrt": sp.sqrt, "XLogX": XLogX, "Tuple": sp.Tuple,
}
_CONSTANTS = {"pi": sp.pi, "E": sp.E, "Half": sp.S.Half, "One": sp.S.One, "Zero": sp.S.Zero, "NegativeOne": sp.S.NegativeOne}
_MAX_LENGTH = 5_000_000


def _literal(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, str, bool)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, int):
        return -node.operand.value
    raise SreprError(f"unexpected {type(node).__name__} in an srepr string")


def _build(node: ast.AST) -> sp.Basic:
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return _CONSTANTS[node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name not in _CONSTRUCTORS:
            raise SreprError(f"{name} is not a constructor an srepr string may use here")
        if name in ("Symbol", "Dummy", "Integer", "Rational", "Float"):
            args = [_literal(a) for a in node.args]
        else:
            args = [_build(a) for a in node.args]
        kwargs = {}
        for kw in node.keywords:
            value = _literal(kw.value)
            if not isinstance(value, (bool, int, str)) or kw.arg is None:
                raise SreprError("keyword arguments must be literal assumptions")
            kwargs[kw.arg] = value
        if name in ("Add", "Mul", "Pow", "Max", "Min"):
            kwargs = {}
        return _CONSTRUCTORS[name](*args, **kwargs)
    raise SreprError(f"unexpected {type(node).__name__} in an srepr string")


def read(text: str) -> sp.Basic:
    """The SymPy object an ``srepr`` string describes (:class:`SreprError` otherwise)."""
    if not isinstance(text, str) or len(text) > _MAX_LENGTH:
        raise SreprError("an srepr string must be text of at most 5 MB")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError) as err:
        raise SreprError(f"not an srepr string ({err.__class__.__name__})") from None
    try:
        return _build(tree.body)
    except RecursionError:
        raise SreprError("the srepr string is nested too deeply") from None
    except (TypeError, ValueError) as err:
        raise SreprError(f"SymPy refused the srepr string ({err})") from None
