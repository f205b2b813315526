"""The witness evaluator's own model of an operator: exact numbers, intervals and formulas.

Standard library only (:mod:`fractions`, :mod:`math`, :mod:`ast`), written independently of
:mod:`kdaxioms.symbolic`; :mod:`kdaxioms.recheck.witness_eval` is its one user.

* Values are exact :class:`~fractions.Fraction` where they are rational and :class:`Interval`
  enclosures ``[lo, hi]`` with Fraction endpoints, certainly containing the real value, where they
  are not: ``x**(a/b)`` brackets the ``b``-th root of ``x**a`` with integer roots (exact for perfect
  powers), ``log`` sums the ``atanh`` series after scaling by powers of 2, ``exp`` sums Taylor's
  series after halving and squares back, each with a bound on its rounding and its remainder.
  ``prec`` asks for an absolute width of about ``2**-prec``.
* An operation certainly undefined (a division by an exact 0, ``log`` of a number ``<= 0``,
  ``0**e`` with ``e <= 0``, a non-integer power of a negative number) raises :class:`Undefined`;
  one whose definedness or result is not decided at this precision (a divisor's interval contains
  0) raises :class:`Undecided`.  :func:`compare` returns True, False or None.
* :class:`Formula` parses the operator grammar (numbers read exactly, parameters, ``n``, ``i``,
  ``j``, indexed inputs, ``+ - * / **``, ``Sum(expr, (j, 1, n))``, ``Max``, ``Min``, ``Abs``,
  ``sqrt``, ``log``, ``exp``, ``Heaviside``) by reading an :mod:`ast` tree node type by node type;
  :class:`Operator` reads operator-file data (kind, inputs, component, domains, constraints, roles)
  and evaluates ``T``.  In a product, the powers of one exact positive base are merged
  (``x**a * x**b = x**(a + b)``), so that ``p**alpha * p**(1 - alpha)`` is exactly ``p``.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

#: The precisions tried, in bits (absolute width ``2**-bits`` of each transcendental enclosure).
PRECISIONS = (60, 120, 240, 400)
#: Exponents ``a/b`` with ``a`` or ``b`` above these are computed as ``exp(e log x)``.
_ROOT_NUM, _ROOT_DEN = 256, 4096


class WitnessError(Exception):
    """A malformed witness (missing key, unparsable number or formula); the base of the others."""


class Undefined(WitnessError):
    """An operation certainly undefined at the point (``0/0``, ``log 0``, ``0**-1``, ...)."""


class Undecided(WitnessError):
    """Not decided at the current precision (an interval straddles a sign)."""


# -- interval arithmetic ------------------------------------------------------------------------

class Interval:
    """A closed interval ``[lo, hi]`` of Fractions that certainly contains a real value."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: Fraction, hi: Fraction):
        self.lo, self.hi = Fraction(lo), Fraction(hi)

    def __repr__(self) -> str:
        return f"Interval({float(self.lo)!r}, {float(self.hi)!r})"

    def __contains__(self, x: object) -> bool:
        return self.lo <= x <= self.hi  # type: ignore[operator]

    def __add__(self, o: Value) -> Interval:
        o = as_interval(o)
        return Interval(self.lo + o.lo, self.hi + o.hi)

    __radd__ = __add__

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def __sub__(self, o: Value) -> Interval:
        return self + (-as_interval(o))

    def __rsub__(self, o: Value) -> Interval:
        return as_interval(o) + (-self)

    def __mul__(self, o: Value) -> Value:
        if isinstance(o, Fraction) and o == 0:
            return Fraction(0)  # 0 times a finite value is exactly 0
        o = as_interval(o)
        ends = [a * b for a in (self.lo, self.hi) for b in (o.lo, o.hi)]
        return Interval(min(ends), max(ends))

    __rmul__ = __mul__

    def __truediv__(self, o: Value) -> Value:
        return self * inverse(o)

    def __rtruediv__(self, o: Value) -> Value:
        return o * inverse(self)

    @property
    def width(self) -> Fraction:
        return self.hi - self.lo

    @property
    def mid(self) -> Fraction:
        return (self.lo + self.hi) / 2


Value = Fraction | Interval


def as_interval(v: Value) -> Interval:
    return v if isinstance(v, Interval) else Interval(Fraction(v), Fraction(v))


def inverse(v: Value) -> Value:
    """``1/v``: certainly undefined at an exact 0, undecided when the interval contains 0."""
    if isinstance(v, int):
        v = Fraction(v)
    if isinstance(v, Fraction):
        if v == 0:
            raise Undefined("a division by 0")
        return 1 / v
    if v.lo == v.hi == 0:
        raise Undefined("a division by 0")
    if v.lo > 0 or v.hi < 0:
        return Interval(1 / v.hi, 1 / v.lo)
    raise Undecided("a divisor whose sign is not certain")


def _round(x: Fraction, bits: int, up: bool) -> Fraction:
    """``x`` rounded outward (``up`` or down) to ``bits`` significant bits."""
    if x == 0 or max(x.numerator.bit_length(), x.denominator.bit_length()) <= bits:
        return x
    shift = bits - (abs(x.numerator).bit_length() - x.denominator.bit_length())
    scaled = x * (1 << shift) if shift >= 0 else x / (1 << -shift)
    k = math.ceil(scaled) if up else math.floor(scaled)
    return Fraction(k, 1 << shift) if shift >= 0 else Fraction(k << -shift)


def tidy(v: Value, bits: int) -> Value:
    """An interval with its endpoints rounded outward to ``bits`` significant bits (exact values unchanged)."""
    if isinstance(v, Fraction):
        return v
    return Interval(_round(v.lo, bits, False), _round(v.hi, bits, True))


def _iroot(m: int, b: int) -> int:
    """``floor(m ** (1/b))`` for an integer ``m >= 0`` (Newton's method from above)."""
    if m < 2:
        return m
    x = 1 << -(-m.bit_length() // b)
    while True:
        y = ((b - 1) * x + m // x ** (b - 1)) // b
        if y >= x:
            return x
        x = y


def root(x: Fraction, b: int, prec: int) -> Value:
    """``x ** (1/b)`` for ``x >= 0``: exact when numerator and denominator are perfect ``b``-th
    powers, else ``[r, r + 1] / 2**P`` with ``r = floor((x 2**(P b)) ** (1/b))`` (so ``lo**b <= x <
    hi**b``), ``P`` the precision plus the bits lost when the root is small."""
    if x < 0:
        raise Undefined("a root of a negative number")
    num, den = x.numerator, x.denominator
    rn, rd = _iroot(num, b), _iroot(den, b)
    if rn ** b == num and rd ** b == den:
        return Fraction(rn, rd)
    bits = prec + max(0, (den.bit_length() - num.bit_length()) // b + 2)
    r = _iroot((num << (bits * b)) // den, b)
    return Interval(Fraction(r, 1 << bits), Fraction(r + 1, 1 << bits))


def _atanh_bounds(u: int, v: int, bits: int) -> tuple[Fraction, Fraction]:
    """Bounds on ``atanh(u/v) = sum_k z**(2k+1) / (2k+1)`` for ``|u/v| <= 1/2``, in fixed point with
    ``bits`` fractional bits.  Each floored term is off by at most ``1/(1 - z**2) <= 4/3`` units
    and each quotient by ``7/3``; when a term floors to 0 the rest of the series is below 2 units:
    ``3K + 6`` units bound the error after ``K`` terms."""
    negative, u = u < 0, abs(u)
    term, total, k = (u << bits) // v, 0, 0
    while term:
        total += term // (2 * k + 1)
        term = term * u * u // (v * v)
        k += 1
    err = 3 * k + 6
    lo, hi = Fraction(total - err, 1 << bits), Fraction(total + err, 1 << bits)
    return (-hi, -lo) if negative else (lo, hi)


def _log_bounds(x: Fraction, bits: int) -> tuple[Fraction, Fraction]:
    """Bounds on ``log x`` for ``x > 0``: ``x = m 2**k`` with ``m`` in ``(1/2, 2)``, then
    ``log x = 2 atanh((m-1)/(m+1)) + 2k atanh(1/3)`` (``log 2 = 2 atanh(1/3)``), ``|z| < 1/3``."""
    num, den = x.numerator, x.denominator
    k = num.bit_length() - den.bit_length()
    u, v = (num - (den << k), num + (den << k)) if k >= 0 else ((num << -k) - den, (num << -k) + den)
    bits += 8 + abs(k).bit_length()
    a_lo, a_hi = _atanh_bounds(u, v, bits)
    if k == 0:
        return 2 * a_lo, 2 * a_hi
    l_lo, l_hi = _atanh_bounds(1, 3, bits)
    scaled = (2 * k * l_lo, 2 * k * l_hi) if k > 0 else (2 * k * l_hi, 2 * k * l_lo)
    return 2 * a_lo + scaled[0], 2 * a_hi + scaled[1]


def _exp_bounds(x: Fraction, bits: int) -> tuple[Fraction, Fraction]:
    """Bounds on ``exp x``: Taylor's series at ``y = x / 2**s`` (``|y| <= 1/2``) in fixed point, each
    floored term off by at most 2 units and the tail after a zero term below 6 units, then ``s``
    squarings rounded outward."""
    s = max(0, abs(x.numerator).bit_length() - x.denominator.bit_length() + 2)
    y = x / (1 << s)
    q = bits + 2 * s + 16 + max(0, 2 * math.ceil(x))
    one = 1 << q
    term, total, k = one, one, 1
    while term:
        term = term * y.numerator // (y.denominator * k)
        total += term
        k += 1
    err = 2 * k + 8
    lo, hi = Fraction(total - err, one), Fraction(total + err, one)
    for _ in range(s):
        lo, hi = _round(lo * lo, q, False), _round(hi * hi, q, True)
    return lo, hi


def _monotone(f: Callable[[Fraction, int], tuple[Fraction, Fraction]], v: Value, prec: int) -> Interval:
    """An increasing function on an interval: the lower bound at ``lo``, the upper bound at ``hi``."""
    lo, hi = _round(as_interval(v).lo, prec + 32, False), _round(as_interval(v).hi, prec + 32, True)
    if lo == hi:
        return Interval(*f(lo, prec))
    return Interval(f(lo, prec)[0], f(hi, prec)[1])


def log(v: Value, prec: int) -> Value:
    """``log v``: exact at 1, certainly undefined for ``v <= 0``."""
    if isinstance(v, Fraction) and v == 1:
        return Fraction(0)
    if as_interval(v).hi <= 0:
        raise Undefined("the log of a number <= 0")
    if as_interval(v).lo <= 0:
        raise Undecided("the log of a number whose sign is not certain")
    return _monotone(_log_bounds, v, prec)


def exp(v: Value, prec: int) -> Value:
    """``exp v``: exact at 0; arguments beyond ``10**4`` in absolute value are not evaluated."""
    if isinstance(v, Fraction) and v == 0:
        return Fraction(1)
    if max(abs(as_interval(v).lo), abs(as_interval(v).hi)) > 10 ** 4:
        raise Undecided("an argument of exp beyond 10**4")
    return _monotone(_exp_bounds, v, prec)


def power(base: Value, e: Value, prec: int) -> Value:
    """``base ** e``: integer powers exactly; ``x ** (a/b)`` as the ``b``-th root of ``x**a``
    (exact for perfect powers); ``0 ** e`` is 0 for ``e > 0`` and undefined for ``e <= 0``; a
    non-integer power of a negative number is undefined; other exponents via ``exp(e log x)``."""
    b = as_interval(base)
    if isinstance(e, Fraction) and e.denominator == 1:
        return integer_power(base, int(e))
    if b.lo == b.hi == 0:
        sign = _sign(e)
        if sign is None:
            raise Undecided("0 to a power whose sign is not certain")
        if sign <= 0:
            raise Undefined("0 to a power <= 0")
        return Fraction(0)
    if b.hi < 0:
        raise Undefined("a non-integer power of a negative number")
    if b.lo < 0 or (b.lo == 0 and _sign(e) != 1):
        raise Undecided("a non-integer power of a number whose sign is not certain")
    if not isinstance(e, Fraction) or abs(e.numerator) > _ROOT_NUM or e.denominator > _ROOT_DEN:
        if b.lo == 0:  # e > 0 is certain here
            return Interval(Fraction(0), as_interval(exp(e * log(b.hi, prec + 8), prec)).hi)
        return exp(e * log(base, prec + 8), prec)
    a, d = abs(e.numerator), e.denominator
    if isinstance(base, Fraction):
        return root((base if e > 0 else 1 / base) ** a, d, prec)
    lo, hi = (b.lo, b.hi) if e > 0 else (1 / b.hi, 1 / b.lo)
    lo, hi = _round(lo, prec + 32, False), _round(hi, prec + 32, True)
    return Interval(as_interval(root(lo ** a, d, prec)).lo, as_interval(root(hi ** a, d, prec)).hi)


#: The largest integer exponent computed exactly (a larger one is not evaluated).
MAX_INTEGER_POWER = 4096


def integer_power(base: Value, k: int) -> Value:
    if abs(k) > MAX_INTEGER_POWER and not (isinstance(base, Fraction) and base in (0, 1, -1)):
        raise Undecided(f"an integer power beyond {MAX_INTEGER_POWER}")
    if isinstance(base, Fraction):
        if base == 0 and k <= 0:
            raise Undefined("0 to a power <= 0")
        return base ** k
    if k < 0:
        return inverse(integer_power(base, -k))
    ends = (base.lo ** k, base.hi ** k)
    if k % 2 == 0 and base.lo < 0 < base.hi:
        return Interval(Fraction(0), max(ends))
    return Interval(min(ends), max(ends))


def sqrt(v: Value, prec: int) -> Value:
    return power(v, Fraction(1, 2), prec)


def absolute(v: Value) -> Value:
    if isinstance(v, Fraction):
        return abs(v)
    if v.lo >= 0:
        return v
    if v.hi <= 0:
        return -v
    return Interval(Fraction(0), max(-v.lo, v.hi))


def _extreme(values: list[Value], pick: Callable) -> Value:
    if all(isinstance(v, Fraction) for v in values):
        return pick(values)
    ivs = [as_interval(v) for v in values]
    return Interval(pick(i.lo for i in ivs), pick(i.hi for i in ivs))


def _heaviside(v: Value) -> Fraction:
    """The unit step (``H(0) = 0``), decided only when the sign is certain."""
    i = as_interval(v)
    if i.lo > 0:
        return Fraction(1)
    if i.hi <= 0:
        return Fraction(0)
    raise Undecided("a unit step whose argument's sign is not certain")


def _sign(v: Value) -> int | None:
    i = as_interval(v)
    if i.lo > 0:
        return 1
    if i.hi < 0:
        return -1
    return 0 if i.lo == i.hi == 0 else None


def compare(a: Value, b: Value, rel: str) -> bool | None:
    """``a rel b`` for ``rel`` in ``< <= == >= >``: True, False or None (undecided)."""
    d = as_interval(a - b)
    if rel in ("<", "<="):
        d, rel = -d, {"<": ">", "<=": ">="}[rel]
    if rel == ">=":
        return True if d.lo >= 0 else False if d.hi < 0 else None
    if rel == ">":
        return True if d.lo > 0 else False if d.hi <= 0 else None
    if rel == "==":
        return True if d.lo == d.hi == 0 else False if d.lo > 0 or d.hi < 0 else None
    raise WitnessError(f"unknown relation {rel!r}")


def show(v: Value) -> str:
    """A value for a detail line: short exact fractions as they are, others as decimals."""
    if isinstance(v, Fraction):
        return str(v) if len(str(v)) <= 24 else f"{float(v):.6g}"
    return f"~{float((v.lo + v.hi) / 2):.6g}"


# -- formulas -------------------------------------------------------------------------------------

_FUNCTIONS = {"Max", "Min", "Abs", "sqrt", "log", "exp", "Heaviside"}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_RELATIONS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_MAX_TEXT = 2000


#: A number's text: a decimal (exponent of at most 3 digits), optionally over an integer.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?(/\d+)?")


def parse_number(text: Any) -> Fraction:
    """An exact number from JSON: an integer or a string such as ``"3/10"``, ``"0.3"``, ``"1e-3"``
    (a JSON float is read from its shortest decimal text)."""
    if isinstance(text, bool) or not isinstance(text, (int, str, float)):
        raise WitnessError(f"{excerpt(text)} is not a number; write it as a string such as \"3/10\"")
    digits = repr(text) if isinstance(text, float) else str(text).strip()
    if len(digits) > 400 or not _NUMBER.fullmatch(digits):
        raise WitnessError(f"{excerpt(text)} is not an exact number; write it as 3/10 or 0.3")
    try:
        return Fraction(digits)
    except (ValueError, ZeroDivisionError):
        raise WitnessError(f"{excerpt(text)} is not an exact number; write it as 3/10 or 0.3") from None


def excerpt(value: Any, size: int = 60) -> str:
    """``repr(value)``, shortened to ``size`` characters for a detail line."""
    text = repr(value)
    return text if len(text) <= size else text[:size - 3] + "..."


class Formula:
    """A formula of the operator grammar, parsed with :mod:`ast` into nested tuples:
    ``("num", q)``, ``("par", name)``, ``("idx", "i"|"j"|"n")``, ``("in", name, "i"|"j")``,
    ``("neg", a)``, ``("bin", op, a, b)``, ``("call", name, args)``, ``("sum", body)``."""

    def __init__(self, text: Any, parameters: set[str], inputs: set[str]):
        if not isinstance(text, str) or not text.strip() or len(text) > _MAX_TEXT:
            raise WitnessError(f"formula {excerpt(text)} is not a non-empty string of at most {_MAX_TEXT} characters")
        self.text, self.parameters, self.inputs = text.strip(), parameters, inputs
        try:
            tree = ast.parse(self.text, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise WitnessError(f"formula {excerpt(text)} is not a formula") from None
        try:
            self.tree = self._build(tree.body, in_sum=False)
        except RecursionError:
            raise WitnessError(f"formula {excerpt(text)} is nested too deeply") from None

    def _fail(self, node: ast.AST, why: str) -> WitnessError:
        return WitnessError(f"formula {excerpt(self.text)}: {why}")

    def _build(self, node: ast.AST, in_sum: bool) -> tuple:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return ("num", parse_number(ast.get_source_segment(self.text, node) or str(node.value)))
        if isinstance(node, ast.Name):
            if node.id in self.parameters:
                return ("par", node.id)
            if node.id in ("n", "i") or (node.id == "j" and in_sum):
                return ("idx", node.id)
            raise self._fail(node, f"unknown name {node.id!r}")
        if isinstance(node, ast.Subscript):
            if not (isinstance(node.value, ast.Name) and node.value.id in self.inputs and isinstance(node.slice, ast.Name)
                    and (node.slice.id == "i" or (node.slice.id == "j" and in_sum))):
                raise self._fail(node, f"only the inputs {sorted(self.inputs)} are indexed, by i (or j inside Sum)")
            return ("in", node.value.id, node.slice.id)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return ("bin", _BINARY[type(node.op)], self._build(node.left, in_sum), self._build(node.right, in_sum))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self._build(node.operand, in_sum)
            return ("neg", inner) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            return self._call(node, in_sum)
        raise self._fail(node, f"{type(node).__name__} is outside the grammar")

    def _call(self, node: ast.Call, in_sum: bool) -> tuple:
        name, args = node.func.id, node.args  # type: ignore[union-attr]
        if name == "Sum":
            bound = args[1] if len(args) == 2 else None
            if not (isinstance(bound, ast.Tuple) and len(bound.elts) == 3
                    and [type(e) for e in bound.elts] == [ast.Name, ast.Constant, ast.Name]
                    and (bound.elts[0].id, bound.elts[1].value, bound.elts[2].id) == ("j", 1, "n")):  # type: ignore
                raise self._fail(node, "sums are written Sum(expression, (j, 1, n))")
            return ("sum", self._build(args[0], in_sum=True))
        if name not in _FUNCTIONS:
            raise self._fail(node, f"unknown function {name!r}; known: Sum, {', '.join(sorted(_FUNCTIONS))}")
        if not args or (name not in ("Max", "Min") and len(args) != 1):
            raise self._fail(node, f"{name} takes {'at least one argument' if name in ('Max', 'Min') else 'one argument'}")
        return ("call", name, tuple(self._build(a, in_sum) for a in args))

    def nodes(self) -> list[tuple]:
        """Every node of the tree (a node is a tuple led by its kind; a call's arguments are a tuple of nodes)."""
        out, stack = [], [self.tree]
        while stack:
            node = stack.pop()
            out.append(node)
            for child in node[1:]:
                if isinstance(child, tuple):
                    stack.extend(child if child and isinstance(child[0], tuple) else [child])
        return out

    def names(self) -> set[str]:
        """The parameters the formula uses."""
        return {node[1] for node in self.nodes() if node[0] == "par"}

    def uses_index(self, *names: str) -> bool:
        """True when one of the indices ``names`` (``i``, ``j``) is used as a number, not only to index inputs."""
        return any(("idx", name) in self.nodes() for name in names)


@dataclass
class Env:
    """Where a formula is evaluated: parameter values, input vectors, support size, precision."""

    params: dict[str, Fraction]
    inputs: dict[str, list[Value]]
    n: int
    prec: int

    def value(self, node: tuple, i: int = 1, j: int = 1) -> Value:
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "par":
            if node[1] not in self.params:
                raise WitnessError(f"no value for the parameter {node[1]}")
            return self.params[node[1]]
        if kind == "idx":
            return Fraction({"i": i, "j": j, "n": self.n}[node[1]])
        if kind == "in":
            return self.inputs[node[1]][(i if node[2] == "i" else j) - 1]
        if kind == "neg":
            return -self.value(node[1], i, j)
        if kind == "sum":
            return tidy(sum((self.value(node[1], i, jj) for jj in range(1, self.n + 1)), Fraction(0)), self.prec + 64)
        if kind == "bin" and node[1] == "*":
            return tidy(self._product(node, i, j), self.prec + 64)
        if kind == "bin":
            return tidy(self._binary(node[1], self.value(node[2], i, j), self.value(node[3], i, j)), self.prec + 64)
        args = [self.value(a, i, j) for a in node[2]]
        return self._call(node[1], args)

    def _product(self, node: tuple, i: int, j: int) -> Value:
        """A product of factors ``x**e``, where the powers of one exact base ``x > 0`` are merged,
        ``x**a * x**b = x**(a + b)`` (so that ``p**alpha * p**(1 - alpha)`` is exactly ``p``)."""
        factors, stack = [], [node]
        while stack:
            f = stack.pop()
            if f[0] == "bin" and f[1] == "*":
                stack += [f[3], f[2]]
            elif f[0] == "bin" and f[1] == "**":
                factors.append((self.value(f[2], i, j), self.value(f[3], i, j)))
            else:
                factors.append((self.value(f, i, j), None))
        merged: dict[Fraction, Fraction] = {}
        out: Value = Fraction(1)
        for base, e in factors:
            if isinstance(base, Fraction) and base > 0 and isinstance(e, Fraction):
                merged[base] = merged.get(base, Fraction(0)) + e
            else:
                out = out * (base if e is None else power(base, e, self.prec))
        for base, e in merged.items():
            out = out * power(base, e, self.prec)
        return out

    def _binary(self, op: str, a: Value, b: Value) -> Value:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a * inverse(b)
        return power(a, b, self.prec)

    def _call(self, name: str, args: list[Value]) -> Value:
        if name == "Max":
            return _extreme(args, max)
        if name == "Min":
            return _extreme(args, min)
        if name == "Abs":
            return absolute(args[0])
        if name == "Heaviside":
            return _heaviside(args[0])
        return {"sqrt": sqrt, "log": log, "exp": exp}[name](args[0], self.prec)


def _condition(text: Any, names: set[str], what: str) -> list[tuple[tuple, str, tuple]]:
    """A domain ``0 < alpha <= 1 and alpha < beta`` as relations ``(left, rel, right)``."""
    if not isinstance(text, str):
        raise WitnessError(f"{what} {excerpt(text)} is not a string")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise WitnessError(f"{what} {excerpt(text)} is not a condition") from None
    parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    out = []
    for part in parts:
        if not isinstance(part, ast.Compare) or not all(type(op) in _RELATIONS for op in part.ops):
            raise WitnessError(f"{what} {excerpt(text)} is not inequalities joined by 'and'")
        sides = [Formula(ast.get_source_segment(text.strip(), s), names, set()).tree for s in [part.left, *part.comparators]]
        out += [(a, _RELATIONS[type(op)], b) for a, op, b in zip(sides, part.ops, sides[1:])]
    return out


# -- the operator ---------------------------------------------------------------------------------

_KINDS = ("softening", "aggregation", "meta")
#: Names no parameter may take: the indices, the support size and the functions.
_RESERVED = {"n", "i", "j", "Sum", *_FUNCTIONS}


def _count(data: dict, key: str, default: int) -> int:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 16:
        raise WitnessError(f"operator '{key}' must be an integer from 1 to 16, not {value!r}")
    return value


class Operator:
    """An operator read from operator-file data: ``T_i = c_i`` or ``c_i / sum_j c_j``."""

    def __init__(self, data: Any):
        if not isinstance(data, dict):
            raise WitnessError("'operator' must be an object (the data of an operator file)")
        self.name = str(data.get("name", "operator"))
        self.kind = data.get("kind")
        if self.kind not in _KINDS:
            raise WitnessError(f"operator kind {self.kind!r} is not one of {', '.join(_KINDS)}")
        if self.kind == "softening":
            self.inputs = ("p",)
        elif self.kind == "aggregation":
            self.inputs = tuple(f"p{k}" for k in range(1, _count(data, "teachers", 2) + 1))
        else:
            self.inputs = ("p", "q") + tuple(f"q{j}" for j in range(1, _count(data, "memory", 1)))
        self.normalize = data.get("normalize", False)
        if not isinstance(self.normalize, bool):
            raise WitnessError("operator 'normalize' must be true or false")
        domains = data.get("parameters") or {}
        if not isinstance(domains, dict):
            raise WitnessError("operator 'parameters' must map names to domains")
        names = set(domains)
        bad = next((x for x in names if not (isinstance(x, str) and x.isidentifier()) or x in _RESERVED
                    or re.fullmatch(r"[pq][0-9]*", x)), None)
        if bad is not None:
            raise WitnessError(f"parameter name {excerpt(bad)} is not allowed (an index, input or function name)")
        self.domains = {name: _condition(text, names, f"domain of {name}") for name, text in domains.items()}
        self.constraints = [self._constraint(c, names) for c in (data.get("constraints") or [])]
        self.component = Formula(data.get("component"), names, set(self.inputs))
        roles = data.get("roles") or {}
        if not isinstance(roles, dict):
            raise WitnessError("operator 'roles' must be an object")
        self.roles: dict[str, Any] = {}
        for role, text in roles.items():
            if role == "weights":
                if not isinstance(text, list) or len(text) not in (0, len(self.inputs)):
                    raise WitnessError(f"roles.weights must list {len(self.inputs)} expressions or be []")
                self.roles[role] = [Formula(w, names, set()) for w in text]
            else:
                self.roles[role] = Formula(str(text), names, set())
        if self.kind == "softening" and names:
            self.roles.setdefault("temperature", Formula("tau", names, set()))
            self.roles.setdefault("identity", Formula("1", names, set()))

    @staticmethod
    def _constraint(text: Any, names: set[str]) -> tuple[tuple, tuple]:
        if not isinstance(text, str) or text.count("=") != 1 or any(c in text for c in "<>!"):
            raise WitnessError(f"constraint {excerpt(text)} must be one equation such as w_1 + w_2 = 1")
        left, right = text.split("=")
        return Formula(left, names, set()).tree, Formula(right, names, set()).tree

    def outside(self, params: dict[str, Fraction]) -> str | None:
        """Why ``params`` is outside the domains and constraints (None when it is inside)."""
        env = Env(params, {}, 2, PRECISIONS[0])
        for name, relations in self.domains.items():
            for left, rel, right in relations:
                if compare(env.value(left), env.value(right), rel) is not True:
                    return f"parameter {name} = {params[name]} is outside its domain"
        for left, right in self.constraints:
            if compare(env.value(left), env.value(right), "==") is not True:
                return f"the parameters {params} violate a joint constraint"
        return None

    def role(self, name: str, params: dict[str, Fraction]) -> Value:
        if name not in self.roles or isinstance(self.roles[name], list):
            raise WitnessError(f"operator {self.name} names no roles.{name}")
        return Env(params, {}, 2, PRECISIONS[0]).value(self.roles[name].tree)

    def __call__(self, inputs: dict[str, list[Value]], params: dict[str, Fraction], prec: int) -> list[Value]:
        """``T`` at the point; raises :class:`Undefined` (a normalizer exactly 0 included)."""
        n = len(inputs[self.inputs[0]])
        env = Env(params, inputs, n, prec)
        c = [env.value(self.component.tree, i) for i in range(1, n + 1)]
        if not self.normalize:
            return c
        total = sum(c, Fraction(0))
        if _sign(total) == 0:
            raise Undefined("the normalizer sum_j c_j is 0")
        scale = inverse(total)
        return [tidy(x * scale, prec + 64) for x in c]
