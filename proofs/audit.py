"""The one engine: every axiom of every operator -- a user's file or a built-in family -- is
decided here, by the routes its formula's shape admits (never by its name).

``kdaxioms audit FILE``, ``kdaxioms report --operator`` and the axiom claims of ``kdaxioms check``
(C1 per family, C10, C11: :func:`audit_outcome`) all call :func:`audit_operator`.  Per axiom,
cheapest first, each route tried when the axiom and the shape fit it:

1. **sampling** -- seeded random points, interior and on faces, replayed exactly
   (:func:`_sampled`): most planted bugs fail almost everywhere and are refuted in milliseconds
   (such a refutation needs no other route, and its witness shows the parameter domain
   non-empty, which every other route needs shown first);
2. **definedness** -- closure refuted at an exact point where the operator is undefined;
3. **proofs for every n** -- the power shape ``g(x) = c x^e`` for S1, S3, S4, S5
   (:mod:`kdaxioms.symbolic.power_shape`), the per-coordinate ratio for A5
   (:mod:`kdaxioms.symbolic.coherence`), the derivative along a weight raise or the temperature
   for A3 and S3 (:mod:`kdaxioms.symbolic.monotone`; certificates up to
   :data:`DERIVATIVE_MAX_N`); a proof for some sizes only is kept while SMT tries to reach further;
4. **SMT** (:func:`kdaxioms.smt.audit.audit_one`) -- per coordinate (every n, with Jensen for
   convex per-coordinate divergences), then whole vectors for ``n = 2..max_n`` on the exponent grid;
5. for what SMT leaves ``unknown``: exact one-sided limits on switch sets (continuity), the
   certified routes for logarithmic axioms (:func:`log_route`: certified search, interval cover,
   Z3 with piecewise-linear log enclosures), the seeded float search with exact replay for the
   others.

A typed-out normalization ``N_i / sum_j N_j`` is recognized first
(:func:`kdaxioms.symbolic.shapes.normalized`), so that it gets the routes of ``normalize = true``.
Definedness is an obligation of every verdict (:func:`_where_defined`).  Every search does a
fixed number of rounds, so the same seed gives the same verdicts and witnesses.

With a budget (``budget_s``), one :class:`~kdaxioms.symbolic.budget.Deadline` per axiom bounds
all of this: a route that no longer fits is not started, and the axiom is ``unknown`` with the
budget named (what was decided before it is kept).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from kdaxioms.certified.logclaims import axiom_claim
from kdaxioms.certified.plenclose import refute_on_grid
from kdaxioms.certified.prove import prove
from kdaxioms.certified.refute import refute
from kdaxioms.numeric.search import EXACT_DENOMINATORS, sample_exact, search_violation
from kdaxioms.smt.audit import CONTRACTIONS, AuditResult, audit_one, axiom_names, shrink
from kdaxioms.smt.definedness import Definedness, decide_definedness, restriction
from kdaxioms.smt.domain import check_domain
from kdaxioms.symbolic.axioms import AXIOMS, SWITCHES, Axiom, axiom
from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.citation import cite
from kdaxioms.symbolic.witness import explain, with_interior
from kdaxioms.symbolic.discontinuity import refute_continuity
from kdaxioms.symbolic.domains import irrational_power
from kdaxioms.symbolic.errors import DisagreementError, KdaxiomsError
from kdaxioms.symbolic.model import Operator
from kdaxioms.symbolic.coherence import prove_coherence
from kdaxioms.symbolic.monotone import bounded_derivative, prove_by_derivative
from kdaxioms.symbolic.power_shape import AXIOMS as POWER_AXIOMS, prove_power_axiom
from kdaxioms.symbolic.shapes import normalized
from kdaxioms.symbolic.evidence import WitnessSubject
from kdaxioms.symbolic.outcome import DISAGREEMENT, PROVED, REFUTED, UNKNOWN, Outcome, unknown

#: Support sizes of the interval routes.
SIZES = (2, 3)
#: Rounds of search per size (a fixed amount of work, so the outcome is reproducible), a safety
#: cap in seconds on each search, and cells of the cover.
SEARCH_ROUNDS, SEARCH_CAP_SECONDS, COVER_CELLS = 30, 20.0, 3000


def log_route(ax: Axiom, seed: int, sizes: Iterable[int], rounds: int = SEARCH_ROUNDS,
              cells: int = COVER_CELLS, deadline: Deadline | None = None, timeout_ms: int = 5000) -> AuditResult:
    """A logarithmic axiom by certified arithmetic: a seeded certified search per size (refutes),
    then an interval cover at the first size (proves, within ``cells`` cells), then Z3 with
    piecewise-linear log enclosures in a CEGAR loop at the first size (refutes; parameters in
    exponents on the exponent grid, the others free: :func:`kdaxioms.certified.plenclose.refute_on_grid`)."""
    deadline = deadline or Deadline.unbounded()
    start = time.perf_counter()
    name, code = ax.spec.name, ax.spec.code
    reasons = []
    sizes = list(sizes)
    try:
        claims = {n: axiom_claim(ax, n) for n in sizes}
    except KdaxiomsError as err:
        return AuditResult(name, code, UNKNOWN, None, "intervals", time.perf_counter() - start, reason=str(err))
    for n, claim in claims.items():
        if deadline.expired:
            reasons.append(deadline.reason(f"the search at n < {n}"))
            break
        out = refute(claim, seed=seed, budget_s=deadline.cap_seconds(SEARCH_CAP_SECONDS), rounds_limit=rounds)
        if out.verdict == REFUTED:
            return AuditResult(name, code, REFUTED, out.scope, "search-intervals", time.perf_counter() - start,
                               out.witness, steps=out.steps)
        reasons.append(out.reason)
    claim = claims[sizes[0]]
    if deadline.expired:
        if deadline.label not in reasons[-1]:
            reasons.append(deadline.reason("the searches; the interval cover was not tried"))
        return AuditResult(name, code, UNKNOWN, None, "intervals", time.perf_counter() - start, reason="; ".join(reasons))
    try:
        out = prove(claim, budget=cells, deadline=deadline)
    except KdaxiomsError as err:
        reasons.append(f"no interval cover: {err}")
    else:
        if out.verdict == PROVED:
            return AuditResult(name, code, PROVED, out.scope, "intervals", time.perf_counter() - start, steps=out.steps,
                               covered={k: list(v) for k, v in (out.parameters or {}).items()},
                               conditions=out.conditions, decisive=out.evidence)
        if out.verdict == REFUTED:
            return AuditResult(name, code, REFUTED, out.scope, "intervals", time.perf_counter() - start,
                               out.witness, steps=out.steps)
        reasons.append(out.reason)
    if not deadline.expired:
        try:
            out = refute_on_grid(claim, timeout_ms, deadline)
        except KdaxiomsError as err:  # a formula Z3 or the intervals cannot read: no candidate
            out = unknown(str(err))
        if out.verdict == REFUTED:
            return AuditResult(name, code, REFUTED, out.scope, "z3-pl-cegar", time.perf_counter() - start,
                               out.witness, steps=out.steps)
        reasons.append(f"Z3 with log enclosures: {out.reason}")
    return AuditResult(name, code, UNKNOWN, None, "intervals", time.perf_counter() - start, reason="; ".join(reasons))


def _jump(ax: Axiom, result: AuditResult) -> AuditResult | None:
    """S2/A4 refuted by exact one-sided limits on the switch set (:mod:`kdaxioms.symbolic.discontinuity`)."""
    start = time.perf_counter()
    out = refute_continuity(ax.operator)
    if out.verdict != REFUTED:
        return None
    return AuditResult(result.axiom, result.code, REFUTED, out.scope, "exact-limits",
                       result.seconds + time.perf_counter() - start, out.witness, steps=out.steps, decisive=out.evidence)


def _searched(ax: Axiom, result: AuditResult, seed: int, rounds: int, deadline: Deadline | None = None) -> AuditResult:
    """Give an axiom Z3 left undecided (a timeout) to the seeded search, which can only refute."""
    deadline = deadline or Deadline.unbounded()
    start = time.perf_counter()
    try:
        out = search_violation(ax, (2, 3), seed=seed, rounds=rounds, budget_s=deadline.cap_seconds(SEARCH_CAP_SECONDS))
    except KdaxiomsError:
        return _out_of_time(result, deadline, "the seeded search")
    if out.verdict != REFUTED:
        return _out_of_time(result, deadline, "the seeded search")
    return AuditResult(result.axiom, result.code, REFUTED, out.scope, "search",
                       result.seconds + time.perf_counter() - start, out.witness, steps=out.steps)


def _out_of_time(result: AuditResult, deadline: Deadline, stage: str) -> AuditResult:
    """``result`` (``unknown``), its reason naming the budget when ``deadline`` ran out by ``stage``."""
    if not deadline.expired or deadline.label in result.reason:
        return result
    return replace(result, reason=deadline.reason(stage) + (f"; {result.reason}" if result.reason else ""))


def _decide(op: Operator, result: AuditResult, seed: int, sizes: Iterable[int], rounds: int,
            deadline: Deadline | None = None, timeout_ms: int = 5000) -> AuditResult:
    """The routes after SMT for an axiom it left ``unknown`` (the routes that prove for every n ran
    before SMT, in :func:`_first`): exact one-sided limits for continuity, then the interval routes
    for logarithmic axioms or the seeded search for the others (refutes).  A route is not started
    once ``deadline`` has run out."""
    deadline = deadline or Deadline.unbounded()
    ax = axiom(result.axiom, op)
    if deadline.expired:
        return _out_of_time(result, deadline, "the SMT routes")
    if ax.spec.name == CONTINUITY and not deadline.expired:
        jump = _jump(ax, result)
        if jump is not None:
            return jump
    if deadline.expired:
        return _out_of_time(result, deadline, "the symbolic routes")
    if ax.spec.undecided:
        if ax.spec.vector is None:
            return result
        return log_route(ax, seed, sizes, deadline=deadline, timeout_ms=timeout_ms)
    return _searched(ax, result, seed, rounds, deadline)


def audit_outcome(op: Operator, name: str, max_n: int, timeout_ms: int, seed: int, deadline: Deadline) -> Outcome:
    """One axiom of ``op`` decided by the audit, as a route outcome of ``kdaxioms check`` (so that
    a built-in family's axiom claim and ``kdaxioms audit`` of the same operator are one
    computation); the route that decided is named in ``data["decided_by"]``."""
    (r,) = audit_operator(op, [name], max_n=max_n, timeout_ms=timeout_ms, seed=seed, deadline=deadline)
    data = {"decided_by": f"audit/{r.route}", **r.evidence}
    if r.verdict == DISAGREEMENT:
        return unknown(r.reason, *r.steps, disagreement=True, **data)
    if r.verdict not in (PROVED, REFUTED):
        return unknown(r.reason or str(r.verdict), *r.steps, **data)
    return Outcome(r.verdict, r.scope, r.steps, r.witness, r.reason, data, parameters=r.parameters,
                   conditions=r.conditions, evidence=decisive_evidence(r, op))


def decisive_evidence(r: AuditResult, op: Operator) -> tuple:
    """The evidence of one audited axiom's verdict: its route's, and beside a witness what it
    violates on which operator (:class:`~kdaxioms.symbolic.evidence.WitnessSubject`)."""
    if r.witness is None:
        return r.decisive
    return r.decisive + (WitnessSubject({"axiom": r.axiom, "code": r.code}, op.source),)


#: Exact interior points drawn when no interior witness lies near a boundary witness.
INTERIOR_DRAWS = 48


def _explained(ax: Axiom | None, r: AuditResult, seed: int) -> AuditResult:
    """``r`` with the evidence beside its witness (the violated relations, an interior witness:
    near the witness, else from a seeded exact search of the open simplex at the same size)."""
    if ax is None or r.verdict != REFUTED or r.witness is None:
        return r
    evidence = explain(r.witness, ax.replay)
    if evidence.get("interior_tried") and "interior" not in evidence:
        try:
            found = sample_exact(ax, [r.witness.n], seed=seed, draws=INTERIOR_DRAWS, all_interior=True)
        except KdaxiomsError:  # the search is evidence only: the refutation stands without it
            found = None
        if found is not None and found.witness is not None:
            evidence = with_interior(evidence, found.witness, ax.replay)
    return replace(r, evidence=evidence)


def audit_operator(op: Operator, names: Iterable[str] | None = None, factor: str | None = None, max_n: int = 4,
                   timeout_ms: int = 5000, emit_dir: Path | None = None, seed: int = 0,
                   sizes: Iterable[int] = SIZES, search_rounds: int = SEARCH_ROUNDS,
                   budget_s: float | None = None, deadline: Deadline | None = None) -> list[AuditResult]:
    """The audit of ``kdaxioms audit`` and of ``kdaxioms report --operator``: per axiom, SMT
    (:func:`kdaxioms.smt.audit.audit_one`), then :func:`_decide` when it leaves the axiom ``unknown``
    (contraction claims with a user factor stay as SMT left them), all within one budget of
    ``budget_s`` seconds per axiom (default: none); then definedness as an obligation of every
    verdict (:func:`_where_defined`).  Every search does a fixed number of rounds, so the same
    seed gives the same verdicts and witnesses (unless the budget stops it)."""
    names = axiom_names(op, names)
    op = normalized(op)  # a typed-out normalization is the same map, normalized
    premises: dict[bool, Definedness] = {}  # decided once per premise; an undecided one is tried again
    domain_checked = False  # an exactly replayed witness shows the domain non-empty; any other route needs it shown
    results = []
    for name in names:
        axiom_deadline = deadline or Deadline.after(budget_s)
        start = time.perf_counter()
        ax = axiom(name, op) if name not in CONTRACTIONS else None
        r = _sampled(ax, seed, axiom_deadline) if ax is not None and not ax.inapplicable else None
        if r is not None:
            results.append(replace(_explained(ax, r, seed), seconds=time.perf_counter() - start))
            continue
        if not domain_checked:
            check_domain(op, timeout_ms)
            domain_checked = True

        def definedness(interior: bool, deadline: Deadline = axiom_deadline) -> Definedness:
            if interior not in premises:
                if deadline.expired:
                    return Definedness(UNKNOWN, reason=deadline.reason("the axiom"))
                found = decide_definedness(op, min(DEFINED_MAX_N, max_n), timeout_ms, interior, deadline)
                if found.verdict != UNKNOWN:
                    premises[interior] = found
                return found
            return premises[interior]
        deferred = _deferred(name, axiom_deadline)
        first = tuple(x for x in _ALL_N_ROUTES if x[0] not in deferred)
        r = _first(ax, definedness, axiom_deadline, max_n, first) if ax is not None else None
        if r is None or (r.verdict == PROVED and r.scope != "all-n"):
            early, r = r, audit_one(op, name, factor, max_n, timeout_ms, emit_dir, axiom_deadline)
            if deferred and ax is not None and not _strongest(r):
                later = tuple(x for x in _ALL_N_ROUTES if x[0] in deferred)
                early = early or _first(ax, definedness, axiom_deadline, max_n, later)
            if r.verdict == UNKNOWN and r.code != "C" and early is None:
                r = _decided(op, r, seed, sizes, search_rounds, axiom_deadline, timeout_ms)
            if early is not None:
                r = _stronger(early, r)
        r = _where_defined(op, r, definedness)
        results.append(replace(_explained(ax, r, seed), seconds=time.perf_counter() - start))  # the whole axiom's wall time
    return results


#: The largest support size at which definedness is decided (a proof for larger sizes carries
#: "where the operator is defined (shown for n<=4 only)").
DEFINED_MAX_N = 4
#: Axioms that say the output is a distribution: an undefined output refutes them.
CLOSURE = "closure"
#: Monotonicity along a parameter path (A3, S3): the derivative route is their only all-n route.
MONOTONE = {name for kind in AXIOMS.values() for name, spec in kind.items() if spec.code in ("A3", "S3")}


def _deferred(name: str, deadline: Deadline) -> tuple[str, ...]:
    """The routes that :func:`audit_operator` runs after SMT instead of before it: without a
    budget, the derivative route when it can only prove some sizes (its exact certificates for
    n <= 3 are the costliest checks of an audit).  Without a budget the order cannot change the
    result: SMT's proof is kept over it only when SMT proves every ``n`` without restriction
    (:func:`_strongest`), and otherwise the route still runs and :func:`_stronger` compares them.
    With a budget it runs first, so that SMT cannot spend the budget it needs."""
    return (DERIVATIVE,) if not deadline.bounded and bounded_derivative(name) else ()


def _strongest(r: AuditResult) -> bool:
    """A proof for every ``n`` on the whole domain without side conditions: no proof ranks higher."""
    return r.verdict == PROVED and r.scope == "all-n" and r.full_scope.unrestricted


def _first(ax: Axiom, definedness, deadline: Deadline, max_n: int, routes) -> AuditResult | None:
    """The cheap decisive routes before SMT spends the budget (after the sampling stage), each
    tried when the axiom and the operator's shape fit it (never by the operator's name), of
    ``routes`` (``(name, prove)`` pairs of :data:`_ALL_N_ROUTES`):

    1. closure refuted at an exact point where the operator is undefined;
    2. the routes that prove for every ``n``: the power shape for S1, S3, S4, S5
       (:mod:`kdaxioms.symbolic.power_shape`), the per-coordinate ratio for A5
       (:mod:`kdaxioms.symbolic.coherence`), the derivative along the parameter path for A3 and
       S3 (:mod:`kdaxioms.symbolic.monotone`), which a budget spent on a grid of SMT queries
       would otherwise lose."""
    name = ax.spec.name
    if ax.inapplicable:
        return None
    if name == CLOSURE:
        d = definedness(False)
        if d.verdict == REFUTED:
            return _undefined(name, ax.spec.code, d, 0.0)
    bounded = None
    for route, prove in routes:
        if deadline.expired:
            break
        start = time.perf_counter()
        out = prove(ax, deadline, max_n, definedness)
        if out is not None and out.verdict == PROVED:
            found = AuditResult(name, ax.spec.code, PROVED, out.scope, route, time.perf_counter() - start,
                                steps=out.steps, conditions=out.conditions, decisive=out.evidence)
            if out.scope == "all-n":
                return found
            bounded = bounded or found  # for some sizes only: SMT may reach further
    return bounded


def _power(ax: Axiom, deadline: Deadline, max_n: int, definedness) -> Outcome | None:
    return prove_power_axiom(ax.operator, ax.spec.name) if ax.spec.name in POWER_AXIOMS else None


def _coherent(ax: Axiom, deadline: Deadline, max_n: int, definedness) -> Outcome | None:
    return prove_coherence(ax.operator) if ax.spec.name == COHERENCE else None


def _derivative(ax: Axiom, deadline: Deadline, max_n: int, definedness) -> Outcome | None:
    """A3 or S3 by the derivative along the parameter path: for every n (TV), or with exactly
    checked certificates for each n up to ``max_n`` and at most :data:`DERIVATIVE_MAX_N`."""
    if ax.spec.name not in MONOTONE:
        return None
    return prove_by_derivative(ax, tuple(range(2, max(2, min(DERIVATIVE_MAX_N, max_n)) + 1)), deadline)


#: Largest support size of the derivative route's certificates (the exact check grows quickly
#: with n: about 8 s per teacher at n = 4 for geometric aggregation).
DERIVATIVE_MAX_N = 3


def _continuous(ax: Axiom, deadline: Deadline, max_n: int, definedness) -> Outcome | None:
    """S2 or A4 for every n: a formula without switches (Heaviside, Piecewise, sign, floor,
    ceiling) is built from operations that are continuous wherever they are defined (sums,
    products, quotients, powers ``x^e`` with ``x > 0``, or ``x >= 0`` and ``e > 0``, ``log``,
    ``exp``, ``Abs``, ``Max``, ``Min``); when every operation is defined at every point of the open
    simplex, for every ``n`` (the per-coordinate definedness proof, the normalizer included), ``T``
    is continuous there, for every ``n``."""
    if ax.spec.name != CONTINUITY or ax.operator.component.has(*SWITCHES):
        return None
    defined = definedness(True)
    if defined.verdict != PROVED or defined.scope != "all-n":
        return None
    return Outcome(PROVED, "all-n", defined.steps + (
        r"$T$ has no switch (no unit step, sign, case split, floor or ceiling) and every operation of it is defined on the "
        r"open simplex for every $n$; so $T$ is continuous there for every $n$ by " + cite("continuity-definedness"),),
        evidence=defined.evidence, data={"lemma": True})


#: The routes that prove an axiom for every n, in the order tried (cheapest first).
DERIVATIVE = "symbolic-derivative"
_ALL_N_ROUTES = (("symbolic-continuity", _continuous), ("symbolic-power", _power), ("symbolic-coherence", _coherent),
                 (DERIVATIVE, _derivative))
#: The axiom of continuity on the open simplex (S2, A4).
CONTINUITY = "continuity"
#: The aggregation axiom that composes with power softening (A5).
COHERENCE = "temperature-coherence"
#: Support sizes, rounds and points per round of the cheap sampling stage: a fixed amount of
#: work (so the outcome does not depend on the machine), a few hundred milliseconds.
SAMPLING_SIZES, SAMPLING_ROUNDS, SAMPLING_BATCH = (2, 3, 4), 2, 2048
#: Exact points replayed one by one before the float search.
EXACT_DRAWS = 12


def _sampled(ax: Axiom, seed: int, deadline: Deadline) -> AuditResult | None:
    """Random points, interior and on faces, replayed exactly: first a few seeded exact points one
    by one (:func:`kdaxioms.numeric.search.sample_exact`, milliseconds for a bug that is violated
    almost everywhere), then a seeded float search over many points at once whose best
    candidates are made exact and replayed (:func:`kdaxioms.numeric.search.search_violation`,
    for thinner violation sets).  A refutation with an exact witness (shrunk to small
    denominators), or None.  Axioms without a whole-vector formula, or with logarithms (whose
    exact replay is rarely decidable), are left to the later routes."""
    if ax.spec.vector is None or ax.spec.undecided or deadline.expired:
        return None
    start = time.perf_counter()
    try:
        out = sample_exact(ax, SAMPLING_SIZES, seed=seed, draws=EXACT_DRAWS) if _rational_powers(ax) else None
        if out is None or out.verdict != REFUTED:
            out = search_violation(ax, SAMPLING_SIZES, seed=seed, rounds=SAMPLING_ROUNDS, batch=SAMPLING_BATCH,
                                   candidates=4, budget_s=deadline.cap_seconds(5.0))
    except KdaxiomsError:
        return None
    if out.verdict != REFUTED:
        return None
    witness = out.witness
    if max(v.denominator for vec in witness.inputs.values() for v in vec) > min(EXACT_DENOMINATORS):
        witness = shrink(witness, ax.violated_at)
    return AuditResult(ax.spec.name, ax.spec.code, REFUTED, out.scope, "sampling", time.perf_counter() - start,
                       witness, steps=out.steps)


def _rational_powers(ax: Axiom) -> bool:
    """Whether every power in the axiom's formula has a rational exponent: only then is the exact
    replay of an arbitrary point cheap (an equality of algebraic numbers that holds cannot be
    certified by intervals and falls back to SymPy's simplification, which can take minutes); the
    float search replays only points whose float margin says they violate the axiom."""
    return not irrational_power(ax.vector_formula(min(SAMPLING_SIZES)))


def _stronger(early: AuditResult, later: AuditResult) -> AuditResult:
    """A proof for some sizes (``early``) against what SMT then found (``later``): the proof that
    covers more, or a ``disagreement`` when SMT refutes at a size the early proof covers (or
    found contradicting evidence of its own)."""
    if later.verdict == DISAGREEMENT:
        return replace(later, reason=f"{early.route} proved {early.scope}; {later.route}: {later.reason}")
    if later.verdict == REFUTED:
        at = int(later.scope[2:]) if later.scope and later.scope.startswith("n=") else 0
        if at <= early.full_scope.size_rank:
            return replace(later, verdict=DISAGREEMENT,
                           reason=f"{early.route} proved {early.scope}, {later.route} refuted {later.scope}")
        return later
    if later.verdict == PROVED and later.full_scope.rank() > early.full_scope.rank():
        return later
    return early


def _undefined(name: str, code: str, d: Definedness, seconds: float, steps: tuple[str, ...] = ()) -> AuditResult:
    """The axiom refuted at the exact point where definedness failed (closure: the output is no
    distribution there; continuity on the open simplex: T is not even defined there)."""
    return AuditResult(name, code, REFUTED, d.scope, "definedness", seconds, d.witness,
                       f"T is undefined at the witness ({d.at_witness or d.condition})", steps=d.steps + steps)


def _where_defined(op: Operator, result: AuditResult, definedness) -> AuditResult:
    """Definedness as an obligation of every verdict: closure, and an axiom whose statement includes
    definedness (continuity on the open simplex, ``undefined_violates``), is refuted at an exact
    point of its premise where the operator is undefined; any other proof carries the restriction
    to where it is defined."""
    spec = axiom(result.axiom, op).spec if result.code != "C" else None
    interior = spec is not None and spec.interior
    # closure (the output must be a distribution) and undefined_violates (continuity on the open
    # simplex, unless already refuted otherwise): an undefined point of the premise refutes them
    if (result.axiom == CLOSURE or (spec is not None and spec.undefined_violates)) and result.verdict != REFUTED:
        d = definedness(interior)
        if d.verdict == DISAGREEMENT:
            return replace(result, verdict=DISAGREEMENT, reason=d.reason)
        if d.verdict == REFUTED:
            return _undefined(result.axiom, result.code, d, result.seconds,
                              (f"{result.route}: {result.verdict} where the operator is defined",))
    if result.verdict != PROVED:
        return result
    found = definedness(interior)
    if found.verdict == DISAGREEMENT:
        return replace(result, verdict=DISAGREEMENT, reason=found.reason)
    if result.axiom == CLOSURE or (spec is not None and spec.undefined_violates):
        return _defined_sizes(replace(result, decisive=result.decisive + found.evidence), found)
    text = restriction(found, result.scope)
    if not text:  # the proof rests on the definedness proof too
        return replace(result, decisive=result.decisive + found.evidence)
    return replace(result, conditions=result.conditions + (text,))


def _defined_sizes(result: AuditResult, found: Definedness) -> AuditResult:
    """A proof of an axiom whose statement includes definedness (closure: the output must be a
    distribution; continuity on the open simplex) covers only the sizes at which definedness is
    shown: its scope is capped there, and with none shown it is ``unknown``."""
    if found.verdict == PROVED and found.scope == "all-n":
        return result
    bound = found.scope if found.scope and found.scope.startswith("n<=") else None
    if bound is None:
        return replace(result, verdict=UNKNOWN, scope=None,
                       reason=f"{result.route} proved {result.scope} where the operator is defined, but whether it is "
                              f"defined is not decided ({found.reason or found.verdict})")
    if result.scope != "all-n" and int(result.scope.split("=")[-1]) <= int(bound[3:]):
        return result
    return replace(result, scope=bound, steps=result.steps + (
        f"{result.route} proved {result.scope} where the operator is defined; it is shown defined for {bound} "
        f"only, so the axiom (which includes definedness) is proved for {bound}",))


def _decided(op: Operator, result: AuditResult, seed: int, sizes: Iterable[int], rounds: int,
             deadline: Deadline, timeout_ms: int = 5000) -> AuditResult:
    """:func:`_decide`, with contradicting evidence (a :class:`DisagreementError`) reported as a
    ``disagreement`` verdict instead of being lost."""
    try:
        return _decide(op, result, seed, sizes, rounds, deadline, timeout_ms)
    except DisagreementError as err:
        return replace(result, verdict=DISAGREEMENT, reason=f"contradicting evidence: {err}")
