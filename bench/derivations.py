"""Run time of every derivation at a representative parameter point (issue 3's table).

    python bench/derivations.py            # Markdown table on standard output

Each derivation runs once in this process after a warm-up of SymPy's caches by the previous
ones; times are wall-clock seconds on the machine that runs it.
"""

from __future__ import annotations

import argparse
import time

from kdaxioms.symbolic.derivations import DERIVATIONS

POINTS = {
    "linear-trajectory": ["alpha=1/3", "t=5", "p=1/5,4/5", "q0=1,0"],
    "multi-teacher-trajectory": ["alpha=1/3", "t=5", "teachers=9/10,1/10;1/2,1/2", "w=1/2,1/2", "q0=1,0"],
    "memory-rate": ["alpha=1/2", "beta=1/5,1/5,1/5,1/5,1/5"],
    "memory-rate-bounds": ["k=3"],
    "local-kl-ratio": ["alpha=1/3"],
    "kl-ratio-supremum": ["alpha=1/3"],
    "geometric-hilbert": ["alpha=1/3", "p=1/5,3/10,1/2", "q=1/2,1/4,1/4"],
    "geometric-trajectory": ["alpha=1/3", "t=3", "p=1/5,3/10,1/2", "q0=1/2,1/4,1/4"],
    "softened-fixed-point": ["alpha=1/2", "tau=2", "p=7/10,1/5,1/10"],
    "softened-bias": ["alpha=1/2", "tau=2", "p=7/10,1/5,1/10"],
    "softened-limit": ["alpha=1/2", "p=7/10,1/5,1/10"],
    "power-softening-axioms": [],
    "entropy-derivative": ["tau=2/3", "p=7/10,1/5,1/10"],
    "linear-smoothing-closure": [],
    "capacity-moments": ["alpha=1/3", "Phi=1,0;0,1;1,1", "p=1/2,1/4,1/4", "t=4"],
    "capacity-fixed-point": ["alpha=1/3", "Phi=1;2;3", "p=1/2,1/4,1/4"],
    "capacity-bias": ["alpha=1/3", "Phi=1;2;3", "p=1/2,1/4,1/4"],
    "sampled-stationary": ["alpha=1/10", "N=100", "p=1/2,1/3,1/6"],
    "sampled-stationary-chi2": ["alpha=1/10", "N=100", "n=3"],
    "island-model": ["alpha=1/100", "N=100"],
    "unanchored-heterozygosity": ["N=100", "t=10", "q0=1/2,1/2"],
    "accumulation-bound": ["N=100", "t=10", "p=1/2,1/2"],
    "anchor-floor": ["N0=50", "n=3"],
}


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    print("| derivation | claim | inputs | seconds | value |")
    print("|---|---|---|---|---|")
    for name, spec in DERIVATIONS.items():
        assignments = POINTS.get(name, [])
        start = time.perf_counter()
        result = spec.derive(spec.parse(assignments))
        took = time.perf_counter() - start
        value = result.decimal()
        shown = value[0] + ", ..." if isinstance(value, list) else (value or "(symbolic)")
        print(f"| `{name}` | {spec.claim} | `{' '.join(assignments) or '-'}` | {took:.2f} | {shown[:24]} |")


if __name__ == "__main__":
    main()
