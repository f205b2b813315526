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


def _module_name(path: Path) -> str:
    return ".".join(("kdaxioms", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")


def _module_level_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports when it is loaded: its module-level ``import`` and
    ``from`` statements (relative ones resolved; ``from P import m`` names ``P.m`` when that is a
    module), and the packages above it (Python loads them first)."""
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = {".".join(name.split(".")[:k]) for k in range(2, name.count(".") + 1)}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            module = (".".join(base[:len(base) - node.level + 1] + ([node.module] if node.module else []))
                      if node.level else node.module)
            found |= {module, *(f"{module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return (found & known) - {name}


def _on_a_cycle(graph: dict[str, set[str]]) -> set[str]:
    """The modules in a strongly connected component with more than one module (Tarjan)."""
    index, low, stack, cyclic = {}, {}, [], set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = stack[stack.index(v):]
            del stack[stack.index(v):]
            if len(component) > 1:
                cyclic.update(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cyclic


def test_every_module_imports_first():
    """Each module can be the first one imported (no import cycle between the model and the
    arithmetic core, whichever side loads first).

    Only a module on an import cycle (a package and the modules its ``__init__`` re-exports) can
    fail as the first import while loading fine after another: a module on no cycle enters each
    cycle below it through one member, exactly as if that member were imported first, and none
    of the modules half-loaded above it can be reached again from there.  So every module on a
    cycle is imported first in a clean ``sys.modules``, and then every module once."""
    paths = {_module_name(path): path for package in ("symbolic", "certified", "smt", "numeric", "proofs")
             for path in (ROOT / package).rglob("*.py")}
    graph = {name: _module_level_imports(name, path, set(paths)) for name, path in paths.items()}
    cyclic = sorted(_on_a_cycle(graph))
    assert "kdaxioms.certified.intervals" in cyclic and "kdaxioms.symbolic.model" in cyclic, cyclic
    script = ("import importlib, sys\n"
              f"for name in {cyclic!r}:\n"
              "    for loaded in [m for m in sys.modules if m.startswith('kdaxioms')]:\n"
              "        del sys.modules[loaded]\n"
              "    importlib.import_module(name)\n"
              f"for name in {sorted(paths)!r}:\n"
              "    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_cycle_finder_finds_a_package_that_re_exports_its_modules():
    graph = {"p": {"p.a"}, "p.a": {"p", "q"}, "q": set(), "r": {"p.a"}}
    assert _on_a_cycle(graph) == {"p", "p.a"}
