"""The report as a paper appendix: a reproduce line that runs as copied from the PDF, no proof
printed twice, no internals in the text, self-contained witnesses, every figure referenced.

One small report (claims chosen to exercise shared derivations, witnesses, algebraic roots,
indicators and figures) is built once for the module through the command line.  Its figures are
those of C5 and C7 (the collapse-accumulation figure of C12, about 15 s per build with its claim,
is drawn and checked by tests/test_report_figures_honest.py)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

CLAIMS = ["C1.unanchored.M3", "C1.geometric-anchor.M5", "C5", "C7.biased-fixed-point", "C10.topk.S2"]
KDAXIOMS = str(Path(sys.prefix) / "bin" / "kdaxioms")


def _need(program: str) -> str:
    found = shutil.which(program)
    assert found, f"{program} is missing: run 'bash .ci/ensure-tex' (Debian: poppler-utils gives pdftotext)"
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    _need("pdflatex")
    out = tmp_path_factory.mktemp("appendix") / "report"
    done = subprocess.run([KDAXIOMS, "report", *CLAIMS, "-o", str(out), "--seed", "3"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return out


def _without_date(tex: str) -> str:
    return re.sub(r"\\date\{[^}]*\}", "", tex)


def test_reproduce_line_from_the_pdf_runs_and_rebuilds_the_same_report(built, tmp_path):
    text = subprocess.run([_need("pdftotext"), "-layout", str(built / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = text.splitlines()
    start = [k for k, line in enumerate(lines) if line.strip().startswith(".venv/bin/kdaxioms report")]
    assert len(start) == 1, start
    command = []  # the line as a reader copies it: wrapped only at spaces, up to the next blank line
    for line in lines[start[0]:]:
        if not line.strip():
            break
        command.append(line.strip())
    lines = [" ".join(command)]
    words = shlex.split(lines[0])
    assert words[0] == ".venv/bin/kdaxioms" and "--seed" in words and "3" in words  # no en dash for '--'
    (tmp_path / ".venv").symlink_to(sys.prefix)  # the checkout's venv, as the line assumes
    done = subprocess.run(words, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    again = (tmp_path / "kdaxioms-report" / "report.tex").read_text()
    assert _without_date(again) == _without_date((built / "report.tex").read_text())


def _blocks(tex: str) -> list[str]:
    """The text blocks of the .tex: list items, table cells and paragraphs."""
    parts = re.split(r"\\item(?:\{\})?|\\tabularnewline|\\\\|&|\n\s*\n", tex)
    return [" ".join(p.split()) for p in parts]


def test_no_proof_block_longer_than_300_characters_appears_twice(built):
    counts = Counter(b for b in _blocks((built / "report.tex").read_text()) if len(b) > 300)
    repeated = [b[:120] for b, k in counts.items() if k > 1]
    assert not repeated, repeated


def test_the_memory_rate_derivation_is_printed_once_and_cited():
    from kdaxioms.proofs.report_shared import Block, share
    steps = tuple(f"step {k}: " + "x" * 120 for k in range(4))
    items, rewritten = share([Block("C5.a", "proof", steps, "memory rate"),
                              Block("C5.b", "symbolic", ("memory order $k = 2$:",) + steps + ("own step",))])
    assert [i.steps for i in items] == [list(steps)]
    assert rewritten[("C5.a", "proof")] == [r"\sharedref{D1} (memory rate), every step"]
    assert rewritten[("C5.b", "symbolic")] == ["memory order $k = 2$:", r"\sharedref{D1} (memory rate), every step",
                                              "own step"]
    assert items[0].users == ["C5.a", "C5.b"]
    short, _ = share([Block("a", "x", ("s" * 100,)), Block("b", "y", ("s" * 100,))])
    assert short == []  # a short shared summary is repeated, not cited


def test_a_derivation_groups_only_steps_with_the_same_users():
    from kdaxioms.proofs.report_shared import Block, share
    long = tuple(f"step {k}: " + "x" * 320 for k in range(3))
    items, rewritten = share([Block("a", "proof", long), Block("b", "proof", long),
                              Block("c", "proof", long[1:2] + ("own",))])
    assert [i.steps for i in items] == [[long[0]], [long[1]], [long[2]]]  # step 2 has a third user
    assert rewritten[("c", "proof")] == [r"\sharedref{D2} (first used by a), every step", "own"]
    assert rewritten[("a", "proof")] == [rf"\sharedref{{D{k}}} (first used by a), every step" for k in (1, 2, 3)]


def test_no_internals_or_raw_unicode_in_the_text(built):
    tex = (built / "report.tex").read_text()
    for bad in ("[U+", "CRootOf", "Heaviside", r"\theta\left(", "no translation rule", r"\texttt{memory-rate}", "Error:"):
        assert bad not in tex, bad
    assert re.search(r"\\left\[\{?p\}?_\{j\} > \{?p\}?_\{i\}\\right\]", tex)  # top-k's indicator [p_j > p_i]
    assert "see its evidence" not in tex  # every route name is explained in the definitions
    assert "smallest real root of" in tex  # the biased fixed point's algebraic number, with its decimal


def test_witnesses_are_self_contained(built):
    tex = (built / "report.tex").read_text()
    section = tex[tex.index(r"\label{claim:C1.unanchored.M3}"):]
    section = section[:section.index(r"\subsubsection")] if r"\subsubsection" in section else section
    assert "found by \\texttt{audit/" in section
    assert "left side" in section and "right side" in section and "required: left" in section
    assert "Interior witness" in section


def test_every_figure_is_referenced_from_a_claim(built):
    tex = (built / "report.tex").read_text()
    labels = set(re.findall(r"\\label\{(fig:[^}]+)\}", tex))
    refs = set(re.findall(r"\\ref\{(fig:[^}]+)\}", tex))
    assert labels and labels <= refs, labels - refs


def test_front_matter_names_commit_seed_and_contents(built):
    tex = (built / "report.tex").read_text()
    assert r"\tableofcontents" in tex and r"\section*{Executive summary}" in tex
    assert re.search(r"seed & 3", tex)
    assert re.search(r"commit & \\nolinkurl\{([0-9a-f]{40}|unknown)", tex)
    assert "colorlinks" in tex  # visible links
