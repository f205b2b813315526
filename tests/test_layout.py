"""The layout's data flow, checked on the imports: ``symbolic`` (the model) is translated by
``smt`` and ``numeric``; ``certified`` builds verdicts from intervals on top of them; ``proofs``
runs everything.  ``numeric`` is floats only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Packages each package may not import (the flow is one way).
FORBIDDEN = {
    "symbolic": ("kdaxioms.smt", "kdaxioms.numeric", "kdaxioms.proofs"),
    "smt": ("kdaxioms.numeric", "kdaxioms.certified", "kdaxioms.proofs"),
    "numeric": ("kdaxioms.smt", "kdaxioms.certified", "kdaxioms.proofs", "flint"),
    "certified": ("kdaxioms.proofs",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package):
    for path in (ROOT / package).rglob("*.py"):
        bad = sorted(m for m in _imports(path) if m.startswith(FORBIDDEN[package]))
        assert not bad, (path.relative_to(ROOT), bad)


def test_symbolic_uses_only_the_precision_context_of_the_certified_package():
    """The model's exact signs and the Krawczyk boxes set arb's precision through the one context."""
    for path in (ROOT / "symbolic").rglob("*.py"):
        certified = {m for m in _imports(path) if m.startswith("kdaxioms.certified")}
        assert certified <= {"kdaxioms.certified.precision"}, path
        assert "ctx.prec =" not in path.read_text() or path.name == "precision.py", path
