"""Re-deciding an SMT-LIB 2 query with two solvers from its text: Z3 and cvc5.

Neither solver sees anything but the file's text.  Each answers ``sat``, ``unsat`` or
``unknown`` (a timeout, or a solver that gives up on nonlinear arithmetic); an error reading or
solving the text is ``unknown`` with the solver's message.
"""

from __future__ import annotations

import cvc5
import z3

#: The SMT-LIB commands a bundle's query may contain; any other (``set-option`` may name an output
#: file, for instance) makes the query unreadable: a bundle is data, it gets no side effects.
COMMANDS = frozenset({"set-logic", "set-info", "declare-fun", "declare-const", "define-fun", "assert", "check-sat",
                      "exit"})


class UnsafeQuery(ValueError):
    """A query text with a command outside :data:`COMMANDS`, or one that is not S-expressions."""


def commands(text: str) -> list[str]:
    """The names of the top-level commands of an SMT-LIB text (comments, strings and ``|quoted|``
    symbols skipped); :class:`UnsafeQuery` when one is not in :data:`COMMANDS` or the parentheses
    do not balance.  Run before either solver sees the text: Z3's ``from_string`` obeys
    ``set-option`` (e.g. ``:regular-output-channel`` creates a file)."""
    names, depth, k, n = [], 0, 0, len(text)
    while k < n:
        c = text[k]
        if c == ";":
            k = text.find("\n", k)
            k = n if k < 0 else k
        elif c in "\"|":
            end = text.find(c, k + 1)
            if end < 0:
                raise UnsafeQuery("an unterminated string or quoted symbol")
            k = end
        elif c == "(":
            if depth == 0:
                word = text[k + 1:k + 40].split(None, 1)
                names.append(word[0].rstrip(")") if word else "")
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                raise UnsafeQuery("unbalanced parentheses")
        elif depth == 0 and not c.isspace():
            raise UnsafeQuery(f"text outside a command: {text[k:k + 20]!r}")
        k += 1
    if depth:
        raise UnsafeQuery("unbalanced parentheses")
    bad = sorted(set(names) - COMMANDS)
    if bad:
        raise UnsafeQuery(f"the command {bad[0]}, which a bundle's query may not use")
    body = names[:-1] if names and names[-1] == "exit" else names
    if body.count("check-sat") != 1 or body[-1:] != ["check-sat"] or "exit" in body:
        raise UnsafeQuery("a query has exactly one check-sat, as its last command (an exit may follow)")
    return names


def z3_answer(text: str, timeout_s: float) -> tuple[str, str]:
    """Z3's answer to the query ``text`` (a fresh context), and its reason when ``unknown``.
    Z3 reads the text's declarations and assertions only (``from_string`` runs no command)."""
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
            if command.getCommandName() not in COMMANDS:
                return "unknown", f"the query contains the command {command.getCommandName()}, which a bundle may not use"
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
