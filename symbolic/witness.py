"""What a referee needs beside a witness: the relation it violates, with both sides' exact values,
and an interior witness where one exists.

A witness (:class:`~kdaxioms.symbolic.points.Point`) refutes a statement once the exact replay of
:mod:`kdaxioms.symbolic.replay` says ``VIOLATED``.  :func:`explain` replays it once more and
records the failing relations ``lhs R rhs`` with their exact values.  A witness on the boundary of
the simplex (a zero coordinate) may hide that the statement also fails inside:
:func:`interior_variant` mixes every input with the uniform distribution,
``q' = (1 - eps) q + eps u`` for ``eps = 1/10, 1/100, 1/1000, 1/10^6`` (every input, then only the
inputs with a zero coordinate), and keeps the first mixture that still replays as ``VIOLATED`` (so
it, too, passed the premise and definedness checks).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Callable

import sympy as sp

from .errors import KdaxiomsError
from .points import Point
from .replay import Replay

#: The shares of the uniform distribution tried, largest first (the nicest numbers first).
SHARES = (Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000), Fraction(1, 10**6))

Replayer = Callable[[Point], Replay]


def on_boundary(point: Point) -> bool:
    """True when some input has a zero coordinate."""
    return any(v == 0 for vec in point.inputs.values() for v in vec)


def _mixed(point: Point, eps: Fraction, only_boundary: bool) -> Point:
    n = point.n

    def mix(vec: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        if only_boundary and all(v > 0 for v in vec):
            return vec
        return tuple((1 - eps) * v + eps / n for v in vec)
    return Point({k: mix(vec) for k, vec in point.inputs.items()}, dict(point.parameters))


def interior_variant(point: Point, replay: Replayer) -> tuple[Point, Replay] | None:
    """A witness in the open simplex near ``point`` (see the module docstring), with its replay;
    None when ``point`` is interior already or no tried mixture is a witness."""
    if not on_boundary(point):
        return None
    for only_boundary, eps in itertools.product((False, True), SHARES):
        candidate = _mixed(point, eps, only_boundary)
        try:
            result = replay(candidate)
        except (ArithmeticError, ValueError, KdaxiomsError):  # not evaluable there: no evidence to add
            continue
        if result.violated:
            return candidate, result
    return None


def explain(point: Point, replay: Replayer) -> dict:
    """Evidence to keep beside ``point`` in an outcome's data: ``violation`` (the failing relations
    with exact sides), ``replayed`` (the point replayed as a witness), ``interior_tried`` (it lies on
    the boundary, so interior variants were tried) and ``interior`` / ``interior_violation`` when
    an interior witness exists.
    Empty when ``point`` does not replay as violated (e.g. a continuity witness, whose evidence
    is its one-sided limits)."""
    try:
        result = replay(point)
    except (ArithmeticError, ValueError, KdaxiomsError):  # not evaluable there: no evidence to add
        return {}
    if not result.violated:
        return {}
    out: dict = {"violation": result.violation, "replayed": True, "interior_tried": on_boundary(point)}
    inner = interior_variant(point, replay)
    if inner is not None:
        out["interior"], out["interior_violation"], out["interior_how"] = inner[0], inner[1].violation, "mixed"
    return out


def with_interior(evidence: dict, point: Point, replay: Replayer) -> dict:
    """``evidence`` with ``point`` as its interior witness, found by a search (``point`` must be
    interior and replay as ``VIOLATED``; otherwise ``evidence`` is returned unchanged)."""
    if on_boundary(point) or "interior" in evidence:
        return evidence
    try:
        result = replay(point)
    except (ArithmeticError, ValueError, KdaxiomsError):
        return evidence
    if not result.violated:
        return evidence
    return {**evidence, "interior": point, "interior_violation": result.violation, "interior_how": "search"}


def decimal(value: sp.Basic, digits: int = 10) -> str:
    """A decimal approximation of an exact value, for reading (the exact value decides)."""
    return sp.latex(sp.Float(sp.N(value, digits + 5), digits))
