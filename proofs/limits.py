"""Limits on command values, checked before any work (one job: say no early, and say why).

Every limit here is far above what a real run needs; it exists so that a mistyped or hostile
value ends in one line (exit 2) instead of a traceback, an hour of work or an exhausted machine.

- seeds: integers from 0 to ``2**32 - 1`` (numpy's ``SeedSequence`` rejects negative seeds);
- ``--timeout``: finite, positive, at most :data:`MAX_TIMEOUT_S` seconds per Z3 query;
- ``--budget``: finite, positive, at most :data:`MAX_BUDGET_S` seconds per claim or axiom;
- ``--jobs``: at most the available cores (more is lowered, with one warning line);
- memory: an estimate of what a run allocates must fit in half the memory available now
  (:func:`check_memory`, from ``/proc/meminfo``, the cgroup limit or ``sysconf``).
"""

from __future__ import annotations

import argparse
import logging
import math
import os
from pathlib import Path

from kdaxioms.symbolic.errors import InputError, excerpt
from kdaxioms.symbolic.limits import MAX_SUPPORT

log = logging.getLogger("kdaxioms")

#: Largest seed (numpy seeds are non-negative; Z3 and other consumers take 32-bit seeds).
MAX_SEED = 2**32 - 1
#: Longest Z3 query timeout (seconds): an hour; use ``--budget`` for long runs.
MAX_TIMEOUT_S = 3600.0
#: Longest budget of one claim or axiom (seconds): a day.
MAX_BUDGET_S = 86400.0
#: Most random starts per support size of ``check`` and ``report``.
MAX_CHAINS = 100_000
#: Largest support size of whole-vector SMT (Z3 decides nothing useful far below this); the
#: operator-file checks substitute every support size up to it.
MAX_SMT_N = MAX_SUPPORT
#: Share of the available memory a run may plan to use.
MEMORY_SHARE = 0.5

GIB = 2**30


def seed(text: str) -> int:
    """An argparse type: an integer seed in ``[0, MAX_SEED]``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{excerpt(text)} is not an integer; give a seed from 0 to {MAX_SEED}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{excerpt(text)} is outside 0..{MAX_SEED}; give a non-negative seed below 2**32")
    return value


def _integer(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{excerpt(text)} is not an integer") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"{excerpt(text)} must be at least {low}")
    if value > high:
        raise argparse.ArgumentTypeError(f"{excerpt(text)} is above the limit {high}")
    return value


def count(low: int = 1, high: int | None = None):
    """An argparse type: an integer in ``[low, high]`` (``high=None``: no upper limit)."""
    def parse(text: str) -> int:
        return _integer(text, low, high if high is not None else math.inf)  # type: ignore[arg-type]
    parse.__name__ = "integer"
    return parse


def seconds(high: float, hint: str):
    """An argparse type: finite positive seconds, at most ``high`` (``hint`` says what to use instead)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{excerpt(text)} is not a number of seconds") from None
        if not math.isfinite(value) or not value > 0:
            raise argparse.ArgumentTypeError(f"{excerpt(text)} must be positive and finite")
        if value > high:
            raise argparse.ArgumentTypeError(f"{excerpt(text)} is above the limit of {high:g} seconds; {hint}")
        return value
    parse.__name__ = "seconds"
    return parse


def jobs(requested: int | None, cores: int) -> int:
    """``--jobs``: the default is every available core; more than that is lowered to it, with a warning."""
    if requested is None:
        return cores
    if requested > cores:
        log.warning("--jobs %d is more than the %d available core%s; using %d", requested, cores,
                    "" if cores == 1 else "s", cores)
        return cores
    return requested


# -- memory ---------------------------------------------------------------------------------

def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_available() -> int | None:
    """What the cgroup (v2) still allows this process, when it sets a limit."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        return max(0, int(limit) - used)
    except (OSError, ValueError):
        return None


def _sysconf_available() -> int | None:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def available_memory() -> int | None:
    """Bytes of memory available now (the least of what the kernel and the cgroup report), or None."""
    found = [x for x in (_meminfo_available() or _sysconf_available(), _cgroup_available()) if x is not None]
    return min(found) if found else None


def gib(nbytes: float) -> str:
    return f"{nbytes / GIB:.2f} GiB"


def check_memory(needed: float, what: str, fix: str, available: int | None = None) -> None:
    """:class:`InputError` when ``needed`` bytes exceed :data:`MEMORY_SHARE` of the available memory.

    ``what`` names the run (e.g. ``iterate with 1000000000 steps x 1 chains``), ``fix`` how to shrink it."""
    available = available_memory() if available is None else available
    if available is None:
        return
    if needed > MEMORY_SHARE * available:
        raise InputError(f"{what} needs about {gib(needed)} of memory; this machine has {gib(available)} available "
                         f"and a run may use at most half of it; {fix}")
