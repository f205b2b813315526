"""Size limits of operator files and formulas, checked before any work.

An operator file is data from anyone; each limit below keeps loading it (and everything that
runs on it afterwards) within milliseconds and megabytes.  Every check raises an
:class:`~kdaxioms.symbolic.errors.InputError` that names the input (cut by
:func:`~kdaxioms.symbolic.errors.excerpt`) and says how to fix it.

- **Files**: a regular file (a FIFO, a device, a directory or a symlink to one is refused
  before it is opened for reading), at most :data:`MAX_FILE_BYTES`, read with a bounded read.
- **Nesting**: a formula's syntax tree is at most :data:`MAX_DEPTH` levels deep, measured
  without recursion (a sum of 990 terms is 990 levels: left-nested additions).
- **Numbers**: literals are read exactly from their source text (``0.1`` is ``1/10``,
  ``1e-400`` is ``10**-400``, never a float), and every rational, literal or folded from
  constants, has at most :data:`MAX_DIGITS` digits in its numerator and in its denominator.
  Exact reading plus this cap is how precision loss is excluded: a literal either is read
  exactly or is refused (``1e400`` and ``1e-400`` are "too large" / "too small").
- **Powers**: before a power of two numbers is computed its size is estimated (digits of the
  base times the exponent) and refused beyond :data:`MAX_DIGITS`; every number inside an
  exponent has numerator and denominator at most :data:`MAX_EXPONENT` in absolute value.
- **Constants**: every constant that is not rational (``exp(2)``, ``sqrt(2)``) is real, finite
  and between ``10**-MAX_DIGITS`` and ``10**MAX_DIGITS`` in absolute value (or zero); the
  argument of ``exp`` of a constant is at most :data:`MAX_EXP_ARGUMENT`.
"""

from __future__ import annotations

import math
import os
import re
import stat
from fractions import Fraction
from pathlib import Path

from .errors import InputError, excerpt

#: Largest operator file read, in bytes.
MAX_FILE_BYTES = 1 << 20
#: Deepest syntax tree of a formula (each operator, call and parenthesised sub-expression is a level).
MAX_DEPTH = 100
#: Most digits of the numerator, and of the denominator, of any rational in a formula.
MAX_DIGITS = 100
#: Largest numerator and denominator (absolute value) of a number inside an exponent, and of an
#: exponent after the audit substitutes parameter values.
MAX_EXPONENT = 64
#: Largest constant argument of ``exp`` (``exp(230)`` is about ``10**100``).
MAX_EXP_ARGUMENT = 230
_LOG2_10 = math.log2(10)


def exponent_fits(number) -> bool:
    """A rational (SymPy) whose numerator and denominator are at most :data:`MAX_EXPONENT` in
    absolute value: the test every number in, or value of, an exponent passes."""
    return abs(number.p) <= MAX_EXPONENT and number.q <= MAX_EXPONENT


def exp_argument_fits(argument) -> bool:
    """``exp(argument)`` stays within ``10**MAX_DIGITS``: a constant argument is at most
    :data:`MAX_EXP_ARGUMENT` in absolute value (a non-constant one is not bounded here)."""
    return not argument.is_number or abs(complex(argument.evalf(15))) <= MAX_EXP_ARGUMENT


def digits(value: int) -> int:
    """Decimal digits of ``|value|`` (exact below 4,300 digits, an upper estimate above)."""
    value = abs(value)
    if value.bit_length() < 14000:
        return len(str(value))
    return int(value.bit_length() / _LOG2_10) + 1


#: How much of an oversized number a message shows (the formula around it is shown already).
_NUMBER_SHOWN = 16


def check_rational(numerator: int, denominator: int, shown: str, fix: str = "rescale or use a parameter") -> None:
    """Refuse a rational whose numerator or denominator has more than :data:`MAX_DIGITS` digits."""
    top, bottom = digits(numerator), digits(denominator)
    head = shown if len(shown) <= _NUMBER_SHOWN else shown[:_NUMBER_SHOWN - 1] + "…"
    if top > MAX_DIGITS:
        raise InputError(f"number '{head}' is too large: {top} digits, at most {MAX_DIGITS}; {fix}")
    if bottom > MAX_DIGITS:
        raise InputError(f"number '{head}' is too small: its denominator has {bottom} digits, at most {MAX_DIGITS}; "
                         f"{fix}")


#: How to fix an oversized number of an operator file (a typed command value says less).
_FORMULA_FIX = "rescale the formula or make the number a parameter"


def decimal_literal(text: str, fix: str = _FORMULA_FIX) -> Fraction:
    """The exact value of a decimal literal such as ``0.1``, ``1_000``, ``2.5e-3`` or ``1e400``,
    refused (before it is computed) when its numerator or denominator would exceed
    :data:`MAX_DIGITS` digits."""
    body = text.replace("_", "").lower()
    mantissa, _, exponent = body.partition("e")
    whole, _, fraction = mantissa.partition(".")
    try:
        scale = int(exponent or "0") - len(fraction)
        value = int((whole + fraction) or "0")
    except ValueError:
        raise InputError(f"number {excerpt(text)} is not a decimal number") from None
    if value == 0:
        return Fraction(0)
    while value % 10 == 0:
        value, scale = value // 10, scale + 1
    size = digits(value)
    if scale > 0 and size + scale > MAX_DIGITS:
        raise InputError(f"number {excerpt(text)} is too large: it has {size + scale} digits, at most {MAX_DIGITS}; {fix}")
    if scale < 0 and -scale - size > MAX_DIGITS:  # the denominator 10**-scale / gcd is at least 10**-scale / value
        raise InputError(f"number {excerpt(text)} is too small: its denominator has about {-scale} digits, at most "
                         f"{MAX_DIGITS}; {fix}")
    result = Fraction(value, 10 ** -scale) if scale < 0 else Fraction(value * 10 ** scale)
    check_rational(result.numerator, result.denominator, text, fix)
    return result


def exact_number(text: str) -> Fraction:
    """A number typed on the command line (``1/3``, ``-0.25``, ``2.5e-3``), read exactly under the
    same limits as a literal of an operator file: checked before it is computed, so ``1e400`` and
    ``1e-400`` are refused rather than expanded or rounded."""
    body = text.strip()
    if _DECIMAL.fullmatch(body):
        sign = -1 if body.startswith("-") else 1
        return sign * decimal_literal(body.lstrip("+-"), "give it with fewer digits")
    ratio = _RATIO.fullmatch(body)
    if not ratio:
        raise InputError(f"{excerpt(text)} is not an exact number; write it as 3/10 or 0.3")
    top, bottom = ratio.group(2), ratio.group(3)
    if len(top) > MAX_DIGITS + 1 or len(bottom) > MAX_DIGITS + 1:  # digits counted before int() reads them
        raise InputError(f"number {excerpt(text)} has more than {MAX_DIGITS} digits in its numerator or "
                         "denominator; rescale it")
    if int(bottom) == 0:
        raise InputError(f"{excerpt(text)} divides by zero; write a number such as 3/10")
    value = Fraction(int(top) * (-1 if ratio.group(1) == "-" else 1), int(bottom))
    check_rational(value.numerator, value.denominator, text, "give it with fewer digits")
    return value


#: The forms :func:`exact_number` reads: a decimal (``-2.5e-3``) or a ratio of integers (``-1/3``).
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_RATIO = re.compile(r"([+-]?)(\d+)/(\d+)", re.ASCII)


def power_digits(base: Fraction, exponent: Fraction) -> int:
    """An upper estimate of the digits of the numerator or denominator of ``base**exponent``
    (computed from sizes with floating-point logarithms, before the power is)."""
    largest = max(abs(base.numerator), base.denominator)
    return math.ceil(abs(exponent) * math.log10(largest)) + 1


def read_regular_file(path: Path) -> str:
    """The text of a regular file of at most :data:`MAX_FILE_BYTES`, decoded as UTF-8.

    The file is opened without blocking (a FIFO never blocks) and checked with ``fstat`` on the
    open descriptor, so a symlink to ``/dev/zero`` or a swapped file is refused before a byte is
    read; the read itself stops one byte past the cap."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(f"{excerpt(path)}: no such file; give the path of an operator file (TOML)") from None
    except IsADirectoryError:
        raise InputError(f"{excerpt(path)}: not a regular file (a directory); give an operator file (TOML)") from None
    except OSError as err:
        raise InputError(f"{excerpt(path)}: cannot open the file ({err.strerror or err.__class__.__name__})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a plain file")
        raise InputError(f"{excerpt(path)}: not a regular file ({kind}); give an operator file (TOML)")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(f"{excerpt(path)}: the file has {info.st_size} bytes, at most {MAX_FILE_BYTES}; "
                             "an operator file is a few lines of TOML")
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as err:
            raise InputError(f"{excerpt(path)}: cannot read the file ({err.strerror or err.__class__.__name__})") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{excerpt(path)}: the file has more than {MAX_FILE_BYTES} bytes; "
                         "an operator file is a few lines of TOML")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{excerpt(path)}: not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start}); "
                         "save the file as UTF-8") from None


#: Largest support size any command substitutes (``--max-n`` is at most this).
MAX_SUPPORT = 20
#: Values tried for the support size ``n`` (from 2) and the indices ``i``, ``j`` (up to ``n``)
#: inside an exponent.
INDEX_VALUES = tuple(range(1, MAX_SUPPORT + 1))
#: Most combinations of values tried for one exponent (parameters and indices together).
MAX_EXPONENT_TRIALS = 4096


def check_exponent_values(expr, parameters, shown: str) -> None:
    """Every exponent of ``expr`` that depends on parameters (or on ``n``, ``i``, ``j``) stays
    within :data:`MAX_EXPONENT` (numerator and denominator) at every value the audit substitutes:
    :func:`~kdaxioms.symbolic.domains.exponent_grid` for a parameter, ``2 .. MAX_SUPPORT`` for
    ``n`` and ``1 .. n`` for ``i``, ``j``.  So a parameter cannot carry a huge exponent past the literal limit
    (``p[i]**(1/tau)`` with ``0 < tau <= 1/1000`` is refused; with ``tau > 0`` it is accepted,
    as the audit substitutes ``tau`` in 1/3, 1/2, 1, 2, 3).  An exponent that depends on ``n``,
    ``i`` or ``j`` must also be defined and non-zero at every ``n >= 2`` and ``i, j <= n``
    (``p[i]**(1/(n-2))`` is undefined at n = 2 and ``p[i]**(n-2)`` is ``0**0`` there): the form
    with ``n`` left symbolic and its instance at one ``n`` would disagree.  Exponents over inputs
    (``p[i]**q[i]``) are never substituted and not checked here.  Undefined values at a parameter
    value (``1/(tau - 1)`` at 1) are left to the audit's definedness step."""
    import itertools

    import sympy as sp

    from .domains import exponent_grid
    from .model import INDEX, SUM_INDEX, SUPPORT

    owners = {p.symbol: p for p in parameters}
    indices = [sp.Integer(v) for v in INDEX_VALUES]
    grids: dict = {}
    for power in expr.atoms(sp.Pow):
        exponent = power.exp
        if exponent.is_number or exponent.atoms(sp.Indexed):
            continue
        symbols = sorted(exponent.free_symbols & (set(owners) | {INDEX, SUM_INDEX, SUPPORT}), key=str)
        if not symbols:
            continue
        for s in symbols:
            if s not in grids:
                grids[s] = exponent_grid(owners[s]) if s in owners else indices
        count = math.prod(len(grids[s]) for s in symbols)
        if count > MAX_EXPONENT_TRIALS:
            raise InputError(f"formula {excerpt(shown)}: exponent {excerpt(exponent)} depends on too many parameters "
                             f"and indices ({', '.join(map(str, symbols))}); use fewer in one exponent")
        for values in itertools.product(*(grids[s] for s in symbols)):
            point = dict(zip(symbols, values))
            if SUPPORT in point and (point[SUPPORT] < 2 or any(point.get(k, 1) > point[SUPPORT] for k in (INDEX, SUM_INDEX))):
                continue  # not a support size, or an index beyond it
            value = exponent.xreplace(point)
            if point.keys() & {INDEX, SUM_INDEX, SUPPORT} and (value == 0 or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo)):
                at = ", ".join(f"{s}={v}" for s, v in point.items())
                what = "0 (and 0**0 is undefined)" if value == 0 else "undefined"
                raise InputError(f"formula {excerpt(shown)}: exponent {excerpt(exponent)} is {what} at {at}; an exponent "
                                 "that depends on n, i or j must be defined and non-zero for every n >= 2")
            if isinstance(value, sp.Rational):
                too_big = not exponent_fits(value)
            elif value.is_number and not value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                try:
                    too_big = not abs(complex(value.evalf(15, maxn=60))) <= MAX_EXPONENT
                except (TypeError, ValueError, ArithmeticError):
                    too_big = True
            else:
                continue
            if too_big:
                at = ", ".join(f"{s}={v}" for s, v in zip(symbols, values))
                raise InputError(f"formula {excerpt(shown)}: exponent {excerpt(exponent)} is {excerpt(value)} at {at}, "
                                 f"a value the audit substitutes; exponents there have numerator and denominator at "
                                 f"most {MAX_EXPONENT}: narrow the domain or rescale the exponent")


def check_exponents_at(expr, values, shown: str) -> None:
    """Every exponent of ``expr`` at the parameter ``values`` a command was given (``iterate --set
    tau=...``) has numerator and denominator at most :data:`MAX_EXPONENT`, as at the values the
    audit substitutes: ``p**(1/tau)`` at ``tau = 10**-7`` would overflow every float."""
    import sympy as sp

    for power in expr.atoms(sp.Pow):
        if not power.exp.free_symbols & set(values):
            continue
        value = power.exp.xreplace(values)
        if isinstance(value, sp.Rational) and not exponent_fits(value):
            at = ", ".join(f"{s}={v}" for s, v in values.items() if s in power.exp.free_symbols)
            raise InputError(f"{excerpt(shown)}: exponent {excerpt(power.exp)} is {excerpt(value)} at {at}; exponents have "
                             f"numerator and denominator at most {MAX_EXPONENT}")

