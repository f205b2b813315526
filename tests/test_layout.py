"""The layout's data flow, checked on the imports: ``symbolic`` (the model) is translated by
``smt`` and ``numeric``; ``certified`` builds verdicts from intervals on top of them; ``proofs``
runs everything.  ``numeric`` is floats only; ``recheck`` re-checks a proof bundle with none of them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Packages each package may not import (the flow is one way).
FORBIDDEN = {
    "symbolic": ("kdaxioms.smt", "kdaxioms.numeric", "kdaxioms.proofs"),
    "smt": ("kdaxioms.numeric", "kdaxioms.certified", "kdaxioms.proofs"),
    "numeric": ("kdaxioms.smt", "kdaxioms.certified", "kdaxioms.proofs", "flint"),
    "certified": ("kdaxioms.proofs",),
    # the sweep engine runs tasks by name: it knows nothing of what they compute
    "sweep": ("kdaxioms.smt", "kdaxioms.numeric", "kdaxioms.certified", "kdaxioms.proofs", "kdaxioms.recheck"),
    # the re-check of a bundle runs without the code that produced it
    "recheck": ("kdaxioms.symbolic", "kdaxioms.smt", "kdaxioms.numeric", "kdaxioms.certified", "kdaxioms.proofs", "flint"),
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


#: The arithmetic core of ``certified`` that the model may use (its exact signs, the Krawczyk boxes).
ARITHMETIC_CORE = {"kdaxioms.certified.precision", "kdaxioms.certified.intervals", "kdaxioms.certified.kleene"}


def test_symbolic_uses_only_the_arithmetic_core_of_the_certified_package():
    """The model's exact signs and the Krawczyk boxes use the one walker and precision context,
    never a prover of the certified package; no module but ``precision`` sets arb's precision."""
    for path in (ROOT / "symbolic").rglob("*.py"):
        certified = {m for m in _imports(path) if m.startswith("kdaxioms.certified")}
        assert certified <= ARITHMETIC_CORE, path
    for package in ("symbolic", "certified", "smt", "numeric", "proofs"):
        for path in (ROOT / package).rglob("*.py"):
            assert "ctx.prec =" not in path.read_text() or path.name == "precision.py", path


def test_one_arb_translator():
    """Only the interval program translates SymPy nodes to arb operations: no other module
    dispatches on ``sp.log`` to call arb's ``.log()``."""
    for package in ("symbolic", "certified", "smt", "numeric", "proofs"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            assert not ("].log()" in text or "args[0].log()" in text) or path.name == "intervals.py", path


def test_every_module_imports_first():
    """Each module can be the first one imported (no import cycle between the model and the
    arithmetic core, whichever side loads first)."""
    modules = sorted(".".join(("kdaxioms", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
                     for package in ("symbolic", "certified", "smt", "numeric", "proofs")
                     for path in (ROOT / package).rglob("*.py"))
    script = ("import importlib, sys\n"
              f"for name in {modules!r}:\n"
              "    for loaded in [m for m in sys.modules if m.startswith('kdaxioms')]:\n"
              "        del sys.modules[loaded]\n"
              "    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
