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

from ..errors import InputError
from ..points import distribution, fraction

#: Significant digits of the decimal values.
DIGITS = 30

Scalar = Fraction
Vector = tuple[Fraction, ...]
Matrix = tuple[Vector, ...]
Value = Scalar | Vector | Matrix | int


@dataclass(frozen=True)
class Input:
    """One input of a derivation: ``kind`` is ``scalar``, ``vector``, ``matrix`` or ``integer``."""

    name: str
    kind: str
    help: str

    def parse(self, text: str) -> Value:
        """Parse ``1/2``, ``0.9,0.1`` or ``1,0;0,1`` (rows separated by ``;``) exactly."""
        text = text.strip()
        if not text:
            raise InputError(f"{self.name} has an empty value; give e.g. {self.name}=1/2")
        if self.kind == "integer":
            try:
                return int(text)
            except ValueError:
                raise InputError(f"{self.name}={text!r} is not an integer") from None
        if self.kind == "scalar":
            if "," in text or ";" in text:
                raise InputError(f"{self.name} takes one number, not {text!r}")
            return fraction(text)
        if self.kind == "vector":
            if ";" in text:
                raise InputError(f"{self.name} takes a vector such as 1/2,1/2, not a matrix")
            return tuple(fraction(x) for x in text.split(","))
        rows = [tuple(fraction(x) for x in row.split(",")) for row in text.split(";")]
        if len({len(r) for r in rows}) != 1:
            raise InputError(f"{self.name}: every row of the matrix needs the same length")
        return tuple(rows)


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

    def parse(self, assignments: Sequence[str]) -> dict[str, Value]:
        """Parse ``NAME=VALUE`` strings against the declared inputs."""
        by_name = {i.name: i for i in self.inputs}
        out: dict[str, Value] = {}
        for item in assignments:
            name, sep, text = item.partition("=")
            if not sep:
                raise InputError(f"--set {item!r} is not of the form NAME=VALUE")
            if name not in by_name:
                known = ", ".join(by_name) or "none"
                raise InputError(f"{self.name} takes no input {name!r}; its inputs are: {known}")
            out[name] = by_name[name].parse(text)
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
