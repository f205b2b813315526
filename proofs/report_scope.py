"""A verdict's scope as a reader would write it: support sizes, parameter grids and side conditions
in LaTeX.

The scope of :class:`~kdaxioms.symbolic.verdict.Scope` is plain text, shared with the command line
and JSON (``n<=3``, ``alpha ∈ {1/2}``, ``p1[i]**w_1 defined (no 0**0)``).  The report prints the same
facts in mathematical notation: ``n \\le 3``, ``\\alpha \\in \\{1/2\\}``, ``(p^1_i)^{w_1}`` defined
(``0^0`` excluded).  A condition the parser does not recognise is printed as escaped text, so no
fact is dropped.
"""

from __future__ import annotations

import re

import sympy as sp

from kdaxioms.symbolic.printing import latex
from kdaxioms.symbolic.verdict import Scope

from .latex import escape

_SIZE = re.compile(r"^n(<=|=)(\d+)$")
_INDEXED = re.compile(r"\b([A-Za-z]+)(\d*)\[(\w+)\]")
_PREFIX = "where the operator is defined: "


def sizes(text: str | None) -> str:
    """``all-n`` -> every $n$; ``n<=3`` -> $n \\le 3$; ``n=2`` -> $n = 2$."""
    if not text:
        return "--"
    if text == "all-n":
        return r"every $n$"
    found = _SIZE.match(text)
    if found is None:
        return escape(text)
    relation = r"\le" if found.group(1) == "<=" else "="
    return rf"$n {relation} {found.group(2)}$"


def _symbol(name: str) -> str:
    return latex(sp.Symbol(name))


def parameters(scope: Scope) -> str:
    """The parameter grid as ``$\\alpha \\in \\{1/2\\}$, ...`` ("" for the full domain)."""
    if scope.parameters is None:
        return ""
    return ", ".join(rf"${_symbol(k)} \in \{{{', '.join(v)}\}}$" for k, v in scope.parameters.items())


#: The functions a condition's text may call; every other name is a symbol.
_FUNCTIONS = {"Sum": sp.Sum, "log": sp.log, "exp": sp.exp}


def _expression(text: str) -> str | None:
    """A SymPy-printed expression (``p1[i]**w_1``) as LaTeX, or None when it does not parse (every
    name a symbol, so ``E`` or ``I`` keep their meaning as names)."""
    names: dict[str, sp.Basic] = {}

    def indexed(m: re.Match) -> str:
        key = f"kdx{len(names)}"
        # named as the model names a coordinate (``p1_{i}``): the reader's printer sets it as p^1_i or q_{t-1,i}
        names[key] = sp.Symbol(f"{m.group(1)}{m.group(2)}_{{{m.group(3)}}}")
        return key

    plain = _INDEXED.sub(indexed, text)
    for word in set(re.findall(r"[A-Za-z_]\w*", plain)) - set(names):
        names[word] = _FUNCTIONS.get(word) or sp.Symbol(word)
    try:
        return latex(sp.parse_expr(plain, local_dict=names))
    except Exception:  # noqa: BLE001 -- any failure leaves the condition as escaped text, never drops it
        return None


def _part(text: str) -> str:
    for pattern, render in (
        (r"^log\((.*)\) defined$", lambda e: rf"$\log\bigl({e}\bigr)$ defined"),
        (r"^1/\((.*)\) defined$", lambda e: rf"$1/\bigl({e}\bigr)$ defined"),
        (r"^(.*) defined \(no 0\*\*0\)$", lambda e: rf"${e}$ defined (no $0^0$)"),
        (r"^(.*) defined$", lambda e: rf"${e}$ defined"),
    ):
        found = re.match(pattern, text)
        if found is not None:
            shown = _expression(found.group(1))
            if shown is not None:
                return render(shown)
    return escape(text)


def condition(text: str) -> str:
    """One side condition in LaTeX (see the module docstring)."""
    if text.startswith(_PREFIX):
        return escape(_PREFIX) + "; ".join(_part(p) for p in text[len(_PREFIX):].split("; "))
    return _part(text)


def conditions(scope: Scope) -> list[str]:
    return [condition(c) for c in scope.conditions]


def brief_conditions(scope: Scope) -> list[str]:
    """The conditions for a summary table: where the operator is defined is named, its list of
    conditions left to the claim's section (which prints :func:`conditions` in full)."""
    return [escape("where the operator is defined (listed with the claim)") if c.startswith(_PREFIX) else condition(c)
            for c in scope.conditions]


def covered(scope: Scope) -> str:
    """Sizes, parameters and conditions in one line."""
    parts = [sizes(scope.sizes)]
    if scope.parameters is not None:
        parts.append(parameters(scope))
    parts += conditions(scope)
    return "; ".join(parts)
