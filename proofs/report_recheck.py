"""The report's paragraph on the independent re-check of its proof bundle.

The summary of ``kdaxioms recheck`` (:func:`kdaxioms.recheck.run.summary`) becomes plain
sentences, the same in the PDF and the HTML page: how many decisive items were re-checked by a
second solver or library, by which engines, and with what result.
"""

from __future__ import annotations

import re

#: How each kind of item is re-checked, by whom.
_ENGINES = {
    "smt": ("SMT-LIB quer{y|ies}", "re-decided from {its|their} text by Z3 and by cvc5"),
    "witness": ("witness{|es}", "re-evaluated by an evaluator written on Python's exact fractions alone"),
    "interval": ("interval cover{|s}", "re-run box by box with mpmath's interval arithmetic"),
    "certificate": ("identity certificate{|s}", "re-expanded by SymPy from {its|their} srepr strings"),
    "limit": ("discontinuit{y|ies}", "whose one-sided limits SymPy's limit recomputed"),
}


def _number(count: int, text: str) -> str:
    """``text`` with each ``{singular|plural}`` chosen for ``count``."""
    return re.sub(r"\{([^|}]*)\|([^}]*)\}", lambda m: m.group(1) if count == 1 else m.group(2), text)


def _answers(tally: dict) -> str:
    return ", ".join(f"{n} {answer}" for answer, n in sorted(tally.items(), key=lambda kv: -kv[1]))


def sentences(summary: dict | None) -> list[str]:
    """The paragraph's sentences (plain text), or one sentence saying no re-check ran."""
    if summary is None:
        return ["This run wrote no proof bundle, so no second engine re-checked its evidence "
                "(write one with --bundle DIR and re-check it with kdaxioms recheck DIR)."]
    kinds = summary["kinds"]
    parts = []
    for kind, (name, how) in _ENGINES.items():
        if kind in kinds:
            tally = kinds[kind]
            count = tally["agree"] + tally["disagree"] + tally["skipped"]
            parts.append(f"{count} {_number(count, name)} {_number(count, how)}")
    if not summary["rechecked"]:
        return ["The run's proof bundle holds no file a second engine could re-check."] + _derivations(summary)
    out = [f"The decisive evidence was written to a proof bundle and re-checked without the code that produced "
           f"it (kdaxioms recheck): {'; '.join(parts)}."]
    engines = summary["engines"]
    solvers = [f"{name}: {_answers(engines[name])}" for name in ("z3", "cvc5") if name in engines]
    if solvers:
        out.append("Answers of the solvers: " + "; ".join(solvers) + ".")
    result = _number(summary["rechecked"], f"Of {summary['rechecked']} item{{|s}}, ") + \
        f"{summary['agree']} agree with the verdict, {summary['disagree']} disagree"
    skipped = summary["skipped"]
    if skipped:
        why = "; ".join(f"{n}: {reason}" for reason, n in sorted(summary["skipped_why"].items()))
        result += f" and {skipped} could not be decided by the second engine ({why})"
    else:
        result += " and none was left undecided"
    out.append(result + ".")
    if summary.get("partial"):
        count = summary["partial"]
        out.append(_number(count, f"{count} of the re-checked route{{ rests|s rest}} partly on a SymPy lemma as well "
                                  "(such as the reduction from one coordinate to every n), which no second engine "
                                  "re-checks."))
    return out + _derivations(summary)


def _derivations(summary: dict) -> list[str]:
    count = summary.get("derivations", 0)
    if not count:
        return []
    return [_number(count, f"{count} decisive route{{ is a|s are}} SymPy derivation{{|s}}, whose steps this report "
                           "prints; no second engine re-checks {it|them}.")]
