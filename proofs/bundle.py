"""``--bundle DIR``: every piece of decisive evidence as plain files, for ``kdaxioms recheck``.

Layout of a bundle (format ``kdaxioms-bundle/1``)::

    manifest.json          tool, version, commit, command; one entry per claim (or audited axiom)
    smt/*.smt2             each unsat query that decided a verdict (SMT-LIB 2, expected answer in a comment)
    witnesses/*.json       each witness: exact rationals, the operator-file data, what it violates
    certificates/*.json    each identity E = c N (SymPy srepr strings) and the lemma that makes N >= 0
    limits/*.json          each jump: the output along a ray from both sides and its one-sided limits (srepr)
    intervals/*.json       each interval cover: the function (srepr), the region and every leaf cell

An entry names the claim (or axiom), its verdict and scope, and for every *decisive* route (a
prover whose verdict is the claim's) the files of its evidence, each with its sha256.  A route
whose proof is a SymPy derivation has no file a second engine could re-check; its entry says so
(``not_rechecked``), and the report prints its steps.

The bundle is written into a fresh folder beside ``DIR`` and moved into place when complete, so
an interrupted run leaves no half-written bundle.  Nothing in it depends on the time of the
run: the same command gives the same bundle.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from kdaxioms.smt.audit import AuditResult
from kdaxioms.symbolic.axioms import RAISE_SHARE, SOFT_TEMPERATURE
from kdaxioms.symbolic.errors import InputError, excerpt
from kdaxioms.symbolic.evidence import IdentityCertificate, IntervalCover, OneSidedLimits, SmtQuery, WitnessSubject
from kdaxioms.symbolic.families import FAMILIES
from kdaxioms.symbolic.model import Operator
from kdaxioms.symbolic.outcome import PROVED, REFUTED, Outcome
from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.verdict import PROVER, Scope

from .audit import decisive_evidence

FORMAT = "kdaxioms-bundle/1"
MANIFEST = "manifest.json"
#: Axiom symbols outside the operator's parameters, by the names a witness file gives them.
AUXILIARY = {RAISE_SHARE.name: "s", SOFT_TEMPERATURE.name: "tau_S"}
#: Why a decisive route has no re-checkable file.
DERIVATION = "a SymPy derivation: its steps are printed in the report; no second engine re-checks them"
LEMMA = "part of the proof is a SymPy lemma (printed in the report), which no second engine re-checks"
REDUCTION = ("the step from one coordinate to every n is the coordinate-reduction lemma (printed in the report), "
             "which no second engine re-checks")
MISSING = "the route proved without recording its evidence (a gap in kdaxioms: please report it)"


@dataclass
class _Writer:
    """Files of one bundle under ``root``, named after their entry and counted per entry."""

    root: Path
    names: set[str] = field(default_factory=set)

    def write(self, folder: str, stem: str, suffix: str, text: str) -> dict:
        base = re.sub(r"[^A-Za-z0-9.=-]+", "_", stem).strip("_")[:80] or "item"
        name, k = f"{folder}/{base}{suffix}", 1
        while name in self.names:
            k += 1
            name = f"{folder}/{base}-{k}{suffix}"
        self.names.add(name)
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        path.write_bytes(data)
        return {"file": name, "sha256": hashlib.sha256(data).hexdigest()}


def _json(data: dict, compact: bool = False) -> str:
    """JSON text: indented for reading, or ``compact`` (one line per file: a cover's leaves)."""
    if compact:
        return json.dumps(data, separators=(",", ":")) + "\n"
    return json.dumps(data, indent=1) + "\n"


def _logic(text: str) -> str:
    """``QF_NRA`` for a query over real constants only, else ``ALL``."""
    plain = all(m == "Real" for m in re.findall(r"\(declare-fun \S+ \(\) (\S+)\)", text))
    return "QF_NRA" if plain and not re.search(r"\b(forall|exists|to_real|to_int|Int)\b", text) else "ALL"


def smt_text(owner: str, route: str, query: SmtQuery) -> str:
    """The ``.smt2`` file of a query: where it comes from and the expected answer in comments,
    a ``set-logic`` line, then the query as Z3 was given it (ending in ``(check-sat)``)."""
    body = "\n".join(line for line in query.smtlib.splitlines() if not line.startswith("; benchmark generated"))
    return (f"; kdaxioms proof bundle: {owner}, route {route}\n; obligation: {query.label}\n"
            f"; expected: {query.expected}\n(set-logic {_logic(body)})\n{body.strip()}\n")


def witness_data(point: Point, subject: WitnessSubject, route: str) -> dict:
    """A witness as JSON data: exact rationals, the operator-file data and what it violates.
    Values of the axiom's own symbols (the raise share of A3, the softening temperature of A5)
    go to ``auxiliary`` under the names ``s`` and ``tau_S``."""
    own = {name for name in (subject.operator or {}).get("parameters", {})}
    parameters, auxiliary = {}, dict(subject.auxiliary)
    for name, value in point.parameters.items():
        if name in own or name not in AUXILIARY:
            parameters[name] = str(value)
        else:
            auxiliary[AUXILIARY[name]] = str(value)
    return {"format": "kdaxioms-witness/1", "subject": dict(subject.subject), "route": route,
            "operator": subject.operator, "n": point.n,
            "inputs": {k: [str(x) for x in v] for k, v in point.inputs.items()},
            "parameters": parameters, "auxiliary": auxiliary, "expected": "violated"}


def _certificate(c: IdentityCertificate) -> dict:
    return {"format": "kdaxioms-certificate/1", "label": c.label, "lemma": c.lemma, "expression": c.expression,
            "coefficient": c.coefficient, "form": c.form, "solved": [list(p) for p in c.solved],
            "simplex": [list(p) for p in c.simplex], "form_name": c.form_name, "A": list(c.output),
            "p": list(c.reference), "signs": dict(c.signs)}


def _cover(c: IntervalCover) -> dict:
    return {"format": "kdaxioms-cover/1", "label": c.label, "function": c.function, "strict": c.strict,
            "free": list(c.free), "bounds": [list(b) for b in c.bounds],
            "dependents": [{"symbol": s, "const": k, "coefficients": list(cs), "lower": lo, "upper": hi}
                           for s, k, cs, lo, hi in c.dependents],
            "root": [list(b) for b in c.root], "lemma": dict(c.lemma),
            "leaves": [{"path": [list(step) for step in leaf.path], "box": [list(b) for b in leaf.box],
                        "decision": leaf.decision, "enclosure": list(leaf.enclosure) if leaf.enclosure else None}
                       for leaf in c.leaves]}


def _limits(c: OneSidedLimits) -> dict:
    return {"format": "kdaxioms-limits/1", "label": c.label, "variable": c.variable, "plus": list(c.plus),
            "minus": list(c.minus), "plus_limits": list(c.plus_limits), "minus_limits": list(c.minus_limits)}


def _family_subject(claim_id: str, family: str) -> WitnessSubject:
    """A claim's witness on its family's operator (the operator-file data, when it has one)."""
    spec = FAMILIES.get(family)
    return WitnessSubject({"claim": claim_id}, spec.build().source if spec is not None else None)


def route_items(writer: _Writer, owner: str, route: str, outcome: Outcome, family: str = "") -> tuple[list[dict], list[str]]:
    """The files of one decisive route's evidence, and what of it is not re-checkable."""
    items, notes = [], []
    stem = f"{owner}--{route}"
    for ev in outcome.evidence:
        if isinstance(ev, SmtQuery):
            items.append({"kind": "smt", "label": ev.label, "expected": ev.expected,
                          **writer.write("smt", stem, ".smt2", smt_text(owner, route, ev))})
        elif isinstance(ev, IdentityCertificate):
            items.append({"kind": "certificate", "label": ev.label,
                          **writer.write("certificates", stem, ".json", _json(_certificate(ev)))})
        elif isinstance(ev, OneSidedLimits):
            point = outcome.witness.to_json() if outcome.witness is not None else None
            items.append({"kind": "limit", "label": ev.label,
                          **writer.write("limits", stem, ".json", _json(_limits(ev) | {"point": point}))})
        elif isinstance(ev, IntervalCover):
            items.append({"kind": "interval", "label": ev.label, "cells": len(ev.leaves),
                          **writer.write("intervals", stem, ".json", _json(_cover(ev), compact=True))})
    jump = any(isinstance(e, OneSidedLimits) for e in outcome.evidence)  # its file holds the point
    if outcome.verdict == REFUTED and outcome.witness is not None and not jump:
        subject = next((e for e in outcome.evidence if isinstance(e, WitnessSubject)), None)
        subject = subject or _family_subject(owner, family)
        items.append({"kind": "witness", "label": f"witness at n = {outcome.witness.n}",
                      **writer.write("witnesses", stem, ".json", _json(witness_data(outcome.witness, subject, route)))})
    if outcome.verdict == PROVED and not items:
        notes.append(DERIVATION if "symbolic" in route or route in ("reduction", "exact") else MISSING)
    elif outcome.verdict == PROVED:
        if outcome.data.get("lemma") or "symbolic" in route:
            notes.append(LEMMA)
        if "coordinate" in route and outcome.scope == "all-n":
            notes.append(REDUCTION)
        notes.extend(outcome.data.get("rests_on", ()))
    return items, notes


def _entry(owner: str, kind: str, verdict: str, scope: Scope, routes: list[dict]) -> dict:
    return {"id": owner, "kind": kind, "verdict": str(verdict), **scope.to_json(), "routes": routes}


def claim_entries(writer: _Writer, results: Sequence) -> list[dict]:
    """One entry per claim result (:class:`~kdaxioms.proofs.runner.ClaimResult`)."""
    entries = []
    for r in results:
        routes = []
        if r.verdict in (PROVED, REFUTED):
            for x in r.routes:
                if x.role != PROVER or x.verdict != r.verdict:
                    continue
                items, notes = route_items(writer, r.claim.id, x.route, x.outcome, r.claim.family)
                routes.append({"route": x.route, **x.outcome.full_scope.to_json(), "items": items,
                               "not_rechecked": notes})
        entries.append(_entry(r.claim.id, "claim", r.verdict, r.combined.scope, routes))
    return entries


def audit_entries(writer: _Writer, op: Operator, results: Iterable[AuditResult]) -> list[dict]:
    """One entry per audited axiom of one operator."""
    entries = []
    for r in results:
        routes = []
        if r.verdict in (PROVED, REFUTED):
            outcome = Outcome(r.verdict, r.scope, witness=r.witness, evidence=decisive_evidence(r, op))
            items, notes = route_items(writer, f"{op.name}.{r.axiom}", r.route, outcome)
            routes.append({"route": r.route, **r.full_scope.to_json(), "items": items, "not_rechecked": notes})
        entries.append(_entry(f"{op.name}.{r.axiom}", "axiom", r.verdict, r.full_scope, routes))
    return entries


def check_target(directory: Path) -> Path:
    """``directory`` as an absolute path when a bundle may be written there: a new or empty
    folder, or a bundle to replace (:class:`InputError` for a folder holding anything else)."""
    directory = Path(os.path.abspath(directory))
    if directory.exists() and any(directory.iterdir()) and not (directory / MANIFEST).is_file():
        raise InputError(f"--bundle {excerpt(str(directory))} is a folder with other files and no {MANIFEST}; "
                         "name a new or empty folder (an existing bundle is replaced)")
    return directory


def write_bundle(directory: Path, fill, *, version: str, commit: str, command: str) -> dict:
    """Write a bundle into ``directory`` (:func:`check_target`): ``fill(writer)`` returns the
    manifest's entries.  Returns the manifest."""
    directory = check_target(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        writer = _Writer(staging)
        entries = fill(writer)
        manifest = {"format": FORMAT, "tool": {"name": "kdaxioms", "version": version, "commit": commit},
                    "command": command, "entries": entries}
        (staging / MANIFEST).write_text(_json(manifest))
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def counts(manifest: dict) -> dict[str, int]:
    """Items per kind, and decisive routes with nothing to re-check."""
    out: dict[str, int] = {}
    for entry in manifest["entries"]:
        for route in entry["routes"]:
            for item in route["items"]:
                out[item["kind"]] = out.get(item["kind"], 0) + 1
            if not route["items"]:
                out["derivation"] = out.get("derivation", 0) + 1
    return out
