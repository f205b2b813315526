"""Time of the certified c*(alpha, p) bracket against the float search alone (issue 5's benchmark).

    python bench/tightness.py                  # Markdown table on standard output
    python bench/tightness.py --repeats 3 --alpha 1/2
    python bench/tightness.py --conjecture     # certified brackets for anchors sharing min p_i

For each anchor (n = 2: ``9/10,1/10``; n = 3: ``1/2,3/10,1/5``) the same run times

* the baseline: the seeded float multi-start search with its Newton polish
  (:func:`kdaxioms.numeric.ratio_search.propose`), which only *proposes* an argmax;
* the certified bracket (:func:`kdaxioms.certified.tightness.bracket`): the same search, the exact
  argmax and its ``arb`` ratio (lower), and the branch-and-bound cover of the simplex (upper).

Times are the best of ``--repeats`` runs in one process (SymPy's caches warm after the first);
the ratio is bracket time over baseline time.  ``--conjecture`` prints the certified brackets of
anchors that share ``min p_i`` (n = 2 and n = 3) at several alphas, and whether they overlap
(overlap is evidence for the min p_i conjecture; disjoint brackets would refute it).
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction as F

from kdaxioms.numeric.ratio_search import propose
from kdaxioms.certified.tightness import bracket, decimal

ANCHORS = ((F(9, 10), F(1, 10)), (F(1, 2), F(3, 10), F(1, 5)))
#: Anchors grouped by their smallest entry (n = 2 first), and the alphas of the conjecture table.
SHARED_MIN = {
    F(1, 5): ((F(4, 5), F(1, 5)), (F(1, 2), F(3, 10), F(1, 5)), (F(3, 5), F(1, 5), F(1, 5)),
              (F(2, 5), F(2, 5), F(1, 5))),
    F(1, 10): ((F(9, 10), F(1, 10)), (F(1, 10), F(1, 10), F(4, 5)), (F(1, 10), F(9, 20), F(9, 20)),
               (F(7, 10), F(1, 10), F(1, 5))),
}
CONJECTURE_ALPHAS = (F(1, 10), F(1, 2), F(9, 10))


def _best(repeats: int, body):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = body()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(alpha: F, anchor: tuple[F, ...], repeats: int, seed: int = 0) -> dict:
    baseline, found = _best(repeats, lambda: propose(alpha, anchor, seed=seed))
    certified, b = _best(repeats, lambda: bracket(alpha, anchor, seed=seed))
    return {"n": len(anchor), "anchor": ",".join(map(str, anchor)), "baseline": baseline, "bracket": certified,
            "ratio": certified / baseline, "cells": b.cover.cells, "lower": decimal(b.lower),
            "upper": decimal(b.upper) if b.certified else "-", "float": found.value}


def conjecture_rows(alphas=CONJECTURE_ALPHAS, groups=SHARED_MIN, seed: int = 0) -> list[dict]:
    rows = []
    for alpha in alphas:
        for smallest, anchors in groups.items():
            brackets = [bracket(alpha, p, seed=seed) for p in anchors]
            certified = all(b.certified for b in brackets)
            overlap = certified and max(b.lower for b in brackets) <= min(b.upper for b in brackets)
            for p, b in zip(anchors, brackets):
                rows.append({"alpha": alpha, "min": smallest, "anchor": ",".join(map(str, p)),
                             "lower": decimal(b.lower), "upper": decimal(b.upper) if b.certified else "-",
                             "overlap": overlap, "seconds": b.seconds})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alpha", type=F, default=F(1, 2))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--conjecture", action="store_true", help="brackets of anchors sharing min p_i")
    args = parser.parse_args()
    if args.conjecture:
        print("| alpha | min p_i | anchor | lower | upper | group brackets overlap | seconds |")
        print("|---|---|---|---|---|---|---|")
        for r in conjecture_rows(seed=args.seed):
            print(f"| {r['alpha']} | {r['min']} | {r['anchor']} | {r['lower']} | {r['upper']} | "
                  f"{'yes' if r['overlap'] else 'NO'} | {r['seconds']:.2f} |")
        return
    print(f"alpha = {args.alpha}, best of {args.repeats}")
    print("| n | anchor | float search (s) | certified bracket (s) | ratio | cells | lower | upper |")
    print("|---|---|---|---|---|---|---|---|")
    for anchor in ANCHORS:
        r = measure(args.alpha, anchor, args.repeats, args.seed)
        print(f"| {r['n']} | {r['anchor']} | {r['baseline']:.3f} | {r['bracket']:.3f} | {r['ratio']:.0f} | "
              f"{r['cells']} | {r['lower']} | {r['upper']} |")


if __name__ == "__main__":
    main()
