"""Counterexample search for axioms on whole vectors: floats propose, exact arithmetic decides.

Where Z3 times out (roots and normalizations of geometric aggregation, say), a violation can
still be found by looking for it.  For a formula ``F`` (relations joined by And/Or/Not/Implies)
the *violation margin* ``m`` is a real function that is positive exactly where ``F`` is false:

    m(a <= b) = m(a < b) = a - b,   m(a >= b) = m(a > b) = b - a,   m(a = b) = |a - b|,
    m(And(F, G)) = max(m(F), m(G)),  m(Or(F, G)) = min(m(F), m(G)),  m(Not F) = -m(F),
    m(Implies(F, G)) = m(G) where m(F) <= 1e-12, else -m(F).

(An Implies is not ``min(-m(F), m(G))``: a premise with an equality, such as weights summing
to 1, has ``m(F) = 0`` where it holds, and the minimum would hide every violation.)

``m`` is lambdified once (numpy) and evaluated on many seeded random points at once: inputs from
a flat-or-sparse Dirichlet (small coordinates matter near the boundary), a share of them on
faces of the simplex (exact zeros) where the axiom allows the boundary, parameters uniform in
their domains (unbounded ones log-uniform on ``[1/4, 4]``).  The points with the largest positive
margin are rounded to rationals (each input rescaled exactly onto the simplex) at growing
denominators and replayed exactly by :meth:`Axiom.violated_at`.  Only a replayed point is a
witness: the floats never decide anything, so the search can refute but never prove.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Iterable

import numpy as np
import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from kdaxioms.symbolic.axioms import AUXILIARY_DOMAINS, Axiom
from kdaxioms.symbolic.domains import exponent_symbols, grid_values, interval_of, solve_constraints
from kdaxioms.symbolic.errors import InputError, ModelError
from kdaxioms.symbolic.outcome import REFUTED, Outcome, unknown
from kdaxioms.symbolic.points import Point, on_simplex

#: Denominators tried, smallest first, when a float proposal is made exact (kept small: SymPy
#: reduces rational powers of rationals by factoring, which is slow for large denominators).
DENOMINATORS = (10, 100, 1000)
#: Parameters (often exponents) keep denominators at most this: exact powers stay small.
PARAMETER_DENOMINATOR = 100
#: Dirichlet concentrations of the drawn inputs: flat, and sparse (mass near the boundary).
CONCENTRATIONS = (1.0, 0.3)
#: Share of the drawn points of a boundary-allowed input put on a face of the simplex.
FACE_SHARE = 0.3
#: A premise whose float margin is at most this counts as holding.
PREMISE_SLACK = 1e-12
#: Float margins at or below this are treated as noise, not proposals.
NOISE = 1e-9


def margin(formula: sp.Basic) -> sp.Expr:
    """The violation margin of ``formula`` (see the module docstring) as one SymPy expression."""
    return _margin(formula, lambda premise, conclusion: sp.Piecewise((conclusion, premise <= PREMISE_SLACK),
                                                                       (-premise, True)))


#: ``Implies``'s margin as an opaque function for :func:`margin_function` (SymPy's NumPy printer
#: simplifies every Piecewise condition, which takes seconds on an axiom's whole-vector formula).
_IMPLIES = sp.Function("implies_margin")


def _implies(premise: np.ndarray, conclusion: np.ndarray) -> np.ndarray:
    return np.where(premise <= PREMISE_SLACK, conclusion, -premise)


class _ArgumentPrinter(NumPyPrinter):
    """NumPy code in which each argument symbol is printed as a plain identifier of ours."""

    def __init__(self, names: dict[sp.Symbol, str]):
        super().__init__({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True})
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = self._names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    def _print_ITE(self, expr: sp.ITE) -> str:
        condition, then, otherwise = (self._print(a) for a in expr.args)
        return f"{self._module_format('numpy.where')}({condition}, {then}, {otherwise})"

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        """``numpy.select`` as NumPy's printer writes it, but each condition printed as it is:
        that printer simplifies every condition holding an ITE first (seconds per Piecewise)."""
        exprs = ",".join(self._print(arg.expr) for arg in expr.args)
        conds = ",".join(self._print(arg.cond) for arg in expr.args)
        return f"{self._module_format('numpy.select')}([{conds}], [{exprs}], default={self._print(sp.nan)})"


def margin_function(formula: sp.Basic, args: list[sp.Symbol]):
    """The margin of ``formula`` as a NumPy function of ``args`` (in order).  The arguments are
    printed as plain identifiers (``_x0, _x1, ...``) and Max, Min and Implies are built
    unevaluated, so that the formula is printed as built: no substitution, no evaluation by
    SymPy and no renaming by lambdify rebuilds it, and no Piecewise condition is simplified
    (NumPy's printer does that to a condition holding an ITE: 11 of the 14 s of the audit of
    ``top-k-renormalization`` at ``--max-n 2``)."""
    taken = {s.name for s in formula.free_symbols}
    prefix = "_x"
    while any(name.startswith(prefix) for name in taken):
        prefix = "_" + prefix
    names = {s: f"{prefix}{k}" for k, s in enumerate(args)}
    body = _margin(formula, _IMPLIES)
    return sp.lambdify([sp.Symbol(name) for name in names.values()], body,
                       modules=[{"implies_margin": _implies}, "numpy"], printer=_ArgumentPrinter(names),
                       dummify=False)


def _margin(formula: sp.Basic, implies) -> sp.Expr:
    if formula is sp.true:
        return sp.Integer(-1)
    if formula is sp.false:
        return sp.Integer(1)
    if isinstance(formula, sp.And):  # unevaluated: evaluating compares every pair of arguments
        return sp.Max(*(_margin(a, implies) for a in formula.args), evaluate=False)
    if isinstance(formula, sp.Or):
        return sp.Min(*(_margin(a, implies) for a in formula.args), evaluate=False)
    if isinstance(formula, sp.Not):
        return -_margin(formula.args[0], implies)
    if isinstance(formula, sp.Implies):  # violated where the premise holds and the conclusion fails
        return implies(_margin(formula.args[0], implies), _margin(formula.args[1], implies))
    if isinstance(formula, (sp.LessThan, sp.StrictLessThan)):
        return formula.lhs - formula.rhs
    if isinstance(formula, (sp.GreaterThan, sp.StrictGreaterThan)):
        return formula.rhs - formula.lhs
    if isinstance(formula, sp.Eq):
        return sp.Abs(formula.lhs - formula.rhs)
    if isinstance(formula, sp.Ne):
        return -sp.Abs(formula.lhs - formula.rhs)
    raise ModelError(f"no violation margin for {type(formula).__name__}")


def _bounds(domain: sp.Interval) -> tuple[float, float, bool]:
    """``(lo, hi, logarithmic)`` for drawing a parameter in ``domain``."""
    lo, hi = domain.start, domain.end
    if lo.is_finite and hi.is_finite:
        return float(lo), float(hi), False
    lo = max(float(lo), 0.25) if lo.is_finite else 0.25
    return lo, max(4.0, 4 * lo), True


class _Space:
    """Random points for one axiom at one support size ``n``."""

    def __init__(self, ax: Axiom, n: int):
        op = ax.operator
        formula = ax.vector_formula(n)
        self.n, self.inputs = n, op.vector_inputs(n)
        self.interior = set(op.inputs) if ax.spec.interior else set(op.interior_inputs)
        coordinates = {s for syms in self.inputs.values() for s in syms}
        domains = {p.symbol: p.interval() for p in op.parameters}
        for symbol, condition in AUXILIARY_DOMAINS.items():
            domains[symbol] = interval_of(symbol, condition)
        # every parameter is drawn (a witness names them all), also one the formula does not use
        # that a constraint ties to one it does
        self.parameters = sorted((formula.free_symbols - coordinates) | set(op.parameter_symbols), key=str)
        missing = [s.name for s in self.parameters if s not in domains]
        if missing:
            raise ModelError(f"no domain to draw {missing} from")
        self.dependent = solve_constraints(op.constraints, self.parameters)
        self.parameters = [s for s in self.parameters if s not in self.dependent]
        self.domains = {s: _bounds(domains[s]) for s in self.parameters}
        # a dependent parameter is an argument computed from the drawn ones (substituting it
        # into the formula would rebuild the whole formula)
        self._dependent = [sp.lambdify(self.parameters, e, "numpy") for e in self.dependent.values()]
        args = [s for name in op.inputs for s in self.inputs[name]] + self.parameters + list(self.dependent)
        self.function = margin_function(formula, args)

    def draw(self, rng: np.random.Generator, count: int) -> tuple[dict[str, np.ndarray], dict[sp.Symbol, np.ndarray]]:
        alpha = CONCENTRATIONS[int(rng.integers(len(CONCENTRATIONS)))]
        inputs = {name: rng.dirichlet(np.full(self.n, alpha), size=count) for name in self.inputs}
        for name, points in inputs.items():
            if name not in self.interior:
                _faces(rng, points)
        params = {}
        for s, (lo, hi, logarithmic) in self.domains.items():
            u = rng.uniform(size=count)
            params[s] = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo))) if logarithmic else lo + u * (hi - lo)
        return inputs, params

    def margins(self, inputs, params) -> np.ndarray:
        drawn = [params[s] for s in self.parameters]
        count = len(next(iter(inputs.values())))
        args = ([inputs[name][:, i] for name in self.inputs for i in range(self.n)] + drawn
                + [np.broadcast_to(np.asarray(f(*drawn), dtype=float), (count,)) for f in self._dependent])
        with np.errstate(all="ignore"):
            out = np.broadcast_to(np.asarray(self.function(*args), dtype=float), (count,))
        return np.where(np.isfinite(out), out, -np.inf)


def _faces(rng: np.random.Generator, points: np.ndarray) -> None:
    """Put a share :data:`FACE_SHARE` of ``points`` (rows on the simplex) on random faces, in place:
    each coordinate of a chosen row is zeroed with probability 1/2, its largest one kept, and the
    row renormalized (so faces of every dimension, vertices included, are drawn)."""
    count, n = points.shape
    rows = rng.uniform(size=count) < FACE_SHARE
    drop = rng.uniform(size=(count, n)) < 0.5
    drop[np.arange(count), points.argmax(axis=1)] = False
    drop &= rows[:, None]
    points[drop] = 0.0
    points /= points.sum(axis=1, keepdims=True)


def _exact(space: _Space, inputs, params, k: int, denominator: int) -> Point | None:
    vectors = {}
    for name, arr in inputs.items():
        vec = on_simplex(arr[k], denominator, name in space.interior)
        if vec is None:
            return None
        vectors[name] = vec
    values = {s: Fraction(float(params[s][k])).limit_denominator(min(denominator, PARAMETER_DENOMINATOR))
              for s in space.parameters}
    exact = {s: sp.Rational(v.numerator, v.denominator) for s, v in values.items()}
    for s, expr in space.dependent.items():
        v = sp.Rational(expr.xreplace(exact))
        values[s] = Fraction(int(v.p), int(v.q))
    return Point(vectors, {s.name: v for s, v in values.items()})


def _replays(ax: Axiom, point: Point) -> bool:
    try:
        return ax.violated_at(point) is True
    except (InputError, ModelError, ZeroDivisionError, ValueError, OverflowError):
        return False  # outside the domain, or too large to evaluate exactly: not a witness


def search_violation(ax: Axiom, sizes: Iterable[int] = (2, 3), seed: int = 0, rounds: int = 20,
                     batch: int = 20000, candidates: int = 8, budget_s: float = 20.0) -> Outcome:
    """Look for a point where ``ax`` fails; ``refuted`` only with an exactly replayed witness.

    Per size: ``rounds`` seeded batches of ``batch`` float points; the ``candidates`` largest
    positive margins of each batch are made exact and replayed.  Stops at the first witness or
    when ``budget_s`` seconds are spent (then ``unknown``: not finding is not a proof)."""
    start, drawn, replayed = time.perf_counter(), 0, 0
    rng = np.random.default_rng(seed)
    sizes = list(sizes)
    for n in sizes:
        try:
            space = _Space(ax, n)
        except ModelError as err:
            return unknown(f"no search for {ax.spec.name}: {err}")
        for _ in range(rounds):
            if time.perf_counter() - start > budget_s:
                break
            inputs, params = space.draw(rng, batch)
            m = space.margins(inputs, params)
            drawn += batch
            order = np.argsort(-m)[:candidates]
            for k in order[m[order] > NOISE]:
                if time.perf_counter() - start > budget_s:
                    break
                for denominator in DENOMINATORS:
                    point = _exact(space, inputs, params, int(k), denominator)
                    replayed += 1
                    if point is not None and _replays(ax, point):
                        steps = (rf"seeded search (seed {seed}): {drawn} float points at $n \in \{{{', '.join(map(str, sizes))}\}}$, "
                                 rf"{replayed} made exact and replayed; the witness fails the axiom in exact arithmetic",)
                        return Outcome(REFUTED, f"n={n}", steps, point,
                                       data={"drawn": drawn, "replayed": replayed, "seconds": time.perf_counter() - start})
    capped = " (stopped by the time cap, so the count depends on the machine)" if drawn < rounds * batch * len(sizes) else ""
    return unknown(f"no violation found in {drawn} seeded float points{capped} (n in {sizes}, seed {seed}); "
                   "a search that finds nothing proves nothing")


# -- the exact stage: a few exact points, replayed one by one -------------------------------------

#: Denominators of the exact stage's coordinates and parameters, small first: a witness found
#: early is readable as it is (no shrinking needed).
EXACT_DENOMINATORS = (10, 100, 1000)


def _exact_value(rng: np.random.Generator, domain: sp.Interval, denominator: int) -> Fraction:
    """A rational of ``domain`` with denominator ``denominator`` (log-uniform on ``[1/4, 4]`` scale
    for a half-line), drawn until it lies inside (open ends)."""
    lo, hi, logarithmic = _bounds(domain)
    start = Fraction(str(domain.start)) if domain.start.is_finite else None
    end = Fraction(str(domain.end)) if domain.end.is_finite else None
    for _ in range(100):
        u = rng.uniform()
        x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))) if logarithmic else lo + u * (hi - lo)
        value = Fraction(round(x * denominator), denominator)
        above = start is None or value > start or (value == start and not domain.left_open)
        below = end is None or value < end or (value == end and not domain.right_open)
        if above and below:
            return value
    raise ModelError(f"no rational of denominator {denominator} found inside {domain}")


def sample_exact(ax: Axiom, sizes: Iterable[int], seed: int = 0, draws: int = 24, all_interior: bool = False) -> Outcome:
    """``refuted`` when one of ``draws`` seeded exact points violates ``ax`` in exact replay
    (:meth:`Axiom.violated_at`, which checks the premise first); ``unknown`` otherwise.

    Two draws per size of ``sizes``, then the next denominator of :data:`EXACT_DENOMINATORS`
    (small first); each input is a flat-Dirichlet point made exact by
    :func:`~kdaxioms.symbolic.points.on_simplex`, put on a random face (coordinates zeroed) with
    probability :data:`FACE_SHARE` where the axiom allows the boundary; each parameter is a rational
    of its domain (exponent parameters from the audit's grid, dependent ones solved from the
    constraints), auxiliary symbols of the axiom (a raise share, a softening temperature) from
    their domains.  Most planted bugs are violated almost everywhere: this finds them in a few
    milliseconds, before any float search or solver.  ``all_interior`` draws every input in the
    open simplex (a search for an interior witness)."""
    op = ax.operator
    rng = np.random.default_rng(seed)
    sizes = list(sizes)
    interior = set(op.inputs) if ax.spec.interior or all_interior else set(op.interior_inputs)
    auxiliary = sorted(set(AUXILIARY_DOMAINS) & ax.vector_formula(sizes[0]).free_symbols, key=str)
    dependent = solve_constraints(op.constraints, list(op.parameter_symbols))
    gridded = exponent_symbols(op.component)
    drawn = [p for p in op.parameters if p.symbol not in dependent]
    intervals = {p.symbol: p.interval() for p in drawn} | {s: interval_of(s, AUXILIARY_DOMAINS[s]) for s in auxiliary}
    grids = {p.symbol: grid_values(p.symbol, p.domain, p) for p in drawn if p.symbol in gridded}
    for k in range(draws):  # two draws per size and denominator, smallest first
        n = sizes[(k // 2) % len(sizes)]
        denominator = EXACT_DENOMINATORS[min(k // (2 * len(sizes)), len(EXACT_DENOMINATORS) - 1)]
        values: dict[sp.Symbol, Fraction] = {}
        for p in drawn:
            grid = grids.get(p.symbol)
            if grid:
                v = grid[int(rng.integers(len(grid)))]
                values[p.symbol] = Fraction(int(v.p), int(v.q))
            else:
                values[p.symbol] = _exact_value(rng, intervals[p.symbol], denominator)
        exact = {s: sp.Rational(v.numerator, v.denominator) for s, v in values.items()}
        for s, expr in dependent.items():
            v = sp.Rational(expr.xreplace(exact))
            values[s] = Fraction(int(v.p), int(v.q))
        for s in auxiliary:
            values[s] = _exact_value(rng, intervals[s], denominator)
        inputs = {}
        for name in op.inputs:
            vec = rng.dirichlet(np.ones(n))
            if name not in interior and rng.uniform() < FACE_SHARE:
                vec = vec * (rng.uniform(size=n) >= 0.5)
                if vec.sum() == 0:
                    vec[int(rng.integers(n))] = 1.0
            inputs[name] = on_simplex(vec / vec.sum(), denominator, name in interior)
        if any(v is None for v in inputs.values()):
            continue
        point = Point(inputs, {s.name: v for s, v in values.items()})
        if _replays(ax, point):
            steps = (rf"exact sampling (seed {seed}): {k + 1} exact points at $n \in \{{{', '.join(map(str, sizes))}\}}$ "
                     r"replayed; the witness fails the axiom in exact arithmetic",)
            return Outcome(REFUTED, f"n={n}", steps, point, data={"drawn": k + 1})
    return unknown(f"no violation among {draws} exact points (seed {seed}); a search that finds nothing proves nothing")
