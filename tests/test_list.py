"""``kdaxioms list``: every name it prints is one its command accepts, and nothing is missing."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from kdaxioms.proofs.claims import registry, select
from kdaxioms.proofs.cli import main
from kdaxioms.symbolic.axioms import AXIOMS
from kdaxioms.symbolic.derivations import DERIVATIONS, derivation
from kdaxioms.symbolic.families import FAMILIES, family


@pytest.fixture(scope="module")
def listed():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["list", "--json"]) == 0
    return json.loads(out.getvalue())


def test_every_section_is_complete(listed):
    assert [e["name"] for e in listed["families"]] == list(FAMILIES)
    assert {e["name"] for e in listed["axioms"]} == {name for table in AXIOMS.values() for name in table}
    assert [e["id"] for e in listed["claims"]] == list(registry())
    assert [e["name"] for e in listed["derivations"]] == list(DERIVATIONS)
    assert all(e["description"] for section in listed.values() for e in section)


def test_every_listed_name_is_accepted_by_its_command(listed):
    for entry in listed["families"]:
        assert family(entry["name"]).name
    claims = registry()
    for entry in listed["claims"]:
        assert [c.id for c in select(claims, [entry["id"]])] == [entry["id"]]
    for entry in listed["derivations"]:
        assert derivation(entry["name"]).name == entry["name"]
    kinds = {kind.value: table for kind, table in AXIOMS.items()}
    for entry in listed["axioms"]:
        assert all(entry["name"] in kinds[k] for k in entry["kinds"])
        assert entry["codes"] == [kinds[k][entry["name"]].code for k in entry["kinds"]]


def test_one_section_as_text(capsys):
    assert main(["list", "derivations"]) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"derivations ({len(DERIVATIONS)})" and len(lines) == 1 + len(DERIVATIONS)
    assert any(line.split()[0] == "linear-trajectory" for line in lines[1:])


def test_an_unknown_section_is_one_line_exit_2(capsys):
    assert main(["list", "operators"]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "invalid choice: 'operators'" in err


def test_an_unknown_claim_points_to_the_list(capsys):
    assert main(["check", "C99"]) == 2
    _, err = capsys.readouterr()
    assert "'kdaxioms list claims'" in err


def test_the_claim_modules_import_each_other_without_a_cycle():
    """The claim modules build on :mod:`kdaxioms.proofs.claim_model`; only :mod:`.claims`, which
    assembles the registry, imports the others, and no function hides an import to dodge a cycle."""
    import ast
    from pathlib import Path
    folder = Path(__file__).resolve().parent.parent / "proofs"
    modules = {p.stem: p for p in folder.glob("*.py") if p.stem.endswith("claims") or p.stem == "claim_model"}
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        graph[name] = {node.module for node in ast.walk(tree)
                       if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in modules}
        hidden = [node.module for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)
                  for node in ast.walk(fn) if isinstance(node, ast.ImportFrom) and node.level == 1]
        assert not hidden, (name, hidden)
    assert all("claims" not in deps for name, deps in graph.items() if name != "claims")

    def reaches(start, goal, seen=()):
        return any(d == goal or (d not in seen and reaches(d, goal, seen + (d,))) for d in graph[start])
    assert not any(reaches(name, name) for name in graph)


def test_every_claim_id_is_written_in_the_catalogue_only():
    """The ids of ``kdaxioms check`` are literals of :mod:`kdaxioms.proofs.catalogue` (never built by
    an f-string, never written in a claim module), each once."""
    import re
    from pathlib import Path

    from kdaxioms.proofs.catalogue import CATALOGUE
    folder = Path(__file__).resolve().parent.parent / "proofs"
    literal = re.compile(r"""f?["']C\d+\.|f["']C\{""")
    for path in folder.glob("*.py"):
        if path.stem != "catalogue":
            assert not literal.search(path.read_text()), path.name
    text = (folder / "catalogue.py").read_text()
    ids = [e.id for e in CATALOGUE]
    assert len(ids) == len(set(ids)) == len(registry())
    assert all(text.count(f'"{i}"') == 1 for i in ids)
