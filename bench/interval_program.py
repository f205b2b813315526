"""Time of an interval cover with the compiled program run as generated Python against the same
program interpreted step by step (the baseline), in one run.

    python bench/interval_program.py            # Markdown table on standard output
    python bench/interval_program.py --n3       # also the n = 3 covers (about a minute per run)

Each row runs one interval route of ``C2.kl`` (``KL(Tq||p) <= (1-alpha) KL(q||p)``, the
check's own routes of :mod:`kdaxioms.proofs.interval_claims`) twice: once with
:meth:`IntervalProgram.__call__` (the generated function), once with every program evaluated by
:meth:`IntervalProgram.interpreted`.  Both must give the same verdict and the same number of
cells (the enclosures are identical); the ratio is interpreted time over generated time.
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

from kdaxioms.certified.intervals import IntervalProgram
from kdaxioms.proofs import registry

@contextmanager
def interpreted():
    """Every interval program evaluated by interpreting its steps (the baseline)."""
    generated = IntervalProgram.__call__
    IntervalProgram.__call__ = IntervalProgram.interpreted
    try:
        yield
    finally:
        IntervalProgram.__call__ = generated


def _routes(n3: bool):
    """C2.kl's interval routes as the check runs them (n = 2 every anchor; n = 3 its anchors)."""
    wanted = ("interval-n2", "interval-n3") if n3 else ("interval-n2",)
    return [r for r in registry()["C2.kl"].routes if r.name in wanted]


def _timed(route):
    start = time.perf_counter()
    outcome = route.run(None)
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n3", action="store_true", help="also the n = 3 cover at one anchor")
    args = parser.parse_args()
    print("| cover | cells | interpreted (s) | generated (s) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for route in _routes(args.n3):
        _timed(route)  # warm SymPy's caches once
        with interpreted():
            slow, a = _timed(route)
        fast, b = _timed(route)
        if (a.verdict, a.data.get("cells")) != (b.verdict, b.data.get("cells")):
            raise SystemExit(f"{route.name}: the two evaluations disagree ({a.verdict}, {b.verdict})")
        cells = b.data.get("cells") or "-"  # the n = 3 route joins one cover per anchor
        print(f"| C2.kl {route.name} | {cells} | {slow:.2f} | {fast:.2f} | {slow / fast:.2f} |")


if __name__ == "__main__":
    main()
