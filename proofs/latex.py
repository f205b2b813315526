"""Small helpers for writing LaTeX from plain text."""

from __future__ import annotations

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}",
}
_UNICODE = {
    "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$", "δ": r"$\delta$", "ε": r"$\varepsilon$",
    "μ": r"$\mu$", "π": r"$\pi$", "ρ": r"$\rho$", "σ": r"$\sigma$", "τ": r"$\tau$", "χ": r"$\chi$",
    "Φ": r"$\Phi$", "Π": r"$\Pi$", "Σ": r"$\Sigma$", "Δ": r"$\Delta$", "∞": r"$\infty$", "≤": r"$\le$", "≥": r"$\ge$",
    "≠": r"$\ne$", "∈": r"$\in$", "·": r"$\cdot$", "√": r"$\surd$", "‖": r"$\|$", "∝": r"$\propto$",
    "→": r"$\to$", "ᵀ": r"$^{\top}$", "²": r"$^2$", "³": r"$^3$", "†": r"$^\dagger$", "°": r"$^\circ$",
    "…": r"\dots{}", "–": r"\textendash{}", "—": r"\textemdash{}",
}


def escape(text: str) -> str:
    """Plain text as LaTeX text: specials escaped, mathematical Unicode signs as math, any other
    non-ASCII character shown by its code point (pdflatex cannot typeset it)."""
    out = []
    for ch in str(text):
        if ch in _ESCAPES or ch in _UNICODE:
            out.append(_ESCAPES.get(ch) or _UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(rf"\textsf{{[U+{ord(ch):04X}]}}")
    return "".join(out)
