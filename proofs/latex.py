"""Small helpers for writing LaTeX from plain text."""

from __future__ import annotations

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}",
}
_UNICODE = {"α": r"$\alpha$", "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "Δ": r"$\Delta$",
            "χ": r"$\chi$", "²": r"$^2$", "·": r"$\cdot$", "∈": r"$\in$"}


def escape(text: str) -> str:
    """Plain text (with a few mathematical Unicode signs) as LaTeX text."""
    out = []
    for ch in str(text):
        out.append(_ESCAPES.get(ch) or _UNICODE.get(ch) or ch)
    return "".join(out)
