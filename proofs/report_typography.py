"""Typography of engine-written text: ASCII mathematics as a paper would set it.

Routes write their evidence once, for the command line and the report alike, and some of it is
plain ASCII (``alpha = 1/2``, ``x >= 0``, ``generations 181..362``).  Outside math mode the report
sets Greek parameter names as symbols, ``>=``/``<=``/``!=`` as relations and ``a..b`` ranges with an
en dash; text inside ``$...$``, ``\\texttt{}``, ``\\nolinkurl{}`` and ``\\path||`` is left alone.
:func:`text` does this for plain text (before :func:`~kdaxioms.proofs.latex.escape`, with Unicode
signs that escape sets as math), :func:`tex` for LaTeX text.
"""

from __future__ import annotations

import re

_GREEK = ("alpha", "beta", "gamma", "tau")
_WORD = re.compile(r"(?<![\\A-Za-z_])(" + "|".join(_GREEK) + r")(?![A-Za-z])")
_RANGE = re.compile(r"(?<=\d)\.\.(?=\d)")
_UNICODE = {"alpha": "α", "beta": "β", "gamma": "γ", "tau": "τ"}
_RELATIONS_TEXT = ((">=", "≥"), ("<=", "≤"), ("!=", "≠"))
_RELATIONS_TEX = ((">=", r"$\ge$"), ("<=", r"$\le$"), ("!=", r"$\ne$"))
#: Math mode and verbatim-like arguments, which keep their text.
_PROTECTED = re.compile(r"(\$[^$]*\$|\\(?:texttt|nolinkurl|url)\{[^}]*\}|\\path\|[^|]*\||\\(?:label|ref|cid|"
                        r"lemmaref|sharedref|hyperref)\{[^}]*\}|\\[A-Za-z]+)")


def text(plain: str) -> str:
    """Plain text with Greek names and relations as Unicode signs (escape sets them as math)."""
    out = _WORD.sub(lambda m: _UNICODE[m.group(1)], plain)
    for ascii_, sign in _RELATIONS_TEXT:
        out = out.replace(ascii_, sign)
    return _RANGE.sub("–", out)


def _outside(segment: str) -> str:
    out = _WORD.sub(lambda m: rf"$\{m.group(1)}$", segment)
    for ascii_, sign in _RELATIONS_TEX:
        out = out.replace(ascii_, sign)
    return _RANGE.sub("--", out)


def tex(latex_text: str) -> str:
    """LaTeX text with the same changes, applied only outside math and verbatim arguments."""
    parts = _PROTECTED.split(latex_text)
    return "".join(part if k % 2 else _outside(part) for k, part in enumerate(parts))
