"""Time of an interval cover with the compiled program run as generated Python against the same
program interpreted step by step (the baseline), in one run.

    python bench/interval_program.py            # Markdown table on standard output
    python bench/interval_program.py --n3       # also the n = 3 cover at one anchor (about 20 s)

Each row proves the same claim twice, ``C2.kl``'s ``KL(Tq||p) <= (1-alpha) KL(q||p)`` for the
geometric anchor (:mod:`kdaxioms.proofs.interval_claims`): once with
:meth:`IntervalProgram.__call__` (the generated function), once with every program evaluated by
:meth:`IntervalProgram.interpreted`.  Both must give the same verdict and the same number of
cells (the enclosures are identical); the ratio is interpreted time over generated time.
"""

from __future__ import annotations

import argparse
import time
from contextlib import contextmanager

from kdaxioms.certified.intervals import IntervalProgram
from kdaxioms.certified.logclaims import contraction_claim
from kdaxioms.certified.prove import Diagonal, prove
from kdaxioms.proofs.interval_claims import C2_ALPHA_BOX, C2_N3_ALPHA_BOX, C2_N3_CELLS, geometric_kl_factor
from kdaxioms.proofs.tightness_claims import ANCHORS


@contextmanager
def interpreted():
    """Every interval program evaluated by interpreting its steps (the baseline)."""
    generated = IntervalProgram.__call__
    IntervalProgram.__call__ = IntervalProgram.interpreted
    try:
        yield
    finally:
        IntervalProgram.__call__ = generated


def _claims(n3: bool):
    c = geometric_kl_factor()
    (alpha,) = c.operator.parameter_symbols
    yield "n = 2, every anchor", contraction_claim(c, 2, {alpha: C2_ALPHA_BOX}), 60_000
    if n3:
        p = next(a for a in ANCHORS if len(a) == 3)
        yield f"n = 3, p = ({', '.join(map(str, p))})", contraction_claim(c, 3, {alpha: C2_N3_ALPHA_BOX}, anchor=p), C2_N3_CELLS


def _timed(claim, budget):
    start = time.perf_counter()
    outcome = prove(claim, Diagonal("q", "p"), budget=budget)
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n3", action="store_true", help="also the n = 3 cover at one anchor")
    args = parser.parse_args()
    print("| cover | cells | interpreted (s) | generated (s) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for label, claim, budget in _claims(args.n3):
        _timed(claim, budget)  # warm SymPy's caches and compile the programs once
        with interpreted():
            slow, a = _timed(claim, budget)
        fast, b = _timed(claim, budget)
        if (a.verdict, a.data.get("cells")) != (b.verdict, b.data.get("cells")):
            raise SystemExit(f"{label}: the two evaluations disagree ({a.verdict}, {b.verdict})")
        print(f"| {label} | {b.data.get('cells')} | {slow:.2f} | {fast:.2f} | {slow / fast:.2f} |")


if __name__ == "__main__":
    main()
