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
comparison chains ``0 < alpha <= 1`` joined by ``and``, linear in the parameters.

Every limit of :mod:`kdaxioms.symbolic.limits` is checked while the tree is built, before the
work it bounds: numbers are read exactly from their source text and have at most
``MAX_DIGITS`` digits, a power of numbers is estimated before it is computed, constants are
real, finite and of bounded magnitude, numbers inside exponents are small, and the tree is at
most ``MAX_DEPTH`` deep (measured without recursion).  An undefined constant (``1/0``,
``log(0)``) or a non-real one (``sqrt(-1)``) is refused at once.  The summation index ``j``
is accepted only inside ``Sum(..., (j, 1, n))``; formulas are ASCII.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from typing import Callable, Mapping

import sympy as sp

from . import limits
from .errors import InputError, excerpt
from .model import INDEX, SUM_INDEX, SUPPORT, real


class ParseError(InputError):
    """A formula outside the mathematical grammar or beyond a limit of :mod:`.limits`."""


_FUNCTIONS: Mapping[str, Callable[..., sp.Expr]] = {
    "Max": sp.Max, "Min": sp.Min, "Abs": sp.Abs, "sqrt": sp.sqrt, "log": sp.log, "exp": sp.exp,
    "Heaviside": lambda x: sp.Heaviside(x, 0),
}
#: Names no parameter may take: the functions, ``Sum`` and the indices and support size.
FUNCTION_NAMES = frozenset(_FUNCTIONS) | {"Sum"}
#: Functions that take any positive number of arguments; the others take exactly one.
_VARIADIC = frozenset({"Max", "Min"})
_BINARY = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b,
}
_COMPARE = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan, ast.GtE: sp.GreaterThan}
_INDICES = {"i": INDEX, "j": SUM_INDEX}
_MAX_LENGTH = 2000
_MAX_EXPONENT = limits.MAX_EXPONENT
_UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)


class _Builder:
    """Builds SymPy objects from an ``ast`` tree, node type by node type (strict).

    ``source`` is the parsed text (numbers are read from it); ``domain`` restricts the grammar
    to a parameter domain (parameters and numbers only, no functions or inputs)."""

    def __init__(self, text: str, parameters: set[str], inputs: set[str], source: str = "", domain: bool = False,
                 what: str = "formula"):
        self.text, self.parameters, self.inputs = text, parameters, inputs
        self.source, self.domain, self.what, self.sums = source, domain, what, 0
        #: The comparison and 'and' nodes that may stand where they are: the top of a domain only.
        self.conditions: set[int] = set()

    def fail(self, node: ast.AST, why: str) -> ParseError:
        return ParseError(f"{self.what} {excerpt(self.text)}: {why}")

    def __call__(self, node: ast.AST) -> sp.Basic:
        rule = getattr(self, f"_{type(node).__name__}", None)
        if rule is None:
            raise self.fail(node, f"{type(node).__name__.lower()} syntax is not allowed (only arithmetic, "
                                  "powers, indexed inputs and the functions Sum, Max, Min, Abs, sqrt, log, exp, Heaviside)")
        return rule(node)

    # -- limits --------------------------------------------------------------------------------
    def checked(self, node: ast.AST, value: sp.Basic) -> sp.Basic:
        """``value`` if it is a bounded rational, a bounded real constant or not constant."""
        if isinstance(value, sp.Rational):
            try:
                limits.check_rational(int(value.p), int(value.q), self.segment(node))
            except InputError as err:
                raise self.fail(node, str(err)) from None
            return value
        if any(value == u for u in _UNDEFINED):
            raise self.fail(node, f"{excerpt(self.segment(node))} is undefined (a division by zero or the log of 0)")
        if value.is_number:
            self.bounded_constant(node, value)
        return value

    def bounded_constant(self, node: ast.AST, value: sp.Basic) -> None:
        """A constant that is not rational: real, finite and of bounded magnitude (low-precision evaluation)."""
        shown = excerpt(self.segment(node))
        if value.has(*_UNDEFINED):
            raise self.fail(node, f"{shown} is undefined (a division by zero or the log of 0)")
        try:
            approx = value.evalf(15, maxn=60)
            real_part, imag_part = approx.as_real_imag()
            magnitude = abs(complex(approx))
        except (TypeError, ValueError, ArithmeticError):
            raise self.fail(node, f"{shown} cannot be evaluated as a real number") from None
        if imag_part.is_number and abs(float(imag_part)) > 1e-30 * max(1.0, abs(float(real_part))):
            raise self.fail(node, f"{shown} is not real-valued (it is {sp.N(value, 6)}); operators are real")
        if magnitude != magnitude or magnitude == float("inf"):
            raise self.fail(node, f"{shown} is undefined or infinite")
        if magnitude > 10.0 ** limits.MAX_DIGITS or 0 < magnitude < 10.0 ** -limits.MAX_DIGITS:
            raise self.fail(node, f"constant {shown} is about {sp.N(value, 3)}, outside 10**-{limits.MAX_DIGITS} .. "
                                  f"10**{limits.MAX_DIGITS}; rescale the formula")

    def segment(self, node: ast.AST) -> str:
        return (ast.get_source_segment(self.source, node) if self.source else None) or self.text

    def exponent(self, node: ast.AST, value: sp.Basic) -> None:
        """Every number inside an exponent has numerator and denominator at most ``MAX_EXPONENT``."""
        for number in value.atoms(sp.Rational):
            if not limits.exponent_fits(number):
                raise self.fail(node, f"exponent {excerpt(self.segment(node))} contains the number {excerpt(number)}; numbers in "
                                      f"exponents have numerator and denominator at most {_MAX_EXPONENT}")
        if value.is_number and not isinstance(value, sp.Rational) and abs(complex(value.evalf(15))) > _MAX_EXPONENT:
            raise self.fail(node, f"exponent {excerpt(self.segment(node))} is larger than {_MAX_EXPONENT} in absolute value")

    # -- nodes ---------------------------------------------------------------------------------
    def _Expression(self, node: ast.Expression) -> sp.Basic:
        return self(node.body)

    def _Constant(self, node: ast.Constant) -> sp.Basic:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(node, f"{excerpt(value)} is not a number")
        try:
            if isinstance(value, int):
                limits.check_rational(value, 1, self.segment(node))
                frac = Fraction(value)
            else:  # exactly from the source text, never through the float (1e400 is not inf)
                frac = limits.decimal_literal(self.segment(node) if self.source else repr(value))
        except InputError as err:
            raise self.fail(node, str(err)) from None
        return sp.Rational(frac.numerator, frac.denominator)

    def _Name(self, node: ast.Name) -> sp.Basic:
        name = node.id
        if name in self.parameters:
            return real(name)
        if self.domain and name in {"n", "i", "j"} | self.inputs:
            raise self.fail(node, f"a domain may use only parameters ({', '.join(sorted(self.parameters))}) and "
                                  f"numbers, not {name!r}")
        if name == "n":
            return SUPPORT
        if name == "j" and not self.sums:
            raise self.fail(node, "the summation index j is used outside Sum(..., (j, 1, n)); write i for the "
                                  "output's own coordinate")
        if name in _INDICES:
            return _INDICES[name]
        if name in self.inputs:
            raise self.fail(node, f"input {name!r} must be indexed, e.g. {name}[i]")
        known = sorted(self.parameters) + ([] if self.domain else ["n"])
        raise self.fail(node, f"unknown name {excerpt(name)}; known names: {', '.join(known) or 'none'}"
                              + ("" if self.domain else f" and inputs {sorted(self.inputs)}"))

    def _BinOp(self, node: ast.BinOp) -> sp.Basic:
        if isinstance(node.op, ast.BitXor):
            raise self.fail(node, "'^' is not a power; write ** instead")
        rule = _BINARY.get(type(node.op))
        if rule is None:
            raise self.fail(node, f"operator {type(node.op).__name__} is not allowed")
        left, right = self(node.left), self(node.right)
        if isinstance(node.op, ast.Pow):
            self.exponent(node.right, right)
            if self.domain and not (isinstance(right, sp.Integer) and right >= 0):
                raise self.fail(node, "a domain raises parameters to whole powers only")
            if left == 0 and (right.is_negative or right == 0):
                raise self.fail(node, f"{excerpt(self.segment(node))} is undefined (0 to a power <= 0)")
            if isinstance(left, sp.Rational) and isinstance(right, sp.Rational) and left != 0:
                size = limits.power_digits(Fraction(int(left.p), int(left.q)), Fraction(int(right.p), int(right.q)))
                if size > limits.MAX_DIGITS:
                    raise self.fail(node, f"{excerpt(self.segment(node))} would have about {size} digits, at most "
                                          f"{limits.MAX_DIGITS}; rescale the formula")
        if isinstance(node.op, ast.Div) and right == 0:
            raise self.fail(node, f"{excerpt(self.segment(node))} is undefined (a division by zero)")
        return self.checked(node, rule(left, right))

    def _UnaryOp(self, node: ast.UnaryOp) -> sp.Basic:
        if isinstance(node.op, ast.USub):
            return -self(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self(node.operand)
        raise self.fail(node, f"unary {type(node.op).__name__} is not allowed")

    def _Subscript(self, node: ast.Subscript) -> sp.Basic:
        if self.domain:
            raise self.fail(node, "a domain may use only parameters and numbers, not inputs")
        if not isinstance(node.value, ast.Name) or node.value.id not in self.inputs:
            if not self.inputs:
                raise self.fail(node, "this formula takes parameters and numbers only, no indexed inputs")
            raise self.fail(node, f"only inputs {sorted(self.inputs)} can be indexed")
        index = node.slice
        if not isinstance(index, ast.Name) or index.id not in _INDICES:
            raise self.fail(node, f"index inputs by i or j, e.g. {node.value.id}[i]")
        if index.id == "j" and not self.sums:
            raise self.fail(node, f"{node.value.id}[j] is outside a sum; write {node.value.id}[i] for the output's "
                                  f"own coordinate or Sum({node.value.id}[j], (j, 1, n))")
        return sp.IndexedBase(node.value.id)[_INDICES[index.id]]

    def _Call(self, node: ast.Call) -> sp.Basic:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only the listed functions can be called")
        if self.domain:
            raise self.fail(node, f"a domain is inequalities linear in the parameters, without functions such as "
                                  f"{excerpt(node.func.id)}; bound the parameter itself, e.g. 1 < alpha < 2.718")
        if node.keywords:
            raise self.fail(node, "keyword arguments are not allowed")
        name = node.func.id
        if name == "Sum":
            return self._sum(node)
        func = _FUNCTIONS.get(name)
        if func is None:
            raise self.fail(node, f"unknown function {excerpt(name)}; allowed: Sum, {', '.join(_FUNCTIONS)}")
        count = len(node.args)
        if (count != 1) if name not in _VARIADIC else (count < 1):
            wanted = "at least one argument" if name in _VARIADIC else "exactly one argument"
            raise self.fail(node, f"{name} takes {wanted}, got {count}")
        args = [self(a) for a in node.args]
        if name == "exp" and not limits.exp_argument_fits(args[0]):
            raise self.fail(node, f"{excerpt(self.segment(node))}: the argument of exp is larger than "
                                  f"{limits.MAX_EXP_ARGUMENT} in absolute value; rescale the formula")
        if name == "log" and args[0] == 0:
            raise self.fail(node, f"{excerpt(self.segment(node))} is undefined (the log of 0)")
        return self.checked(node, func(*args))

    def _sum(self, node: ast.Call) -> sp.Basic:
        if len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple) or len(node.args[1].elts) != 3:
            raise self.fail(node, "write sums as Sum(expression, (j, 1, n))")
        var, low, high = node.args[1].elts
        if not (isinstance(var, ast.Name) and var.id == "j" and isinstance(low, ast.Constant) and low.value == 1
                and isinstance(high, ast.Name) and high.id == "n"):
            raise self.fail(node, "sums run over the support: Sum(expression, (j, 1, n))")
        self.sums += 1
        try:
            body = self(node.args[0])
        finally:
            self.sums -= 1
        return sp.Sum(body, (SUM_INDEX, 1, SUPPORT))

    def condition_nodes(self, tree: ast.Expression) -> None:
        """Allow comparisons and 'and' at the top of a domain (``0 < a <= 1 and a < b``) and
        nowhere else: a comparison inside arithmetic (``(1 < 2)*q[i]``) is a truth value, which
        no formula has (a step is written ``Heaviside(x)``)."""
        stack = [tree.body]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Compare):
                self.conditions.add(id(node))
            elif isinstance(node, ast.BoolOp):
                self.conditions.add(id(node))
                stack.extend(node.values)

    def misplaced(self, node: ast.AST) -> ParseError:
        fix = ("write each inequality on its own, joined by 'and'" if self.domain
               else "a formula is a number, not a condition; write a step as Heaviside(x)")
        return self.fail(node, f"comparison {excerpt(self.segment(node))} inside an expression; {fix}")

    def _Compare(self, node: ast.Compare) -> sp.Basic:
        if id(node) not in self.conditions:
            raise self.misplaced(node)
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
        if id(node) not in self.conditions:
            raise self.misplaced(node)
        if not isinstance(node.op, ast.And):
            raise self.fail(node, "domains combine inequalities with 'and' only")
        for value in node.values:
            if not isinstance(value, (ast.Compare, ast.BoolOp)):
                raise self.fail(node, "'and' joins inequalities such as 0 < alpha <= 1, not numbers or names")
        return sp.And(*(self(v) for v in node.values))


def _depth(tree: ast.AST) -> int:
    """The depth of the expression nodes of ``tree``, measured with an explicit stack."""
    deepest, stack = 0, [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limits.MAX_DEPTH:
                return deepest
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def _tree(text: str, what: str) -> tuple[ast.Expression, str]:
    """The syntax tree of ``text`` and the stripped text it was parsed from."""
    if not isinstance(text, str):
        raise ParseError(f"{what} must be a string, not {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise ParseError(f"{what} {excerpt(text)} is longer than {_MAX_LENGTH} characters; split it with parameters")
    foreign = next((c for c in text if not c.isascii() or (not c.isprintable() and c not in " \t\n")), None)
    if foreign is not None:
        raise ParseError(f"{what} {excerpt(text)} contains the character {foreign!r} (U+{ord(foreign):04X}); formulas "
                         "are ASCII: write names such as alpha and signs such as <= in ASCII")
    source = text.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise ParseError(f"{what} {excerpt(text)} is not a formula: {err.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ParseError(f"{what} {excerpt(text)} is nested too deeply, at most {limits.MAX_DEPTH} levels") from None
    depth = _depth(tree)
    if depth > limits.MAX_DEPTH:
        raise ParseError(f"{what} {excerpt(text)} is nested more than {limits.MAX_DEPTH} levels deep "
                         "(each +, *, call or parenthesis is one); use Sum or split it")
    return tree, source


def _check_result(text: str, expr: sp.Basic) -> sp.Basic:
    """The whole formula once more after SymPy's automatic simplification, which may combine
    ``(x**64)**64`` into ``x**4096`` or ``exp(200)*exp(200)`` into ``exp(400)``."""
    if expr.has(*_UNDEFINED):
        raise ParseError(f"formula {excerpt(text)} is undefined (a division by zero or the log of 0)")
    if expr.has(sp.I):
        raise ParseError(f"formula {excerpt(text)} is not real-valued (it contains the imaginary unit)")
    for number in expr.atoms(sp.Rational):
        try:
            limits.check_rational(int(number.p), int(number.q), str(number))
        except InputError as err:
            raise ParseError(f"formula {excerpt(text)}: {err}") from None
    for power in expr.atoms(sp.Pow):
        for number in power.exp.atoms(sp.Rational):
            if not limits.exponent_fits(number):
                raise ParseError(f"formula {excerpt(text)}: exponent {excerpt(power.exp)} contains the number "
                                 f"{excerpt(number)} (after simplification); numbers in exponents have numerator and "
                                 f"denominator at most {_MAX_EXPONENT}")
        if power.base.is_number and power.base.is_negative and not power.exp.is_integer:
            raise ParseError(f"formula {excerpt(text)} is not real-valued ({excerpt(power)})")
    for e in expr.atoms(sp.exp):
        if not limits.exp_argument_fits(e.args[0]):
            raise ParseError(f"formula {excerpt(text)}: {excerpt(e)} has an argument larger than "
                             f"{limits.MAX_EXP_ARGUMENT} in absolute value; rescale the formula")
    return expr


def parse_expression(text: str, parameters: set[str], inputs: set[str]) -> sp.Expr:
    """A component or role formula; relations and 'and' are rejected."""
    tree, source = _tree(text, "formula")
    if isinstance(tree.body, (ast.Compare, ast.BoolOp)):
        raise ParseError(f"formula {excerpt(text)} is a condition, not an expression")
    return _check_result(text, _Builder(text, parameters, inputs, source)(tree))


def parse_domain(text: str, parameter: str, parameters: set[str]) -> sp.Basic:
    """A parameter domain such as ``0 < alpha <= 1``: inequalities joined by 'and', each linear
    in the parameters (numbers and parameters only: no ``n``, no inputs, no functions)."""
    tree, source = _tree(text, f"domain of {parameter}")
    if not isinstance(tree.body, (ast.Compare, ast.BoolOp)):
        raise ParseError(f"domain of {parameter} {excerpt(text)} must be inequalities such as 0 < {parameter} <= 1")
    builder = _Builder(text, parameters, set(), source, domain=True, what=f"domain of {parameter}")
    builder.condition_nodes(tree)
    domain = builder(tree)
    if domain is sp.true or domain is sp.false or real(parameter) not in domain.free_symbols:
        raise ParseError(f"domain of {parameter} {excerpt(text)} does not constrain {parameter}; "
                         f"write e.g. 0 < {parameter} <= 1")
    symbols = sorted(domain.free_symbols, key=str)
    for rel in domain.atoms(sp.core.relational.Relational):
        try:
            degree = sp.Poly(rel.lhs - rel.rhs, *symbols).total_degree()
        except sp.PolynomialError:
            degree = None
        if degree is None or degree > 1:
            raise ParseError(f"domain of {parameter} {excerpt(text)}: {excerpt(rel)} is not linear in the parameters; "
                             f"write bounds such as 0 < {parameter} <= 1 or {parameter} <= 1 - other")
    return domain


def parse_constraint(text: str, parameters: set[str]) -> sp.Eq:
    """A joint constraint among the parameters, ``lhs = rhs`` (e.g. ``w_1 + w_2 = 1``): both sides
    linear in the parameters (numbers and parameters only), at least one parameter involved."""
    if not isinstance(text, str) or text.count("=") != 1 or any(op in text for op in ("<", ">", "!")):
        raise ParseError(f"constraint {excerpt(text)} must be one equation such as w_1 + w_2 = 1")
    left, right = text.split("=")
    try:
        sides = [parse_expression(side, parameters, set()) for side in (left, right)]
    except ParseError as err:
        raise ParseError(f"constraint {excerpt(text)}: {err}") from None
    difference = sides[0] - sides[1]
    symbols = sorted(difference.free_symbols, key=str)
    if not symbols or any(s.name not in parameters for s in symbols):
        raise ParseError(f"constraint {excerpt(text)} involves no parameter; write e.g. w_1 + w_2 = 1")
    try:
        degree = sp.Poly(difference, *symbols).total_degree()
    except sp.PolynomialError:
        degree = None
    if degree != 1:
        raise ParseError(f"constraint {excerpt(text)} is not linear in the parameters; write e.g. w_1 + w_2 = 1")
    return sp.Eq(sides[0], sides[1])
