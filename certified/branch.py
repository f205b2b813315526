"""Interval branch-and-bound: certify ``f >= 0`` (or ``> 0``) on a region, or say what is left.

A :class:`Region` is a box over *free* variables (e.g. ``alpha``, ``p_1``, ``q_1``) plus
*dependent* variables that are affine in the free ones and clipped to a range (e.g.
``q_2 = 1 - q_1`` in ``[0, 1]``): the points of a cell are those of the box whose dependent
values lie in their ranges, a convex set.  A cell whose dependent range is empty (certified
with outward rounding) holds no point of the region.

On a cell ``X`` the function is enclosed twice and the two enclosures intersected:

* the natural enclosure (every variable replaced by its interval);
* the mean-value form ``f(c) + sum_j G_j (X_j - c_j)`` with ``c`` the centre of the cell (when
  it lies in the region) and ``G_j`` an enclosure of ``df/dx_j`` over the cell, the chain rule
  going through the dependent variables.  By the mean value theorem on the segment from ``c``
  to any point of the (convex) cell this is sound, and its overestimation shrinks with the
  square of the cell width, which is what makes narrow brackets affordable.

A cell is certified when the enclosure's lower end is ``>= 0`` (``> 0`` when strict) or when an
allowed lemma certifies it; otherwise it is bisected along its relatively widest side.  The
centre value is also checked: a certified negative value there is an exact counterexample
point.  When the cell budget runs out, the cells left are reported with the fraction of the
root box's volume they cover, and the caller must not claim a proof.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from fractions import Fraction
from typing import Callable, Mapping, Protocol, Sequence

import flint
import sympy as sp

from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.evidence import IntervalCover, Leaf

from .intervals import DEFAULT_BITS, Interval, IntervalProgram, add, arb_of, fraction_of, mul, neg, precision

Cell = tuple[tuple[flint.arb, flint.arb], ...]


@lru_cache(maxsize=1024)
def _exact_at(value: Fraction, prec: int) -> Interval:
    """``Interval.exact(value)`` at precision ``prec`` (memoized: the same outward-rounded ends)."""
    return Interval.exact(value)


def _exact(value: Fraction) -> Interval:
    return _exact_at(value, flint.ctx.prec)


def _scaled(coeff: Fraction, sign: int, x: Interval) -> Interval:
    """``coeff * x`` for an exact ``coeff`` whose :func:`_sign_of` is ``sign``: ``x`` itself for 1
    and ``-x`` for -1 (the very ends ``mul`` gives with the exact coefficient), else ``mul``."""
    if sign == 1:
        return x
    if sign == -1:
        return neg(x)
    return mul(_exact(coeff), x)


def _sign_of(coeff: Fraction) -> int:
    """1 or -1 for those coefficients, 0 for any other (looked up once, not per cell)."""
    return 1 if coeff == 1 else -1 if coeff == -1 else 0


def _affine(const: Fraction, terms: Sequence[tuple[Fraction, int]], xs: Sequence[Interval]) -> Interval:
    """``const + sum_j coeff_j * x_j`` over the non-zero coefficients, summed left to right from
    ``const`` (a zero ``const`` adds nothing: ``0 + a`` is ``a`` exactly)."""
    acc = _exact(const) if const else None
    for (coeff, sign), x in zip(terms, xs):
        if coeff:
            term = _scaled(coeff, sign, x)
            acc = term if acc is None else add(acc, term)
    return acc if acc is not None else _exact(const)


@lru_cache(maxsize=1024)
def _range_of(lo: Fraction, hi: Fraction, prec: int) -> Interval:
    return Interval.of(lo, hi)


@dataclass(frozen=True)
class Dependent:
    """``symbol = const + sum_j coeffs[j] * free[j]``, a point of the region only if within ``[lower, upper]``."""

    symbol: sp.Symbol
    const: Fraction
    coeffs: tuple[Fraction, ...]
    lower: Fraction = Fraction(0)
    upper: Fraction = Fraction(1)

    @cached_property
    def terms(self) -> tuple[tuple[Fraction, int], ...]:
        """Each coefficient with its :func:`_sign_of`."""
        return tuple((c, _sign_of(c)) for c in self.coeffs)


@dataclass(frozen=True)
class Region:
    """A box over ``free`` variables and affine ``dependents`` clipped to their ranges."""

    free: tuple[sp.Symbol, ...]
    bounds: tuple[tuple[Fraction, Fraction], ...]
    dependents: tuple[Dependent, ...] = ()
    description: str = ""

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return self.free + tuple(d.symbol for d in self.dependents)

    def root(self) -> Cell:
        return tuple((arb_of(lo).lower(), arb_of(hi).upper()) for lo, hi in self.bounds)

    def values(self, cell: Cell) -> list[Interval] | None:
        """The interval of every symbol over the cell's region points; ``None`` if there are none."""
        free = [Interval(lo, hi) for lo, hi in cell]
        out = list(free)
        for d in self.dependents:
            acc = _affine(d.const, d.terms, free)
            clipped = acc.intersect(_range_of(d.lower, d.upper, flint.ctx.prec))
            if clipped.lo > clipped.hi:
                return None
            out.append(clipped)
        return out

    def point_values(self, point: Sequence[flint.arb]) -> list[Interval] | None:
        """Intervals at one exact point of the free variables, ``None`` unless it is certainly in the region."""
        out = [Interval(x, x) for x in point]
        for d in self.dependents:
            acc = _affine(d.const, d.terms, out[:len(self.free)])
            if not (acc.lo >= arb_of(d.lower).upper() and acc.hi <= arb_of(d.upper).lower()):
                return None
            out.append(acc)
        return out

    def exact_point(self, point: Sequence[flint.arb]) -> dict[sp.Symbol, Fraction]:
        """Exact rational values of every symbol at a free point (dependents computed exactly)."""
        free = [fraction_of(x) for x in point]
        values = dict(zip(self.free, free))
        for d in self.dependents:
            values[d.symbol] = d.const + sum(c * x for c, x in zip(d.coeffs, free))
        return values

    def volume(self, cell: Cell) -> float:
        vol = 1.0
        for (lo, hi), (rlo, rhi) in zip(cell, self.bounds):
            span = float(rhi - rlo)
            vol *= float((hi - lo).upper()) / span if span > 0 else 1.0
        return vol


class Enclosure:
    """Natural and mean-value enclosures of one expression over the cells of a region."""

    def __init__(self, expr: sp.Expr, region: Region):
        self.region = region
        symbols = region.symbols
        self.program = IntervalProgram(expr, symbols)
        partials = {s: sp.diff(expr, s) for s in symbols}
        self._partials = {s: IntervalProgram(d, symbols) for s, d in partials.items() if d != 0}
        index = {s: k for k, s in enumerate(symbols)}
        # d f / d free_j = sum over symbols s of (df/ds) * (ds/dfree_j)
        self._chain: list[list[tuple[int, Fraction, int, IntervalProgram]]] = []
        for j, x in enumerate(region.free):
            terms = [(index[x], Fraction(1), 1, self._partials[x])] if x in self._partials else []
            terms += [(index[d.symbol], d.coeffs[j], _sign_of(d.coeffs[j]), self._partials[d.symbol])
                      for d in region.dependents if d.coeffs[j] and d.symbol in self._partials]
            self._chain.append(terms)

    def gradient(self, values: list[Interval]) -> list[Interval] | None:
        """Enclosures of ``df/dfree_j`` over the cell, or ``None`` if one is unbounded."""
        parts = self.gradient_parts(values)
        return None if any(g is None for g in parts) else parts

    def gradient_parts(self, values: list[Interval]) -> list[Interval | None]:
        """Enclosures of ``df/dfree_j`` over the cell, ``None`` for each unbounded one."""
        out: list[Interval | None] = []
        cache: dict[int, Interval] = {}
        for terms in self._chain:
            acc: Interval | None = None  # the sum from 0: 0 + a is a exactly
            for k, coeff, sign, prog in terms:
                if k not in cache:
                    cache[k] = prog(values)
                if not cache[k].bounded:
                    break
                term = _scaled(coeff, sign, cache[k])
                acc = term if acc is None else add(acc, term)
            else:
                out.append(acc if acc is not None else _exact(Fraction(0)))
                continue
            out.append(None)
        return out

    def partial_form(self, cell: Cell, values: list[Interval], c: tuple[flint.arb, ...]) -> Interval | None:
        """Mean-value form in the directions whose partial is bounded (and that no dependent
        uses), the other variables kept as intervals: ``f(c_B, X_U) + sum_B G_j (X_j - c_j)``.

        Sound by the mean value theorem along ``x_B`` with ``x_U`` held fixed: the points
        ``(c_B, x_U)`` stay in the region because no dependent variable involves ``B``.  Used
        where the full mean-value form fails, e.g. next to a face where ``log q_i`` is unbounded."""
        parts = self.gradient_parts(values)
        used = {j for d in self.region.dependents for j, coeff in enumerate(d.coeffs) if coeff}
        chosen = [j for j, g in enumerate(parts) if g is not None and j not in used]
        if not chosen or len(chosen) == len(parts):
            return None
        collapsed = tuple((c[j], c[j]) if j in chosen else side for j, side in enumerate(cell))
        base_values = self.region.values(collapsed)
        if base_values is None:
            return None
        acc = self.program(base_values)
        if not acc.bounded:
            return None
        for j in chosen:
            lo, hi = cell[j]
            acc = add(acc, mul(parts[j], Interval((lo - c[j]).lower(), (hi - c[j]).upper())))
        return acc

    def centre(self, cell: Cell) -> tuple[flint.arb, ...]:
        return tuple(((lo + hi) / 2).mid() for lo, hi in cell)

    def __call__(self, cell: Cell, values: list[Interval]) -> tuple[Interval, Interval | None]:
        """``(enclosure over the cell, enclosure at its centre or None)``."""
        natural = self.program(values)
        self.last_gradient = None
        c = self.centre(cell)
        at_c = self.region.point_values(c)
        if at_c is None:
            return natural, None
        fc = self.program(at_c)
        if not fc.bounded:
            return natural, None
        grad = self.gradient(values)
        self.last_gradient = grad
        if grad is None:
            partial = self.partial_form(cell, values, c)
            if partial is not None:
                natural = natural.intersect(partial) if natural.bounded else partial
            return natural, fc
        acc = fc
        for g, (lo, hi), cj in zip(grad, cell, c):
            acc = add(acc, mul(g, Interval((lo - cj).lower(), (hi - cj).upper())))
        if not natural.bounded:
            return acc, fc
        return natural.intersect(acc), fc


class Lemma(Protocol):
    """A certified argument for a whole cell (given the intervals of every region symbol)."""

    name: str

    def certifies(self, values: list[Interval]) -> bool: ...


@dataclass(frozen=True)
class Cover:
    """What a branch-and-bound run established.

    ``complete``: every cell was certified (the claim holds on the whole region);
    ``violation``: an exact point where the function is certainly negative (then not complete);
    otherwise ``uncovered`` is the volume fraction of the root box left when the budget ran out."""

    complete: bool
    cells: int
    direct: int
    lemma: dict[str, int]
    empty: int
    uncovered: float
    violation: dict[sp.Symbol, Fraction] | None = None
    seconds: float = 0.0
    lowest: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: Every leaf cell of a complete cover, with how it was decided (the evidence a bundle keeps).
    leaves: tuple[Leaf, ...] = ()

    def evidence(self, label: str, expr: sp.Expr, region: Region, strict: bool = False,
                 lemma: Mapping[str, object] | None = None) -> IntervalCover:
        """The cover of ``expr >= 0`` (``> 0`` if ``strict``) on ``region`` as plain data;
        ``lemma`` describes the lemma named by ``lemma:`` leaves (its name and symbols)."""
        text = lambda x: str(x)  # noqa: E731 (exact rationals as text)
        return IntervalCover(
            label, sp.srepr(expr), tuple(sp.srepr(s) for s in region.free),
            tuple((text(lo), text(hi)) for lo, hi in region.bounds),
            tuple((sp.srepr(d.symbol), text(d.const), tuple(map(text, d.coeffs)), text(d.lower), text(d.upper))
                  for d in region.dependents),
            tuple((text(fraction_of(lo)), text(fraction_of(hi))) for lo, hi in region.root()),
            self.leaves, strict, dict(lemma or {}))

    def summary(self) -> str:
        lemmas = ", ".join(f"{n} {k}" for n, k in sorted(self.lemma.items())) or "none"
        return (f"{self.cells} cells: {self.direct} by direct enclosure, lemmas: {lemmas}, "
                f"{self.empty} outside the region; uncovered volume fraction {self.uncovered:.3g}")


def _split(cell: Cell, region: Region, root: Cell,
           gradient: list[Interval] | None = None) -> tuple[int, tuple[Cell, Cell]] | None:
    """The dimension bisected and the two halves (lower first), or None when the cell cannot be split.

    The side bisected is the relatively widest one, or, given the gradient's enclosure over the
    cell, the one with the largest ``|df/dx_j| * width_j`` (the "smear": the side that widens the
    mean-value enclosure most)."""
    best, score = None, -1.0
    for j, ((lo, hi), (rlo, rhi)) in enumerate(zip(cell, root)):
        if gradient is not None:
            g = gradient[j]
            s = max(abs(float(g.lo)), abs(float(g.hi))) * float(hi - lo)
        else:
            span = float(rhi - rlo)
            s = float(hi - lo) / span if span > 0 else 0.0
        if s > score:
            best, score = j, s
    if gradient is not None and score <= 0:  # a flat gradient says nothing: the widest side then
        return _split(cell, region, root)
    lo, hi = cell[best]
    mid = ((lo + hi) / 2).mid()
    if not (lo < mid < hi):
        return None
    left = cell[:best] + ((lo, mid),) + cell[best + 1:]
    right = cell[:best] + ((mid, hi),) + cell[best + 1:]
    return best, (left, right)


def certify_nonnegative(expr: sp.Expr, region: Region, *, lemmas: Sequence[Lemma] = (),
                        lemma_allowed: Callable[[Cell], bool] | None = None, strict: bool = False,
                        budget: int = 20000, bits: int = DEFAULT_BITS, min_width: float = 2.0**-40,
                        deadline: Deadline | None = None, smear: bool = False) -> Cover:
    """Branch and bound for ``expr >= 0`` (``> 0`` if ``strict``) on every point of ``region``;
    at most ``budget`` cells, and none after ``deadline`` (the cover is then incomplete).
    ``smear`` bisects the side with the largest ``|gradient| * width`` (see :func:`_split`)."""
    deadline = deadline or Deadline.unbounded()
    start = time.perf_counter()
    enclosure = Enclosure(expr, region)
    root = region.root()
    stack: list[Cell] = [root]
    paths: list[tuple[tuple[int, int], ...]] = [()]  # the bisections that made each cell of the stack
    leaves: list[Leaf] = []
    cells = direct = empty = 0
    used = {lemma.name: 0 for lemma in lemmas}
    lost = 0.0
    lowest = None
    with precision(bits):
        while stack and cells < budget and not (cells % 64 == 0 and deadline.expired):
            cell, path = stack.pop(), paths.pop()
            cells += 1
            values = region.values(cell)
            if values is None:
                empty += 1
                leaves.append(_leaf(path, cell, "empty"))
                continue
            enc, at_centre = enclosure(cell, values)
            if enc.lo > 0 or (not strict and enc.lo >= 0):
                direct += 1
                leaves.append(_leaf(path, cell, "enclosure", enc))
                continue
            if lemmas and (lemma_allowed is None or lemma_allowed(cell)):
                lemma = next((m for m in lemmas if m.certifies(values)), None)
                if lemma is not None:
                    used[lemma.name] += 1
                    leaves.append(_leaf(path, cell, f"lemma:{lemma.name}"))
                    continue
            if at_centre is not None and at_centre.hi < 0:
                point = region.exact_point(enclosure.centre(cell))
                return Cover(False, cells, direct, used, empty, 1.0, point, time.perf_counter() - start,
                             float(at_centre.hi))
            if at_centre is not None:
                value = float(at_centre.lo)
                lowest = value if lowest is None else min(lowest, value)
            gradient = enclosure.last_gradient if smear else None
            halves = _split(cell, region, root, gradient if gradient and all(g.bounded for g in gradient) else None)
            if halves is None or max(float(hi - lo) for lo, hi in cell) < min_width:
                lost += region.volume(cell)
                continue
            stack.extend(halves[1])
            paths.extend((path + ((halves[0], 0),), path + ((halves[0], 1),)))
    uncovered = lost + sum(region.volume(c) for c in stack)
    complete = not stack and lost == 0.0
    return Cover(complete, cells, direct, used, empty, uncovered, None, time.perf_counter() - start, lowest,
                 leaves=tuple(leaves) if complete else ())


def _leaf(path: tuple[tuple[int, int], ...], cell: Cell, decision: str, enc: Interval | None = None) -> Leaf:
    """A decided cell as plain data (exact rational bounds as text)."""
    box = tuple((str(fraction_of(lo)), str(fraction_of(hi))) for lo, hi in cell)
    bounds = None if enc is None else (str(fraction_of(enc.lo)), str(fraction_of(enc.hi)))
    return Leaf(path, box, decision, bounds)
