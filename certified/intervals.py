"""Certified interval arithmetic over SymPy expressions, with python-flint's ``arb`` rounding.

An :class:`Interval` is a pair of exact ``arb`` endpoints ``[lo, hi]``.  Every operation computes
its endpoints as ``arb`` balls and keeps the ball's *lower* bound for ``lo`` and its *upper*
bound for ``hi``, so rounding is always outward: for every real ``x`` in the arguments, the
exact result lies in the returned interval.  Endpoint (not midpoint-radius) intervals keep
signs sharp: ``[0, a] * [b, c]`` with ``b >= 0`` has lower end exactly ``0``.

The rules per function (``f`` applied to ``[lo, hi]``):

* monotone ``log`` (needs ``lo > 0``), ``exp``, ``sqrt`` (needs ``lo >= 0``), ``x^r`` for a
  rational ``r`` (``x >= 0``): ``[f(lo), f(hi)]`` (reversed when decreasing);
* integer powers: ``x^k`` for even ``k`` has minimum ``0`` when ``0`` is inside;
* ``Abs``, ``Max``, ``Min``: by cases;
* :class:`XLogX` ``f(x) = x log x`` on ``x >= 0`` (``0 log 0 = 0``): ``f`` is convex, decreasing
  on ``[0, 1/e]`` and increasing after, with minimum ``f(1/e) = -1/e``.  So the maximum over an
  interval is ``max(f(lo), f(hi))`` and the minimum is ``f`` at the endpoint nearer to ``1/e``,
  or ``-1/e`` when ``1/e`` lies inside.  This encloses ``x log x`` soundly on ``[0, eps]``,
  where ``log x`` alone is unbounded.

An operation whose result is unbounded or undefined (``log`` of an interval reaching ``0``,
division by an interval containing ``0``) makes the whole evaluation return the entire line,
which certifies nothing.  :class:`IntervalProgram` compiles a SymPy expression once into a
straight-line program, table-driven and strict: a node without a rule raises
:class:`~kdaxioms.symbolic.errors.TranslationError`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Mapping, Sequence

import flint
import sympy as sp

from kdaxioms.symbolic.errors import TranslationError

from .precision import DEFAULT_BITS, precision  # noqa: F401 (re-exported)

BACKEND = "intervals"
class XLogX(sp.Function):
    """``x log x`` on ``x >= 0``, continuously extended by ``0 log 0 = 0``.

    Rewriting ``c log x`` as ``(c / x) * XLogX(x)`` keeps enclosures bounded where ``x``
    reaches ``0``; ``XLogX(x).rewrite(sp.log)`` gives back ``x log x``.
    """

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

    def _eval_is_real(self):
        return self.args[0].is_nonnegative


class _Undetermined(Exception):
    """An operation whose enclosure is unbounded or undefined; the evaluation gives up."""


def arb_of(value: Fraction | int | sp.Rational | sp.Float) -> flint.arb:
    """A ball containing an exact rational (or binary floating-point) value."""
    if isinstance(value, sp.Float):
        value = sp.Rational(value)  # the Float's exact binary value (not its printed decimal)
    if isinstance(value, sp.Rational):
        value = Fraction(int(value.p), int(value.q))
    value = Fraction(value)
    return flint.arb(flint.fmpq(value.numerator, value.denominator))


def fraction_of(exact: flint.arb) -> Fraction:
    """The rational value of an exact ``arb`` (zero radius, finite)."""
    if not exact.is_exact() or not exact.is_finite():
        raise ValueError(f"{exact} is not an exact finite arb")
    man, exp = exact.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


class Interval:
    """``[lo, hi]`` with exact ``arb`` endpoints (``lo = -inf``/``hi = +inf`` only in :data:`ENTIRE`)."""

    __slots__ = ("lo", "hi")

    def __init__(self, lo: flint.arb, hi: flint.arb):
        self.lo, self.hi = lo, hi

    @staticmethod
    def ball(b: flint.arb) -> "Interval":
        """The tightest interval containing an ``arb`` ball."""
        if not b.is_finite():
            raise _Undetermined
        return Interval(b.lower(), b.upper())

    @staticmethod
    def exact(value: Fraction | int | sp.Rational) -> "Interval":
        return Interval.ball(arb_of(value))

    @staticmethod
    def of(lo: Fraction | int, hi: Fraction | int) -> "Interval":
        """``[lo, hi]`` from two exact rationals (outward when they are not binary)."""
        return Interval(arb_of(lo).lower(), arb_of(hi).upper())

    @property
    def bounded(self) -> bool:
        return self.lo.is_finite() and self.hi.is_finite()

    def certainly_positive(self) -> bool:
        return bool(self.lo > 0)

    def certainly_nonnegative(self) -> bool:
        return bool(self.lo >= 0)

    def certainly_negative(self) -> bool:
        return bool(self.hi < 0)

    def width(self) -> float:
        return float((self.hi - self.lo).upper()) if self.bounded else float("inf")

    def intersect(self, other: "Interval") -> "Interval":
        lo = self.lo if self.lo >= other.lo else other.lo
        hi = self.hi if self.hi <= other.hi else other.hi
        return Interval(lo, hi)

    def hull(self, other: "Interval") -> "Interval":
        lo = self.lo if self.lo <= other.lo else other.lo
        hi = self.hi if self.hi >= other.hi else other.hi
        return Interval(lo, hi)

    def as_ball(self) -> flint.arb:
        """The ``arb`` ball ``[lo, hi]`` (an infinite ball for :data:`ENTIRE`)."""
        return self.lo.union(self.hi)

    def __repr__(self) -> str:
        return f"[{self.lo.str(12, radius=False)}, {self.hi.str(12, radius=False)}]"


ENTIRE = Interval(flint.arb.neg_inf(), flint.arb.pos_inf())


# -- operations ---------------------------------------------------------------------------------

def _lower_of(balls) -> flint.arb:
    it = iter(balls)
    best = next(it).lower()
    for b in it:
        low = b.lower()
        if low < best:
            best = low
    return best


def _upper_of(balls) -> flint.arb:
    it = iter(balls)
    best = next(it).upper()
    for b in it:
        high = b.upper()
        if high > best:
            best = high
    return best


class _Key:
    """Total order on exact arbs for ``min``/``max``."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return bool(self.v < other.v)


def _check(lo: flint.arb, hi: flint.arb) -> Interval:
    if not (lo.is_finite() and hi.is_finite()):
        raise _Undetermined
    return Interval(lo, hi)


def add(a: Interval, b: Interval) -> Interval:
    lo, hi = (a.lo + b.lo).lower(), (a.hi + b.hi).upper()
    if lo.is_finite() and hi.is_finite():  # _check, inlined: the hottest operation of every cover
        return Interval(lo, hi)
    raise _Undetermined


def neg(a: Interval) -> Interval:
    return Interval(-a.hi, -a.lo)


def mul(a: Interval, b: Interval) -> Interval:
    if a.lo >= 0 and b.lo >= 0:
        lo, hi = (a.lo * b.lo).lower(), (a.hi * b.hi).upper()
        if lo.is_finite() and hi.is_finite():  # _check, inlined (the most frequent case)
            return Interval(lo, hi)
        raise _Undetermined
    if a.lo == a.hi or b.lo == b.hi:  # a point times an interval: the sign picks the ends
        c, x = (a.lo, b) if a.lo == a.hi else (b.lo, a)
        if c >= 0:
            return _check((c * x.lo).lower(), (c * x.hi).upper())
        return _check((c * x.hi).lower(), (c * x.lo).upper())
    prods = (a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi)
    return _check(_lower_of(prods), _upper_of(prods))


def recip(a: Interval) -> Interval:
    if a.lo > 0 or a.hi < 0:
        return _check((1 / a.hi).lower(), (1 / a.lo).upper())
    raise _Undetermined


def powi(a: Interval, k: int) -> Interval:
    if k < 0:
        return recip(powi(a, -k))
    if k == 0:
        return Interval(flint.arb(1), flint.arb(1))
    if k % 2 == 1 or a.lo >= 0:
        return _check((a.lo**k).lower(), (a.hi**k).upper())
    if a.hi <= 0:
        return _check((a.hi**k).lower(), (a.lo**k).upper())
    top = -a.lo if -a.lo >= a.hi else a.hi
    return _check(flint.arb(0), (top**k).upper())


def rpow(a: Interval, r: Fraction) -> Interval:
    """``x^r`` for a non-integer rational ``r`` on ``x >= 0`` (``x > 0`` when ``r < 0``)."""
    if a.lo < 0 or (r < 0 and not a.lo > 0):
        raise _Undetermined
    e = arb_of(r)

    def at(x: flint.arb) -> flint.arb:
        return flint.arb(0) if x == 0 else x**e

    lo, hi = (at(a.lo), at(a.hi)) if r > 0 else (at(a.hi), at(a.lo))
    return _check(lo.lower(), hi.upper())


def sqrt(a: Interval) -> Interval:
    if a.lo < 0:
        raise _Undetermined
    return _check(a.lo.sqrt().lower(), a.hi.sqrt().upper())


def log(a: Interval) -> Interval:
    if not a.lo > 0:
        raise _Undetermined
    return _check(a.lo.log().lower(), a.hi.log().upper())


def exp(a: Interval) -> Interval:
    return _check(a.lo.exp().lower(), a.hi.exp().upper())


def absolute(a: Interval) -> Interval:
    if a.lo >= 0:
        return a
    if a.hi <= 0:
        return neg(a)
    return Interval(flint.arb(0), -a.lo if -a.lo >= a.hi else a.hi)


def maximum(*args: Interval) -> Interval:
    return Interval(max((x.lo for x in args), key=_Key), max((x.hi for x in args), key=_Key))


def minimum(*args: Interval) -> Interval:
    return Interval(min((x.lo for x in args), key=_Key), min((x.hi for x in args), key=_Key))


def xlogx(a: Interval) -> Interval:
    """Enclosure of ``x log x`` over ``[lo, hi]`` with ``lo >= 0`` (see the module docstring)."""
    if a.lo < 0:
        raise _Undetermined

    def f(x: flint.arb) -> flint.arb:
        return flint.arb(0) if x == 0 else x * x.log()

    inv_e = flint.arb(-1).exp()
    f_lo, f_hi = f(a.lo), f(a.hi)
    top = _upper_of((f_lo, f_hi))
    if a.hi < inv_e:
        return _check(f_hi.lower(), top)
    if a.lo > inv_e:
        return _check(f_lo.lower(), top)
    return _check((-inv_e).lower(), top)


# -- compilation --------------------------------------------------------------------------------

_FUNCTIONS: Mapping[type, Callable[..., Interval]] = {
    sp.log: log, sp.exp: exp, sp.Abs: absolute, XLogX: xlogx, sp.Max: maximum, sp.Min: minimum,
}


def _nary(op: Callable[[Interval, Interval], Interval]) -> Callable[..., Interval]:
    def fold(*args: Interval) -> Interval:
        acc = args[0]
        for x in args[1:]:
            acc = op(acc, x)
        return acc
    return fold


_ADD, _MUL = _nary(add), _nary(mul)


class IntervalProgram:
    """A SymPy expression compiled to a straight-line program over :class:`Interval` values.

    ``symbols`` fixes the order of the argument intervals.  Exact numbers become constants
    (rounded outward at evaluation); every other node is looked up in a table.
    """

    def __init__(self, expr: sp.Expr, symbols: Sequence[sp.Symbol]):
        self.expr = sp.sympify(expr)
        self.symbols = tuple(symbols)
        self._slots: dict[sp.Basic, int] = {s: k for k, s in enumerate(self.symbols)}
        self._code: list[tuple[Callable, tuple[int, ...], tuple, int]] = []
        self._constants: list[tuple[int, object]] = []
        # Operations whose arguments are all constants (``log(10)``, ``3/10 * log(2)``): evaluated
        # once per working precision and cached (see :meth:`_constant_slots`).
        self._constant_code: list[tuple[Callable, tuple[int, ...], tuple, int]] = []
        self._constant: set[int] = set()
        self._cache: dict[int, list | None] = {}
        self._size = len(self.symbols)
        self._out = self._compile(self.expr)
        self._run = self._generate()

    # -- compiler ------------------------------------------------------------------------------
    def _new(self) -> int:
        self._size += 1
        return self._size - 1

    def _emit(self, fn: Callable, args: tuple[int, ...], extra: tuple = ()) -> int:
        target = self._new()
        if all(a in self._constant for a in args):
            self._constant.add(target)
            self._constant_code.append((fn, args, extra, target))
        else:
            self._code.append((fn, args, extra, target))
        return target

    def _const(self, value: Callable[[], Interval]) -> int:
        """A slot for a constant, ``value()`` its enclosure at the working precision."""
        target = self._new()
        self._constant.add(target)
        self._constants.append((target, value))
        return target

    def _compile(self, node: sp.Basic) -> int:
        if node in self._slots:
            return self._slots[node]
        slot = self._compile_node(node)
        self._slots[node] = slot
        return slot

    def _compile_node(self, node: sp.Basic) -> int:
        if isinstance(node, sp.Symbol):
            raise TranslationError(BACKEND, node, f"free symbol not bound (bound: {[str(s) for s in self.symbols]})")
        if isinstance(node, (sp.Rational, sp.Float)):
            return self._const(lambda: Interval.exact(node))
        if node is sp.pi:
            return self._const(lambda: Interval.ball(flint.arb.pi()))
        if isinstance(node, sp.CRootOf) and node.is_real:
            return self._const(lambda: _real_root(node))
        if node is sp.E:
            return self._emit(exp, (self._compile(sp.Integer(1)),))
        if isinstance(node, sp.Add):
            return self._emit(_ADD, tuple(self._compile(a) for a in node.args))
        if isinstance(node, sp.Mul):
            return self._emit(_MUL, tuple(self._compile(a) for a in node.args))
        if isinstance(node, sp.Pow):
            return self._compile_pow(node)
        # a function class may carry its own enclosure (``enclose(*intervals)``), e.g. psi_k
        fn = _FUNCTIONS.get(type(node)) or getattr(type(node), "enclose", None)
        if fn is not None:
            return self._emit(fn, tuple(self._compile(a) for a in node.args))
        raise TranslationError(BACKEND, node)

    def _compile_pow(self, node: sp.Pow) -> int:
        base, e = node.args
        if base is sp.E:
            return self._emit(exp, (self._compile(e),))
        if base.is_zero and e.is_positive:  # 0^e = 0 for e > 0 (log 0 has no enclosure)
            return self._const(lambda: Interval.exact(0))
        if base.is_negative and e.is_number and e.is_integer is False:  # not a real number
            return self._const(_no_real_value)
        if isinstance(e, sp.Integer):
            return self._emit(powi, (self._compile(base),), (int(e),))
        if isinstance(e, sp.Rational):
            if e == sp.Rational(1, 2):
                return self._emit(sqrt, (self._compile(base),))
            return self._emit(rpow, (self._compile(base),), (Fraction(int(e.p), int(e.q)),))
        if e.is_number and not e.is_real:
            raise TranslationError(BACKEND, node, "complex exponent")
        return self._emit(exp, (self._compile(e * sp.log(base)),))

    def _generate(self) -> Callable[[list], Interval]:
        """The straight-line program as one Python function of the slot list: each instruction
        becomes ``s_t = f(s_a, s_b, ...)``, an n-ary sum or product the left fold
        ``s_t = s_a; s_t = add(s_t, s_b); ...``.  The same calls on the same values, in the same order, as
        interpreting the instructions one by one, without the interpreter's per-step cost."""
        names: dict[int, str] = {}
        namespace: dict[str, object] = {}

        def name_of(obj: object) -> str:
            key = id(obj)
            if key not in names:
                names[key] = f"f{len(names)}"
                namespace[names[key]] = obj
            return names[key]

        produced = {target for _, _, _, target in self._code}
        used = sorted({a for _, args, _, _ in self._code for a in args} - produced
                      | ({self._out} - produced))
        lines = ["def run(slots):"] + [f"    s{k} = slots[{k}]" for k in used]
        for fn, args, extra, target in self._code:
            operands = [f"s{a}" for a in args] + [name_of(x) for x in extra]
            if fn is _ADD or fn is _MUL:
                op = name_of(add if fn is _ADD else mul)
                lines.append(f"    s{target} = {operands[0]}")
                lines += [f"    s{target} = {op}(s{target}, {x})" for x in operands[1:]]
            else:
                lines.append(f"    s{target} = {name_of(fn)}({', '.join(operands)})")
        lines.append(f"    return s{self._out}")
        exec(compile("\n".join(lines), f"<interval program of {len(self._code)} steps>", "exec"), namespace)
        return namespace["run"]

    # -- evaluation ----------------------------------------------------------------------------
    def _constant_slots(self) -> list | None:
        """The slots of every constant at the current precision (``None`` if one is undetermined),
        computed once per precision: the same outward-rounded values every call would compute."""
        prec = flint.ctx.prec
        if prec not in self._cache:
            slots: list = [None] * self._size
            try:
                for target, value in self._constants:
                    slots[target] = value()
                for fn, args, extra, target in self._constant_code:
                    slots[target] = fn(*(slots[a] for a in args), *extra)
            except _Undetermined:
                slots = None
            self._cache[prec] = slots
        return self._cache[prec]

    def _filled(self, values: Sequence[Interval]) -> list | None:
        """The slot list at the current precision with ``values`` in the symbols' slots (``None``
        when a constant is undetermined there)."""
        base = self._constant_slots()
        if base is None:
            return None
        if len(values) != len(self.symbols):
            raise ValueError(f"{len(values)} intervals for {len(self.symbols)} symbols")
        slots = list(base)
        slots[:len(self.symbols)] = values
        return slots

    def __call__(self, values: Sequence[Interval]) -> Interval:
        """Enclose the expression when each symbol ranges over its interval (in order)."""
        slots = self._filled(values)
        if slots is None:
            return ENTIRE
        try:
            return self._run(slots)
        except _Undetermined:
            return ENTIRE

    def interpreted(self, values: Sequence[Interval]) -> Interval:
        """The same enclosure as calling the program, by interpreting its instructions one by
        one: the reference the generated function is tested and benchmarked against."""
        slots = self._filled(values)
        if slots is None:
            return ENTIRE
        try:
            for fn, args, extra, target in self._code:
                slots[target] = fn(*(slots[a] for a in args), *extra)
        except _Undetermined:
            return ENTIRE
        return slots[self._out]


def _no_real_value() -> Interval:
    """The enclosure of a power of a negative number to a non-integer exponent: none (it is not
    real), so the whole evaluation gives the entire line."""
    raise _Undetermined


def _real_root(root: sp.CRootOf) -> Interval:
    """A real algebraic number given by SymPy's exact root isolation: ``eval_rational(dx)`` is
    within ``dx`` of the root (documented), so ``[r - dx, r + dx]`` encloses it; ``dx`` follows
    the working precision."""
    dx = sp.Rational(1, 2 ** flint.ctx.prec)
    r = root.eval_rational(dx=dx, dy=dx)
    return Interval.of(Fraction(int((r - dx).p), int((r - dx).q)), Fraction(int((r + dx).p), int((r + dx).q)))


def enclose_number(expr: sp.Expr) -> Interval:
    """Enclosure of an exact real number (no free symbols) at the working precision; the
    entire line when an operation is undefined or unbounded there."""
    return IntervalProgram(expr, ())(())


def ball(expr: sp.Expr, env: Mapping[sp.Symbol, flint.arb]) -> flint.arb:
    """An ``arb`` ball enclosing ``expr`` when each symbol of ``env`` ranges over its ball (the
    same program as :func:`enclose`, for callers that work in ball arithmetic)."""
    symbols = tuple(env)
    try:
        boxes = [Interval.ball(env[s]) for s in symbols]
    except _Undetermined:  # an input ball that is not finite: so is the result
        return ENTIRE.as_ball()
    return IntervalProgram(expr, symbols)(boxes).as_ball()


def enclose(expr: sp.Expr, box: Mapping[sp.Symbol, tuple[Fraction, Fraction]], bits: int = DEFAULT_BITS) -> Interval:
    """Enclosure of ``expr`` when each symbol ranges over ``[lo, hi]`` (exact rationals)."""
    symbols = tuple(box)
    program = IntervalProgram(expr, symbols)
    with precision(bits):
        return program([Interval.of(*box[s]) for s in symbols])
