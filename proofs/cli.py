"""The ``kdaxioms`` command line.

Exit status: 0 when every verdict is as the theory expects, 1 when a claim fails or routes
disagree (or LaTeX fails), 2 for bad usage or input (one line on standard error).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import math
import os
import shlex
import sys
from pathlib import Path
from typing import Sequence

import sympy as sp

from .audit import audit_operator
from kdaxioms.symbolic.derivations import DERIVATIONS, derivation
from kdaxioms.symbolic.opfile import load_operator
from kdaxioms.symbolic.verdict import Scope, Verdict
from kdaxioms.symbolic.errors import DisagreementError, InputError, KdaxiomsError
from kdaxioms.smt.solve import limit_process

from . import iterate_cmd, tightness_cmd
from .claims import by_family, registry, select
from .interrupt import interrupted
from .progress import progress_bar, wanted
from .report import ReportError, write_report
from .runner import ClaimResult, available_cores, exit_status, run_claims
from .settings import Settings

log = logging.getLogger("kdaxioms")


class UsageError(InputError):
    """Bad command-line usage."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (raised, caught in main)
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be positive and finite")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("claims", nargs="*", metavar="CLAIM", help="claim ids or prefixes (default: all), e.g. C2 or C2.kl")
    p.add_argument("--seed", type=int, default=0, help="seed of every random step (default 0)")
    p.add_argument("--max-n", type=_positive_int, default=6, help="largest support size of whole-vector SMT (default 6)")
    p.add_argument("--timeout", type=_positive_float, default=5.0, help="seconds per Z3 query (default 5)")
    p.add_argument("--budget", type=_positive_float, default=None, metavar="S",
                   help="seconds for a whole claim, every route, query and search included (default: none)")
    p.add_argument("--chains", type=_positive_int, default=1000, help="random starts per support size (default 1000)")
    p.add_argument("--family", action="append", default=[], metavar="NAME",
                   help="only the claims about this family (name such as linear-anchor, or id such as F1; repeatable)")
    p.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                   help="worker processes (default: every available core)")
    p.add_argument("-v", "--verbose", action="store_true", help="log each route to standard error")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kdaxioms", description="Derive, prove, refute and cross-check claims about "
                     "knowledge-distillation operators.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="check claims and print a verdict table")
    _common(check)
    check.add_argument("--json", action="store_true", help="print a JSON object instead of a table")
    report = sub.add_parser("report", help="check claims and write a LaTeX report (and its PDF)")
    _common(report)
    report.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help="output folder")
    report.add_argument("--operator", action="append", default=[], type=Path, metavar="FILE",
                        help="add a section with the audit of this operator file (repeatable)")
    audit = sub.add_parser("audit", help="audit an operator file against the axioms of its kind")
    audit.add_argument("file", type=Path, metavar="FILE", help="operator file (TOML)")
    audit.add_argument("--axiom", action="append", default=[], metavar="NAME", help="axiom to decide (repeatable; default all)")
    audit.add_argument("--factor", metavar="EXPR", help="contraction factor for contraction-tv/-chi2/-l2, e.g. '1 - alpha'")
    audit.add_argument("--max-n", type=_positive_int, default=4, help="largest support size of whole-vector SMT (default 4)")
    audit.add_argument("--timeout", type=_positive_float, default=5.0, help="seconds per Z3 query (default 5)")
    audit.add_argument("--budget", type=_positive_float, default=None, metavar="S",
                       help="seconds for a whole axiom, every query, grid point and search included (default: none)")
    audit.add_argument("--json", action="store_true", help="print a JSON object")
    audit.add_argument("--emit-smtlib", type=Path, metavar="DIR", help="write every query as an SMT-LIB 2 file")
    audit.add_argument("--seed", type=int, default=0, help="seed of the searches for witnesses (default 0)")
    derive = sub.add_parser("derive", help="derive a closed form from the operator model")
    derive.add_argument("name", nargs="?", metavar="NAME", help="derivation name (see --list)")
    derive.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE", dest="assignments",
                        help="an input value: 1/2, a vector 9/10,1/10 or a matrix 1,0;0,1 (repeatable)")
    derive.add_argument("--list", action="store_true", help="list the derivations with one-line descriptions")
    derive.add_argument("--json", action="store_true", help="print a JSON object")
    derive.add_argument("--latex", action="store_true", help="print the LaTeX of the expression only")
    iterate_cmd.register(sub)
    tightness_cmd.register(sub)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    if args.max_n < 2:
        raise UsageError("--max-n must be at least 2: the simplex needs n >= 2")
    return Settings(seed=args.seed, max_n=args.max_n, timeout_s=args.timeout, chains=args.chains, budget_s=args.budget)


def _scope_text(scope: Scope) -> str:
    """Sizes, then every parameter grid and side condition (nothing a verdict depends on is hidden)."""
    return str(scope) if scope.sizes or not scope.unrestricted else "-"


def _table(results: list[ClaimResult]) -> str:
    rows = [("claim", "statement", "expected", "verdict", "scope", "routes (verdict, seconds)")]
    for r in results:
        routes = ", ".join(f"{x.route} {x.verdict} {x.seconds:.2f}" for x in r.routes)
        verdict = str(r.verdict) + (" !" if r.combined.disagreement else "")
        statement = r.claim.statement if len(r.claim.statement) <= 46 else r.claim.statement[:45] + "…"
        rows.append((r.claim.id, statement, r.claim.expected, verdict, _scope_text(r.combined.scope), routes))
    widths = [max(len(row[k]) for row in rows) for k in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    total = sum(r.seconds for r in results)
    bad = [r.claim.id for r in results if r.contradicts]
    undecided = [r.claim.id for r in results if not r.as_expected and not r.contradicts]
    lines.append(f"{len(results)} claims, {sum(r.as_expected for r in results)} as expected, {total:.1f} s in routes"
                 + (f"; unknown (engine limits, see reasons): {', '.join(undecided)}" if undecided else "")
                 + (f"; CONTRADICTING THE THEORY: {', '.join(bad)}" if bad else ""))
    return "\n".join(lines)


def _command_line(argv: Sequence[str]) -> str:
    """The report's reproduce line: ``argv`` with the output folder written as ``DIR`` (it does not
    change the report, and a fixed text keeps the ``.tex`` identical wherever it is written)."""
    words, skip = [], False
    for a in argv:
        if skip:
            words.append("DIR")
            skip = False
        elif a in ("-o", "--output"):
            words.append(a)
            skip = True
        elif a.startswith("--output="):
            words.append("--output=DIR")
        elif a.startswith("-o") and len(a) > 2:
            words.append("-oDIR")
        else:
            words.append(shlex.quote(a))
    return "kdaxioms " + " ".join(words)


def _derive(args: argparse.Namespace) -> int:
    if args.list:
        for spec in DERIVATIONS.values():
            print(f"{spec.name:28s} {spec.claim:4s} {spec.summary}")
        return 0
    if not args.name:
        raise UsageError("derive needs a NAME or --list")
    spec = derivation(args.name)
    result = spec.derive(spec.parse(args.assignments))
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    elif args.latex:
        print(result.latex())
    else:
        print(f"{result.name}: {sp.sstr(result.expression)}")
        value = result.decimal()
        if value is not None:
            exact = result.to_json()["exact"]
            if exact is not None:
                print(f"exact: {exact}")
            print(f"value: {value}")
    return 0


def _audit(args: argparse.Namespace) -> int:
    if args.max_n < 2:
        raise UsageError("--max-n must be at least 2: the simplex needs n >= 2")
    op = load_operator(args.file)
    results = audit_operator(op, args.axiom, args.factor, args.max_n, int(args.timeout * 1000), args.emit_smtlib,
                             seed=args.seed, budget_s=args.budget)
    status = 1 if any(r.verdict == Verdict.DISAGREEMENT for r in results) else 0
    if args.json:
        print(json.dumps({"operator": op.name, "kind": op.kind.value, "results": [r.to_json() for r in results]}, indent=2))
        return status
    rows = [("axiom", "code", "verdict", "scope", "route", "seconds", "witness or reason")]
    for r in results:
        detail = json.dumps(r.witness.to_json()) if r.witness is not None else r.reason
        rows.append((r.axiom, r.code, str(r.verdict), _scope_text(r.full_scope), r.route, f"{r.seconds:.2f}", detail))
    widths = [max(len(row[k]) for row in rows) for k in range(6)]
    print(f"{op.name} ({op.kind.value})")
    print("\n".join("  ".join(c.ljust(w) for c, w in zip(row[:6], widths)) + "  " + row[6] for row in rows))
    return status


def _run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(name)s: %(message)s")
    if args.command == "derive":
        return _derive(args)
    if args.command == "audit":
        return _audit(args)
    if args.command == "iterate":
        return iterate_cmd.run(args)
    if args.command == "tightness":
        return tightness_cmd.run(args)
    settings = _settings(args)
    for path in getattr(args, "operator", []):
        load_operator(path)  # a bad operator file fails before any claim runs
    claims = by_family(select(registry(), args.claims), args.family)
    jobs = args.jobs or available_cores()
    with progress_bar(len(claims), "checking claims", wanted(getattr(args, "json", False))) as update:
        finished: list[str] = []

        def tick(result: ClaimResult) -> None:
            finished.append(result.claim.id)
            update(len(finished), result.claim.id)
        results = run_claims(claims, settings, tick, jobs)
    if args.command == "check":
        if args.json:
            print(json.dumps({"claims": [r.to_json() for r in results], "settings": settings.as_dict()}, indent=2))
        else:
            print(_table(results))
        return exit_status(results)
    date = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    files = write_report(results, settings, args.output, _command_line(argv), date, args.operator)
    print(f"wrote {files.tex}" + (f" and {files.pdf}" if files.pdf else " (no pdflatex/latexmk found: no PDF)"))
    return exit_status(results)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    limit_process()  # Z3's memory cap, and Ctrl-C left to us (kdaxioms.proofs.interrupt)
    try:
        return _run(argv)
    except (ReportError, DisagreementError) as err:
        print(f"kdaxioms: error: {err}", file=sys.stderr)
        return 1
    except KdaxiomsError as err:
        print(f"kdaxioms: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (e.g. '| head'): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # workers and solvers are stopped and reaped by now
        return interrupted()


if __name__ == "__main__":
    sys.exit(main())
