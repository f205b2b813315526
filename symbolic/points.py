"""Exact points: input distributions and parameter values as rationals.

A :class:`Point` is what a counterexample is made of.  It is a container: it only checks that
it has at least one input and that every input vector has the same length.  Whether it lies in
the premise of a statement (inputs in the simplex, interior where required, parameters inside
their domains, the operator defined there) is decided exactly by
:func:`kdaxioms.symbolic.replay.replay`, which every witness passes through before it counts;
:func:`distribution` validates a vector typed by a user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Iterable, Mapping

import sympy as sp

from .errors import InputError
from .limits import exact_number


def fraction(text: str | int | Fraction | sp.Rational) -> Fraction:
    """Parse an exact rational (``"1/3"``, ``"0.25"``, ``2``) or raise an :class:`InputError`."""
    if isinstance(text, sp.Rational):
        return Fraction(int(text.p), int(text.q))
    if isinstance(text, str):
        return exact_number(text)  # typed text: the limits of kdaxioms.symbolic.limits
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError, TypeError):
        raise InputError(f"{text!r} is not an exact number; write it as 3/10 or 0.3") from None


def on_simplex(values: Iterable[float | Fraction], denominator: int, positive: bool = False) -> tuple[Fraction, ...] | None:
    """A point near ``values`` (a float proposal) on the simplex, exactly: every coordinate a
    multiple of ``1/denominator`` (negative values count as 0), summing to 1 -- each coordinate
    rounded down, the spare units to the largest remainders (or, when the floors already exceed
    1, taken from the largest coordinates); ``positive`` keeps every coordinate at least
    ``1/denominator``.  None when no such point exists (``positive`` with more coordinates than
    ``denominator``).  The one rounding of a float proposal onto the simplex: the searches, the
    interval refutations, the tightness search and the shrinking of witnesses all use it."""
    scaled = [max(Fraction(v), Fraction(0)) * denominator for v in values]
    least = 1 if positive else 0
    units = [max(math.floor(x), least) for x in scaled]
    spare = denominator - sum(units)
    if spare >= 0:
        order = sorted(range(len(units)), key=lambda i: scaled[i] - math.floor(scaled[i]), reverse=True)
    else:
        order = sorted(range(len(units)), key=lambda i: units[i], reverse=True)
    k, steps = 0, (abs(spare) + 1) * len(units)  # each pass over the order moves a unit or ends
    while spare != 0 and order and k < steps:
        i = order[k % len(units)]
        step = 1 if spare > 0 else -1
        if units[i] + step >= least:
            units[i] += step
            spare -= step
        k += 1
    if spare != 0:
        return None
    return tuple(Fraction(u, denominator) for u in units)


def distribution(values: Iterable[Fraction], name: str = "distribution", interior: bool = False) -> tuple[Fraction, ...]:
    """Validate an exact probability vector (interior: every entry positive)."""
    vec = tuple(values)
    if len(vec) < 2:
        raise InputError(f"{name} has {len(vec)} entries; a distribution needs at least 2")
    if any(v < 0 for v in vec):
        raise InputError(f"{name} {list(map(str, vec))} has a negative entry")
    if sum(vec) != 1:
        raise InputError(f"{name} {list(map(str, vec))} sums to {sum(vec)}, not 1; normalize it")
    if interior and any(v == 0 for v in vec):
        raise InputError(f"{name} {list(map(str, vec))} has a zero entry; it must be strictly positive")
    return vec


@dataclass(frozen=True)
class Point:
    """Exact input vectors and parameter values (not validated against any premise: see the module docstring)."""

    inputs: Mapping[str, tuple[Fraction, ...]]
    parameters: Mapping[str, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", MappingProxyType({k: tuple(v) for k, v in self.inputs.items()}))
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        sizes = {len(v) for v in self.inputs.values()}
        if not sizes:
            raise InputError("a point needs at least one input vector")
        if len(sizes) != 1:
            raise InputError(f"input vectors have different lengths {sorted(sizes)}")

    def __reduce__(self):
        """Pickle as plain dicts (read-only views do not pickle): results cross process boundaries."""
        return Point, (dict(self.inputs), dict(self.parameters))

    @property
    def n(self) -> int:
        return len(next(iter(self.inputs.values())))

    def sympy_inputs(self) -> dict[str, tuple[sp.Rational, ...]]:
        return {k: tuple(sp.Rational(v.numerator, v.denominator) for v in vec) for k, vec in self.inputs.items()}

    def to_json(self) -> dict:
        """``{"n", "inputs": {"p": ["1/3", ...]}, "parameters": {"alpha": "1/2"}}``."""
        return {
            "n": self.n,
            "inputs": {k: [str(v) for v in vec] for k, vec in self.inputs.items()},
            "parameters": {k: str(v) for k, v in self.parameters.items()},
        }

    def latex_rows(self) -> list[tuple[str, str]]:
        """(name, value) rows for a witness table."""
        def frac(v: Fraction) -> str:
            return str(v.numerator) if v.denominator == 1 else rf"\tfrac{{{v.numerator}}}{{{v.denominator}}}"
        rows = [(k, "(" + ", ".join(frac(v) for v in vec) + ")") for k, vec in self.inputs.items()]
        rows += [(rf"\{k}" if k in _GREEK else k, frac(v)) for k, v in self.parameters.items()]
        return rows


_GREEK = {"alpha", "beta", "gamma", "tau"}
