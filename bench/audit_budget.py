"""Wall time of every axiom of every operator under ``kdaxioms audit --budget``.

    python bench/audit_budget.py                  # the whole table (Markdown) on standard output
    python bench/audit_budget.py --quick          # smoke run: two operators, --max-n 2, --budget 5
    python bench/audit_budget.py --json FILE      # also write the rows as JSON

For every operator file in ``examples/operators/`` and every operator of the planted-bug
catalogue (``tests/catalogue.py``, ``AUDITS``: each written as an operator file in a temporary
folder), this runs the real command line in a fresh process, one operator at a time:

    kdaxioms audit FILE --max-n 4 --timeout 10 --budget 30 --json

and records, per axiom, the verdict, the scope and the axiom's wall time as the audit measures
it (SMT, grid, searches and interval covers of that axiom), and per operator the wall time of the
whole process (interpreter start-up and imports included).  The goal of issue 11: no axiom above
``budget + 5`` seconds.  Nothing is random (the audit's searches are seeded with 0).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "operators"
MAX_N, TIMEOUT_S, BUDGET_S = 4, 10, 30
QUICK = {"max_n": 2, "timeout_s": 2, "budget_s": 5}
#: The goal: every axiom within the budget plus this slack.
SLACK_S = 5


@dataclass(frozen=True)
class Row:
    source: str
    operator: str
    axiom: str
    verdict: str
    scope: str
    seconds: float
    budget_hit: bool

    def to_json(self) -> dict:
        return self.__dict__.copy()


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def toml_text(data: dict) -> str:
    """A catalogue case's data (strings, booleans, integers, lists, one level of tables) as TOML."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for k, v in data.items():
        if isinstance(v, dict):
            lines.append(f"[{k}]")
            lines += [f"{kk} = {_toml_value(vv)}" for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


def operator_files(folder: Path, quick: bool) -> list[tuple[str, Path]]:
    """``(source, path)`` for every example file and every catalogue operator (written to ``folder``)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from catalogue import AUDITS
    files = [("examples", p) for p in sorted(EXAMPLES.glob("*.toml"))]
    for case in AUDITS:
        path = folder / f"catalogue-{case.id}.toml"
        path.write_text(toml_text({**case.data, "name": case.id}))
        files.append(("catalogue", path))
    return [files[0], files[-1]] if quick else files


def run_operator(source: str, path: Path, max_n: int, timeout_s: float, budget_s: float) -> tuple[list[Row], float]:
    """One ``kdaxioms audit`` process: its rows and its whole wall time."""
    argv = [sys.executable, "-m", "kdaxioms.proofs.cli", "audit", str(path), "--max-n", str(max_n),
            "--timeout", str(timeout_s), "--budget", str(budget_s), "--json"]
    start = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.monotonic() - start
    if done.returncode != 0:  # the audit failed: each axiom on its own, to name the one that fails
        return _per_axiom(source, path, argv, done.stderr.strip()), wall
    data = json.loads(done.stdout)
    rows = [Row(source, data["operator"], r["axiom"], r["verdict"], _scope(r), r["seconds"],
                "budget of" in r.get("reason", "")) for r in data["results"]]
    return rows, wall


def _scope(result: dict) -> str:
    """Sizes, then any parameter grid and side condition (as the audit's JSON gives them)."""
    parts = [result["scope"] or "-"]
    if result.get("parameters", "full domain") != "full domain":
        parts.append("; ".join(f"{k} in {{{', '.join(v)}}}" for k, v in result["parameters"].items()))
    parts += [c.replace("|", "/") for c in result.get("conditions", [])]
    return "; ".join(parts)


def _per_axiom(source: str, path: Path, argv: list[str], error: str) -> list[Row]:
    """Rows of an operator whose audit exited with an error: every axiom run alone (a failing one
    is a row ``error: ...`` with its wall time)."""
    from kdaxioms.symbolic.axioms import AXIOMS
    from kdaxioms.symbolic.opfile import load_operator
    op = load_operator(path)
    rows = []
    for name in AXIOMS[op.kind]:
        start = time.monotonic()
        done = subprocess.run(argv + ["--axiom", name], capture_output=True, text=True)
        wall = time.monotonic() - start
        if done.returncode != 0:
            rows.append(Row(source, op.name, name, f"error: {done.stderr.strip()[:80]}", "-", wall, False))
            continue
        (r,) = json.loads(done.stdout)["results"]
        rows.append(Row(source, op.name, name, r["verdict"], _scope(r), r["seconds"],
                        "budget of" in r.get("reason", "")))
    return rows


def table(rows: list[Row], walls: dict[str, float], budget_s: float) -> list[str]:
    lines = ["| source | operator | axiom | verdict | scope | seconds | budget ran out |",
             "|---|---|---|---|---|---:|---|"]
    for r in rows:
        lines.append(f"| {r.source} | {r.operator} | {r.axiom} | {r.verdict} | {r.scope} | {r.seconds:.2f} | "
                     f"{'yes' if r.budget_hit else ''} |")
    worst = max(rows, key=lambda r: r.seconds)
    lines += ["", f"{len(rows)} axioms of {len(walls)} operators; slowest axiom {worst.seconds:.2f} s "
              f"({worst.operator} {worst.axiom}); goal <= {budget_s + SLACK_S:g} s: "
              + ("met" if worst.seconds <= budget_s + SLACK_S else "NOT MET"),
              f"budget ran out on {sum(r.budget_hit for r in rows)} axioms; "
              f"process wall times (start-up included): max {max(walls.values()):.1f} s, "
              f"total {sum(walls.values()):.1f} s"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: two operators, small limits")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the rows as JSON")
    args = parser.parse_args(argv)
    limits = QUICK if args.quick else {"max_n": MAX_N, "timeout_s": TIMEOUT_S, "budget_s": BUDGET_S}
    rows: list[Row] = []
    walls: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for source, path in operator_files(Path(tmp), args.quick):
            got, wall = run_operator(source, path, **limits)
            rows += got
            walls[f"{source}:{path.stem}"] = wall
            print(f"<!-- {source} {path.stem}: {wall:.1f} s -->", file=sys.stderr, flush=True)
    print(f"<!-- {time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()}, "
          f"--max-n {limits['max_n']} --timeout {limits['timeout_s']} --budget {limits['budget_s']} -->")
    print("\n".join(table(rows, walls, limits["budget_s"])))
    if args.json is not None:
        args.json.write_text(json.dumps({"limits": limits, "walls": walls, "rows": [r.to_json() for r in rows]}, indent=2))
    worst = max(r.seconds for r in rows)
    return 0 if worst <= limits["budget_s"] + SLACK_S else 1


if __name__ == "__main__":
    sys.exit(main())
