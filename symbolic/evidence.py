"""Decisive evidence as plain data: what ``--bundle`` writes and ``kdaxioms recheck`` re-checks.

Every item is text and exact rationals, never a solver or SymPy object, so that it can be
written to a file and re-checked by other engines (``kdaxioms.recheck``):

* :class:`SmtQuery` -- an SMT-LIB 2 query that decided a verdict (``unsat``: the negation of
  the statement, with its domain and the definedness side conditions of the encoding, has no
  model), as the text Z3 was given;
* :class:`IdentityCertificate` -- an identity ``E = c N`` that holds on the domain after the
  eliminations (``N >= 0`` by ``lemma``), as SymPy ``srepr`` strings;
* :class:`IntervalCover` -- a branch-and-bound cover: the function, the region (box and
  affine dependent variables) and every leaf cell with how it was decided;
* :class:`OneSidedLimits` -- a discontinuity: the output along a ray from both sides of a point
  and its two one-sided limits, which differ;
* :class:`WitnessSubject` -- what a refutation's witness violates (an axiom or a claim) and the
  operator as the data of an operator file, so that the point can be evaluated from scratch.

An :class:`~kdaxioms.symbolic.outcome.Outcome` carries its items in ``evidence``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class SmtQuery:
    """One SMT-LIB 2 query and the answer that decided it (``label`` names the obligation)."""

    label: str
    smtlib: str
    expected: str = "unsat"


@dataclass(frozen=True)
class IdentityCertificate:
    """``expression = coefficient * form`` on the domain; ``form >= 0`` by ``lemma`` and
    ``coefficient >= 0`` there, so ``expression >= 0``.  Expressions are SymPy ``srepr`` strings.

    The identity is exact in this sense: with ``solved`` substituted (the parameters' constraints
    solved), every symbol positive and logarithms of products and powers expanded, the numerator
    of ``expression - coefficient * form`` over one denominator becomes the zero polynomial once
    ``simplex`` is substituted (every input's last coordinate as one minus the others)."""

    label: str
    lemma: str
    expression: str
    coefficient: str
    form: str
    solved: tuple[tuple[str, str], ...] = ()
    simplex: tuple[tuple[str, str], ...] = ()
    #: The form's name (``KL(A||p)``, ``chi2(p||A)``, ``L2(A,p)``, ``Var_A(log p)``, ...) and the
    #: vectors ``A`` (a distribution on the domain) and ``p`` (an interior input) it is built from.
    form_name: str = ""
    output: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    #: The parameters whose domains make them ``positive`` or ``nonnegative`` (name, sign); the
    #: others may take any real value.
    signs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Leaf:
    """A leaf cell of a cover: ``path`` is the bisections from the root (``(dimension, side)``,
    side 0 the lower half), ``box`` its bounds as exact rationals (text), ``decision`` one of
    ``enclosure`` (the enclosure's lower end is >= 0, or > 0 when strict), ``empty`` (no point of
    the region) or ``lemma:NAME``, and ``enclosure`` the bounds that decided it (text)."""

    path: tuple[tuple[int, int], ...]
    box: tuple[tuple[str, str], ...]
    decision: str
    enclosure: tuple[str, str] | None = None


@dataclass(frozen=True)
class IntervalCover:
    """A certified cover of ``function >= 0`` (``> 0`` when ``strict``) on a region: ``free``
    variables in ``bounds`` and ``dependents`` ``(name, const, coefficients, lower, upper)``
    (affine in the free ones and clipped to ``[lower, upper]``); ``root`` is the outward-rounded
    box the bisection started from.  Expressions are ``srepr`` strings, numbers rational text."""

    label: str
    function: str
    free: tuple[str, ...]
    bounds: tuple[tuple[str, str], ...]
    dependents: tuple[tuple[str, str, tuple[str, ...], str, str], ...]
    root: tuple[tuple[str, str], ...]
    leaves: tuple[Leaf, ...]
    strict: bool = False
    #: The lemma of the ``lemma:`` leaves: its ``name`` and the data it needs (e.g. the moving
    #: and anchor symbols of segment convexity, as ``srepr`` strings); empty when none is used.
    lemma: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OneSidedLimits:
    """A jump: the output along the ray ``x0 + e d`` (``plus``) and ``x0 - e d`` (``minus``) as
    expressions in ``e`` (``srepr``), with the limits at ``e -> 0+`` the tool computed; some
    coordinate's two limits differ, so no value at ``x0`` makes the map continuous there."""

    label: str
    variable: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    plus_limits: tuple[str, ...]
    minus_limits: tuple[str, ...]


@dataclass(frozen=True)
class WitnessSubject:
    """What a witness violates: ``{"axiom": name, "code": code}`` or ``{"claim": id}``, and the
    operator it is evaluated on as operator-file data (None when the operator is not one)."""

    subject: Mapping[str, str]
    operator: Mapping[str, Any] | None = None
    auxiliary: Mapping[str, str] = field(default_factory=dict)


Evidence = SmtQuery | IdentityCertificate | IntervalCover | OneSidedLimits | WitnessSubject
