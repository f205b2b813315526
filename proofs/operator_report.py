"""A user's operator in the report (``kdaxioms report --operator FILE``): its audit and, for a
meta-teacher, an iteration plot.

The audit is the audit command's (:func:`kdaxioms.proofs.audit.audit_operator`): SMT, then the
symbolic derivative route, the interval routes for logarithmic axioms and the seeded search,
each with a fixed amount of work.  Rows carry no timings, so the ``.tex`` stays reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

from kdaxioms.numeric.experiment import experiment  # noqa: E402
from kdaxioms.numeric.iterate import run  # noqa: E402
from kdaxioms.smt.audit import AuditResult  # noqa: E402
from kdaxioms.symbolic.errors import KdaxiomsError  # noqa: E402
from kdaxioms.symbolic.model import Kind, Operator, real  # noqa: E402
from kdaxioms.symbolic.opfile import load_operator  # noqa: E402

from .audit import audit_operator  # noqa: E402
from .latex import escape  # noqa: E402
from .report_figures import METADATA  # noqa: E402
from .settings import Settings  # noqa: E402


@dataclass(frozen=True)
class OperatorSection:
    name: str
    kind: str
    file: str
    formula: str
    rows: list[dict]
    figure: dict | None


def _iteration_plot(op: Operator, path: Path, seed: int, steps: int = 40) -> dict | None:
    """TV distance of ``q_t`` to the anchor from seeded starts, parameters at their domain's middle."""
    if op.kind is not Kind.META or "p" not in op.inputs:
        return None
    rng = np.random.default_rng(seed)
    p = np.array([0.5, 0.3, 0.2])
    params = {}
    for param in op.parameters:
        grid = param.grid(3)
        params[param.name] = float(grid[len(grid) // 2])
    try:
        ex = experiment(op, "exact", {"p": p}, params)
        starts = np.vstack([np.eye(3)[:1], rng.dirichlet(np.ones(3), size=4)])
        out = run(ex.build(), starts, steps, keep=True)
    except KdaxiomsError:
        return None
    tv = 0.5 * np.abs(out.path - p).sum(axis=-1)
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    ax.semilogy(np.arange(steps + 1), np.maximum(tv, 1e-300), lw=1.2)
    ax.set_xlabel("generation $t$")
    ax.set_ylabel("TV$(q_t, p)$ (log)")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata=METADATA)
    plt.close(fig)
    values = ", ".join(f"{k} = {v:g}" for k, v in params.items())
    return {"file": path.name, "caption": rf"{escape(op.name)}: TV to the anchor $p = (0.5, 0.3, 0.2)$ from a vertex and "
                                          rf"four seeded interior starts ({escape(values)}, seed {seed})."}


def math_name(name: str) -> str:
    """A name for math mode: a user's parameter (an ASCII identifier such as ``a_b_c``, the only
    names an operator file accepts) as SymPy prints it in the formula (``a_{b c}``, ``\\alpha``);
    a name that is already LaTeX (``\\alpha``, ``\\tau_{S}``) or an input (``p``) unchanged."""
    return sp.latex(real(name)) if name.isidentifier() and name.isascii() else name


def _row(r: AuditResult) -> dict:
    witness = None
    if r.witness is not None:  # input rows (p, q1, ..) first, then parameter rows
        rows, inputs = r.witness.latex_rows(), len(r.witness.inputs)
        witness = rows[:inputs] + [(math_name(k), v) for k, v in rows[inputs:]]
    return {"axiom": r.axiom, "code": r.code, "verdict": str(r.verdict).replace(" ", ""),  # a LaTeX macro name
            "scope": str(r.full_scope) if r.scope else "--", "route": r.route,
            "reason": r.reason, "witness": witness}


def operator_sections(files: list[Path], settings: Settings, folder: Path) -> list[OperatorSection]:
    """Load, audit and plot each operator file (bad files raise before anything is written)."""
    operators = [(Path(f), load_operator(Path(f))) for f in files]
    sections = []
    for k, (path, op) in enumerate(operators):
        figure = _iteration_plot(op, folder / f"operator-{k + 1}.pdf", settings.seed)
        sections.append(OperatorSection(op.name, op.kind.value, path.name, op.latex(),
                                        [_row(r) for r in audit_operator(op, None, None, min(settings.max_n, 4),
                                                                        settings.timeout_ms, seed=settings.seed,
                                                                        budget_s=settings.budget_s)],
                                        figure))
    return sections
