"""The ``kdaxioms iterate`` command: iterate a family or an operator file over many chains.

    kdaxioms iterate NAME|FILE [--set P=V ...] [--n N] [--steps T] [--chains C] [--seed S]
                     [--accumulate] [--json] [--plot FILE.png]

NAME is a meta family of the registry or its theory id (F0 = unanchored, F1 = linear-anchor,
F2 = multi-teacher-anchor, ..., F7 = sampled-anchor; the second family of F0 and F2 by name),
FILE an operator TOML file (iterated exactly,
or resampled / projected when ``N`` / ``Phi`` is set).  ``--set`` takes exact values:
parameters (``alpha=1/10``; memory weights as one vector ``beta=1/2,1/4,1/4``, whose length
is ``k``; teacher weights ``w=...``, whose length is ``m``), fixed inputs (the anchor ``p=...``,
teachers ``p1=...``), the start ``q0=...`` and the process inputs ``N=100`` (sampling) and
``Phi=1;2;3`` (features, one row per outcome).  Unset: ``alpha = 1/10``, ``tau = 2``, uniform
weights, ``N = 100``, ``Phi = (1, 2, .., n)^T``, and seeded random interior anchors with exact
coordinates ``c/1000``.  ``sampled-anchor`` also accepts ``alpha=0``, unanchored resampling
(``T(q) = q``); ``--accumulate`` pools every sample drawn so far (C12, ``alpha = 0``).

The summary gives the final distance to the target (the anchor, or the derived fixed point of
F5/F6), the largest per-step ratios in KL, TV and chi^2, the fitted rate next to the derived
rate, and for the sampling processes Monte Carlo estimates with 95% intervals next to the
derived values; every derived value comes from its derivation.  Exit status 1 when a
comparison disagrees, 2 for bad input.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import re
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import sympy as sp

from kdaxioms.numeric import crosscheck as cc
from kdaxioms.numeric.derived import value
from kdaxioms.numeric.experiment import Experiment, experiment
from kdaxioms.numeric.iterate import Run, run as run_engine
from kdaxioms.numeric.montecarlo import LEVEL, burn_in
from kdaxioms.numeric.observables import divergences_to, sampled_statistics
from kdaxioms.numeric.processes import student_lag
from kdaxioms.numeric.rates import FLOOR, fit_rate, largest_ratio
from kdaxioms.numeric.sampling import starts
from kdaxioms.symbolic.derivations.base import (MAX_MEMORY, assignments, integer_value, matrix_value,
                                                 scalar_value, vector_value)
from kdaxioms.symbolic.derivations.sampling import MAX_ACCUMULATION_T
from kdaxioms.symbolic.errors import InputError, ModelError, excerpt
from kdaxioms.symbolic.families import ALPHA, FAMILIES
from kdaxioms.symbolic.limits import check_exponents_at
from kdaxioms.symbolic.model import Kind, Operator, real
from kdaxioms.symbolic.opfile import load_operator
from kdaxioms.symbolic.outcome import AGREES, Outcome
from kdaxioms.symbolic.points import distribution

from . import limits
from .paths import output_file
from .progress import progress_bar, wanted

DEFAULTS = {"alpha": Fraction(1, 10), "tau": Fraction(2)}
#: Constructor arguments of the registry set by the length of a weight vector.
GROUPS = {"k": "beta", "m": "w"}
DEFAULT_N, DEFAULT_SIZE, DENOMINATOR = 3, 100, 1000
#: Fixed points are derived (and rates fitted) up to this support size; larger runs use numeric targets.
DERIVED_MAX_N = 16
#: Default generations: enough for ``rate^t`` to reach ``1e-13``, within these bounds.
MIN_STEPS, MAX_STEPS = 100, 5000
#: Default chains of the deterministic and the sampling processes.
CHAINS, SAMPLED_CHAINS = 200, 1000
ACCUMULATION_STEPS, CHECKPOINTS = 30, 4
#: The anchor is a fixed point when one step moves it less than this; else the target is the
#: numeric limit from ``p``, iterated for at most ``max(steps, LIMIT_STEPS)`` generations.
SETTLED, LIMIT_STEPS = 1e-12, 2000
#: Per-step ratios are taken where the divergence exceeds this (below it rounding dominates).
RATIO_FLOOR = 1e-9
#: Limits of a run, checked before any work (far above what a comparison needs): the support size,
#: generations, chains, samples per generation, and the work steps x chains x n (about an hour at
#: 10^8 updates of one coordinate per second).
MAX_SUPPORT, MAX_ITERATE_STEPS, MAX_ITERATE_CHAINS, MAX_SAMPLES = 100_000, 1_000_000, 1_000_000, 10**12
MAX_WORK = 10**11
#: Most teachers (length of ``w``) of the multi-teacher families.
MAX_TEACHERS = 100
#: Bytes a run holds besides its recorded series: copies of the ``(chains, n)`` state per remembered
#: student plus this many temporaries of the same size (a generous estimate of numpy's).
WORKING_COPIES = 16


# -- the setting ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """Everything a run needs, exact: operator, process, mode, parameters, inputs and sizes."""

    label: str
    family: str | None
    operator: Operator
    process: str
    mode: str
    parameters: Mapping[str, Fraction]
    fixed: Mapping[str, tuple[Fraction, ...]]
    start: tuple[Fraction, ...] | None
    n: int
    samples: int | None
    features: tuple[tuple[Fraction, ...], ...] | None
    steps: int
    chains: int
    seed: int
    rate: float | None = None

    def experiment(self) -> Experiment:
        floats = {k: float(v) for k, v in self.parameters.items()}
        fixed = {k: np.array([float(x) for x in v]) for k, v in self.fixed.items()}
        phi = None if self.features is None else np.array([[float(x) for x in row] for row in self.features])
        return experiment(self.operator, self.process, fixed, floats, phi, self.samples)


def family_name(target: str) -> str:
    """A registry name, or the first meta family of a theory id (``F1`` -> ``linear-anchor``;
    ``F0`` -> ``unanchored``, ``F2`` -> ``multi-teacher-anchor``: the other family of the id by name)."""
    if target in FAMILIES:
        return target
    hits = [name for name, spec in FAMILIES.items() if spec.code == target.upper() and spec.code.startswith("F")]
    return hits[0] if hits else target


def _operator(target: str, values: Mapping[str, str]) -> tuple[Operator, str | None]:
    target = family_name(target)
    spec = FAMILIES.get(target)
    if spec is None:
        if target.endswith(".toml") or Path(target).is_file():
            return load_operator(target), None
        meta = ", ".join(f"{name} ({s.code})" for name, s in FAMILIES.items() if s.build().kind is Kind.META)
        raise InputError(f"unknown family {target!r}; choose one of: {meta}, or give an operator file (.toml)")
    signature = inspect.signature(spec.build).parameters
    structure = {key: len(vector_value(group, values[group])) for key, group in GROUPS.items()
                 if key in signature and group in values}
    for key, most in (("k", MAX_MEMORY), ("m", MAX_TEACHERS)):
        if structure.get(key, 0) > most:
            raise InputError(f"{GROUPS[key]} has {structure[key]} weights, above the limit {most} of iterate "
                             f"({'memory' if key == 'k' else 'teachers'} {key} <= {most}); give fewer weights")
    teachers = [int(name[1:]) for name in values if re.fullmatch(r"p[1-9]\d{0,5}", name)]
    if "m" in signature and "m" not in structure and teachers:
        structure["m"] = max(teachers)
    return spec.build(**structure), target


def _group(name: str) -> tuple[str, int] | None:
    match = re.fullmatch(r"(\w+?)_(\d+)", name)
    return (match.group(1), int(match.group(2))) if match and match.group(1) in GROUPS.values() else None


def _parameters(op: Operator, values: Mapping[str, str]) -> dict[str, Fraction]:
    """Every parameter from ``--set`` (a weight vector sets its group), a default, or an error."""
    members: dict[str, int] = {}
    for p in op.parameters:
        if (g := _group(p.name)) is not None:
            members[g[0]] = members.get(g[0], 0) + 1
    out, missing = {}, []
    for p in op.parameters:
        g = _group(p.name)
        if p.name in values:
            out[p.name] = scalar_value(p.name, values[p.name])
        elif g is not None and g[0] in values:
            vec = distribution(vector_value(g[0], values[g[0]]), g[0]) if members[g[0]] > 1 else vector_value(g[0], values[g[0]])
            if len(vec) != members[g[0]]:
                raise InputError(f"{g[0]} has {len(vec)} entries; {op.name} has {members[g[0]]} weights")
            out[p.name] = vec[g[1] - 1]
        elif p.name in DEFAULTS:
            out[p.name] = DEFAULTS[p.name]
        elif g is not None:
            out[p.name] = Fraction(1, members[g[0]])
        else:
            missing.append(p.name)
    if missing:
        raise InputError(f"{op.name}: give --set {missing[0]}=VALUE (no default for {', '.join(missing)})")
    check_exponents_at(op.component, {real(name): sp.Rational(v.numerator, v.denominator) for name, v in out.items()
                                      if isinstance(v, Fraction)}, op.name)
    return out


def _mode(op: Operator, family: str | None, process: str, params: dict[str, Fraction], accumulate: bool) -> str:
    """``deterministic``, ``anchored`` / ``unanchored`` resampling or ``accumulate``; validates the parameters."""
    sampled = family == "sampled-anchor"
    if accumulate:
        if not sampled:
            raise InputError("--accumulate is the pooled sampling process of C12; use it with sampled-anchor")
        if params.get("alpha") != 0:
            raise InputError("--accumulate is unanchored (C12): leave alpha unset or set alpha=0")
    if not sampled and params.get("alpha") == 0:
        raise InputError("alpha=0 removes the anchor; it is accepted only by sampled-anchor (unanchored resampling)")
    unanchored = sampled and params.get("alpha") == 0
    if unanchored:
        rest = {k: v for k, v in params.items() if k != "alpha"}
        op.instantiate({ALPHA: 0}).check_parameters(rest)
    else:
        op.check_parameters(params)
    if accumulate:
        return "accumulate"
    if process == "multinomial":
        return ("unanchored" if unanchored else "anchored") if sampled else "sampled"
    return "deterministic"


def _process(family: str | None, values: Mapping[str, str], accumulate: bool) -> str:
    if family is not None:
        process = FAMILIES[family].process
        if "N" in values and process != "multinomial" and family in ("unanchored", "softened-self"):
            raise InputError(f"{family} is deterministic and takes no N; for unanchored resampling (C9, alpha = 0) "
                             f"run: kdaxioms iterate sampled-anchor --set alpha=0 --set N={values['N']}")
        for key, owner in (("N", "multinomial"), ("Phi", "projection")):
            if key in values and process != owner:
                raise InputError(f"{family} takes no {key}: it is an input of the {owner} process only")
        return "accumulate" if accumulate else process
    if "N" in values and "Phi" in values:
        raise InputError("give N (resampling) or Phi (projection), not both")
    return "multinomial" if "N" in values else "projection" if "Phi" in values else "exact"


def _support(values: Mapping[str, str], vectors: Mapping[str, tuple], args_n: int | None) -> int:
    sizes = {name: len(v) for name, v in vectors.items()}
    if "Phi" in values:
        sizes["Phi"] = len(matrix_value("Phi", values["Phi"]))
    if args_n is not None:
        if args_n < 2:
            raise InputError(f"--n {args_n}: the simplex needs n >= 2")
        if args_n > MAX_SUPPORT:
            raise InputError(f"--n {args_n} is above the limit {MAX_SUPPORT} of iterate; use a smaller n")
        sizes["--n"] = args_n
    if len(set(sizes.values())) > 1:
        raise InputError(f"support sizes disagree: {', '.join(f'{k} has {v}' for k, v in sizes.items())}")
    n = next(iter(sizes.values()), DEFAULT_N)
    if n > MAX_SUPPORT:
        raise InputError(f"support size n = {n} is above the limit {MAX_SUPPORT} of iterate; use a smaller n")
    return n


def streams(seed: int) -> list[np.random.Generator]:
    """Three independent generators from one seed: anchors, starts, the sampling process."""
    return np.random.default_rng(seed).spawn(3)


def random_anchor(rng: np.random.Generator, n: int) -> tuple[Fraction, ...]:
    """A seeded interior point with exact coordinates ``c_i / d`` (``c_i >= 1``; ``d = 1000``, times 10
    until ``d >= 10 n``), near Dirichlet(1)."""
    denominator = DENOMINATOR
    while denominator < 10 * n:  # room for every coordinate to be drawn, not only set to 1/denominator
        denominator *= 10
    counts = 1 + rng.multinomial(denominator - n, rng.dirichlet(np.ones(n)))
    return tuple(Fraction(int(c), denominator) for c in counts)


def _steps_and_chains(args: argparse.Namespace, mode: str, params: Mapping[str, Fraction], size: int | None,
                      rate: float | None) -> tuple[int, int]:
    if args.steps is not None and args.steps < 1:
        raise InputError(f"--steps {args.steps} must be at least 1")
    if args.steps is not None and args.steps > MAX_ITERATE_STEPS:
        raise InputError(f"--steps {args.steps} is above the limit {MAX_ITERATE_STEPS} of iterate; use fewer steps")
    if args.chains is not None and args.chains > MAX_ITERATE_CHAINS:
        raise InputError(f"--chains {args.chains} is above the limit {MAX_ITERATE_CHAINS} of iterate; use fewer chains")
    if args.chains is not None and args.chains < (1 if mode == "deterministic" else 2):
        low = 1 if mode == "deterministic" else 2
        raise InputError(f"--chains {args.chains} must be at least {low}" + (" (an interval needs two chains)" if low == 2 else ""))
    chains = args.chains or (CHAINS if mode == "deterministic" else SAMPLED_CHAINS)
    start = burn_in(1 - float(params["alpha"]), cc.BURN_IN_BIAS) if mode == "anchored" else 0
    if args.steps is not None:
        if args.steps <= start:
            raise InputError(f"--steps {args.steps} leaves no generations after the burn-in of {start}; use more steps")
        return args.steps, chains
    if mode == "anchored":
        return start + max(200, start), chains
    if mode == "unanchored":
        return size, chains
    if mode == "accumulate":
        return ACCUMULATION_STEPS, chains
    if mode == "sampled":
        return MIN_STEPS, chains
    base = rate if rate is not None else (1 - float(params["alpha"]) if "alpha" in params else 0.5)
    return min(MAX_STEPS, max(MIN_STEPS, cc.rate_steps(base))), chains


def label_of(family: str | None, target: str) -> str:
    return family or str(target)


def check_size(label: str, mode: str, steps: int, chains: int, n: int, family: str | None, inputs: int,
               available: int | None = None) -> None:
    """Refuse, before any work, a run above the limits: generations, work ``steps x chains x n``,
    and memory (the recorded series, ``(steps + 1) x chains`` per observable, and the working
    arrays, ``chains x n`` per copy), against half the available memory."""
    if steps > MAX_ITERATE_STEPS:
        raise InputError(f"{label}: {steps} generations are above the limit {MAX_ITERATE_STEPS} of iterate; "
                         f"set --steps (or a smaller N)")
    if mode == "accumulate" and steps > MAX_ACCUMULATION_T:
        raise InputError(f"--accumulate: {steps} generations are above the limit {MAX_ACCUMULATION_T} of the "
                         f"accumulation-bound derivation it is compared with; use --steps {MAX_ACCUMULATION_T} or fewer")
    work = steps * chains * n
    what = f"iterate {label} with {steps} steps x {chains} chains x n = {n}"
    if work > MAX_WORK:
        raise InputError(f"{what} is {work:.3g} coordinate updates, above the limit {MAX_WORK:.0e} (hours of work); "
                         f"lower --steps, --chains or --n")
    observables = 7 if family == "sampled-anchor" else 4
    needed = 8 * ((steps + 1) * chains * observables + chains * n * (WORKING_COPIES + inputs))
    limits.check_memory(needed, what, "lower --steps, --chains or --n", available)


def derived_rate(family: str | None, params: Mapping[str, Fraction]) -> float | None:
    """``rho`` from ``memory-rate``: F3 with its weights, F1 and F2 as memory ``k = 1`` (``beta = (1)``)."""
    if family in ("linear-anchor", "multi-teacher-anchor", "multi-teacher-geometric-anchor"):
        return value("memory-rate", {"alpha": params["alpha"], "beta": (Fraction(1),)})
    if family == "memory-anchor":
        betas = tuple(v for k, v in sorted(params.items()) if k.startswith("beta_"))
        return value("memory-rate", {"alpha": params["alpha"], "beta": betas})
    return None


def resolve(args: argparse.Namespace) -> Setting:
    """Parse and validate the command line into a :class:`Setting` (exact values)."""
    values = assignments(args.assignments)  # one rule for repeated --set across derive and iterate
    op, family = _operator(args.target, values)
    if op.kind is not Kind.META:
        raise InputError(f"{op.name} is a {op.kind.value} operator; iterate takes a meta-teacher family (F0-F7)")
    process = _process(family, values, args.accumulate)
    fixed_names = [x for x in op.inputs if student_lag(x) is None]
    vectors = {x: distribution(vector_value(x, values[x]), x, interior=True) for x in fixed_names if x in values}
    if "q0" in values:
        vectors["q0"] = distribution(vector_value("q0", values["q0"]), "q0")
    n = _support(values, vectors, args.n)
    if args.accumulate and "alpha" not in values:
        values = {**values, "alpha": "0"}
    params = _parameters(op, values)
    groups = {g[0] for p in op.parameters if (g := _group(p.name)) is not None}
    known = set(fixed_names) | {p.name for p in op.parameters} | groups | {"q0"}
    known |= {"N"} if process in ("multinomial", "accumulate") or family is None else set()
    known |= {"Phi"} if process == "projection" or family is None else set()
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(f"{op.name} takes no input {unknown[0]!r}; it takes: {', '.join(sorted(known))}")
    mode = _mode(op, family, process, params, args.accumulate)
    if mode == "accumulate" and "q0" in vectors:
        raise InputError("the accumulating process starts at q0 = p (C12); set p instead of q0")
    rng = streams(args.seed)[0]
    fixed = {x: vectors.get(x) or random_anchor(rng, n) for x in fixed_names}
    sampling = process in ("multinomial", "accumulate")
    size = integer_value("N", values["N"], MAX_SAMPLES, low=1) if "N" in values else (DEFAULT_SIZE if sampling else None)
    phi = matrix_value("Phi", values["Phi"]) if "Phi" in values else (
        tuple((Fraction(i),) for i in range(1, n + 1)) if process == "projection" else None)
    label = label_of(family, args.target)
    check_size(label, mode, *_steps_and_chains(args, mode, params, size, None), n, family, len(op.inputs))
    rate = derived_rate(family, params) if mode == "deterministic" else None  # (the default steps follow the rate)
    steps, chains = _steps_and_chains(args, mode, params, size, rate)
    check_size(label, mode, steps, chains, n, family, len(op.inputs))
    start = vectors.get("q0") or (fixed.get("p") if sampling else None)
    return Setting(label, family, op, process, mode, params, fixed, start, n, size, phi, steps, chains, args.seed, rate)


# -- targets and derived values -------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """What distances are measured to, and where it came from."""

    point: np.ndarray
    kind: str
    derived: bool
    unique: bool | None = None


FIXED_POINTS = {"softened-anchor": "softened-fixed-point", "capacity-anchor": "capacity-fixed-point"}


def derived_point(s: Setting) -> tuple[Target | None, str]:
    """The derived fixed point of F5 / F6, or None with the reason."""
    source = FIXED_POINTS.get(s.family or "")
    if source is None:
        return None, ""
    if s.n > DERIVED_MAX_N:
        return None, f" (n > {DERIVED_MAX_N}: not derived)"
    inputs = {"alpha": s.parameters["alpha"], "p": s.fixed["p"]}
    inputs |= {"tau": s.parameters["tau"]} if source == "softened-fixed-point" else {"Phi": s.features}
    try:
        d = cc.derive(source, inputs)
    except (ModelError, InputError) as err:
        return None, f" (derivation unavailable: {err})"
    unique = bool(d.extra.get("unique")) if source == "softened-fixed-point" else True
    return Target(np.array([cc.to_float(v) for v in d.value]), f"fixed point ({source})", True, unique), ""


def target(s: Setting, ex: Experiment) -> Target:
    """The derived fixed point of F5 / F6 when available; else the anchor when the process keeps it
    fixed (always for sampling processes, whose mean is pulled to it); else the numeric limit of
    the iteration from ``q_0 = p``."""
    found, note = derived_point(s)
    if found is not None:
        return found
    anchor = ex.anchor()
    named = "anchor" if "p" in s.fixed else "aggregated anchor A_w(p1..pm)"
    if s.family in ("unanchored", "softened-self"):
        named += " (ignored by the map)"
    if ex.random:
        return Target(anchor, named, False)
    process = ex.build()
    history = (anchor[None],) * process.teacher.memory
    if np.abs(process.next(history, None, None, 0)[0] - anchor).max() <= SETTLED:
        return Target(anchor, named + note, False)
    limit, _ = cc.settle(ex, anchor[None], limit=max(s.steps, LIMIT_STEPS))
    return Target(limit[0], "numeric limit of the iteration from q0 = p (p is not a fixed point)" + note, False)


# -- running --------------------------------------------------------------------------------

def observables(s: Setting, ex: Experiment, goal: Target) -> dict[str, Callable]:
    out = divergences_to(goal.point) | {"linf": lambda q: np.abs(q - goal.point).max(axis=-1)}
    if s.family == "sampled-anchor":
        out |= {k: v for k, v in sampled_statistics(ex).items() if k not in out}
    return out


def starts_for(s: Setting, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    if s.start is not None:
        q0 = np.array([float(x) for x in s.start])
        return np.tile(q0, (s.chains, 1)), "q0 = (" + ", ".join(map(str, s.start)) + ")"
    return starts(rng, s.chains, s.n), "seeded interior and boundary starts"


# -- summaries ------------------------------------------------------------------------------

def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _check(name: str, outcome: Outcome) -> dict:
    return {"name": name, "verdict": outcome.verdict, "steps": list(outcome.steps), "data": outcome.data}


#: Families whose one-step factors are C2's: TV and chi^2 contract by rho and rho^2 exactly, KL by at most rho
#: (rho = 1 - alpha from memory-rate with beta = (1)).
LINEAR = ("linear-anchor", "multi-teacher-anchor", "multi-teacher-geometric-anchor")
#: Relative floor of the rate fit under a projection: Newton stops at a moment residual of 1e-12,
#: and the numeric target (n > DERIVED_MAX_N) is itself settled only to about that size.
PROJECTION_FLOOR = 1e-8
#: A chain whose final max-distance to the target is below this has converged.
CONVERGED = 1e-8


def deterministic_block(s: Setting, out: Run, goal: Target) -> tuple[dict, list[dict]]:
    """The rate is fitted to ``max |q_t - target|`` over the chains that converge (all chains when none
    does): a start that never converges (e.g. a zero coordinate under F4) is counted, not fitted."""
    linf = out.series["linf"]
    converging = linf[-1] <= CONVERGED
    m = (linf[:, converging] if converging.any() else linf).max(axis=1)
    fit = fit_rate(m, PROJECTION_FLOOR if s.process == "projection" else FLOOR)
    rate = s.rate
    block: dict[str, Any] = {"rate": {"measured": fit.rate, "window": [fit.first, fit.last], "derived": rate,
                                      "source": "memory-rate" if rate is not None else None,
                                      "chains_not_converging": int((~converging).sum())}}
    checks = []
    if rate is not None:
        checks.append(_check("rate", cc.compare_rate(m, rate, "memory-rate")))
    if rate is not None and s.family in LINEAR:
        factors = {"tv": (rate, True), "chi2": (rate ** 2, True), "kl": (rate, False)}
        checks.append(_check("step ratios", cc.compare_ratios(out.series, factors, RATIO_FLOOR)))
    if goal.derived and goal.unique:
        checks.append(_check("fixed point", cc.compare_point(out.final, goal.point, goal.kind, s.steps)))
    elif goal.derived:
        block["note"] = "the fixed point is not certified unique; chains may reach another one"
    return block, checks


def sampled_block(s: Setting, out: Run) -> tuple[dict, list[dict]]:
    p = s.fixed["p"]
    if s.mode == "anchored":
        start = burn_in(1 - float(s.parameters["alpha"]), cc.BURN_IN_BIAS)
        derived = cc.stationary_values(s.parameters["alpha"], s.samples, p)
        result = cc.compare_stationary(out.series, start, derived, LEVEL)
        stationary = {}
        for name, _, source in cc.STATIONARY:
            est = result.data["estimates"][name]
            inside = est["ci"][0] <= derived[name] <= est["ci"][1]
            stationary[name] = est | {"derived": derived[name], "source": source, "inside": inside}
        block = {"stationary": stationary, "window_start": start}
        return block, [_check("stationary", result)]
    if s.mode == "unanchored":
        times = sorted({max(1, round(s.steps * (k + 1) / CHECKPOINTS)) for k in range(CHECKPOINTS)})
        result = cc.compare_heterozygosity(out.series["heterozygosity"], times,
                                           cc.heterozygosity_function(s.samples, s.start), LEVEL)
        return {"heterozygosity": result.data["heterozygosity"]}, [_check("heterozygosity", result)]
    bound, expected = cc.accumulation_values(s.samples, s.start, s.steps)
    result = cc.compare_accumulation(out.series["l2"][s.steps], bound, expected, s.steps, LEVEL)
    return {"accumulation": result.data}, [_check("accumulation", result)]


def summary(s: Setting, out: Run, goal: Target, start_text: str, seconds: float) -> dict:
    final_tv = out.series["tv"][-1]
    data: dict[str, Any] = {
        "target": s.label, "operator": s.operator.name, "title": s.operator.title, "process": s.process,
        "mode": s.mode, "n": s.n, "steps": s.steps, "chains": s.chains, "seed": s.seed,
        "parameters": {k: str(v) for k, v in s.parameters.items()},
        "inputs": {k: [str(x) for x in v] for k, v in s.fixed.items()}, "start": start_text,
        "N": s.samples, "Phi": None if s.features is None else [[str(x) for x in r] for r in s.features],
        "reference": {"kind": goal.kind, "point": goal.point.tolist()},
        "final_distance": {"tv_max": float(final_tv.max()), "tv_median": float(np.median(final_tv)),
                           "linf_max": float(out.series["linf"][-1].max())},
        "largest_step_ratio": ({k: None for k in ("kl", "tv", "chi2")} if s.process in ("multinomial", "accumulate") else
                               {k: _finite(largest_ratio(out.series[k], RATIO_FLOOR)) for k in ("kl", "tv", "chi2")}),
    }
    if s.mode == "deterministic":
        block, checks = deterministic_block(s, out, goal)
    elif s.family == "sampled-anchor":
        block, checks = sampled_block(s, out)
    else:
        block, checks = {}, []
    data |= block
    data["checks"] = checks
    data["seconds"] = round(seconds, 3)
    return data


# -- output ---------------------------------------------------------------------------------

def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.6g}"


def text(data: dict) -> str:
    lines = [f"{data['target']} ({data['title'] or data['operator']}), process {data['process']}, mode {data['mode']}: "
             f"n = {data['n']}, {data['chains']} chains, {data['steps']} generations, seed {data['seed']}",
             "parameters: " + ", ".join(f"{k} = {v}" for k, v in data["parameters"].items())
             + (f", N = {data['N']}" if data["N"] is not None else ""),
             *(f"{k} = ({', '.join(v)})" for k, v in data["inputs"].items()),
             f"start: {data['start']}",
             f"target: {data['reference']['kind']}",
             f"final distance: TV max {_fmt(data['final_distance']['tv_max'])}, median "
             f"{_fmt(data['final_distance']['tv_median'])}; max |q - target| {_fmt(data['final_distance']['linf_max'])}",
             "largest per-step ratio: " + (", ".join(f"{k} {_fmt(v)}" for k, v in data["largest_step_ratio"].items())
                                           if data["largest_step_ratio"]["tv"] is not None else
                                           "- (a sampling process: the divergence is random, not contracted step by step)")]
    if "rate" in data:
        r = data["rate"]
        lines.append(f"empirical rate {_fmt(r['measured'])} (generations {r['window'][0]}..{r['window'][1]}"
                     + (f"; {r['chains_not_converging']} chains do not converge" if r["chains_not_converging"] else "")
                     + ")"
                     + (f"; derived rate {_fmt(r['derived'])} ({r['source']})" if r["derived"] is not None else ""))
    for name, e in data.get("stationary", {}).items():
        lines.append(f"stationary {name:6s} {e['mean']:.6g}  95% CI [{e['ci'][0]:.6g}, {e['ci'][1]:.6g}]  derived "
                     f"{e['derived']:.6g} ({e['source']}): {'inside' if e['inside'] else 'OUTSIDE'}")
    for t, e in data.get("heterozygosity", {}).items():
        if isinstance(e, dict):
            inside = e["ci"][0] <= e["derived"] <= e["ci"][1]
            lines.append(f"E[1 - ||q_{t}||^2] {e['mean']:.6g}  95% CI [{e['ci'][0]:.6g}, {e['ci'][1]:.6g}] "
                         f"(simultaneous)  derived {e['derived']:.6g}: {'inside' if inside else 'OUTSIDE'}")
    if "accumulation" in data:
        a = data["accumulation"]
        lines.append(f"E||q_T - p||^2 {a['estimate']['mean']:.6g}  95% CI [{a['estimate']['ci'][0]:.6g}, "
                     f"{a['estimate']['ci'][1]:.6g}]  exact {a['expected_error']:.6g}, bound {a['bound']:.6g}")
    lines += [f"check {c['name']}: {c['verdict']}" for c in data["checks"]]
    return "\n".join(lines)


def plot(path: Path, s: Setting, out: Run, data: dict) -> None:
    """Divergence to the target against the derived bound (log scale)."""
    from kdaxioms.numeric.plot import divergence_plot, mean_plot
    title = f"{s.label}: n = {s.n}, {s.chains} chains, seed {s.seed}"
    t = np.arange(s.steps + 1)
    if s.mode == "anchored":
        mean_plot(path, out.series["l2"], r"$\|q_t - p\|^2$", title, data["stationary"]["l2"]["derived"],
                  "derived stationary value (sampled-stationary)")
    elif s.mode == "unanchored":
        h = cc.heterozygosity_function(s.samples, s.start)
        mean_plot(path, out.series["heterozygosity"], r"$1 - \|q_t\|^2$", title, np.array([h(k) for k in t]),
                  r"derived $(1 - 1/N)^t (1 - \|q_0\|^2)$")
    elif s.mode == "accumulate":
        mean_plot(path, out.series["l2"], r"$\|q_t - p\|^2$", title, data["accumulation"]["bound"],
                  f"derived bound at t = {s.steps} (accumulation-bound)")
    else:
        rate = data.get("rate", {}).get("derived")
        tv = out.series["tv"]
        reference = None if rate is None else tv[0].max() * rate ** t.astype(float)
        divergence_plot(path, tv, r"TV$(q_t, $target$)$", title, reference,
                        r"derived rate: $\rho^t \max_c \mathrm{TV}(q_0, p)$ (memory-rate)")


# -- the command ----------------------------------------------------------------------------

def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``iterate`` subparser to ``subparsers`` (from ``parser.add_subparsers``)."""
    p = subparsers.add_parser("iterate", help="iterate a family or operator file over many chains against derived values",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="NAME|FILE", help="meta family (F0-F7) or operator file (TOML)")
    p.add_argument("--set", action="append", default=[], metavar="P=V", dest="assignments",
                   help="parameter, input (p, p1.., q0) or process input (N, Phi) value (repeatable)")
    p.add_argument("--n", type=int, default=None,
                   help=f"support size, at most {MAX_SUPPORT} (default: from the inputs, else {DEFAULT_N})")
    p.add_argument("--steps", type=int, default=None,
                   help=f"generations, at most {MAX_ITERATE_STEPS} (default: chosen from the rate / burn-in)")
    p.add_argument("--chains", type=int, default=None,
                   help=f"independent chains, at most {MAX_ITERATE_CHAINS} (default {CHAINS}, sampling {SAMPLED_CHAINS}); "
                        "a run must also fit in half the available memory")
    p.add_argument("--seed", type=limits.seed, default=0, help=f"seed of every random step, 0..{limits.MAX_SEED} (default 0)")
    p.add_argument("--accumulate", action="store_true", help="sampled-anchor only: pool all samples (C12, alpha = 0)")
    p.add_argument("--json", action="store_true", help="print a JSON object (no progress bar)")
    p.add_argument("--plot", type=Path, metavar="FILE.png", help="draw the divergence against the derived bound")
    return p


def execute(args: argparse.Namespace) -> dict:
    """Resolve, iterate and summarize (the command without printing)."""
    began = time.perf_counter()
    if args.plot is not None:
        output_file(args.plot, ".png", "--plot")
    s = resolve(args)
    ex = s.experiment()
    _, starts_rng, process_rng = streams(s.seed)
    goal = target(s, ex)
    q0, start_text = starts_for(s, starts_rng)
    with progress_bar(s.steps, f"iterating {s.label}", wanted(args.json), every=max(1, s.steps // 200)) as update:
        out = run_engine(ex.build(), q0, s.steps, process_rng, observables(s, ex, goal), keep=False, progress=update)
    data = summary(s, out, goal, start_text, time.perf_counter() - began)
    if args.plot is not None:
        plot(args.plot, s, out, data)
        data["plot"] = str(args.plot)
    return data


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 when every comparison agrees, 1 when one disagrees."""
    data = execute(args)
    print(json.dumps(data, indent=2, default=_json_default) if args.json else text(data))
    return 0 if all(c["verdict"] == AGREES for c in data["checks"]) else 1


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"{type(x).__name__} is not JSON serializable")
