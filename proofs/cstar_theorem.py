"""The c* theorem, stated from its lemmas (checked now) and its cover (a ``cstar-cell`` sweep).

For the linear anchor (F1), ``h(alpha, m) = c*(alpha, (m, 1 - m))``.  For an ``alpha``-slab ``A`` and
an interval ``I = [m_a, m_b]`` of ``(0, 1/2)`` covered by proved cells:

**Theorem.** For every ``alpha`` in ``A``, ``h(alpha, .)`` is non-increasing on ``I``.

*Proof.* Let ``m < m'`` in ``I`` and ``q_1 != m'``.  If ``q_1 < m'``, ``R(q_1; m') <= (1-alpha)^2 <= h(alpha, m)``
(lemmas ``below-the-anchor`` and ``limit``).  If ``q_1 > m'``, then ``q_1 > t`` for every ``t`` in
``[m, m']``, where the cover certifies ``dR/dm (q_1; t) < 0``; so ``R(q_1; m') < R(q_1; m) <= h(alpha, m)``.
Taking the supremum over ``q_1``, ``h(alpha, m') <= h(alpha, m)``.

**Corollary (the min p_i conjecture).** For every ``n >= 2`` and every interior anchor ``p`` whose
coordinates ``p_k`` all have ``min(p_k, 1 - p_k)`` in ``I`` or equal to ``1/2``:
``c*(alpha, p) = h(alpha, min_i p_i)``.
*Proof.* ``c*(alpha, p) = max_k h(alpha, p_k)`` (``reduction``), ``h(alpha, p_k) = h(alpha, min(p_k, 1 - p_k))``
(``symmetry``), every such value is at least ``mu = min_i p_i`` (and equals it for the smallest
coordinate), and ``h`` is non-increasing on ``I``; a coordinate ``1/2`` gives
``h(alpha, 1/2) = (1-alpha)^2``, the smallest value of ``h`` (``below-the-anchor`` for ``q_1 < 1/2``,
``symmetry`` for ``q_1 > 1/2``, ``limit`` for the lower bound everywhere).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from kdaxioms.certified.cstar import FAR_SPLIT, FROM_ZERO_BELOW  # noqa: E402
from kdaxioms.certified.cstar_lemmas import lemmas  # noqa: E402

from kdaxioms.sweep.code import code_digest  # noqa: E402

from .figures import save  # noqa: E402

COLOURS = {"proved": "#4c9f70", "unknown": "#e0b040", "open": "#c0392b", "error": "#7f7f7f"}


def _interval(text: str) -> tuple[Fraction, Fraction]:
    lo, hi = text.split(":")
    return Fraction(lo), Fraction(hi)


def _runs(cells: list[tuple[Fraction, Fraction]]) -> list[tuple[Fraction, Fraction]]:
    """Maximal intervals made of consecutive (touching) cells."""
    out: list[list[Fraction]] = []
    for lo, hi in sorted(cells):
        if out and out[-1][1] == lo:
            out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(a, b) for a, b in out]


def slabs(rows: list[dict]) -> dict[tuple[Fraction, Fraction], dict[str, list]]:
    """Per alpha-slab, its cells by verdict."""
    out: dict[tuple[Fraction, Fraction], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        out[_interval(r["alpha"])][r["verdict"]].append(_interval(r["m"]))
    return out


def theorem(rows: list[dict], meta: dict) -> dict:
    """The statement, its lemmas (checked now by SymPy), the cover's figures and what is left."""
    chain = lemmas()
    by_slab = slabs(rows)
    all_m = sorted({_interval(r["m"]) for r in rows})
    m_low = all_m[0][0]
    per_slab = []
    tops = []
    for a in sorted(by_slab):
        runs = _runs(by_slab[a]["proved"])
        first = next((r for r in runs if r[0] == m_low), None)
        tops.append(first[1] if first else None)
        per_slab.append({"alpha": f"[{a[0]}, {a[1]}]", "proved": "; ".join(f"[{lo}, {hi}]" for lo, hi in runs) or "none",
                         "left": "; ".join(f"[{lo}, {hi}]" for v in ("unknown", "open", "error")
                                           for lo, hi in sorted(by_slab[a][v])) or "none"})
    alphas = sorted(by_slab)
    contiguous = len(_runs(alphas)) == 1
    common = min(tops) if all(t is not None for t in tops) and contiguous else None
    cells = sum(int(r.get("cells") or 0) for r in rows)
    proved = sum(r["verdict"] == "proved" for r in rows)
    statement = None
    current = meta.get("code") == code_digest()
    if common is not None and current:
        statement = {"alpha": f"[{alphas[0][0]}, {alphas[-1][1]}]", "m": f"[{m_low}, {common}]",
                     "corollary": f"every p_k in [{m_low}, {common}], in [{1 - common}, {1 - m_low}] or equal to 1/2"}
    reason = None
    if not current:
        reason = "the cover was computed by other code"
    elif not contiguous:
        reason = "the alpha slabs of the cover do not form one interval"
    elif common is None:
        reason = "some alpha slab has no proved cell at the smallest m"
    left = [f"alpha in {s['alpha']}: m in {s['left']}" for s in per_slab if s["left"] != "none"]
    if not contiguous:
        left.insert(0, "the alpha slabs of the cover do not form one interval, so no theorem is stated")
    if not current:
        left.insert(0, f"the cover was computed by other code (kdaxioms {meta.get('version')}, {meta.get('commit')}); "
                       "no theorem is stated until the sweep is run again")
    if alphas:
        left.append(f"alpha outside [{alphas[0][0]}, {alphas[-1][1]}] (at alpha = 0, T is the identity and R = 1)")
    left.append(f"m below {m_low} and m between {common if common is not None else max(hi for _, hi in all_m)} "
                "and 1/2 (near 1/2 the derivative dR/dm vanishes at q = p, so no cover can close there; "
                "h(alpha, 1/2) = (1-alpha)^2 is the smallest value of h by the lemmas 'limit' and 'below-the-anchor')")
    return {"lemmas": [{"name": l.name, "statement": l.statement, "conditions": l.conditions, "checks": list(l.checks),
                        "arguments": list(l.arguments)} for l in chain],
            "statement": statement, "reason": reason, "slabs": per_slab, "tasks": len(rows), "proved": proved, "cells": cells,
            "from_zero": sum(r.get("form") == "from-zero" for r in rows), "from_zero_below": str(FROM_ZERO_BELOW),
            "far_split": str(FAR_SPLIT),
            "seconds": meta.get("cluster_seconds"), "workers": meta.get("workers"), "left": left}


def cover_figure(rows: list[dict], path: Path) -> dict:
    """The cells of the cover, coloured by verdict."""
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    for r in rows:
        (a0, a1), (m0, m1) = _interval(r["alpha"]), _interval(r["m"])
        ax.add_patch(Rectangle((float(a0), float(m0)), float(a1 - a0), float(m1 - m0),
                               facecolor=COLOURS.get(r["verdict"], "#7f7f7f"), edgecolor="white", linewidth=0.8))
    ax.set_xlim(min(float(_interval(r["alpha"])[0]) for r in rows), max(float(_interval(r["alpha"])[1]) for r in rows))
    ax.set_ylim(min(float(_interval(r["m"])[0]) for r in rows), max(float(_interval(r["m"])[1]) for r in rows))
    ax.set_xlabel("alpha")
    ax.set_ylabel("m = min(p_k, 1 - p_k)")
    handles = [Rectangle((0, 0), 1, 1, color=c) for v, c in COLOURS.items() if any(r["verdict"] == v for r in rows)]
    ax.legend(handles, [v for v in COLOURS if any(r["verdict"] == v for r in rows)], fontsize=7, loc="upper right")
    pdf, svg = save(fig, path.parent, path.name)
    counts = defaultdict(int)
    for r in rows:
        counts[r["verdict"]] += 1
    text = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    return {"file": pdf, "svg": svg,
            "caption": f"The cover of dR/dm < 0 (q_1 >= m): {len(rows)} cells of alpha x m ({text})"}
