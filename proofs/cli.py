"""The ``kdaxioms`` command line.

Exit status: 0 when every verdict is as the theory expects, 1 when a claim fails or routes
disagree (or LaTeX fails), 2 for bad usage or input (one line on standard error).

:func:`main` is the one error boundary: a :class:`KdaxiomsError` is one line
``kdaxioms: error: ...``; any other exception is a bug in kdaxioms and is one line
``kdaxioms: internal error: ...`` (exit 1) that says where to report it; ``--debug``, anywhere
on the command line, prints the traceback as well.  Command values are checked by
:mod:`.limits` and output folders by :mod:`.paths` before any work starts.
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
import traceback
from pathlib import Path
from typing import Sequence

import sympy as sp

from . import limits
from .audit import audit_operator
from .paths import folder_argument, output_folder
from kdaxioms.symbolic.derivations import DERIVATIONS, derivation
from kdaxioms.symbolic.opfile import load_operator
from kdaxioms.symbolic.parse import parse_expression
from kdaxioms.symbolic.verdict import Scope, Verdict
from kdaxioms.symbolic.errors import ECHO_LIMIT, InputError, KdaxiomsError, excerpt
from kdaxioms.smt.solve import limit_process
from kdaxioms.recheck import __main__ as recheck_main, run as recheck_run
from kdaxioms.sweep import store as sweep_store

from . import bundle, iterate_cmd, list_cmd, provenance, sweep_cmd, tightness_cmd
from .claims import by_family, registry, select
from .interrupt import interrupted
from .progress import progress_bar, wanted
from .runner import ClaimResult, available_cores, exit_status, run_claims
from .settings import Settings

log = logging.getLogger("kdaxioms")


class UsageError(InputError):
    """Bad command-line usage."""


class _Parser(argparse.ArgumentParser):
    """One error line (exit 2); options are written in full (no abbreviations), so that the
    report's reproduce line, built from the words typed, names them as the help does."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # one line, exit 2 (raised, caught in main)
        raise UsageError(f"{message} (see '{self.prog} --help')")


_positive_int = limits.count(1)
_TIMEOUT = limits.seconds(limits.MAX_TIMEOUT_S, "give at most an hour per query and use --budget for long runs")
_BUDGET = limits.seconds(limits.MAX_BUDGET_S, "give at most a day per claim or axiom")
#: The output folder named in the report's reproduce line.
REPRODUCE_FOLDER = "kdaxioms-report"
#: Where a bug is reported (the internal-error line names it).
REPORT_BUG = "see 'Errors and limits' in README.md"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("claims", nargs="*", metavar="CLAIM", help="claim ids or prefixes (default: all), e.g. C2 or C2.kl")
    p.add_argument("--seed", type=limits.seed, default=0, help=f"seed of every random step, 0..{limits.MAX_SEED} (default 0)")
    p.add_argument("--max-n", type=limits.count(1, limits.MAX_SMT_N), default=6,
                   help=f"largest support size of whole-vector SMT, at most {limits.MAX_SMT_N} (default 6)")
    p.add_argument("--timeout", type=_TIMEOUT, default=5.0,
                   help=f"seconds per Z3 query, at most {limits.MAX_TIMEOUT_S:g} (default 5)")
    p.add_argument("--budget", type=_BUDGET, default=None, metavar="S",
                   help="seconds for a whole claim, every route, query and search included, at most "
                        f"{limits.MAX_BUDGET_S:g} (default: none)")
    p.add_argument("--chains", type=limits.count(1, limits.MAX_CHAINS), default=1000,
                   help=f"random starts per support size, at most {limits.MAX_CHAINS} (default 1000)")
    p.add_argument("--family", action="append", default=[], metavar="NAME",
                   help="only the claims about this family (name such as linear-anchor, or id such as F1; repeatable)")
    p.add_argument("--jobs", type=_positive_int, default=None, metavar="N",
                   help="worker processes (default and most: every available core)")
    p.add_argument("-v", "--verbose", action="store_true", help="log each route to standard error")


def _bundle_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bundle", type=folder_argument, metavar="DIR",
                   help="write the decisive evidence (SMT-LIB queries, witnesses, certificates, interval covers) "
                        "into DIR for 'kdaxioms recheck DIR' (a new or empty folder, or a bundle to replace)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kdaxioms", description="Derive, prove, refute and cross-check claims about "
                     "knowledge-distillation operators.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="check claims and print a verdict table")
    _common(check)
    check.add_argument("--json", action="store_true", help="print a JSON object instead of a table")
    _bundle_option(check)
    report = sub.add_parser("report", help="check claims and write a LaTeX report (and its PDF)")
    _common(report)
    report.add_argument("-o", "--output", required=True, type=folder_argument, metavar="DIR",
                        help="output folder (created if missing; checked writable before any work)")
    report.add_argument("--operator", action="append", default=[], type=Path, metavar="FILE",
                        help="add a section with the audit of this operator file (repeatable)")
    report.add_argument("--sweep", action="append", default=[], type=Path, metavar="FILE",
                        help="add a section with this sweep result (a heat map, or the c* theorem of its cover; repeatable)")
    _bundle_option(report)
    audit = sub.add_parser("audit", help="audit an operator file against the axioms of its kind")
    audit.add_argument("file", type=Path, metavar="FILE", help="operator file (TOML)")
    audit.add_argument("--axiom", action="append", default=[], metavar="NAME", help="axiom to decide (repeatable; default all)")
    audit.add_argument("--factor", metavar="EXPR", help="contraction factor for contraction-tv/-chi2/-l2, e.g. '1 - alpha'")
    audit.add_argument("--max-n", type=limits.count(1, limits.MAX_SMT_N), default=4,
                       help=f"largest support size of whole-vector SMT, at most {limits.MAX_SMT_N} (default 4)")
    audit.add_argument("--timeout", type=_TIMEOUT, default=5.0,
                       help=f"seconds per Z3 query, at most {limits.MAX_TIMEOUT_S:g} (default 5)")
    audit.add_argument("--budget", type=_BUDGET, default=None, metavar="S",
                       help="seconds for a whole axiom, every query, grid point and search included (default: none)")
    audit.add_argument("--json", action="store_true", help="print a JSON object")
    audit.add_argument("--emit-smtlib", type=folder_argument, metavar="DIR",
                       help="write every query as an SMT-LIB 2 file into DIR (created if missing)")
    audit.add_argument("--seed", type=limits.seed, default=0, help="seed of the searches for witnesses (default 0)")
    _bundle_option(audit)
    recheck = sub.add_parser("recheck", help="re-check a proof bundle with second engines (cvc5, Z3 from text, "
                                             "fractions, SymPy, mpmath)")
    recheck_main.add_arguments(recheck)
    derive = sub.add_parser("derive", help="derive a closed form from the operator model")
    derive.add_argument("name", nargs="?", metavar="NAME", help="derivation name (see --list)")
    derive.add_argument("--set", action="append", default=[], metavar="PARAM=VALUE", dest="assignments",
                        help="an input value: 1/2, a vector 9/10,1/10 or a matrix 1,0;0,1 (repeatable)")
    derive.add_argument("--list", action="store_true", help="list the derivations with one-line descriptions")
    derive.add_argument("--json", action="store_true", help="print a JSON object")
    derive.add_argument("--latex", action="store_true", help="print the LaTeX of the expression only")
    iterate_cmd.register(sub)
    tightness_cmd.register(sub)
    sweep_cmd.register(sub)
    list_cmd.register(sub)
    for command in (parser, *sub.choices.values()):  # --debug before or after the command
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="on an internal error, print the traceback too")
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


def _command_line(argv: Sequence[str], seed: int) -> str:
    """The report's reproduce line: ``argv`` with the output folder written as ``kdaxioms-report``
    (it does not change the report, and a fixed text keeps the ``.tex`` identical wherever it is
    written), so that the line copied from the PDF runs as it is; the seed is always named."""
    words, skip = [], False
    for a in argv:
        if skip:
            words.append(REPRODUCE_FOLDER)
            skip = False
        elif a in ("-o", "--output"):
            words.append(a)
            skip = True
        elif a.startswith("--output="):
            words.append(f"--output={REPRODUCE_FOLDER}")
        elif a.startswith("-o") and len(a) > 2:
            words.append(f"-o{REPRODUCE_FOLDER}")
        else:
            words.append(shlex.quote(a))
    if not any(a == "--seed" or a.startswith("--seed=") for a in argv):
        words += ["--seed", str(seed)]
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


def _write_bundle(directory: Path, fill, command: str) -> None:
    """Write a proof bundle (:mod:`.bundle`) and say so on standard error."""
    manifest = bundle.write_bundle(directory, fill, version=provenance.version(), commit=provenance.commit(),
                                   command=command)
    found = bundle.counts(manifest)
    shown = ", ".join(f"{v} {k}" for k, v in sorted(found.items())) or "no decisive evidence"
    print(f"kdaxioms: wrote the proof bundle {directory} ({shown}); re-check it with 'kdaxioms recheck {directory}'",
          file=sys.stderr)


def _audit(args: argparse.Namespace, argv: Sequence[str]) -> int:
    if args.max_n < 2:
        raise UsageError("--max-n must be at least 2: the simplex needs n >= 2")
    emit_dir = output_folder(args.emit_smtlib, "--emit-smtlib") if args.emit_smtlib is not None else None
    bundle_dir = bundle.check_target(output_folder(args.bundle, "--bundle")) if args.bundle is not None else None
    op = load_operator(args.file)
    if args.factor is not None:  # a bad factor fails before any query, whichever axioms are asked for
        parse_expression(args.factor, {p.name for p in op.parameters}, set())
    results = audit_operator(op, args.axiom, args.factor, args.max_n, int(args.timeout * 1000), emit_dir,
                             seed=args.seed, budget_s=args.budget)
    status = 1 if any(r.verdict == Verdict.DISAGREEMENT for r in results) else 0
    if bundle_dir is not None:
        _write_bundle(bundle_dir, lambda w: bundle.audit_entries(w, op, results),
                      "kdaxioms " + " ".join(shlex.quote(a) for a in argv))
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
    if args.command == "recheck":
        try:
            return recheck_main.run(args)
        except recheck_run.BundleError as err:
            raise InputError(str(err)) from None
    if args.command == "audit":
        return _audit(args, argv)
    if args.command == "iterate":
        return iterate_cmd.run(args)
    if args.command == "tightness":
        return tightness_cmd.run(args)
    if args.command == "sweep":
        return sweep_cmd.run(args)
    if args.command == "list":
        return list_cmd.run(args)
    settings = _settings(args)
    output = output_folder(args.output, "-o") if args.command == "report" else None
    bundle_dir = bundle.check_target(output_folder(args.bundle, "--bundle")) if args.bundle is not None else None
    for path in getattr(args, "operator", []):
        load_operator(path)  # a bad operator file fails before any claim runs
    for path in getattr(args, "sweep", []):
        sweep_store.read_table(path)  # so does a missing or unreadable sweep result
    claims = by_family(select(registry(), args.claims), args.family)
    jobs = limits.jobs(args.jobs, available_cores())
    with progress_bar(len(claims), "checking claims", wanted(getattr(args, "json", False))) as update:
        finished: list[str] = []

        def tick(result: ClaimResult) -> None:
            finished.append(result.claim.id)
            update(len(finished), result.claim.id)
        results = run_claims(claims, settings, tick, jobs)
    if bundle_dir is not None:
        _write_bundle(bundle_dir, lambda w: bundle.claim_entries(w, results), _command_line(argv, settings.seed))
    if args.command == "check":
        if args.json:
            print(json.dumps({"claims": [r.to_json() for r in results], "settings": settings.as_dict()}, indent=2))
        else:
            print(_table(results))
        return exit_status(results)
    date = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    from .report import write_report  # loads matplotlib: only the report needs it

    rechecked = _recheck(bundle_dir, jobs) if bundle_dir is not None else None
    files = write_report(results, settings, output, _command_line(argv, settings.seed), date, args.operator,
                         recheck=rechecked, sweep_files=args.sweep)
    print(f"wrote {files.tex}, {files.html}" + (f" and {files.pdf}" if files.pdf else " (no pdflatex/latexmk found: no PDF)"))
    if rechecked is not None and rechecked["disagree"]:
        return 1
    return exit_status(results)


def _recheck(directory: Path, jobs: int) -> dict:
    """``kdaxioms recheck`` on the report's bundle: its lines go to ``recheck.txt`` in the bundle,
    its summary line to standard error; the summary (for the report)."""
    lines: list[str] = []
    found = recheck_run.recheck(directory, recheck_main.TIMEOUT_S, on_item=lambda item: lines.append(item.line()),
                                jobs=jobs)
    line = recheck_run.summary_line(found["summary"])
    (Path(directory) / "recheck.txt").write_text("\n".join(lines + [line]) + "\n")
    print(f"kdaxioms: recheck of {directory}: {line}", file=sys.stderr)
    return found["summary"]


def _debug(argv: Sequence[str]) -> bool:
    """``--debug`` anywhere before a ``--`` (read from the words, so that it also covers errors
    raised while the command line itself is parsed)."""
    words = list(argv)
    return "--debug" in (words[:words.index("--")] if "--" in words else words)


#: Words of an error line longer than this are cut to :data:`ECHO_LIMIT` (an excerpt is shorter).
_WORD_LIMIT = ECHO_LIMIT + 20


def _one_line(err: BaseException) -> str:
    """The error's message on one line (a message never spans lines on standard error), every word
    longer than :data:`_WORD_LIMIT` cut: a 400-digit number or a 2,000-character formula that some
    message quotes whole is named, not echoed (a word :func:`excerpt` already cut is left as it is)."""
    words = [w if len(w) <= _WORD_LIMIT else f"{w[:ECHO_LIMIT - 1]}…({len(w)} characters)" for w in str(err).split()]
    return " ".join(words) or type(err).__name__


def internal_error(err: BaseException) -> str:
    """The line for an exception that is not a :class:`KdaxiomsError`: a bug in kdaxioms."""
    return (f"kdaxioms: internal error: {type(err).__name__}: {excerpt(_one_line(err))} — this is a bug in kdaxioms; please report it "
            f"with the command line ({REPORT_BUG}); rerun with --debug for the traceback")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the one place where errors become a line on standard error and an exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug(argv)
    limit_process()  # Z3's memory cap, and Ctrl-C left to us (kdaxioms.proofs.interrupt)
    try:
        return _run(argv)
    except KdaxiomsError as err:  # 2 for bad input, 1 for a failed run (LaTeX, contradicting evidence)
        print(f"kdaxioms: error: {_one_line(err)}", file=sys.stderr)
        return err.exit_status
    except BrokenPipeError:  # the reader went away (e.g. '| head'): stop quietly, but never report success,
        devnull = os.open(os.devnull, os.O_WRONLY)  # since the verdicts may not all have been read
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:  # workers and solvers are stopped and reaped by now
        return interrupted()
    except Exception as err:  # a bug (RecursionError and MemoryError included): one line, exit 1
        if debug:
            traceback.print_exc(file=sys.stderr)
        print(internal_error(err), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
