"""The ``kdaxioms tightness`` command: a certified bracket for C4's tight factor of F1.

    kdaxioms tightness --alpha A --anchor P [--seed S] [--json]

``c*(alpha, p) = sup_{q != p} KL(Tq||p) / KL(q||p)`` for ``T(q) = alpha p + (1 - alpha) q``, at an
exact ``alpha`` in ``(0, 1)`` and an exact interior anchor ``p`` (comma-separated, e.g.
``9/10,1/10``).  ``lower`` is certified with ``arb`` at an exact argmax proposed by a seeded
multi-start search; ``upper`` by an interval branch-and-bound cover of the whole simplex
(see :mod:`kdaxioms.certified.tightness`).  Both are exact decimals (lower rounded down, upper
rounded up); the width is at most 1e-6.  Exit status 0 with a certified bracket, 1 when the
cover ran out of budget (no upper bound is claimed), 2 for bad input.
"""

from __future__ import annotations

import argparse
import json

from kdaxioms.certified.tightness import bracket
from kdaxioms.symbolic.errors import InputError, excerpt
from kdaxioms.symbolic.points import fraction

from . import limits

#: Largest support size of the anchor: the branch-and-bound cover grows exponentially with n (at n = 4
#: it already takes minutes and may run out of cells).
MAX_ANCHOR = 4


class Once(argparse.Action):
    """An option that may be given once (a repeated ``--alpha`` is an error, not "the last wins")."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest, None) is not None:
            raise InputError(f"{option_string} is given twice ({excerpt(getattr(namespace, self.dest))} and "
                             f"{excerpt(values)}); give it once")
        setattr(namespace, self.dest, values)


def parse_anchor(text: str) -> tuple:
    """``"9/10,1/10"`` -> exact entries (validated as a distribution by the bracket)."""
    parts = [s.strip() for s in text.split(",")]
    if any(not s for s in parts):
        raise InputError(f"--anchor {excerpt(text)} has an empty entry; write e.g. 9/10,1/10")
    if len(parts) > MAX_ANCHOR:
        raise InputError(f"--anchor has {len(parts)} entries, above the limit n <= {MAX_ANCHOR} of the certified cover")
    return tuple(fraction(s) for s in parts)


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``tightness`` subparser to ``subparsers`` (from ``parser.add_subparsers``)."""
    p = subparsers.add_parser("tightness", help="certified bracket for c*(alpha, p), the tight KL factor of F1 (C4)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--alpha", required=True, action=Once, metavar="A", help="anchor weight in (0, 1), exact, e.g. 1/2")
    p.add_argument("--anchor", required=True, action=Once, metavar="P",
                   help=f"interior anchor of at most {MAX_ANCHOR} entries, e.g. 9/10,1/10 or 1/2,3/10,1/5 "
                        "(--anchor=... when it starts with '-')")
    p.add_argument("--seed", type=limits.seed, default=0,
                   help=f"seed of the multi-start search, 0..{limits.MAX_SEED} (default 0)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    return p


def _text(data: dict) -> str:
    lines = [f"c*(alpha={data['alpha']}, p=({', '.join(data['anchor'])}))"]
    if data["certified"]:
        lines.append(f"  certified bracket: [{data['lower']}, {data['upper']}]  (width {data['width']})")
        lines.append(f"  lower bound from: {data['lower_from']}")
    else:
        lines.append(f"  certified lower bound: {data['lower']}; NO certified upper bound (cover incomplete)")
    lines += [f"  argmax (exact): ({', '.join(data['argmax'])})",
              f"  ratio at the argmax in [{data['ratio_at_argmax'][0]}, {data['ratio_at_argmax'][1]}]",
              f"  cover: {data['cover']}",
              f"  {data['seconds']:.2f} s"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Compute and print the bracket; 0 when certified, 1 when the cover is incomplete."""
    result = bracket(fraction(args.alpha), parse_anchor(args.anchor), seed=args.seed)
    data = result.to_json()
    print(json.dumps(data, indent=2) if args.json else _text(data))
    return 0 if result.certified else 1
