"""``kdaxioms recheck DIR``: re-check every item of a proof bundle with a second engine.

For each item of the manifest, its file's sha256 is compared first (a file that changed is a
disagreement); then, by kind:

* ``smt``: the query re-decided by Z3 and by cvc5 from the file's text.  An answer other than
  the expected one from either solver (``sat`` where ``unsat`` is expected) is a disagreement;
  the expected answer from at least one solver, and no contradicting one, agrees; ``unknown``
  from both (timeouts, nonlinear arithmetic given up) is skipped.
* ``witness``: the evaluator written on Python's ``fractions`` alone (:mod:`.witness_eval`).
* ``certificate``: the identity expanded by SymPy (:mod:`.certificates`).
* ``interval``: the cover re-run box by box with mpmath intervals (:mod:`.intervals`).
* ``limit``: a jump's one-sided limits recomputed by SymPy's ``limit`` (:mod:`.limits`).

A decisive route with no re-checkable file (a SymPy derivation) is listed and counted as
skipped with the manifest's reason.  The result is one line per item and a summary; any
disagreement makes the exit status 1.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path

from . import certificates, intervals, limits, smt, witness_eval
from .srepr import SreprError

FORMAT = "kdaxioms-bundle/1"
AGREE, DISAGREE, SKIPPED = "agree", "disagree", "skipped"
#: Cells of a cover per task: a large cover is re-checked in parts, in parallel.
CHUNK = 1500


class BundleError(Exception):
    """A bundle that cannot be read at all (no manifest, not JSON, another format)."""


@dataclass(frozen=True)
class Item:
    """The re-check of one item: where it comes from, the status and the engines' answers."""

    owner: str
    route: str
    kind: str
    label: str
    file: str
    status: str
    detail: str
    seconds: float
    engines: dict

    def line(self) -> str:
        where = f" {self.file}" if self.file else ""
        return f"{self.status:9} {self.kind:11} {self.owner} [{self.route}]{where}: {self.detail}"


def _timed(solve, text: str, timeout_s: float) -> tuple[str, str, float]:
    start = time.perf_counter()
    answer, why = solve(text, timeout_s)
    return answer, why, time.perf_counter() - start


def _smt(text: str, expected: str, timeout_s: float) -> tuple[str, str, dict]:
    answers = {"z3": _timed(smt.z3_answer, text, timeout_s), "cvc5": _timed(smt.cvc5_answer, text, timeout_s)}
    engines = {name: answer for name, (answer, _, _) in answers.items()}
    engines |= {f"{name} seconds": round(seconds, 3) for name, (_, _, seconds) in answers.items()}
    wrong = {name: a for name, (a, _, _) in answers.items() if a not in (expected, "unknown")}
    shown = ", ".join(f"{name} {a}" + (f" ({why})" if why and a == "unknown" else "")
                      for name, (a, why, _) in answers.items())
    if wrong:
        return DISAGREE, f"expected {expected}; {shown}", engines
    if expected not in (a for a, _, _ in answers.values()):
        return SKIPPED, f"neither solver decided it within {timeout_s:g} s ({shown})", engines
    return AGREE, shown, engines


def _check(kind: str, data: bytes, item: dict, timeout_s: float) -> tuple[str, str, dict]:
    if kind == "smt":
        text = data.decode()
        stated = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("; expected:")), None)
        if stated != item.get("expected"):
            return DISAGREE, f"the file says it expects {stated}, the manifest {item.get('expected')}", {}
        if stated != "unsat":  # only unsat decides a verdict; a sat or unknown query proves nothing
            return DISAGREE, f"a bundle's query is expected unsat, not {stated}", {}
        try:
            smt.commands(text)
        except smt.UnsafeQuery as err:
            return DISAGREE, f"not a query a bundle may hold: {err}", {}
        return _smt(text, item["expected"], timeout_s)
    content = json.loads(data)
    if kind == "witness":
        result = witness_eval.check_witness(content)
        return result.status, result.detail, {"fractions": result.status}
    if kind in _CHECKS:
        check, engine = _CHECKS[kind]
        status, detail = check(content)
        return status, detail, {engine: status}
    return SKIPPED, f"an item of kind {kind!r}, which this re-check does not know", {}


#: The JSON kinds re-checked by a library, with the engine their answers are counted under.
_CHECKS = {"certificate": (certificates.check_certificate, "sympy"), "limit": (limits.check_limits, "sympy"),
           "interval": (intervals.check_cover, "mpmath")}


def _guarded(kind: str, work) -> tuple[str, str, dict]:
    """``work()``, with a file that cannot be read, or a re-check that fails, as a disagreement
    (a re-check that fails confirms nothing: loud, never a pass)."""
    try:
        return work()
    except (ValueError, KeyError, TypeError, SreprError, UnicodeDecodeError, RecursionError) as err:
        return DISAGREE, f"the file cannot be read as a {kind} item ({type(err).__name__}: {err})", {}
    except Exception as err:  # noqa: BLE001
        return DISAGREE, f"the re-check itself failed ({type(err).__name__}: {err})", {}


def _whole(kind: str, data: bytes, item: dict, timeout_s: float) -> tuple[str, str, dict, float]:
    """One item re-checked (in a worker, from the bytes whose sha256 was checked): status,
    detail, engines' answers, seconds."""
    start = time.perf_counter()
    out = _guarded(kind, lambda: _check(kind, data, item, timeout_s))
    return (*out, time.perf_counter() - start)


def _cover_part(data: bytes, start: int, stop: int, coverage: bool) -> tuple[str, str, dict, float]:
    """Leaves ``start:stop`` of one cover (in a worker): status, detail, counts, seconds."""
    began = time.perf_counter()
    out = _guarded("interval", lambda: intervals.check_part(json.loads(data), start, stop, coverage))
    return (*out, time.perf_counter() - began)


def _result(future) -> tuple[str, str, dict, float]:
    """A worker's ``(status, detail, data, seconds)``; a worker that died is a disagreement for its
    item (never a pass)."""
    try:
        return future.result()
    except BrokenProcessPool as err:
        return DISAGREE, f"the worker re-checking this item died ({err})", {}, 0.0


class _Inline:
    """The executor of ``jobs = 1``: each call runs at once, in this process."""

    class _Done:
        def __init__(self, value):
            self._value = value

        def result(self):
            return self._value

    def submit(self, fn, *args):
        return self._Done(fn(*args))

    def shutdown(self, **_kwargs) -> None:
        pass


def _pending(pool, root: Path, owner: str, route: str, item: dict, timeout_s: float):
    """Submit the re-check of one item; a function that gives its :class:`Item` once done."""
    kind, name = item.get("kind", "?"), item.get("file", "")

    def made(status: str, detail: str, engines: dict | None = None, seconds: float = 0.0) -> Item:
        return Item(owner, route, kind, item.get("label", ""), name, status, detail, seconds, engines or {})
    path = (root / name).resolve()
    if not name or root.resolve() not in path.parents:
        return lambda: made(DISAGREE, f"the manifest names a file outside the bundle: {name!r}")
    try:
        data = path.read_bytes()
    except OSError as err:
        unreadable = f"cannot read the file ({err.strerror or err})"
        return lambda: made(DISAGREE, unreadable)
    if hashlib.sha256(data).hexdigest() != item.get("sha256"):
        return lambda: made(DISAGREE, "the file's sha256 does not match the manifest (the file changed)")
    if kind != "interval":
        future = pool.submit(_whole, kind, data, item, timeout_s)
        return lambda: made(*_result(future))
    try:
        leaves = len(json.loads(data)["leaves"])
    except (ValueError, KeyError, TypeError) as err:
        unreadable = f"the file cannot be read as an interval item ({type(err).__name__}: {err})"
        return lambda: made(DISAGREE, unreadable)
    parts = [pool.submit(_cover_part, data, k, k + CHUNK, k == 0) for k in range(0, max(leaves, 1), CHUNK)]

    def joined() -> Item:
        results = [_result(f) for f in parts]
        seconds = sum(r[3] for r in results)
        bad = next((r for r in results if r[0] == DISAGREE), None) or next((r for r in results if r[0] != AGREE), None)
        if bad is not None:
            return made(bad[0], bad[1], {"mpmath": bad[0]}, seconds)
        counts = {k: sum(r[2][k] for r in results) for k in ("enclosure", "empty", "lemma")}
        return made(AGREE, intervals.described(counts), {"mpmath": AGREE}, seconds)
    return joined


def manifest(root: Path) -> dict:
    """The bundle's manifest (:class:`BundleError` when there is none or it is not one)."""
    path = root / "manifest.json"
    if not root.is_dir():
        raise BundleError(f"{root} is not a folder; name a bundle written with --bundle")
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise BundleError(f"{root} has no manifest.json; name a bundle written with --bundle") from None
    except (OSError, ValueError) as err:
        raise BundleError(f"{path} cannot be read as JSON ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), list):
        raise BundleError(f"{path} is not a kdaxioms bundle manifest (format {FORMAT})")
    for entry in data["entries"]:
        routes = entry.get("routes") if isinstance(entry, dict) else None
        if not isinstance(routes, list) or not all(
                isinstance(r, dict) and isinstance(r.get("items", []), list) and isinstance(r.get("not_rechecked", []), list)
                and all(isinstance(i, dict) for i in r.get("items", [])) for r in routes):
            raise BundleError(f"{path}: every entry needs a list of routes, each with a list of items (objects)")
    return data


def recheck(root: Path, timeout_s: float = 20.0, on_item=None, jobs: int = 1) -> dict:
    """Re-check the bundle in ``root``: every item, then the summary (see the module docstring).
    ``jobs`` worker processes share the items (a large cover in parts of :data:`CHUNK` cells);
    ``on_item`` is called with each :class:`Item` in the manifest's order."""
    root = Path(root)
    data = manifest(root)
    pool = _Inline() if jobs <= 1 else ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
    items: list[Item] = []
    try:
        waiting, partial = [], 0
        for entry in data["entries"]:
            if entry.get("verdict") in ("proved", "refuted") and not entry["routes"]:
                waiting.append(lambda o=entry.get("id", "?"), v=entry.get("verdict"): Item(
                    o, "-", "entry", "", "", DISAGREE, f"{v}, but the manifest names no decisive route", 0.0, {}))
            for route in entry.get("routes", []):
                partial += bool(route.get("items") and route.get("not_rechecked"))
                owner, name = entry.get("id", "?"), route.get("route", "?")
                for item in route.get("items", []):
                    waiting.append(_pending(pool, root, owner, name, item, timeout_s))
                if not route.get("items"):
                    note = "; ".join(route.get("not_rechecked", [])) or "no evidence file"
                    waiting.append(lambda o=owner, r=name, n=note: Item(o, r, "derivation", "", "", SKIPPED, n, 0.0, {}))
        for done in waiting:
            found = done()
            items.append(found)
            if on_item:
                on_item(found)
    finally:
        pool.shutdown(cancel_futures=True)
    return {"tool": data.get("tool", {}), "items": [asdict(i) for i in items], "summary": summary(items) | {"partial": partial}}


def summary(items: list[Item]) -> dict:
    """Counts over the items with a file: re-checked, agree, disagree, skipped with their reasons;
    per kind, and per engine the answers it gave; and the decisive routes with no file (SymPy
    derivations), counted apart."""
    filed = [i for i in items if i.kind != "derivation"]  # "entry": a manifest entry that names no route
    out = {"rechecked": len(filed),
           AGREE: sum(1 for i in filed if i.status == AGREE),
           DISAGREE: sum(1 for i in filed if i.status == DISAGREE),
           SKIPPED: sum(1 for i in filed if i.status == SKIPPED),
           "derivations": len(items) - len(filed),
           "kinds": {}, "engines": {}, "solver_seconds": {}, "skipped_why": {},
           "seconds": round(sum(i.seconds for i in items), 2)}
    for i in filed:
        kind = out["kinds"].setdefault(i.kind, {AGREE: 0, DISAGREE: 0, SKIPPED: 0, "seconds": 0.0})
        kind[i.status] += 1
        kind["seconds"] = round(kind["seconds"] + i.seconds, 2)
        for engine, answer in i.engines.items():
            if engine.endswith(" seconds"):  # a solver's time on the item
                name = engine.removesuffix(" seconds")
                out["solver_seconds"][name] = round(out["solver_seconds"].get(name, 0.0) + answer, 3)
                continue
            tally = out["engines"].setdefault(engine, {})
            tally[answer] = tally.get(answer, 0) + 1
        if i.status == SKIPPED:
            why = i.detail.split(" (")[0]
            out["skipped_why"][why] = out["skipped_why"].get(why, 0) + 1
    return out


def summary_line(s: dict) -> str:
    """``N re-checked, N agree, N disagree, N skipped (why)``, and the derivations apart."""
    why = "; ".join(f"{n} {reason}" for reason, n in sorted(s["skipped_why"].items()))
    line = (f"{s['rechecked']} re-checked, {s[AGREE]} agree, {s[DISAGREE]} disagree, {s[SKIPPED]} skipped"
            + (f" ({why})" if why else ""))
    if s.get("partial"):
        line += f"; {s['partial']} re-checked route{'s rest' if s['partial'] != 1 else ' rests'} partly on a SymPy lemma as well"
    if s["derivations"]:
        line += (f"; {s['derivations']} decisive route{'s are' if s['derivations'] != 1 else ' is a'} SymPy "
                 f"derivation{'s' if s['derivations'] != 1 else ''} with no file to re-check")
    return line
