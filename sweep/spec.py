"""A sweep file and its grid.

A sweep file is TOML::

    [sweep]
    kind = "tightness"          # what each task computes (see kdaxioms.proofs.sweep_kinds)
    seed = 0                    # passed to every task (every random step is seeded)
    timeout = 120               # hard limit per task, seconds (past it the task is 'unknown')
    batch = 0                   # tasks per batch; 0 chooses (see :func:`batch_size`)

    [grid]                      # the product of the axes, in the order written
    alpha = { from = "1/10", to = "9/10", step = "1/10" }     # exact rational range
    # cells = true in a range gives the intervals "1/10:1/5", ...; a list may hold "a:b" too
    anchor = { draw = 50, n = [2, 3], seed = 1, denominator = 100, min = "1/100" }   # or draw = [40, 10]
    # or a list: alpha = ["1/10", "1/2"]

    [figure]                    # optional: the heat map of 'kdaxioms report --sweep'
    x = "alpha"
    y = "min_anchor"
    value = "lower"

Every value is exact: numbers are written as strings (``"1/10"``) or integers; a float such as
``0.1`` is refused (it is not the number it looks like).  A task is plain data: its index in the
grid, its parameters (strings), the kind and the sweep's settings; its id is a hash of those, so
a resumed sweep recognises the tasks it has done.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from kdaxioms.symbolic.errors import InputError, excerpt
from kdaxioms.symbolic.points import fraction

#: Most tasks in one sweep (a larger grid is refused before any work).
MAX_TASKS = 1_000_000
#: Largest hard timeout per task, seconds.
MAX_TIMEOUT_S = 3600.0
#: Keys of the ``[sweep]`` table read by the engine; the others are the kind's settings.
ENGINE_KEYS = ("kind", "seed", "timeout", "batch")
#: Largest support size of a drawn anchor.
MAX_DRAWN_N = 8


@dataclass(frozen=True)
class Task:
    """One unit of work, plain data only (it crosses to a worker as it is)."""

    index: int
    id: str
    kind: str
    params: Mapping[str, str]
    settings: Mapping[str, Any]
    runner: str
    timeout: float

    def plain(self) -> dict:
        return {"index": self.index, "id": self.id, "kind": self.kind, "params": dict(self.params),
                "settings": dict(self.settings), "runner": self.runner, "timeout": self.timeout}


@dataclass(frozen=True)
class Spec:
    """A parsed sweep file: the kind, its settings, the axes (values as strings) and the figure."""

    path: Path
    kind: str
    seed: int
    timeout: float
    batch: int
    settings: Mapping[str, Any]
    axes: tuple[tuple[str, tuple[str, ...]], ...]
    figure: Mapping[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(np.prod([len(values) for _, values in self.axes], dtype=object)) if self.axes else 1

    def digest(self) -> str:
        """A hash of everything that decides the tasks (a resumed sweep must have the same)."""
        data = {"kind": self.kind, "seed": self.seed, "timeout": self.timeout, "settings": _jsonable(self.settings),
                "axes": [[name, list(values)] for name, values in self.axes]}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def tasks(self, runner: str) -> list[Task]:
        """The grid's product in the order written (the last axis varies fastest)."""
        names = [name for name, _ in self.axes]
        settings = dict(self.settings, seed=self.seed)
        out = []
        for index, combo in enumerate(itertools.product(*(values for _, values in self.axes))):
            params = dict(zip(names, combo))
            ident = hashlib.sha256(json.dumps([self.kind, params, _jsonable(settings), self.timeout],
                                              sort_keys=True).encode())
            out.append(Task(index, ident.hexdigest()[:20], self.kind, params, settings, runner, self.timeout))
        return out


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def load_spec(path: str | Path) -> Spec:
    """Read and check a sweep file; every problem is one :class:`InputError` line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"sweep file {path} does not exist; give the path of a .toml sweep file")
    try:
        data = tomllib.loads(path.read_text())
    except UnicodeDecodeError:
        raise InputError(f"sweep file {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"sweep file {path} is not valid TOML ({err}); see docs/sweeps.md for the format") from None
    unknown = sorted(set(data) - {"sweep", "grid", "figure"})
    if unknown:
        raise InputError(f"sweep file {path}: unknown table [{unknown[0]}]; the tables are [sweep], [grid] and [figure]")
    head = _table(data, "sweep", path)
    kind = head.get("kind")
    if not isinstance(kind, str) or not kind:
        raise InputError(f"sweep file {path}: [sweep] needs kind = \"...\" (e.g. kind = \"tightness\")")
    seed = _integer(head.get("seed", 0), "seed", 0, 2**32 - 1)
    batch = _integer(head.get("batch", 0), "batch", 0, 10_000)
    timeout = head.get("timeout", 600)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT_S:
        raise InputError(f"[sweep] timeout = {excerpt(timeout)} must be a number of seconds in (0, {MAX_TIMEOUT_S:g}]")
    settings = {k: v for k, v in head.items() if k not in ENGINE_KEYS}
    grid = _table(data, "grid", path)
    axes = tuple((name, axis_values(name, spec)) for name, spec in grid.items())
    if not axes:
        raise InputError(f"sweep file {path}: [grid] has no axis; add one, e.g. alpha = [\"1/10\", \"1/2\"]")
    figure = data.get("figure", {})
    if not isinstance(figure, dict) or not all(isinstance(v, str) for v in figure.values()):
        raise InputError("[figure] must hold x = \"...\", y = \"...\" and value = \"...\" (column names)")
    for name, values in axes:
        repeated = next((v for k, v in enumerate(values) if v in values[:k]), None)
        if repeated is not None:
            raise InputError(f"[grid] {name} repeats the value {excerpt(repeated)}: every grid point must be one task; "
                             "remove the repeat")
    spec = Spec(path, kind, seed, float(timeout), batch, settings, axes, dict(figure))
    if spec.size > MAX_TASKS:
        raise InputError(f"the grid has {spec.size} tasks, above the limit of {MAX_TASKS}; use fewer or coarser axes")
    return spec


def _table(data: Mapping, name: str, path: Path) -> dict:
    table = data.get(name)
    if not isinstance(table, dict):
        raise InputError(f"sweep file {path} needs a [{name}] table; see docs/sweeps.md for the format")
    return table


def _integer(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(f"[sweep] {name} = {excerpt(value)} must be an integer in [{lo}, {hi}]")
    return value


def _exact(value: Any, where: str) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise InputError(f"{where}: {value!r} is a float; write it exactly as a string, e.g. \"1/10\"")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"{where}: {excerpt(value)} is not a number; write e.g. \"1/10\"")
    try:
        return fraction(value if isinstance(value, str) else str(value))
    except InputError as err:
        raise InputError(f"{where}: {err}") from None


def _text(value: Fraction) -> str:
    return str(value)


def axis_values(name: str, spec: Any) -> tuple[str, ...]:
    """The values of one axis as strings: a list, an exact range or seeded anchors."""
    where = f"[grid] {name}"
    if isinstance(spec, list):
        if not spec:
            raise InputError(f"{where} is an empty list; give at least one value")
        values = []
        for item in spec:
            if isinstance(item, str) and ":" in item:  # an interval (a cell), e.g. "1/20:1/10"
                lo, hi = (_exact(part.strip(), where) for part in item.split(":", 1))
                if not lo < hi:
                    raise InputError(f"{where}: interval {item} needs its lower end below its upper end")
                values.append(f"{_text(lo)}:{_text(hi)}")
            elif isinstance(item, str) and "," in item:  # a vector, e.g. an anchor "9/10,1/10"
                values.append(",".join(_text(_exact(part.strip(), where)) for part in item.split(",")))
            elif isinstance(item, str) and not _numeric(item):
                values.append(item)  # a name (an axiom, a family)
            else:
                values.append(_text(_exact(item, where)))
        return tuple(values)
    if isinstance(spec, dict) and "draw" in spec:
        return _drawn(where, spec)
    if isinstance(spec, dict) and {"from", "to", "step"} <= set(spec):
        extra = sorted(set(spec) - {"from", "to", "step", "cells"})
        if extra:
            raise InputError(f"{where}: unknown key {extra[0]!r}; a range has from, to, step (and cells = true)")
        lo, hi, step = (_exact(spec[k], f"{where} {k}") for k in ("from", "to", "step"))
        if step <= 0:
            raise InputError(f"{where}: step {step} must be positive")
        if hi < lo:
            raise InputError(f"{where}: from {lo} is above to {hi}")
        count = int((hi - lo) / step) + 1
        if lo + (count - 1) * step != hi:
            raise InputError(f"{where}: to = {hi} is not on the grid from {lo} in steps of {step}; "
                             f"end at {lo + (count - 1) * step} or change the step")
        if count > MAX_TASKS:
            raise InputError(f"{where}: {count} values, above the limit of {MAX_TASKS}")
        points = [lo + k * step for k in range(count)]
        if spec.get("cells", False) is True:  # the intervals between consecutive points
            if len(points) < 2:
                raise InputError(f"{where}: cells = true needs at least two points")
            return tuple(f"{_text(a)}:{_text(b)}" for a, b in zip(points, points[1:]))
        return tuple(_text(v) for v in points)
    raise InputError(f"{where} must be a list, a range {{ from, to, step }} or draws {{ draw, n, seed }}")


def _numeric(text: str) -> bool:
    try:
        fraction(text)
    except InputError:
        return False
    return True


def _drawn(where: str, spec: Mapping[str, Any]) -> tuple[str, ...]:
    """``draw`` distinct anchors per support size ``n``: seeded flat Dirichlet points rounded to exact
    multiples of ``1/denominator``, every entry at least ``min``, summing to exactly 1 (a repeat is
    drawn again; too few possible anchors for ``draw`` is an error)."""
    extra = sorted(set(spec) - {"draw", "n", "seed", "denominator", "min"})
    if extra:
        raise InputError(f"{where}: unknown key {extra[0]!r}; draws take draw, n, seed, denominator and min")
    sizes = spec.get("n", 2)
    sizes = sizes if isinstance(sizes, list) else [sizes]
    if not sizes or any(isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= MAX_DRAWN_N for n in sizes):
        raise InputError(f"{where}: n must be an integer (or a list of integers) in [2, {MAX_DRAWN_N}]")
    counts = spec["draw"] if isinstance(spec["draw"], list) else [spec["draw"]] * len(sizes)
    if len(counts) != len(sizes) or any(isinstance(c, bool) or not isinstance(c, int) or not 1 <= c <= MAX_TASKS
                                        for c in counts):
        raise InputError(f"{where}: draw = {excerpt(spec['draw'])} must be a positive integer, or a list of them "
                         "with one count per n")
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise InputError(f"{where}: seed = {excerpt(seed)} must be an integer in [0, 2^32)")
    denominator = spec.get("denominator", 100)
    if isinstance(denominator, bool) or not isinstance(denominator, int) or not 2 <= denominator <= 10**9:
        raise InputError(f"{where}: denominator = {excerpt(denominator)} must be an integer in [2, 10^9]")
    low = _exact(spec.get("min", Fraction(1, denominator)), f"{where} min")
    out = []
    for n, count in zip(sizes, counts):
        if low <= 0 or low * n > 1 or (low * denominator).denominator != 1:
            raise InputError(f"{where}: min = {low} must be a positive multiple of 1/{denominator} with n*min <= 1")
        rng = np.random.default_rng([seed, n])
        spare = denominator - int(low * denominator) * n  # units above the minimum, shared out
        if math.comb(spare + n - 1, n - 1) < count:
            raise InputError(f"{where}: only {math.comb(spare + n - 1, n - 1)} anchors with n = {n} are multiples of "
                             f"1/{denominator} with every entry >= {low}; draw fewer or raise the denominator")
        drawn: dict[str, None] = {}
        for _ in range(100 * count):
            if len(drawn) == count:
                break
            share = rng.dirichlet(np.ones(n)) * spare
            units = np.floor(share).astype(int)
            units[int(np.argmax(share - units))] += spare - int(units.sum())
            entries = [low + Fraction(int(u), denominator) for u in units]
            drawn.setdefault(",".join(_text(v) for v in entries))
        if len(drawn) < count:
            raise InputError(f"{where}: could not draw {count} distinct anchors with n = {n}; draw fewer or raise "
                             "the denominator")
        out.extend(drawn)
    return tuple(out)


def batch_size(tasks: int, workers: int, configured: int = 0) -> int:
    """Tasks per batch: ``configured`` when set, else about 16 batches per worker (so the last
    batches balance the load) and at most 64 tasks per batch (so a lost worker loses little)."""
    if configured:
        return configured
    return max(1, min(64, -(-tasks // (16 * max(1, workers)))))
