"""The HTML twin of the report (:mod:`kdaxioms.proofs.report_html`): the LaTeX-to-HTML converter on
hand cases, the page without MathJax, and one page from a small real run opened in headless
Chromium (no console message, the title, one row per claim, every formula typeset by MathJax, a
screenshot).

Chromium comes from ``bash .ci/ensure-browser``; MathJax from ``make`` (or ``$KDAXIOMS_MATHJAX``).
Neither is skipped when missing: the test fails and says how to install it."""

from __future__ import annotations

import html
import re
import string
import subprocess
from html.parser import HTMLParser
from importlib import metadata
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, strategies as st  # noqa: E402

from kdaxioms.proofs import figures, report_html  # noqa: E402
from kdaxioms.proofs.claims import registry  # noqa: E402
from kdaxioms.proofs.latex import escape  # noqa: E402
from kdaxioms.proofs.report import template_context  # noqa: E402
from kdaxioms.proofs.report_sweep import sweep_sections  # noqa: E402
from kdaxioms.sweep import store  # noqa: E402
from kdaxioms.sweep.code import code_digest  # noqa: E402
from kdaxioms.proofs.report_html import Refs, math_to_html, text_to_html  # noqa: E402
from kdaxioms.proofs.runner import run_claims  # noqa: E402
from kdaxioms.proofs.settings import Settings  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CLAIMS = ("C2.tv", "C1.geometric-anchor.M3", "C5.k2-closed-form")
TEMPLATES = Path(report_html.__file__).parent / "templates"
NBSP = "\u00a0"


# -- the converter on hand cases -----------------------------------------------------------

REFS = Refs(lemmas={"coordinate-reduction": 1, "gibbs": 3}, shared=frozenset({"D2"}))


@pytest.mark.parametrize("tex, expected", [
    ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
    (r"\textless{}x\textgreater{} \textbar{} \textasciitilde{}", "&lt;x&gt; | ~"),
    (r"\_ \% \& \{ \} \# \$5 \^{}", "_ % &amp; { } # $5 ^"),
    (r"a\textbackslash{}b", "a\\b"),
    ("$x < y \\le z$ and $a \\& b$", r'<span class="math">\(x &lt; y \le z\)</span> and '
                                     r'<span class="math">\(a \&amp; b\)</span>'),
    (r"\cid{C2.tv}", '<a class="cid" href="#claim-C2.tv"><code>C2.tv</code></a>'),
    (r"by \lemmaref{gibbs}.", f'by <a class="ref" href="#lemma-gibbs">Lemma{NBSP}3</a>.'),
    (r"\sharedref{D2} (title), every step", f'<a class="ref" href="#shared-D2">Derivation{NBSP}D2</a> (title), every step'),
    (r"\emph{a} \textbf{b $n$} \texttt{--seed}", '<em>a</em> <strong>b <span class="math">\\(n\\)</span></strong> '
                                                 "<code>--seed</code>"),
    ("a--b, c---d, e~f, g\\dots{} h", f"a\u2013b, c\u2014d, e{NBSP}f, g\u2026 h"),
    (r"\proved{} or \refuted, \notapplicable{}",
     '<span class="verdict v-proved">proved</span> or <span class="verdict v-refuted">refuted</span>, '
     '<span class="verdict v-notapplicable">not applicable</span>'),
    (r"commit \nolinkurl{ab_c--d}", "commit <code>ab_c--d</code>"),
    (r"\textsf{[U+00E9]} {(}x{)}", '<span class="sf">[U+00E9]</span> (x)'),
    ("line\\\\next \\newline last", "line<br>next <br>last"),
])
def test_text_to_html_hand_cases(tex, expected):
    assert text_to_html(tex, REFS) == expected


def _outside_math(text: str) -> str:
    return re.sub(r'<(span|div) class="math[^"]*">.*?</\1>', "", text, flags=re.S)


def test_unknown_macros_print_their_argument_and_are_named():
    unknown: set[str] = set()
    out = text_to_html(r"\frobnicate{some \emph{text}} then \zap end, \lemmaref{nope}", REFS, unknown)
    assert out.startswith("some <em>text</em> then end, ")
    assert unknown == {r"\frobnicate", r"\zap", r"\lemmaref{nope}"}
    assert "\\" not in out


def test_no_backslash_of_the_source_is_left_outside_math():
    lines = [r"each statement holds per coordinate, so for every $n$ by \lemmaref{coordinate-reduction}",
             r"Z3 found no point of the premise satisfying the negation $\lnot\bigl(x \ge 0\bigr)$ (exact)",
             r"\textbf{Routes disagree} on \cid{C1.x}: \disagreement{}, see \sharedref{D2}, steps 1--3",
             r"$p = (\tfrac{1}{2}, \tfrac{1}{2})$ fails: left side $0$, right side $\frac{1}{2} \approx 0.5$",
             r"\unknownthing \other{x}\_y\ z\,w\@ \S"]
    for line in lines:
        out = text_to_html(line, REFS)
        assert "\\" not in _outside_math(out), (line, out)


def test_math_keeps_its_source_for_mathjax_and_expands_the_reports_macros():
    assert math_to_html(r"a < b \wedge c", refs=REFS) == r'<span class="math">\(a &lt; b \wedge c\)</span>'
    assert math_to_html(r"\lemmaref{gibbs} \cid{C2.tv}", display=True, refs=REFS) == \
        r'<div class="math display">\[\text{Lemma 3} \texttt{C2.tv}\]</div>'


@given(st.text(alphabet=string.printable + "αΔ≤→…–"))
def test_escaped_plain_text_comes_back_as_itself(text):
    """Plain text escaped for LaTeX (:func:`kdaxioms.proofs.latex.escape`) converts back to the same
    text, with math signs as math (LaTeX's ligatures aside)."""
    for ligature in ("--", "``", "''"):
        text = text.replace(ligature, "")
    out = text_to_html(escape(text))
    plain = re.sub(r'<span class="math">\\\((.*?)\\\)</span>', lambda m: html.unescape(m[1]), out)
    expected = "".join({"α": r"\alpha", "Δ": r"\Delta", "≤": r"\le", "→": r"\to"}.get(ch, ch) for ch in text)
    assert html.unescape(plain) == expected.replace("–", "\u2013")


def test_svg_figures_are_inlined_with_their_own_ids(tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [1, 0, 2])
    _, svg_name = figures.save(fig, tmp_path, "tiny")
    svg = report_html.svg_figure(tmp_path, svg_name, "fig-tiny-")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and "<?xml" not in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("fig-tiny-") for i in ids)
    assert all(ref.startswith("fig-tiny-") for ref in re.findall(r'(?:url\(#|href="#)([^")]+)', svg))
    assert svg.startswith('<svg id="fig-tiny-svg" ') and "#fig-tiny-svg *{" in svg  # its style sheet is its own
    assert report_html.svg_figure(tmp_path, "absent.svg", "x-") is None


def test_mathjax_is_found_by_the_environment_variable_or_in_the_venv(tmp_path, monkeypatch):
    monkeypatch.delenv(report_html.MATHJAX_ENV, raising=False)
    assert report_html.mathjax_file().parts[-3:] == ("share", "mathjax", "tex-svg-full.js")
    monkeypatch.setenv(report_html.MATHJAX_ENV, str(tmp_path / "mj.js"))
    assert report_html.mathjax_file() == tmp_path / "mj.js" and report_html.read_mathjax() is None
    assert str(tmp_path / "mj.js") in report_html.mathjax_missing()
    (tmp_path / "mj.js").write_text("var a = '</script>';")
    assert report_html.read_mathjax() == "var a = '</script>';"


def test_every_field_the_latex_template_prints_the_html_template_prints():
    """The twin stays a twin: each context field named in ``report.tex.j2`` is named in ``report.html.j2``
    (figure labels and files excepted: the page numbers figures by them in Python)."""
    def fields(text: str, opening: str, closing: str) -> set[str]:
        inside = re.findall(re.escape(opening) + r"(.*?)" + re.escape(closing), text, flags=re.S)
        return {name for block in inside for name in re.findall(r"\.([A-Za-z_]\w*)", block)}
    tex = (TEMPLATES / "report.tex.j2").read_text()
    page = (TEMPLATES / "report.html.j2").read_text()
    in_tex = fields(tex, "(((", ")))") | fields(tex, "((*", "*))")
    in_page = fields(page, "{{", "}}") | fields(page, "{%", "%}")
    assert in_tex - in_page <= {"label", "file"}, sorted(in_tex - in_page)


# -- one page from a real run ----------------------------------------------------------------

def _figure(folder: Path) -> dict:
    """A small real figure (PDF and SVG, as the report draws them) under a stem that C5.k2-closed-form
    names in the catalogue, so the page places it with that claim."""
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.semilogy(range(10), [0.9 ** t for t in range(10)], **figures.style(0))
    ax.set_xlabel("generation $t$")
    pdf, svg = figures.save(fig, folder, "memory-rate")
    return {"file": pdf, "svg": svg, "caption": r"A rate $\rho^t$ (\texttt{html-test}).",
            "label": "fig:memory-rate"}


def _sweeps(folder: Path) -> list:
    """Two small sweep results as the report shows them: a heat map of brackets (one without an
    upper bound) and a c* cover with a proved and an unknown cell."""
    def row(i, params, verdict, result):
        return {"index": i, "task_id": f"t{i}", "kind": "k", "params": params, "verdict": verdict, "scope": "s",
                "error": None, "seconds": 1.0, "worker": "w", "result": result}
    heat = [row(i, {"alpha": a, "anchor": f"{m},{1 - Fraction(m)}"}, "certified" if i else "unknown",
                {"min_anchor": m, "lower": str(0.5 - 0.1 * i), "upper": None if not i else str(0.5 - 0.1 * i + 5e-7),
                 "width": None if not i else "0.0000005"})
            for i, (a, m) in enumerate([("1/4", "1/10"), ("1/4", "1/5"), ("1/2", "1/10"), ("1/2", "1/5")])]
    cover = [row(0, {"alpha": "1/4:7/20", "m": "1/10:1/5"}, "proved", {"cells": 10}),
             row(1, {"alpha": "1/4:7/20", "m": "1/5:3/10"}, "unknown", {"cells": 20})]
    store.write_table(folder / "heat.parquet", heat, ["alpha", "anchor"], "parquet",
                      {"kind": "tightness", "figure": {"x": "alpha", "y": "min_anchor", "value": "lower"}})
    store.write_table(folder / "cover.parquet", cover, ["alpha", "m"], "parquet",
                      {"kind": "cstar-cell", "workers": 2, "cluster_seconds": 3.0, "code": code_digest()})
    sections = sweep_sections([folder / "heat.parquet", folder / "cover.parquet"], folder)
    assert sections[1].theorem["statement"]["m"] == "[1/10, 1/5]"  # the page below shows a stated theorem
    assert "crossed out" in sections[0].figure["caption"]
    return sections


def _tex_context(folder: Path) -> dict:
    """The keyword arguments ``report.render`` gives ``report.tex.j2``, for a small real run."""
    settings = Settings(seed=0)
    results = run_claims([registry()[c] for c in CLAIMS], settings)
    return template_context(results, settings, "kdaxioms report -o build/report --seed 0", "1 January 2030",
                            [_figure(folder)], source="0123abc + changes", sweeps=_sweeps(folder))


class _Dom(HTMLParser):
    """What the tests read from a page: title, claim rows, formulas, MathJax output and errors,
    ids and internal links, and the text outside scripts, styles and formulas."""

    def __init__(self, text: str):
        super().__init__()
        self.title, self.rows, self.math, self.containers, self.errors = "", 0, 0, 0, []
        self.ids, self.links, self.text = [], [], []
        self._stack: list[tuple[str, bool]] = []
        self.feed(text)

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self.rows += tag == "tr" and "claim-row" in classes
        self.math += report_html.MATH_CLASS in classes
        self.containers += tag == "mjx-container"
        if "data-mjx-error" in a:
            self.errors.append(a["data-mjx-error"])
        if "id" in a and not self._hidden():
            self.ids.append(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag not in ("br", "meta", "link", "img", "input", "hr", "path", "use", "rect", "circle"):
            self._stack.append((tag, tag in ("script", "style", "svg", "title") or report_html.MATH_CLASS in classes))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._stack and self._stack[-1][0] == "title" and not self.title:
            self.title = data
        if not self._hidden():
            self.text.append(data)


def _chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'bash .ci/ensure-browser' (it installs Debian's chromium)")
    return CHROMIUM


def _open(page: Path, work: Path) -> tuple[str, list[str], Path]:
    """The DOM of ``page`` after its scripts ran in headless Chromium, the console messages, and a
    screenshot."""
    shot = work / "page.png"
    done = subprocess.run(
        [str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={work / 'profile'}", "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0",
         "--window-size=1280,2400", f"--screenshot={shot}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    return done.stdout, console, shot


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("html-report")
    mathjax = report_html.read_mathjax()
    if mathjax is None:
        pytest.fail(report_html.mathjax_missing())
    context = _tex_context(folder)
    text = report_html.render_html(context, mathjax, folder)
    (folder / "report.html").write_text(text, encoding="utf-8")
    dom, console, shot = _open(folder / "report.html", folder)
    return {"context": context, "mathjax": mathjax, "folder": folder, "text": text, "dom": dom, "console": console,
            "shot": shot}


def test_the_page_renders_in_chromium_without_console_messages(page):
    assert page["console"] == []
    assert page["shot"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and page["shot"].stat().st_size > 20_000
    dom = _Dom(page["dom"])
    assert dom.title == f"kdaxioms report {metadata.version('kdaxioms')}"
    assert dom.rows == len(CLAIMS) == len(page["context"]["claims"])


def test_mathjax_typesets_every_formula_without_an_error(page):
    dom = _Dom(page["dom"])
    assert dom.errors == []
    assert dom.containers > 0 and dom.containers == dom.math == _Dom(page["text"]).math


def test_the_page_is_self_contained_and_its_links_resolve(page):
    text = page["text"]
    markup = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
    assert not re.search(r'\b(src|href)="(?!#)', markup)  # no file, no network: every link is in the page
    assert text.count("<svg") == 3 and 'id="fig-memory-rate"' in text  # the run's figure and the two sweeps'
    assert "sweep-0-heat" in text and "sweep-1-cover" in text
    dom = _Dom(text)
    assert len(dom.ids) == len(set(dom.ids))
    assert set(dom.links) <= set(dom.ids), sorted(set(dom.links) - set(dom.ids))
    for claim in CLAIMS:
        assert f"claim-{claim}" in dom.ids and f"result-{claim}" in dom.ids
    assert "\\" not in "".join(dom.text)
    assert "Lemma\u00a01" in text and 'class="verdict v-refuted"' in text  # a citation and a verdict


def test_the_page_is_deterministic_and_complete_without_mathjax(page):
    assert report_html.render_html(page["context"], page["mathjax"], page["folder"]) == page["text"]
    bare = report_html.render_html(page["context"], None, page["folder"])
    assert len(bare) < len(page["text"]) - 2_000_000 and "MathJax was not available" in bare
    assert r'<span class="math">\(T(q) \ge \alpha\, p\)</span>' in bare  # the TeX source, for the reader
    missing = report_html.render_html(page["context"], None, None)
    assert "<svg" not in missing and "memory-rate.svg</code> is not in this build" in missing
