"""Throughput of the iteration engine for F1 against plain numpy (issue 5's bandwidth table).

    python bench/iterate_bandwidth.py             # Markdown table on standard output
    python bench/iterate_bandwidth.py --chains 100 --repeats 5

For each support size ``n`` the engine iterates ``q_{t+1} = alpha p + (1 - alpha) q_t`` (the
linear anchor, translated from the operator model; no trajectory kept) over ``(chains, n)``
arrays, and the baseline evaluates ``a * x + b * y`` with numpy over arrays of the same shape.
Rates are chain-steps per second, the best of ``--repeats`` timings; the ratio is baseline rate
over engine rate (1 means the engine costs what one fused-free numpy expression costs).  The
baseline's effective bandwidth counts the least traffic of ``a * x + b * y``: two arrays read and
one written, 24 bytes per element.  The last line states issue 5's criterion: at n = 100,000 the
ratio must be at most 3 (exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from kdaxioms.numeric.iterate import run
from kdaxioms.numeric.processes import Exact, meta_teacher
from kdaxioms.numeric.sampling import interior
from kdaxioms.numeric.translate import numeric_operator
from kdaxioms.symbolic.families import family

SIZES = (10, 1_000, 100_000)
ALPHA = 0.1
#: Element-steps per timing (chains * n * steps), so each timing lasts a fraction of a second.
WORK = 3 * 10**7
#: Issue 5: the F1 iteration within this factor of the baseline at the largest n.
WITHIN = 3.0
BYTES_PER_ELEMENT = 24


def _best(repeats: int, body) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        best = min(best, time.perf_counter() - start)
    return best


def measure(n: int, chains: int, repeats: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    p, q = interior(rng, chains, n), interior(rng, chains, n)
    steps = max(20, WORK // (chains * n))
    process = Exact(meta_teacher(numeric_operator(family("linear-anchor")), {"p": p}, {"alpha": ALPHA}))
    engine = _best(repeats, lambda: run(process, q, steps, keep=False))

    def baseline() -> None:
        y = q
        for _ in range(steps):
            y = ALPHA * p + (1 - ALPHA) * y

    plain = _best(repeats, baseline)
    return {"n": n, "chains": chains, "steps": steps, "engine": chains * steps / engine,
            "baseline": chains * steps / plain, "ratio": engine / plain,
            "bandwidth": BYTES_PER_ELEMENT * chains * n * steps / plain / 1e9}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chains", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("| n | chains | steps | engine (chain-steps/s) | numpy a*x+b*y (chain-steps/s) | baseline GB/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    rows = []
    for n in SIZES:
        r = measure(n, args.chains, args.repeats, args.seed)
        rows.append(r)
        print(f"| {r['n']:,} | {r['chains']} | {r['steps']} | {r['engine']:.3g} | {r['baseline']:.3g} | "
              f"{r['bandwidth']:.2f} | {r['ratio']:.2f} |")
    last = rows[-1]
    ok = last["ratio"] <= WITHIN
    print(f"\nF1 at n = {last['n']:,}: engine / baseline time {last['ratio']:.2f} "
          f"({'within' if ok else 'NOT within'} {WITHIN:g}x)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
