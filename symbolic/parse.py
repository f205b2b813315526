"""A safe parser for the mathematical grammar of operator files.

Operator files are data written by other people, so formulas are never handed to Python
(``sympify`` and ``parse_expr`` evaluate code).  The text is parsed by Python's ``ast`` module
into a syntax tree that is only *read*: each node type has one rule that builds the SymPy
object directly, and any other node (attribute access, strings, lambdas, comprehensions,
unknown names or functions) is rejected with a :class:`ParseError` that names it.

Grammar: numbers (exact: ``0.1`` is ``1/10``), names of parameters and of ``n``, ``i``,
``j``, indexed inputs ``p[i]`` / ``q[j]``, ``+ - * / **``, parentheses, the functions
``Sum(expr, (j, 1, n))``, ``Max``, ``Min``, ``Abs``, ``sqrt``, ``log``, ``exp`` and the unit
step ``Heaviside(x)`` (``1`` for ``x > 0``, ``0`` for ``x <= 0``); for domains,
comparison chains ``0 < alpha <= 1`` joined by ``and``.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp

from .errors import InputError
from .model import INDEX, SUM_INDEX, SUPPORT, real


class ParseError(InputError):
    """A formula outside the mathematical grammar."""


_FUNCTIONS: Mapping[str, Callable[..., sp.Expr]] = {
    "Max": sp.Max, "Min": sp.Min, "Abs": sp.Abs, "sqrt": sp.sqrt, "log": sp.log, "exp": sp.exp,
    "Heaviside": lambda x: sp.Heaviside(x, 0),
}
#: Functions that take any positive number of arguments; the others take exactly one.
_VARIADIC = frozenset({"Max", "Min"})
_BINARY = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b,
}
_COMPARE = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan, ast.GtE: sp.GreaterThan}
_INDICES = {"i": INDEX, "j": SUM_INDEX}
_MAX_LENGTH = 2000
_MAX_EXPONENT = 64


class _Builder:
    """Builds SymPy objects from an ``ast`` tree, node type by node type (strict)."""

    def __init__(self, text: str, parameters: set[str], inputs: set[str]):
        self.text, self.parameters, self.inputs = text, parameters, inputs

    def fail(self, node: ast.AST, why: str) -> ParseError:
        return ParseError(f"formula {self.text!r}: {why}")

    def __call__(self, node: ast.AST) -> sp.Basic:
        rule = getattr(self, f"_{type(node).__name__}", None)
        if rule is None:
            raise self.fail(node, f"{type(node).__name__.lower()} syntax is not allowed (only arithmetic, "
                                  "powers, indexed inputs and the functions Sum, Max, Min, Abs, sqrt, log, exp, Heaviside)")
        return rule(node)

    def _Expression(self, node: ast.Expression) -> sp.Basic:
        return self(node.body)

    def _Constant(self, node: ast.Constant) -> sp.Basic:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise self.fail(node, f"{node.value!r} is not a number")
        frac = Fraction(str(node.value))
        return sp.Rational(frac.numerator, frac.denominator)

    def _Name(self, node: ast.Name) -> sp.Basic:
        name = node.id
        if name in self.parameters:
            return real(name)
        if name == "n":
            return SUPPORT
        if name in _INDICES:
            return _INDICES[name]
        if name in self.inputs:
            raise self.fail(node, f"input {name!r} must be indexed, e.g. {name}[i]")
        known = sorted(self.parameters) + ["n"]
        raise self.fail(node, f"unknown name {name!r}; known names: {', '.join(known)} and inputs {sorted(self.inputs)}")

    def _BinOp(self, node: ast.BinOp) -> sp.Basic:
        if isinstance(node.op, ast.BitXor):
            raise self.fail(node, "'^' is not a power; write ** instead")
        rule = _BINARY.get(type(node.op))
        if rule is None:
            raise self.fail(node, f"operator {type(node.op).__name__} is not allowed")
        left, right = self(node.left), self(node.right)
        if isinstance(node.op, ast.Pow) and right.is_Number and abs(right) > _MAX_EXPONENT:
            raise self.fail(node, f"exponent {right} is larger than {_MAX_EXPONENT} in absolute value")
        return rule(left, right)

    def _UnaryOp(self, node: ast.UnaryOp) -> sp.Basic:
        if isinstance(node.op, ast.USub):
            return -self(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self(node.operand)
        raise self.fail(node, f"unary {type(node.op).__name__} is not allowed")

    def _Subscript(self, node: ast.Subscript) -> sp.Basic:
        if not isinstance(node.value, ast.Name) or node.value.id not in self.inputs:
            raise self.fail(node, f"only inputs {sorted(self.inputs)} can be indexed")
        index = node.slice
        if not isinstance(index, ast.Name) or index.id not in _INDICES:
            raise self.fail(node, f"index inputs by i or j, e.g. {node.value.id}[i]")
        return sp.IndexedBase(node.value.id)[_INDICES[index.id]]

    def _Call(self, node: ast.Call) -> sp.Basic:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only the listed functions can be called")
        if node.keywords:
            raise self.fail(node, "keyword arguments are not allowed")
        name = node.func.id
        if name == "Sum":
            return self._sum(node)
        func = _FUNCTIONS.get(name)
        if func is None:
            raise self.fail(node, f"unknown function {name!r}; allowed: Sum, {', '.join(_FUNCTIONS)}")
        count = len(node.args)
        if (count != 1) if name not in _VARIADIC else (count < 1):
            wanted = "at least one argument" if name in _VARIADIC else "exactly one argument"
            raise self.fail(node, f"{name} takes {wanted}, got {count}")
        return func(*(self(a) for a in node.args))

    def _sum(self, node: ast.Call) -> sp.Basic:
        if len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple) or len(node.args[1].elts) != 3:
            raise self.fail(node, "write sums as Sum(expression, (j, 1, n))")
        var, low, high = node.args[1].elts
        if not (isinstance(var, ast.Name) and var.id == "j" and isinstance(low, ast.Constant) and low.value == 1
                and isinstance(high, ast.Name) and high.id == "n"):
            raise self.fail(node, "sums run over the support: Sum(expression, (j, 1, n))")
        return sp.Sum(self(node.args[0]), (SUM_INDEX, 1, SUPPORT))

    def _Compare(self, node: ast.Compare) -> sp.Basic:
        parts, left = [], self(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            rel = _COMPARE.get(type(op))
            if rel is None:
                raise self.fail(node, "domains use <, <=, >, >=")
            right = self(comparator)
            parts.append(rel(left, right))
            left = right
        return sp.And(*parts)

    def _BoolOp(self, node: ast.BoolOp) -> sp.Basic:
        if not isinstance(node.op, ast.And):
            raise self.fail(node, "domains combine inequalities with 'and' only")
        return sp.And(*(self(v) for v in node.values))


def _tree(text: str, what: str) -> ast.Expression:
    if not isinstance(text, str):
        raise ParseError(f"{what} must be a string, not {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise ParseError(f"{what} is longer than {_MAX_LENGTH} characters")
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ParseError(f"{what} {text!r} is not a formula: {err.msg}") from None


def parse_expression(text: str, parameters: set[str], inputs: set[str]) -> sp.Expr:
    """A component or role formula; relations and 'and' are rejected."""
    tree = _tree(text, "formula")
    if isinstance(tree.body, (ast.Compare, ast.BoolOp)):
        raise ParseError(f"formula {text!r} is a condition, not an expression")
    return _Builder(text, parameters, inputs)(tree)


def parse_domain(text: str, parameter: str, parameters: set[str]) -> sp.Basic:
    """A parameter domain such as ``0 < alpha <= 1`` (inequalities joined by 'and')."""
    tree = _tree(text, f"domain of {parameter}")
    if not isinstance(tree.body, (ast.Compare, ast.BoolOp)):
        raise ParseError(f"domain of {parameter} {text!r} must be inequalities such as 0 < {parameter} <= 1")
    domain = _Builder(text, parameters, set())(tree)
    if real(parameter) not in domain.free_symbols:
        raise ParseError(f"domain of {parameter} {text!r} does not mention {parameter}")
    return domain
