"""``--bundle`` and ``kdaxioms recheck``: a bundle of each kind of evidence re-checks, and every
planted corruption (a flipped inequality, a changed witness digit, a wrong certificate
coefficient, a shrunken interval box, a file that no longer matches its sha256) is reported and
makes the exit status 1.  The re-checking package imports nothing of the tool that wrote it."""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from kdaxioms.certified.tightness import bracket, bracket_evidence
from kdaxioms.proofs import bundle
from kdaxioms.proofs.audit import audit_outcome
from kdaxioms.recheck.run import recheck
from kdaxioms.smt.audit import coordinate_route
from kdaxioms.symbolic.axioms import axiom
from kdaxioms.symbolic.budget import Deadline
from kdaxioms.symbolic.families import family
from kdaxioms.symbolic.monotone import prove_weight_monotone
from kdaxioms.symbolic.outcome import PROVED, Outcome

RECHECK = Path(__file__).resolve().parent.parent / "recheck"


def _outcomes() -> dict[str, tuple[str, Outcome]]:
    """One decisive outcome per kind of evidence, computed by the engines (a few seconds)."""
    smt = coordinate_route(axiom("closure", family("linear-anchor")), 5000)
    witness = audit_outcome(family("geometric-anchor"), "anchoring", 3, 5000, 0, Deadline.unbounded())
    certificate = prove_weight_monotone(axiom("weight-monotone-l2", family("arithmetic-aggregation")), (2,))
    b = bracket(Fraction(1, 2), (Fraction(9, 10), Fraction(1, 10)))
    cover = Outcome(PROVED, "n=2", evidence=bracket_evidence(b)[:1])
    return {"F1.closure": ("smt-coordinate", smt), "F4.anchoring": ("sampling", witness),
            "A.weight-monotone-l2": ("symbolic-derivative", certificate), "C4.bracket": ("interval", cover)}


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    outcomes = _outcomes()
    assert all(o.evidence for _, o in outcomes.values())

    def fill(writer):
        entries = []
        for owner, (route, outcome) in outcomes.items():
            items, notes = bundle.route_items(writer, owner, route, outcome)
            entries.append({"id": owner, "kind": "claim", "verdict": str(outcome.verdict),
                            **outcome.full_scope.to_json(),
                            "routes": [{"route": route, "items": items, "not_rechecked": notes}]})
        return entries
    root = tmp_path_factory.mktemp("bundle") / "b"
    bundle.write_bundle(root, fill, version="test", commit="test", command="pytest")
    return root


@pytest.fixture
def copy(original, tmp_path) -> Path:
    target = tmp_path / "b"
    shutil.copytree(original, target)
    return target


def _items(root: Path) -> list[dict]:
    return [i for e in json.loads((root / "manifest.json").read_text())["entries"]
            for r in e["routes"] for i in r["items"]]


def _edit(root: Path, kind: str, change, reseal: bool = True) -> str:
    """Apply ``change`` to the text of the first file of ``kind`` (and, with ``reseal``, write its
    new sha256 into the manifest, as a forger would); the file's name."""
    manifest_path = root / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    item = next(i for e in manifest["entries"] for r in e["routes"] for i in r["items"] if i["kind"] == kind)
    path = root / item["file"]
    before = path.read_text()
    after = change(before)
    assert after != before, "the corruption must change the file"
    path.write_text(after)
    if reseal:
        item["sha256"] = hashlib.sha256(after.encode()).hexdigest()
        manifest_path.write_text(json.dumps(manifest))
    return item["file"]


def test_the_bundle_holds_every_kind_of_evidence_and_rechecks(original):
    kinds = {i["kind"] for i in _items(original)}
    assert kinds == {"smt", "witness", "certificate", "interval"}
    result = recheck(original, timeout_s=10)
    assert result["summary"]["disagree"] == 0
    assert result["summary"]["agree"] == result["summary"]["rechecked"] == len(_items(original))
    queries = len([i for i in _items(original) if i["kind"] == "smt"])
    assert result["summary"]["engines"]["cvc5"] == result["summary"]["engines"]["z3"] == {"unsat": queries}
    assert set(result["summary"]["solver_seconds"]) == {"z3", "cvc5"}


def test_a_flipped_inequality_in_a_query_is_a_disagreement(copy):
    def flip(text: str) -> str:  # the negated conclusion becomes the conclusion: now satisfiable
        return text.replace("(not ", "(and ", 1) if "(not " in text else text
    name = _edit(copy, "smt", flip)
    item = next(i for i in recheck(copy, timeout_s=10)["items"] if i["file"] == name)
    assert item["status"] == "disagree" and item["engines"]["z3"] == "sat", item


def test_a_changed_witness_digit_is_a_disagreement(copy):
    name = _edit(copy, "witness", lambda t: t.replace('"99/100"', '"98/100"', 1))
    result = recheck(copy, timeout_s=10)
    item = next(i for i in result["items"] if i["file"] == name)
    assert item["status"] == "disagree"
    assert "sum" in item["detail"], item["detail"]  # p no longer sums to 1: outside the premise


def test_a_wrong_certificate_coefficient_is_a_disagreement(copy):
    def wrong(text: str) -> str:
        data = json.loads(text)
        data["coefficient"] = f"Mul(Integer(3), {data['coefficient']})"
        return json.dumps(data)
    name = _edit(copy, "certificate", wrong)
    item = next(i for i in recheck(copy, timeout_s=10)["items"] if i["file"] == name)
    assert item["status"] == "disagree" and "does not expand to 0" in item["detail"]


def test_a_shrunken_interval_box_is_a_disagreement(copy):
    def shrink(text: str) -> str:
        data = json.loads(text)
        leaf = data["leaves"][len(data["leaves"]) // 2]
        lo, hi = (Fraction(x) for x in leaf["box"][0])
        leaf["box"][0][1] = str(lo + (hi - lo) / 2)
        return json.dumps(data)
    name = _edit(copy, "interval", shrink)
    result = recheck(copy, timeout_s=10)
    item = next(i for i in result["items"] if i["file"] == name)
    assert item["status"] == "disagree" and "cell" in item["detail"]


def test_a_file_that_no_longer_matches_its_sha256_is_a_disagreement(copy):
    name = _edit(copy, "witness", lambda t: t + " ", reseal=False)
    result = recheck(copy, timeout_s=10)
    item = next(i for i in result["items"] if i["file"] == name)
    assert item["status"] == "disagree" and "sha256" in item["detail"]


def test_the_command_line_exits_1_on_a_disagreement_and_0_on_the_intact_bundle(original, copy):
    _edit(copy, "certificate", lambda t: t.replace("Integer(2)", "Integer(5)", 1))
    bad = subprocess.run([sys.executable, "-m", "kdaxioms.recheck", str(copy)], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1, bad.stderr
    assert bad.stdout.splitlines()[-1].startswith(f"{len(_items(copy))} re-checked") and "1 disagree" in bad.stdout
    good = subprocess.run([sys.executable, "-m", "kdaxioms.proofs.entry", "recheck", str(original), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["summary"]["disagree"] == 0


def test_a_folder_without_a_manifest_is_one_line_and_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "kdaxioms.proofs.entry", "recheck", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "manifest.json" in done.stderr and "Traceback" not in done.stderr


def test_the_recheck_package_imports_nothing_of_the_tool_that_wrote_the_bundle():
    """Only the standard library, sympy, mpmath, z3, cvc5 and the package's own modules."""
    allowed = set(sys.stdlib_module_names) | {"__future__", "sympy", "mpmath", "z3", "cvc5"}
    for path in RECHECK.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # the package's own modules
                    continue
                names = [node.module.split(".")[0]]
            else:
                continue
            assert set(names) <= allowed, f"{path.name} imports {names}"


def test_audit_writes_a_bundle_that_rechecks_and_never_fills_a_foreign_folder(tmp_path):
    operator = Path(__file__).resolve().parent.parent / "examples" / "operators" / "linear-anchor.toml"
    target = tmp_path / "bundle"
    done = subprocess.run([sys.executable, "-m", "kdaxioms.proofs.entry", "audit", str(operator), "--axiom", "closure",
                           "--axiom", "anchoring", "--bundle", str(target)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrote the proof bundle" in done.stderr
    assert recheck(target, timeout_s=10)["summary"]["agree"] == len(_items(target)) > 0
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    refused = subprocess.run([sys.executable, "-m", "kdaxioms.proofs.entry", "audit", str(operator), "--axiom", "closure",
                              "--bundle", str(foreign)], capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "manifest.json" in refused.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["mine.txt"]


def test_a_query_with_a_command_that_has_side_effects_is_refused_before_any_solver_reads_it(copy, tmp_path):
    """Z3's from_string obeys set-option (an output channel creates a file): such a query never reaches a solver."""
    target = tmp_path / "created-by-the-query"
    name = _edit(copy, "smt", lambda t: t.replace("(check-sat)", f'(set-option :regular-output-channel "{target}")\n(check-sat)'))
    item = next(i for i in recheck(copy, timeout_s=10)["items"] if i["file"] == name)
    assert item["status"] == "disagree" and "set-option" in item["detail"]
    assert not target.exists()


def test_a_certificate_whose_form_is_not_its_named_form_is_a_disagreement(copy):
    """(-c)(-N) keeps the identity; -N is no longer the named form, so the lemma says nothing about it."""
    def forged(text: str) -> str:
        data = json.loads(text)
        data["coefficient"] = f"Mul(Integer(-1), {data['coefficient']})"
        data["form"] = f"Mul(Integer(-1), {data['form']})"
        return json.dumps(data)
    name = _edit(copy, "certificate", forged)
    item = next(i for i in recheck(copy, timeout_s=10)["items"] if i["file"] == name)
    assert item["status"] == "disagree" and "is not" in item["detail"], item


# -- forged evidence that is internally consistent (found by a review): each must not agree --------

def _x(name: str) -> str:
    return f"Symbol('{name}', real=True)"


def _cover(function: str, root, leaves, lemma=None, dependents=None, free=("x",), bounds=(("0", "1"),)) -> dict:
    return {"function": function, "strict": False, "free": [_x(f) for f in free], "bounds": [list(b) for b in bounds],
            "dependents": dependents or [], "root": [list(b) for b in root], "lemma": lemma or {},
            "leaves": leaves}


def test_a_cover_whose_root_has_an_extra_side_is_refused():
    from kdaxioms.recheck.intervals import check_cover
    y = _x("y")
    dependent = [{"symbol": y, "const": "1", "coefficients": ["-1"], "lower": "0", "upper": "1"}]
    forged = _cover(f"Add({y}, Integer(-2))", [("0", "1"), ("2", "3")],
                    [{"path": [], "box": [["0", "1"], ["2", "3"]], "decision": "enclosure", "enclosure": None}],
                    dependents=dependent)
    with pytest.raises(ValueError):
        check_cover(forged)


def test_segment_convexity_needs_the_moving_coordinates_to_keep_the_anchors_sum():
    """F = x log x >= 0 is false on (0, 1); the lemma with anchor x = 1 must not certify it."""
    from kdaxioms.recheck.intervals import check_cover
    forged = _cover(f"XLogX({_x('x')})", [("0", "1")],
                    [{"path": [], "box": [["0", "1"]], "decision": "lemma:segment convexity", "enclosure": None}],
                    lemma={"name": "segment convexity", "moving": [_x("x")], "anchors": ["Integer(1)"]})
    status, detail = check_cover(forged)
    assert status == "disagree" and "same sum" in detail


def test_an_unknown_leaf_decision_does_not_hide_a_false_leaf():
    from kdaxioms.recheck.intervals import check_cover
    leaves = [{"path": [[0, 0]], "box": [["0", "1/2"]], "decision": "lemma:made-up", "enclosure": None},
              {"path": [[0, 1]], "box": [["1/2", "1"]], "decision": "enclosure", "enclosure": None}]
    assert check_cover(_cover(f"Add({_x('x')}, Integer(-2))", [("0", "1")], leaves))[0] == "disagree"


def test_limits_that_are_equal_but_written_differently_are_no_jump():
    from kdaxioms.recheck.limits import check_limits
    e = "Symbol('epsilon', positive=True)"
    six, two_three = "log(Integer(6))", "Add(log(Integer(2)), log(Integer(3)))"
    data = {"variable": e, "plus": [f"Add({six}, {e})"], "minus": [f"Add({two_three}, {e})"],
            "plus_limits": [six], "minus_limits": [two_three],
            "point": {"n": 2, "inputs": {"p": ["1/2", "1/2"]}, "parameters": {}}}
    assert check_limits(data)[0] == "disagree"
    assert check_limits(data | {"point": {"n": 2, "inputs": {"p": ["1", "0"]}}})[0] == "disagree"


@pytest.mark.parametrize("change", [
    lambda t: t.replace("; expected: unsat", "; expected: sat"),
    lambda t: t.replace("(check-sat)", "(check-sat)\n(assert false)"),
])
def test_a_query_that_expects_sat_or_asserts_after_check_sat_is_refused(copy, change):
    def both(text: str) -> str:
        return change(text)
    manifest_path = copy / "manifest.json"
    name = _edit(copy, "smt", both)
    if "expected: sat" in (copy / name).read_text():  # the forger changes the manifest's answer too
        manifest = json.loads(manifest_path.read_text())
        for e in manifest["entries"]:
            for r in e["routes"]:
                for i in r["items"]:
                    if i["file"] == name:
                        i["expected"] = "sat"
        manifest_path.write_text(json.dumps(manifest))
    item = next(i for i in recheck(copy, timeout_s=10)["items"] if i["file"] == name)
    assert item["status"] == "disagree", item


def test_a_verdict_with_no_decisive_route_is_a_disagreement(copy):
    manifest_path = copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["entries"].append({"id": "C99.forged", "kind": "claim", "verdict": "proved", "routes": []})
    manifest_path.write_text(json.dumps(manifest))
    result = recheck(copy, timeout_s=10)
    assert result["summary"]["disagree"] == 1
    assert any(i["owner"] == "C99.forged" and i["status"] == "disagree" for i in result["items"])


def test_a_missing_file_or_a_file_outside_the_bundle_is_a_disagreement(copy):
    witness = next(i["file"] for i in _items(copy) if i["kind"] == "witness")
    (copy / witness).unlink()
    manifest_path = copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    interval = next(i for e in manifest["entries"] for r in e["routes"] for i in r["items"] if i["kind"] == "interval")
    interval["file"] = "../../outside.json"
    manifest_path.write_text(json.dumps(manifest))
    found = {i["file"]: i for i in recheck(copy, timeout_s=10)["items"]}
    assert found[witness]["status"] == "disagree" and "cannot read" in found[witness]["detail"]
    assert found["../../outside.json"]["status"] == "disagree" and "outside the bundle" in found["../../outside.json"]["detail"]
