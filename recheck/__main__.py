"""``python -m kdaxioms.recheck DIR`` (also ``kdaxioms recheck DIR``): re-check a proof bundle.

One line per item and a summary on standard output (``--json``: the same as one JSON object);
exit status 0 when nothing disagrees, 1 on any disagreement, 2 when the bundle cannot be read
(one line on standard error).  Only this package runs: no code of the tool that wrote the bundle.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from .run import BundleError, recheck, summary_line

#: Seconds each solver may spend on one SMT-LIB query (default).
TIMEOUT_S = 60.0


def parser(prog: str = "python -m kdaxioms.recheck") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, allow_abbrev=False,
                                description="Re-check a kdaxioms proof bundle with second engines (cvc5 and Z3 from "
                                            "SMT-LIB text, an evaluator on Python fractions, SymPy, mpmath intervals).")
    add_arguments(p)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", type=Path, metavar="DIR", help="the bundle folder (written with --bundle DIR)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    p.add_argument("--timeout", type=float, default=TIMEOUT_S, metavar="S",
                   help=f"seconds per solver and SMT-LIB query (default {TIMEOUT_S:g})")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: every available core)")


def run(args: argparse.Namespace) -> int:
    """Re-check ``args.bundle``; the exit status (:class:`BundleError` propagates)."""
    if not 0 < args.timeout <= 3600:
        raise BundleError(f"--timeout {args.timeout:g} is outside (0, 3600] seconds")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = cores if args.jobs is None else args.jobs
    if not 1 <= jobs <= 256:
        raise BundleError(f"--jobs {jobs} is outside 1..256")
    show = None if args.json else (lambda item: print(item.line(), flush=True))
    result = recheck(args.bundle, args.timeout, on_item=show, jobs=jobs)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(summary_line(result["summary"]))
    return 1 if result["summary"]["disagree"] else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except BundleError as err:
        print(f"recheck: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
