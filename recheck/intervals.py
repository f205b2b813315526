"""Re-running an interval cover box by box with mpmath's interval arithmetic.

A cover claims ``F >= 0`` (``> 0`` when strict) on a region: a box over free variables, and
dependent variables affine in them and clipped to a range.  The re-check is independent of the
code that built the cover (another interval library, another evaluator) and sound on its own:

1. **The leaves cover the region.**  Each leaf's path of bisections is read as a binary tree:
   every inner node must have two children whose boxes are the node's box split along one side at
   one point, the root's box must be the recorded root, and the root must contain the region's
   box.  So the leaves partition the root box.
2. **Each leaf is decided.**  ``empty``: the affine range of some dependent over the box misses
   its range (exact rational arithmetic).  ``enclosure``: ``F`` over the box (dependents clipped)
   is enclosed by mpmath intervals -- the natural enclosure, else the mean-value form around the
   box's centre -- and its lower end is ``>= 0``; when neither decides, the box is bisected
   here (a finite number of times) and every piece is decided.  ``lemma:segment convexity``:
   the lemma's hypotheses are re-checked -- ``F`` vanishes at the anchor, its gradient there is
   the same in every moving coordinate, every mixed second derivative is identically 0 (SymPy,
   once per cover) -- and on the box widened to contain the anchor every ``d^2F/dq_i^2`` is
   ``>= 0`` by the signs of its factors (mpmath enclosures, with bisection; see
   :func:`_second_derivatives_ok`).  Then ``F`` is convex along every segment from the anchor
   with value and slope 0 there, so ``F >= 0`` on the box.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

import mpmath
import sympy as sp

from .srepr import XLogX, read

iv = mpmath.iv
#: Working precision (bits) of the interval evaluations, and the extra bits of a point check.
PREC, POINT_PREC = 113, 400
#: Bisections a re-check may add below one leaf before it gives up on it.
DEPTH = 8


class _Unbounded(Exception):
    """An operation whose enclosure is unbounded or undefined on the box."""


def _number(value: Fraction):
    """An interval containing the rational ``value``."""
    return iv.mpf(value.numerator) / iv.mpf(value.denominator)


def _hull(lo: Fraction, hi: Fraction):
    return iv.mpf([_number(lo).a, _number(hi).b])


def _xlogx(x):
    """Enclosure of ``x log x`` (``0 log 0 = 0``) over ``x >= 0``."""
    if x.a < 0:
        raise _Unbounded("x log x of a negative number")

    def at(v):  # an interval containing v log v at the point v
        point = iv.mpf(v)
        return iv.mpf(0) if v == 0 else point * iv.log(point)
    ends = [at(x.a), at(x.b)]
    lo = min(e.a for e in ends)
    hi = max(e.b for e in ends)
    inv_e = iv.exp(iv.mpf(-1))
    if x.a <= inv_e.b and x.b >= inv_e.a:  # the minimum -1/e may lie inside
        lo = min(lo, (-inv_e).a)
    return iv.mpf([lo, hi])


def _pow(base, exponent: sp.Expr):
    if exponent.is_Integer:
        k = int(exponent)
        if k >= 0:
            if k % 2 == 0 and base.a <= 0 <= base.b:
                top = max(abs(base.a), abs(base.b)) ** k
                return iv.mpf([0, top.b])
            return base ** k
        if base.a <= 0 <= base.b:
            raise _Unbounded("a negative power of an interval containing 0")
        return 1 / (base ** (-k))
    raise _Unbounded("a power with a non-integer exponent (handled by the compiler)")


def compile_interval(expr: sp.Expr, symbols: list[sp.Symbol]) -> Callable[[list], object]:
    """``expr`` as a function of intervals for ``symbols`` (raises :class:`_Unbounded`)."""
    index = {s: k for k, s in enumerate(symbols)}

    def build(e: sp.Expr):
        if e in index:
            k = index[e]
            return lambda env: env[k]
        if e.is_Rational:
            value = Fraction(int(e.p), int(e.q))
            return lambda env: _number(value)
        if e is sp.pi or e is sp.E:
            constant = iv.pi if e is sp.pi else iv.e
            return lambda env: constant
        parts = [build(a) for a in e.args]
        if isinstance(e, sp.Add):
            def add(env):
                total = parts[0](env)
                for f in parts[1:]:
                    total = total + f(env)
                return total
            return add
        if isinstance(e, sp.Mul):
            def mul(env):
                total = parts[0](env)
                for f in parts[1:]:
                    total = total * f(env)
                return total
            return mul
        if isinstance(e, sp.Pow):
            base, exponent = parts[0], e.args[1]
            if exponent.is_Integer:
                return lambda env: _pow(base(env), exponent)
            power = parts[1]

            def real_power(env):
                b, x = base(env), power(env)
                if b.a > 0:
                    return iv.exp(x * iv.log(b))
                if b.a == 0 and x.a > 0 and b.b > 0:  # b^x on [0, b.b], increasing in b for x > 0
                    top = iv.exp(x * iv.log(iv.mpf(b.b)))
                    return iv.mpf([0, top.b])
                raise _Unbounded("a real power of a non-positive number")
            return real_power
        if isinstance(e, sp.log):
            def log(env):
                x = parts[0](env)
                if x.a <= 0:
                    raise _Unbounded("log of a number that may be 0")
                return iv.log(x)
            return log
        if isinstance(e, sp.exp):
            return lambda env: iv.exp(parts[0](env))
        if isinstance(e, XLogX):
            return lambda env: _xlogx(parts[0](env))
        raise _Unbounded(f"{type(e).__name__} is outside the interval evaluator")
    return build(expr)


class Cover:
    """A cover's data read for re-checking (see the module docstring)."""

    def __init__(self, data: dict):
        self.function = read(data["function"])
        self.strict = bool(data.get("strict", False))
        self.free = [read(s) for s in data["free"]]
        self.bounds = [(Fraction(a), Fraction(b)) for a, b in data["bounds"]]
        self.dependents = [(read(d["symbol"]), Fraction(d["const"]), [Fraction(c) for c in d["coefficients"]],
                            Fraction(d["lower"]), Fraction(d["upper"])) for d in data["dependents"]]
        self.root = [(Fraction(a), Fraction(b)) for a, b in data["root"]]
        self.leaves = data["leaves"]
        self.lemma = data.get("lemma") or {}
        self.symbols = self.free + [d[0] for d in self.dependents]
        self._validate()
        self.program = compile_interval(self.function, self.symbols)
        partials = {s: sp.diff(self.function, s) for s in self.symbols}
        self.gradient = []
        for j, x in enumerate(self.free):
            total = partials[x] + sp.Add(*(sp.Rational(c[j].numerator, c[j].denominator) * partials[s]
                                           for s, _, c, _, _ in self.dependents if c[j]))
            self.gradient.append(compile_interval(total, self.symbols))

    def _validate(self) -> None:
        """Every box has one side per free variable with ``lo <= hi``, every dependent one
        coefficient per free variable, and no symbol is named twice (ValueError otherwise)."""
        k = len(self.free)
        if len(self.bounds) != k or len(self.root) != k:
            raise ValueError(f"{k} free variables but {len(self.bounds)} bounds and a root box of {len(self.root)} sides")
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("a symbol is named twice among the free and dependent variables")
        for _, _, coeffs, lower, upper in self.dependents:
            if len(coeffs) != k or lower > upper:
                raise ValueError("a dependent variable needs one coefficient per free variable and lower <= upper")
        boxes = [self.bounds, self.root] + [[(Fraction(a), Fraction(b)) for a, b in leaf["box"]] for leaf in self.leaves]
        for box in boxes:
            if len(box) != k or any(lo > hi for lo, hi in box):
                raise ValueError(f"a box is not {k} intervals with lo <= hi")
        if self.function.free_symbols - set(self.symbols):
            raise ValueError(f"the function uses symbols outside the region: {sorted(map(str, self.function.free_symbols - set(self.symbols)))}")

    # -- the region ---------------------------------------------------------------------------
    def empty(self, box: list[tuple[Fraction, Fraction]]) -> bool:
        """Exactly: some dependent's affine range over ``box`` misses its allowed range."""
        for _, const, coeffs, lower, upper in self.dependents:
            lo = const + sum(c * (a if c > 0 else b) for c, (a, b) in zip(coeffs, box))
            hi = const + sum(c * (b if c > 0 else a) for c, (a, b) in zip(coeffs, box))
            if hi < lower or lo > upper:
                return True
        return False

    def values(self, box: list[tuple[Fraction, Fraction]]) -> list | None:
        """Intervals of every symbol over the region points of ``box`` (dependents clipped)."""
        free = [_hull(a, b) for a, b in box]
        out = list(free)
        for _, const, coeffs, lower, upper in self.dependents:
            acc = _number(const)
            for c, x in zip(coeffs, free):
                if c:
                    acc = acc + _number(c) * x
            lo, hi = max(acc.a, _number(lower).a), min(acc.b, _number(upper).b)
            if lo > hi:
                return None
            out.append(iv.mpf([lo, hi]))
        return out

    def _centre_values(self, box) -> list | None:
        centre = [(a + b) / 2 for a, b in box]
        out = [_number(c) for c in centre]
        for _, const, coeffs, lower, upper in self.dependents:
            value = const + sum(c * x for c, x in zip(coeffs, centre))
            if not lower <= value <= upper:
                return None
            out.append(_number(value))
        return out

    # -- deciding a box ------------------------------------------------------------------------
    def _sign_ok(self, enclosure) -> bool:
        return enclosure.a > 0 or (not self.strict and enclosure.a >= 0)

    def decides(self, box) -> bool:
        """``F >= 0`` (``> 0``) on the region points of ``box`` by one enclosure (natural or mean value)."""
        values = self.values(box)
        if values is None:
            return True
        try:
            if self._sign_ok(self.program(values)):
                return True
        except _Unbounded:
            pass
        centre = self._centre_values(box)
        if centre is None:
            return False
        try:
            acc = self.program(centre)
            for g, (a, b), c in zip(self.gradient, box, centre):
                acc = acc + g(values) * (_hull(a, b) - c)
        except _Unbounded:
            return False
        return self._sign_ok(acc)

    def holds(self, box, depth: int = DEPTH) -> bool:
        """:meth:`decides` on ``box``, bisecting it (at most ``depth`` times along any path) when needed."""
        if self.empty(box) or self.decides(box):
            return True
        halves = _halves(box) if depth else []
        return bool(halves) and all(self.holds(half, depth - 1) for half in halves)


def _halves(box: list[tuple[Fraction, Fraction]]) -> list[list[tuple[Fraction, Fraction]]]:
    """The two halves of ``box`` across its widest side (none for a box without sides)."""
    if not box:
        return []
    j = max(range(len(box)), key=lambda k: box[k][1] - box[k][0])
    a, b = box[j]
    mid = (a + b) / 2
    return [box[:j] + [side] + box[j + 1:] for side in ((a, mid), (mid, b))]


def _coverage(cover: Cover) -> str:
    """"" when the leaves partition the recorded root box, which contains the region; else why not."""
    for (ra, rb), (a, b) in zip(cover.root, cover.bounds):
        if not (ra <= a and b <= rb):
            return "the root box does not contain the region's box"
    if not cover.free:
        return "" if len(cover.leaves) == 1 and not cover.leaves[0]["path"] else "a point cover has one leaf"
    tree: dict = {}
    for k, leaf in enumerate(cover.leaves):
        node = tree
        for dim, side in leaf["path"]:
            if "leaf" in node:
                return "a leaf lies inside another leaf"
            if node.setdefault("dim", dim) != dim:
                return "two leaves disagree on where a cell was bisected"
            node = node.setdefault(int(side), {})
        if node:
            return "a leaf lies inside another leaf or repeats one"
        node["leaf"] = [(Fraction(a), Fraction(b)) for a, b in leaf["box"]]

    def box_of(node) -> list | str:
        if "leaf" in node:
            return node["leaf"]
        if 0 not in node or 1 not in node:
            return "a bisected cell lacks one of its halves"
        low, high = box_of(node[0]), box_of(node[1])
        if isinstance(low, str):
            return low
        if isinstance(high, str):
            return high
        d = node["dim"]
        if any(low[k] != high[k] for k in range(len(low)) if k != d) or low[d][1] != high[d][0] or \
                not low[d][0] < low[d][1] < high[d][1]:
            return "two halves of a cell do not fit together (a cell was changed)"
        return low[:d] + [(low[d][0], high[d][1])] + low[d + 1:]
    found = box_of(tree)
    if isinstance(found, str):
        return found
    return "" if found == cover.root else "the leaves do not make up the root box"


def _segment_lemma(cover: Cover) -> tuple[list, str]:
    """The once-per-cover hypotheses of segment convexity (SymPy), and for each moving coordinate
    ``q`` the factors of ``d^2F/dq^2`` to enclose per cell: its sign, the numerator factors
    ``(program, power)`` and the denominator factors ``(program, power, at anchor)``, each
    denominator factor affine in the moving coordinates."""
    moving = [read(s) for s in cover.lemma.get("moving", [])]
    anchors = [read(s) for s in cover.lemma.get("anchors", [])]
    if not moving or len(moving) != len(anchors):
        return [], "the lemma's moving and anchor coordinates are missing"
    F = cover.function
    at = dict(zip(moving, anchors))
    # the slope at the anchor, g * sum_i (q_i - a_i), is 0 only where the moving coordinates and the
    # anchors have the same sum: on the region (dependents substituted) the difference must vanish
    affine = {s: const + sp.Add(*(sp.Rational(c.numerator, c.denominator) * x for c, x in zip(coeffs, cover.free)))
              for s, const, coeffs, _, _ in cover.dependents}
    if set(moving) - set(cover.symbols) or len(set(moving)) != len(moving):
        return [], "the moving coordinates are not distinct variables of the region"
    if sp.expand((sp.Add(*moving) - sp.Add(*anchors)).xreplace(affine)) != 0:
        return [], "the moving coordinates and the anchors do not have the same sum on the region, so the slope at the anchor need not be 0"
    as_log = lambda e: sp.expand(sp.expand_log(e.rewrite(sp.log), force=True))  # noqa: E731
    zero = lambda e: as_log(e) == 0 or sp.simplify(as_log(e)) == 0  # noqa: E731
    if not zero(F.xreplace(at)):
        return [], "F does not vanish at the anchor"
    grads = [sp.diff(F, q).xreplace(at) for q in moving]
    if not all(zero(g - grads[0]) for g in grads[1:]):
        return [], "the gradient at the anchor is not the same in every coordinate"
    for i, qi in enumerate(moving):
        for qj in moving[i + 1:]:
            if not zero(sp.diff(F, qi, qj)):
                return [], f"F is not separable in {qi}, {qj}"
    entries = []
    for q in moving:
        numer, denom = sp.fraction(sp.factor(sp.together(sp.diff(F, q, 2).rewrite(sp.log))))
        coeff_n, factors_n = sp.factor_list(numer)
        coeff_d, factors_d = sp.factor_list(denom)
        sign = sp.sign(coeff_n / coeff_d)
        if sign not in (1, -1):
            return [], f"the sign of the constant of d^2F/d{q}^2 is not decided"
        # each factor collected in the moving coordinates (q (1 - a) + a p rather than a p - a q + q),
        # so that its enclosure does not count a parameter twice
        tidy = lambda f: sp.collect(sp.expand(f), moving)  # noqa: E731
        numerators = [(compile_interval(tidy(f), cover.symbols), k) for f, k in factors_n]
        denominators = []
        for f, k in factors_d:
            f = tidy(f)
            if sp.Poly(f, *moving).total_degree() > 1:
                return [], f"a denominator factor of d^2F/d{q}^2 is not affine in the moving coordinates: {f}"
            if sp.expand(f.xreplace(at)) == 0:
                return [], f"a denominator factor of d^2F/d{q}^2 vanishes at every anchor: {f}"
            denominators.append((compile_interval(f, cover.symbols), k, compile_interval(f.xreplace(at), cover.symbols)))
        entries.append((int(sign), numerators, denominators))
    index = {s: k for k, s in enumerate(cover.symbols)}
    return [(entries, [(index[q], a) for q, a in zip(moving, anchors)], index)], ""


def _signed(enclosure, strict: bool = False) -> int:
    """+1 or -1 when the enclosure has that sign (weakly unless ``strict``), else 0."""
    if enclosure.a > 0 or (not strict and enclosure.a >= 0):
        return 1
    if enclosure.b < 0 or (not strict and enclosure.b <= 0):
        return -1
    return 0


def _second_derivatives_ok(entries, values, widened) -> bool:
    """Every ``d^2F/dq_i^2 >= 0`` on the widened cell, by the signs of its factors: numerator
    factors by enclosure; each denominator factor has one weak sign at the anchors of the cell
    (it is not identically 0 there, so it is non-zero at the anchors of a dense open part of the
    cell) and the same weak sign on the widened cell, so, affine, it does not vanish between such
    an anchor and the cell.  ``F`` (in ``x log x`` form) is continuous on the closed region, so
    ``F >= 0`` on that dense part gives it on the whole cell."""
    for sign, numerators, denominators in entries:
        total = sign
        for program, power in numerators:
            if power % 2 == 0:
                continue
            s = _signed(program(widened))
            if s == 0:
                return False
            total *= s
        for program, power, at_anchor in denominators:
            s = _signed(at_anchor(values))
            if s == 0 or _signed(program(widened)) != s:
                return False
            if power % 2:
                total *= s
        if total < 0:
            return False
    return True


def _convex_on(cover: Cover, lemma, box, depth: int = DEPTH) -> bool:
    """Every ``d^2F/dq_i^2 >= 0`` on ``box`` widened to contain the anchor (bisecting when needed)."""
    entries, pairs, index = lemma
    values = cover.values(box)
    if values is None:
        return True
    widened = list(values)
    for k, anchor in pairs:
        a = values[index[anchor]] if anchor in index else _hull(Fraction(str(anchor)), Fraction(str(anchor)))
        widened[k] = iv.mpf([min(values[k].a, a.a), max(values[k].b, a.b)])
    try:
        if _second_derivatives_ok(entries, values, widened):
            return True
    except _Unbounded:
        pass
    halves = _halves(box) if depth else []
    return bool(halves) and all(_convex_on(cover, lemma, half, depth - 1) for half in halves)


def check_part(data: dict, start: int = 0, stop: int | None = None, coverage: bool = True) -> tuple[str, str, dict]:
    """Leaves ``start:stop`` of one cover (and, with ``coverage``, that the leaves cover the
    region): ``(status, detail, counts)``, the counts of the leaves confirmed per decision."""
    counts = {"enclosure": 0, "empty": 0, "lemma": 0}
    with mpmath.workprec(PREC):
        cover = Cover(data)
        if coverage:
            why = _coverage(cover)
            if why:
                return "disagree", why, counts
        lemma, lemma_why, unknown_decision = None, "", ""
        for leaf in cover.leaves[start:stop]:
            box = [(Fraction(a), Fraction(b)) for a, b in leaf["box"]]
            decision = leaf["decision"]
            if decision == "empty":
                if not cover.empty(box):
                    return "disagree", f"a cell marked empty holds points of the region: {leaf['box']}", counts
                counts["empty"] += 1
            elif decision == "enclosure":
                ok = cover.holds(box) if cover.free else _point_holds(cover)
                if not ok:
                    return "disagree", f"F {'>' if cover.strict else '>='} 0 is not confirmed on the cell {leaf['box']}", counts
                counts["enclosure"] += 1
            elif decision.startswith("lemma:segment convexity"):
                if lemma is None and not lemma_why:
                    found, lemma_why = _segment_lemma(cover)
                    lemma = found[0] if found else None
                if lemma is None:
                    return "disagree", f"segment convexity: {lemma_why}", counts
                if not _convex_on(cover, lemma, box):
                    return "disagree", f"a second derivative is not confirmed >= 0 on the widened cell {leaf['box']}", counts
                counts["lemma"] += 1
            else:
                unknown_decision = unknown_decision or decision
    if unknown_decision:  # every other leaf was confirmed: a disagreement would have returned first
        return "skipped", f"a cell decided by {unknown_decision}, which this re-check does not know", counts
    return "agree", "", counts


def described(counts: dict) -> str:
    """The line of an agreeing cover."""
    total = sum(counts.values())
    return (f"{total} cells re-checked with mpmath intervals: {counts['enclosure']} by enclosure, "
            f"{counts['lemma']} by segment convexity, {counts['empty']} outside the region")


def check_cover(data: dict) -> tuple[str, str]:
    """``("agree" | "disagree" | "skipped", detail)`` for one cover's JSON data (every leaf)."""
    status, detail, counts = check_part(data)
    return status, detail or described(counts)


def _point_holds(cover: Cover) -> bool:
    """A constant's sign, at a higher precision when the working one does not decide it."""
    for prec in (PREC, POINT_PREC):
        with mpmath.workprec(prec):
            try:
                if cover._sign_ok(compile_interval(cover.function, [])([])):
                    return True
            except _Unbounded:
                return False
    return False
