"""The report's content as plain data, for the LaTeX report and its HTML twin alike.

:func:`context` turns the claim results into what the templates print: the front matter (title
block, executive summary written from the verdicts), the definitions, the lemmas and shared
derivations (each printed once, :mod:`.report_shared`), the claims with the evidence specific to
each (the formula negated for SMT, the parameter values, the witness with both sides of the
violated relation), and where each figure goes.  Every string is LaTeX (text mode unless the key
says ``latex``).
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

import sympy as sp

from kdaxioms.symbolic.points import Point
from kdaxioms.symbolic.printing import latex
from kdaxioms.symbolic.witness import decimal

from . import report_lemmas, report_scope, report_typography as typography
from .claim_model import HOLDS, OPEN
from .latex import escape
from .report_shared import Block, share
from .routes_glossary import engine, explain
from .runner import ClaimResult

#: Longest exact value printed in a witness; a longer one is shown by its decimal (its sign was certified).
_EXACT_CHARS = 160
#: Longest relation printed beside its values.
_RELATION_CHARS = 200
#: Longest excerpt of an undecided route's reason in the table of exceptions.
_REASON_CHARS = 220


def theorem(r: ClaimResult) -> bool:
    """Proved for every support size on the full parameter domain (stated conditions allowed)."""
    return r.verdict == "proved" and r.combined.scope.sizes == "all-n" and r.combined.scope.parameters is None


def _deciding(r: ClaimResult):
    """The route whose outcome is the claim's verdict (first refuting, else best proving)."""
    if r.verdict == "refuted":
        return next((x for x in r.routes if x.verdict == "refuted"), None)
    proving = [x for x in r.routes if x.verdict == "proved"]
    return max(proving, key=lambda x: x.outcome.full_scope.rank(), default=None)


def exception_row(r: ClaimResult) -> dict:
    """A claim expected to hold that is no theorem: what its proof covers, and why not more."""
    scope = r.combined.scope
    covered = scope.sizes or "--"
    if scope.parameters is not None:
        covered += "; " + scope.parameters_text()
    if scope.conditions:
        covered += "; " + "; ".join(scope.conditions)
    proving = next((x for x in r.routes if x.role == "prover" and x.verdict == "proved"), None)
    short = next((x for x in r.routes if x.role == "prover" and x.verdict == "unknown"), None)
    if proving is None:
        why = f"not proved in this run (verdict {r.verdict})"
    else:
        why = r.claim.limit or f"{proving.route} proves {covered}; no route for every n and the whole domain applies"
    if short is not None and short.outcome.reason:
        text = short.outcome.reason
        why += f"; {short.route}: " + (text if len(text) <= _REASON_CHARS else text[:_REASON_CHARS - 1] + "…")
    return {"id": r.claim.id, "covered": report_scope.covered(scope), "why": typography.text(why),
            "proved": r.verdict == "proved"}


def _summary(results: list[ClaimResult]) -> dict:
    expected_to_hold = [r for r in results if r.claim.expected in (HOLDS, OPEN) and r.verdict != "refuted"]
    proofs = Counter(engine(_deciding(r).route) for r in results if r.verdict == "proved" and _deciding(r))
    refutations = Counter(engine(_deciding(r).route) for r in results if r.verdict == "refuted" and _deciding(r))
    checks = [x for r in results for x in r.routes if x.role == "cross-check"]
    return {
        "total": len(results),
        "proved": sum(r.verdict == "proved" for r in results),
        "refuted": sum(r.verdict == "refuted" for r in results),
        "unknown": sum(r.verdict == "unknown" for r in results),
        "as_expected": sum(r.as_expected for r in results),
        "disagreement": sum(r.verdict == "disagreement" for r in results),
        "unrestricted": sum(r.verdict == "proved" and r.combined.scope.sizes == "all-n" and r.combined.scope.unrestricted
                            for r in results),
        "undecided": [r.claim.id for r in results if r.verdict == "unknown"],
        "expected_to_hold": len(expected_to_hold),
        "theorems": sum(theorem(r) for r in expected_to_hold),
        "exceptions": [exception_row(r) for r in expected_to_hold if not theorem(r)],
        "proofs_by_kind": sorted(proofs.items()),
        "refutations_by_kind": sorted(refutations.items()),
        "witnesses_replayed": sum(bool(_deciding(r) and _deciding(r).outcome.data.get("replayed"))
                                  for r in results if r.verdict == "refuted"),
        "checks": len(checks),
        "checks_consistent": sum((x.verdict == "agrees") == (r.verdict != "refuted")
                                 for r in results for x in r.routes if x.role == "cross-check"),
        "failures": [{"id": r.claim.id, "latex": r.claim.latex, "sizes": report_scope.sizes(r.combined.scope.sizes),
                      "meaning": r.claim.consequence}
                     for r in results if r.verdict == "refuted"],
        "contradicting": [r.claim.id for r in results if r.contradicts],
        "open": [{"id": r.claim.id, "latex": r.claim.latex, "verdict": str(r.verdict),
                  "scope": report_scope.covered(r.combined.scope)} for r in results if r.claim.expected == OPEN],
    }


# -- witnesses ------------------------------------------------------------------------------

def _value(v: sp.Basic) -> str:
    """An exact value and its decimal, or the decimal alone when the exact form is long."""
    text = latex(v)
    if len(text) > _EXACT_CHARS:
        return r"\approx " + decimal(v) + r"\ \text{(exact value certified)}"
    return text if v.is_Integer else text + r" \approx " + decimal(v)


def violation_lines(violation: Iterable, statement: str = "") -> list[str]:
    """Each violated relation with both sides, exact and decimal (LaTeX, text mode with math); a
    relation too long to print is named by the claim's ``statement`` when it is the only one."""
    violation = list(violation)
    out = []
    for rel, lhs, rhs in violation:
        shown = latex(rel)
        if len(shown) <= _RELATION_CHARS:
            head = f"${shown}$ fails: "
        elif statement and len(violation) == 1:
            head = f"${statement}$ fails here: "
        else:
            head = "a relation of the statement fails: "
        op = {"<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "==": "=", "!=": r"\ne"}.get(getattr(rel, "rel_op", ""), "")
        out.append(head + f"left side ${_value(lhs)}$, right side ${_value(rhs)}$"
                   + (f" (required: left ${op}$ right)" if op else ""))
    return out


def _rows(point: Point) -> list[tuple[str, str]]:
    return point.latex_rows()


def witness(r: ClaimResult) -> dict | None:
    """The claim's witness, self-contained: the route that found it, every input and parameter as
    exact rationals, both sides of each violated relation, and an interior witness if one exists."""
    point = r.combined.witness
    if point is None:
        return None
    route = _deciding(r)
    data = route.outcome.data if route is not None else {}
    interior = data.get("interior")
    return {
        "route": route.route if route is not None else "",
        "n": point.n,
        "rows": _rows(point),
        "violation": violation_lines(data.get("violation", ()), r.claim.latex),
        "boundary": any(v == 0 for vec in point.inputs.values() for v in vec),
        "replayed": bool(data.get("replayed")), "interior_tried": bool(data.get("interior_tried")),
        "interior": None if interior is None else {"rows": _rows(interior),
                                                  "how": ("found by a seeded exact search of the open simplex"
                                                          if data.get("interior_how") == "search" else
                                                          "every input mixed with the uniform distribution"),
                                                  "violation": violation_lines(data.get("interior_violation", ()),
                                                                               r.claim.latex)},
    }


# -- claims ---------------------------------------------------------------------------------

def _prose(r: ClaimResult) -> str:
    """An axiom claim in words (the family and the axiom), without the ASCII formula its LaTeX
    display repeats; the other claims are stated by their display alone."""
    text = r.claim.statement
    if r.claim.axiom and ": " in text:  # the axiom's name in words, not its identifier
        return text.split(": ", 1)[0].replace(r.claim.axiom, r.claim.axiom.replace("-", " "))
    return ""


def _forms(r: ClaimResult) -> list[tuple[str, str]]:
    """The derived forms, a derivation's name replaced by the expression it derived in this run."""
    out = []
    for label, form in r.claim.forms():
        if label == "derivation":
            derived = next((x.outcome.data["derived"] for x in r.routes if "derived" in x.outcome.data), None)
            if derived is None:
                continue
            label, form = "derived", latex(derived)
        out.append((label, form))
    return out


def _blocks(results: list[ClaimResult]) -> list[Block]:
    blocks = []
    for r in results:
        title = next((form.replace(r"\texttt{", "").rstrip("}").replace("-", " ")
                      for label, form in r.claim.forms() if label == "derivation"), "")
        in_proof = report_lemmas.all_n_route(r)
        if in_proof is not None:
            blocks.append(Block(r.claim.id, "proof", tuple(in_proof.outcome.steps), title))
        for x in r.routes:
            if x is not in_proof:
                blocks.append(Block(r.claim.id, x.route, tuple(x.outcome.steps), title))
    return blocks


def _smt_header(r: ClaimResult, route, steps: list[str]) -> str:
    """What a proving SMT route negated, when its steps are per-size unsat answers."""
    if route.verdict != "proved" or not any("negation unsat" in s and s.startswith("$n =") for s in steps):
        return ""
    grid = any(s.startswith("$n =") and "$, $" in s for s in steps)
    return (rf"Z3 found no point of the premise satisfying the negation $\lnot\bigl({r.claim.latex}\bigr)$ "
            r"(exact real arithmetic over the rationals), at each support size"
            + (" and grid value" if grid else "") + " named below")


def _claim(r: ClaimResult, rewritten: dict, figures: list[dict]) -> dict:
    in_proof = report_lemmas.all_n_route(r)
    proof = report_lemmas.proof(r)
    if proof is not None:
        proof["steps"] = [typography.tex(step) for step in rewritten[(r.claim.id, "proof")]]
    routes = []
    for x in r.routes:
        steps = [] if x is in_proof else [typography.tex(step) for step in rewritten[(r.claim.id, x.route)]]
        routes.append({"name": x.route, "verdict": str(x.verdict), "reason": typography.text(x.outcome.reason),
                       "steps": steps,
                       "header": _smt_header(r, x, steps), "in_proof": x is in_proof,
                       "seconds": x.seconds})
    scope = r.combined.scope
    return {
        "id": r.claim.id, "prose": _prose(r), "latex": r.claim.latex, "expected": r.claim.expected,
        "verdict": str(r.verdict), "scope": report_scope.sizes(scope.sizes),
        "parameters": report_scope.parameters(scope), "conditions": report_scope.conditions(scope),
        "conditions_brief": report_scope.brief_conditions(scope), "disagreement": r.combined.disagreement,
        "notes": [typography.text(note) for note in r.combined.notes],
        "forms": _forms(r), "routes": routes, "proof": proof, "witness": witness(r),
        "figures": [f for f in figures if r.claim.id in f.get("claims", ())],
        "place_figures": [f for f in figures if f.get("claims") and f["claims"][0] == r.claim.id],
        "group": r.claim.id.split(".")[0],
    }


def _groups(claims: list[dict]) -> list[dict]:
    groups: list[dict] = []
    for c in claims:
        if not groups or groups[-1]["name"] != c["group"]:
            groups.append({"name": c["group"], "claims": []})
        groups[-1]["claims"].append(c)
    return groups


def _with_claims(figure: dict, results: list[ClaimResult]) -> dict:
    """``figure`` with its label and the claims of this run that name it (in report order)."""
    stem = figure["file"].rsplit(".", 1)[0]
    return {**figure, "label": figure.get("label") or f"fig:{stem}",
            "claims": [r.claim.id for r in results if stem in r.claim.figures]}


def context(results: list[ClaimResult], figures: list[dict]) -> dict:
    """Everything the templates print that comes from the results (see the module docstring)."""
    figures = [_with_claims(f, results) for f in figures]
    shared, rewritten = share(_blocks(results))
    claims = [_claim(r, rewritten, figures) for r in results]
    return {
        "summary": _summary(results),
        "claims": claims,
        "groups": _groups(claims),
        "lemmas": report_lemmas.lemmas(results),
        "shared": [{"key": s.key, "title": escape(s.title), "steps": [typography.tex(step) for step in s.steps],
                    "users": s.users} for s in shared],
        "disagreements": [r.claim.id for r in results if r.combined.disagreement],
        "routes_used": [(name, explain(name)) for name in sorted({x.route for r in results for x in r.routes})],
    }
