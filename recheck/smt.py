"""Re-deciding an SMT-LIB 2 query with two solvers from its text: Z3 and cvc5.

Neither solver sees anything but the file's text.  Each answers ``sat``, ``unsat`` or
``unknown`` (a timeout, or a solver that gives up on nonlinear arithmetic); an error reading or
solving the text is ``unknown`` with the solver's message.
"""

from __future__ import annotations

import cvc5
import z3


def z3_answer(text: str, timeout_s: float) -> tuple[str, str]:
    """Z3's answer to the query ``text`` (a fresh context), and its reason when ``unknown``."""
    ctx = z3.Context()
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", max(1, int(timeout_s * 1000)))
    try:
        solver.from_string(text)
        status = solver.check()
    except z3.Z3Exception as err:
        return "unknown", f"Z3 error: {err}"
    return str(status), (solver.reason_unknown() if status == z3.unknown else "")


def cvc5_answer(text: str, timeout_s: float) -> tuple[str, str]:
    """cvc5's answer to the query ``text`` (a fresh solver), and its reason when ``unknown``."""
    solver = cvc5.Solver()
    solver.setOption("tlimit-per", str(max(1, int(timeout_s * 1000))))
    parser = cvc5.InputParser(solver)
    try:
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "bundle")
        symbols = parser.getSymbolManager()
        answers = []
        while True:
            command = parser.nextCommand()
            if command.isNull():
                break
            out = command.invoke(solver, symbols).strip()
            if out.startswith("(error"):
                return "unknown", f"cvc5 error: {out}"
            if out in ("sat", "unsat", "unknown"):
                answers.append(out)
    except RuntimeError as err:
        return "unknown", f"cvc5 error: {err}"
    if len(answers) != 1:
        return "unknown", f"the query has {len(answers)} check-sat commands, not one"
    reason = ""
    if answers[0] == "unknown":
        reason = str(solver.getInfo("reason-unknown")) if hasattr(solver, "getInfo") else "unknown"
    return answers[0], reason
