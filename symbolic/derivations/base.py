"""Derivations: closed forms computed by SymPy from the operator model.

A :class:`DerivationSpec` names a derivation (``memory-rate``), says which inputs it takes
(scalars such as ``alpha``, vectors such as ``beta`` or the anchor ``p``, matrices such as
``Phi``, integers such as ``N``), and computes a :class:`Derivation`: the general symbolic
result, and, when every input is set, its exact value (or a certified high-precision value)
with a decimal expansion.  Each derivation records the steps it computed.

Inputs a user leaves unset stay symbolic; inputs outside their domain raise
:class:`InputError` with a line that says how to fix them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

from ..errors import InputError, excerpt
from ..model import Operator
from ..points import distribution, fraction

#: Significant digits of the decimal values.
DIGITS = 30

Scalar = Fraction
Vector = tuple[Fraction, ...]
Matrix = tuple[Vector, ...]
Value = Scalar | Vector | Matrix | int


#: Limits on ``--set`` values, checked when they are parsed (before any work).  A real run is far
#: below them; above them a derivation would run for minutes or print numbers of thousands of digits.
#: Most entries of a vector or matrix input.
MAX_ENTRIES = 200
#: Largest integer input (``N``, ``N0``, ``n``, ...) unless the input sets its own limit.
MAX_INTEGER = 10**12
#: Largest generation ``t`` unless the derivation sets its own limit.
MAX_GENERATION = 1000
#: Most memory weights (``beta`` of ``memory-rate``, ``k`` of ``memory-rate-bounds``).
MAX_MEMORY = 12
#: Most digits an exact value may reach, estimated as ``t`` times the longest numerator or
#: denominator among the scalar and integer inputs (``(1 - alpha)^t``, ``(1 - 1/N)^t``, ...).
MAX_EXACT_DIGITS = 3500


@dataclass(frozen=True)
class Input:
    """One input of a derivation: ``kind`` is ``scalar``, ``vector``, ``matrix`` or ``integer``;
    ``most`` bounds an integer's value or a vector's length (default: :data:`MAX_INTEGER`,
    :data:`MAX_GENERATION` for ``t``, :data:`MAX_ENTRIES` entries)."""

    name: str
    kind: str
    help: str
    most: int | None = None

    @property
    def limit(self) -> int:
        if self.most is not None:
            return self.most
        if self.kind == "integer":
            return MAX_GENERATION if self.name == "t" else MAX_INTEGER
        return MAX_ENTRIES

    def parse(self, text: str) -> Value:
        """Parse ``1/2``, ``0.9,0.1`` or ``1,0;0,1`` (rows separated by ``;``) exactly, within :attr:`limit`."""
        text = text.strip()
        if not text:
            raise InputError(f"{self.name} has an empty value; give e.g. {self.name}=1/2")
        if self.kind == "integer":
            return integer_value(self.name, text, self.limit, limit_of=" of this derivation")
        if self.kind == "scalar":
            return scalar_value(self.name, text)
        entries = text.count(",") + text.count(";") + 1
        if entries > self.limit:
            raise InputError(f"{self.name} has {entries} entries, above the limit {self.limit} of this derivation")
        if self.kind == "vector":
            return vector_value(self.name, text)
        return matrix_value(self.name, text)


# -- typed values (``--set NAME=VALUE`` of derive and iterate) --------------------------------

def integer_value(name: str, text: str, high: int, low: int | None = None, limit_of: str = "") -> int:
    """An integer written in ASCII digits, at least ``low`` (when given) and at most ``high``."""
    try:
        if not text.isascii():  # int() reads other scripts' digits too
            raise ValueError(text)
        number = int(text)
    except ValueError:
        raise InputError(f"{name}={excerpt(text)} is not an integer") from None
    if low is not None and number < low:
        raise InputError(f"{name}={number} must be at least {low}")
    if number > high:
        raise InputError(f"{name}={excerpt(text)} is above the limit {high}{limit_of}; use a smaller {name}")
    return number


def scalar_value(name: str, text: str) -> Fraction:
    """One exact number (:func:`~kdaxioms.symbolic.points.fraction`)."""
    if "," in text or ";" in text:
        raise InputError(f"{name} takes one number, not {excerpt(text)}")
    return fraction(text)


def vector_value(name: str, text: str) -> tuple[Fraction, ...]:
    """Exact numbers separated by commas (``9/10,1/10``)."""
    if ";" in text:
        raise InputError(f"{name} takes a vector such as 1/2,1/2, not a matrix")
    return tuple(fraction(x) for x in text.split(","))


def matrix_value(name: str, text: str) -> tuple[tuple[Fraction, ...], ...]:
    """Rows of exact numbers, rows separated by ``;`` (``1,0;0,1``), every row of one length."""
    rows = tuple(tuple(fraction(x) for x in row.split(",")) for row in text.split(";"))
    if len({len(r) for r in rows}) != 1:
        raise InputError(f"{name}: every row of the matrix needs the same length (rows are separated by ';')")
    return rows


def assignments(items: Sequence[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings (repeated ``--set``) as a mapping; a name given twice is an error."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, text = (part.strip() for part in item.partition("="))
        if not sep or not name or not text:
            raise InputError(f"--set {excerpt(item)} is not of the form NAME=VALUE")
        if name in out:
            raise InputError(f"--set {excerpt(name)} is given twice ({excerpt(out[name])} and {excerpt(text)}); "
                             f"give each input once")
        out[name] = text
    return out


def _digits(value: Value) -> int:
    if isinstance(value, int):
        return len(str(abs(value))) if abs(value) < 10**MAX_EXACT_DIGITS else MAX_EXACT_DIGITS + 1
    if isinstance(value, Fraction):
        return max(_digits(value.numerator), _digits(value.denominator))
    return 0


def check_exact_size(name: str, values: Mapping[str, Value]) -> None:
    """:class:`InputError` when a generation ``t`` raises the other inputs to an exact value of more
    than :data:`MAX_EXACT_DIGITS` digits (estimated: ``t`` times their longest numerator/denominator)."""
    t = values.get("t")
    if not isinstance(t, int) or isinstance(t, bool) or t <= 0:
        return
    others = {k: _digits(v) for k, v in values.items() if k != "t" and isinstance(v, (int, Fraction))}
    if not others:
        return
    longest = max(others, key=others.__getitem__)
    estimate = t * others[longest]
    if estimate > MAX_EXACT_DIGITS:
        raise InputError(f"{name} with t={t} and {longest}={excerpt(_value_text(values[longest]))}: the exact value would "
                         f"have about {estimate} digits (limit {MAX_EXACT_DIGITS}); use a smaller t or a simpler {longest}")


@dataclass(frozen=True)
class Derivation:
    """A derived closed form and, when every input is set, its value."""

    name: str
    expression: sp.Basic
    parameters: Mapping[str, Value]
    steps: tuple[str, ...] = ()
    value: sp.Basic | Sequence[sp.Basic] | None = None
    exact: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    def decimal(self, digits: int = DIGITS) -> str | list[str] | None:
        """The value as a decimal string of ``digits`` significant digits (a list for vectors)."""
        if self.value is None:
            return None
        if isinstance(self.value, (list, tuple)):
            return [decimal(v, digits) for v in self.value]
        return decimal(self.value, digits)

    def latex(self) -> str:
        return sp.latex(self.expression)

    def to_json(self) -> dict:
        out = {
            "name": self.name,
            "expression": sp.sstr(self.expression),
            "latex": self.latex(),
            "value": self.decimal(),
            "exact": _exact_text(self.value) if self.value is not None and self.exact else None,
            "parameters": {k: _value_text(v) for k, v in self.parameters.items()},
            "steps": list(self.steps),
        }
        out.update({k: _jsonable(v) for k, v in self.extra.items()})
        return out


@dataclass(frozen=True)
class DerivationSpec:
    name: str
    claim: str
    summary: str
    inputs: tuple[Input, ...]
    run: Callable[[Mapping[str, Value]], Derivation]

    def derive(self, values: Mapping[str, Value] | None = None) -> Derivation:
        values = dict(values or {})
        unknown = sorted(set(values) - {i.name for i in self.inputs})
        if unknown:
            known = ", ".join(i.name for i in self.inputs) or "none"
            raise InputError(f"{self.name} takes no input {unknown[0]!r}; its inputs are: {known}")
        return self.run(values)

    def parse(self, items: Sequence[str]) -> dict[str, Value]:
        """Parse ``NAME=VALUE`` strings against the declared inputs and their limits (each name once)."""
        by_name = {i.name: i for i in self.inputs}
        out: dict[str, Value] = {}
        for name, text in assignments(items).items():
            if name not in by_name:
                known = ", ".join(by_name) or "none"
                raise InputError(f"{self.name} takes no input {excerpt(name)}; its inputs are: {known}")
            out[name] = by_name[name].parse(text)
        check_exact_size(self.name, out)
        return out


# -- shared helpers -------------------------------------------------------------------------

def decimal(value: sp.Basic, digits: int = DIGITS) -> str:
    """``value`` to ``digits`` significant digits, via SymPy's arbitrary-precision evaluation.

    Radicals of real roots can evaluate with an imaginary residue far below the precision;
    a residue above ``10**-digits`` means the value is not real and is an error."""
    number = sp.N(value, digits + 5)
    if not number.is_number:
        raise InputError(f"value {value} still has free symbols; set every input")
    real, imag = number.as_real_imag()
    if abs(imag) > sp.Float(10) ** (-digits):
        raise InputError(f"value {value} is not a real number")
    return str(sp.N(real, digits))


def rational(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def parameter_value(values: Mapping[str, Value], op: Operator, name: str = "alpha") -> dict[sp.Symbol, sp.Rational]:
    """The typed value of ``op``'s parameter ``name``, checked against its domain -- the family's
    :class:`~kdaxioms.symbolic.domains.Parameter`, written once in its definition -- as a
    substitution (empty when it is not set)."""
    if name not in values:
        return {}
    value = values[name]
    if not isinstance(value, Fraction):
        raise InputError(f"{name} must be a single number")
    param = op.parameter(name)
    if not param.contains(value):
        iv = param.interval()
        lo, hi = ("(" if iv.left_open else "["), (")" if iv.right_open else "]")
        start = "-oo" if iv.start == -sp.oo else iv.start
        end = "oo" if iv.end == sp.oo else iv.end
        raise InputError(f"{name}={value} is outside {lo}{start}, {end}{hi}")
    return {param.symbol: rational(value)}


def in_interval(name: str, value: Value, low, high, low_open: bool, high_open: bool) -> sp.Rational:
    """Check a scalar against an interval and return it as a SymPy rational."""
    if not isinstance(value, Fraction):
        raise InputError(f"{name} must be a single number")
    bad = (value < low or (low_open and value == low)) if low is not None else False
    bad = bad or ((value > high or (high_open and value == high)) if high is not None else False)
    if bad:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        raise InputError(f"{name}={value} is outside {lo}{'-oo' if low is None else low}, {'oo' if high is None else high}{hi}")
    return rational(value)


def simplex_vector(name: str, value: Value, interior: bool = False, size: int | None = None) -> tuple[sp.Rational, ...]:
    """Check a probability vector exactly (optionally of a given length) and convert it."""
    if not isinstance(value, tuple) or not value or isinstance(value[0], tuple):
        raise InputError(f"{name} must be a vector such as 1/2,1/2")
    vec = distribution(value, name, interior=interior)
    if size is not None and len(vec) != size:
        raise InputError(f"{name} has {len(vec)} entries; {size} are needed")
    return tuple(rational(v) for v in vec)


def _exact_text(value) -> str | list[str]:
    if isinstance(value, (list, tuple)):
        return [sp.sstr(v) for v in value]
    return sp.sstr(value)


def _value_text(value: Value) -> str:
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):
            return ";".join(",".join(map(str, row)) for row in value)
        return ",".join(map(str, value))
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, sp.Basic):
        return sp.sstr(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
