"""The HTML twin of the LaTeX report: the same content as one self-contained page.

:func:`render_html` takes the keyword arguments that :mod:`.report` passes to ``report.tex.j2``
and renders ``report.html.j2``.  The context's strings are LaTeX; :func:`text_to_html` turns text
mode into HTML (specials escaped, the report's macros as links and styles, ``$...$`` kept for
MathJax as ``\\(...\\)``) and :func:`math_to_html` wraps a math-mode string.  MathJax 3
(``es5/tex-svg-full.js`` of the npm package, fetched by the Makefile) is inlined, and the figures
are inlined as SVG, so the page needs no other file and no network.  Without MathJax the page is
still complete: its formulas show their TeX source.

Route timings are left out, as from ``report.tex``: the page depends only on the results, the seed,
the date and the commit.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

__all__ = ["MATHJAX_ENV", "Refs", "math_to_html", "mathjax_config", "mathjax_file", "mathjax_missing", "read_mathjax",
           "render_html", "svg_figure", "text_to_html"]

log = logging.getLogger(__name__)

#: The environment variable naming MathJax's ``tex-svg-full.js``; by default it is in the venv.
MATHJAX_ENV = "KDAXIOMS_MATHJAX"
#: Where ``make`` puts MathJax, below ``sys.prefix`` (the virtual environment).
MATHJAX_DEFAULT = Path("share", "mathjax", "tex-svg-full.js")

#: Macros defined for MathJax (name: [definition, arguments]).  Every macro of the report's math
#: strings is native to MathJax; the report's own macros are replaced before MathJax sees them.
MATH_MACROS: dict[str, list] = {}

#: The class of the elements MathJax typesets; everything else is text and is never scanned.
MATH_CLASS = "math"
TEXT_CLASS = "kd-text"


# -- MathJax -------------------------------------------------------------------------------

def mathjax_file() -> Path:
    """Where MathJax's ``tex-svg-full.js`` is looked for: ``$KDAXIOMS_MATHJAX``, else
    ``<sys.prefix>/share/mathjax/tex-svg-full.js`` (where ``make`` fetches it)."""
    named = os.environ.get(MATHJAX_ENV)
    return Path(named) if named else Path(sys.prefix) / MATHJAX_DEFAULT


def read_mathjax(path: Path | None = None) -> str | None:
    """The text of MathJax (``path`` or :func:`mathjax_file`), None when the file is missing or empty."""
    path = mathjax_file() if path is None else Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return None
    return text or None


def mathjax_missing() -> str:
    """The one line to log when :func:`read_mathjax` finds nothing: where it looked, what the page
    does instead, and how to get MathJax."""
    return (f"MathJax is not at {mathjax_file()}: report.html shows its formulas as TeX source (run 'make "
            f"{Path('.venv') / MATHJAX_DEFAULT}' in the checkout, or set {MATHJAX_ENV} to MathJax 3's "
            f"es5/tex-svg-full.js)")


def _inline_script(js: str) -> str:
    """``js`` safe inside ``<script>``: a closing tag in a string or regex cannot end the element."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def mathjax_config() -> str:
    """MathJax's configuration: ``\\(..\\)`` and ``\\[..\\]`` only inside the elements of class
    :data:`MATH_CLASS`; an undefined macro is an error (shown in the page, found by the tests)
    instead of a red name."""
    config = {
        "tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": False,
                "processEnvironments": False, "macros": MATH_MACROS, "packages": {"[-]": ["noundefined"]}},
        "svg": {"fontCache": "global"},
        "options": {"ignoreHtmlClass": TEXT_CLASS, "processHtmlClass": MATH_CLASS},
    }
    return "window.MathJax = " + json.dumps(config, sort_keys=True) + ";"


# -- LaTeX text mode to HTML ---------------------------------------------------------------

@dataclass(frozen=True)
class Refs:
    """What the report's cross-reference macros point to: lemma numbers by key (their order in
    the lemmas section), the shared derivations' keys, figure numbers by label."""

    lemmas: dict[str, int] = field(default_factory=dict)
    shared: frozenset[str] = frozenset()
    figures: dict[str, int] = field(default_factory=dict)


def anchor(kind: str, key: str) -> str:
    """The id of a claim, lemma, derivation or figure (``claim-C2.tv``, ``fig-convergence``)."""
    return f"{kind}-{key}".replace(":", "-").replace(" ", "-")


#: Control words that print a character (escaped when written).
_SYMBOLS = {
    "textbackslash": "\\", "textless": "<", "textgreater": ">", "textbar": "|", "textasciitilde": "~",
    "textasciicircum": "^", "textunderscore": "_", "dots": "\u2026", "ldots": "\u2026", "textendash": "\u2013",
    "textemdash": "\u2014", "quad": "\u2003", "qquad": "\u2003\u2003", "S": "\u00a7", "P": "\u00b6",
    "textquoteright": "\u2019", "textquoteleft": "\u2018", "LaTeX": "LaTeX", "TeX": "TeX",
}
#: Control words that print nothing in a line of text.
_SILENT = frozenset({"noindent", "medskip", "smallskip", "bigskip", "relax", "centering", "small", "footnotesize",
                     "normalsize", "nobreak", "allowbreak", "nopagebreak"})
#: Control symbols (a backslash and one non-letter).
_CONTROL_SYMBOLS = {",": "\u2009", " ": " ", ";": "\u2005", ":": "\u2005", "!": "", "-": "", "/": "", "@": "",
                    "\n": " "}
#: One-argument styles: the HTML element around the converted argument.
_STYLES = {
    "emph": ("<em>", "</em>"), "textit": ("<em>", "</em>"), "textsl": ("<em>", "</em>"),
    "textbf": ("<strong>", "</strong>"), "texttt": ("<code>", "</code>"), "textsf": ('<span class="sf">', "</span>"),
    "textrm": ("", ""), "textnormal": ("", ""), "mbox": ("", ""), "text": ("", ""), "textup": ("", ""),
    "textsuperscript": ("<sup>", "</sup>"), "textsubscript": ("<sub>", "</sub>"), "underline": ("<u>", "</u>"),
    "textsc": ('<span class="sc">', "</span>"),
}
#: Styles whose argument is typewriter text: no dash or quote ligatures.
_TYPEWRITER = frozenset({"texttt"})
#: One-argument macros whose argument is printed verbatim, in typewriter type.
_VERBATIM = frozenset({"nolinkurl", "url", "path"})
#: The verdict macros of the template, and the word each prints.
VERDICT_WORDS = {"proved": "proved", "refuted": "refuted", "unknown": "unknown", "disagreement": "disagreement",
                 "agrees": "agrees", "disagrees": "disagrees", "notapplicable": "not applicable"}


def verdict_html(name: str) -> str:
    """A verdict word in its colour (``proved`` green, ``refuted`` red, ...)."""
    word = VERDICT_WORDS.get(name, name)
    return f'<span class="verdict v-{html.escape(name.replace(" ", ""))}">{html.escape(word)}</span>'


def math_source(src: str, refs: Refs | None = None) -> str:
    """A math-mode string as MathJax reads it: the report's own macros replaced by their text
    (``\\lemmaref{key}`` by ``\\text{Lemma 3}``, ``\\cid{x}`` by ``\\texttt{x}``)."""
    refs = refs or Refs()
    src = re.sub(r"\\lemmaref\{([^{}]*)\}", lambda m: rf"\text{{Lemma {refs.lemmas.get(m[1], m[1])}}}", src)
    src = re.sub(r"\\sharedref\{([^{}]*)\}", lambda m: rf"\text{{Derivation {m[1]}}}", src)
    return re.sub(r"\\cid\{([^{}]*)\}", lambda m: rf"\texttt{{{m[1]}}}", src)


def math_to_html(src: str, display: bool = False, refs: Refs | None = None) -> str:
    """A math-mode string for MathJax: an element of class :data:`MATH_CLASS` holding ``\\(src\\)``
    (``\\[src\\]`` in a block when ``display``), HTML-escaped."""
    body = html.escape(math_source(str(src).strip(), refs), quote=False)
    if display:
        return f'<div class="{MATH_CLASS} display">\\[{body}\\]</div>'
    return f'<span class="{MATH_CLASS}">\\({body}\\)</span>'


_LETTERS = re.compile(r"[A-Za-z]+")


class _Text:
    """One pass over a LaTeX text-mode string, writing HTML (see :func:`text_to_html`)."""

    def __init__(self, src: str, refs: Refs, unknown: set[str]):
        self.src, self.refs, self.unknown = src, refs, unknown
        self.i = 0

    def run(self, closing: str | None = None, typewriter: bool = False) -> str:
        """HTML up to ``closing`` (consumed) or the end."""
        out: list[str] = []
        src = self.src
        while self.i < len(src):
            ch = src[self.i]
            if closing is not None and ch == closing:
                self.i += 1
                return "".join(out)
            if ch == "\\":
                out.append(self.macro(typewriter))
            elif ch == "$":
                out.append(self.math())
            elif ch == "{":
                self.i += 1
                out.append(self.run("}", typewriter))
            elif ch == "}":
                self.i += 1  # an unbalanced brace prints nothing, as a group's end
            else:
                out.append(self.chars(typewriter))
        return "".join(out)

    def chars(self, typewriter: bool) -> str:
        src, i = self.src, self.i
        for token, text in (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d")):
            if not typewriter and src.startswith(token, i):
                self.i += len(token)
                return text
        self.i += 1
        return "\u00a0" if src[i] == "~" else html.escape(src[i], quote=False)

    def math(self) -> str:
        end = self.i + 1
        while end < len(self.src) and (self.src[end] != "$" or self.src[end - 1] == "\\"):
            end += 1
        if end >= len(self.src):  # no closing dollar: a dollar sign
            self.unknown.add("$ without its closing $")
            self.i += 1
            return "$"
        body = self.src[self.i + 1:end]
        self.i = end + 1
        return math_to_html(body, refs=self.refs)

    def optional(self) -> None:
        """Skip an optional ``[...]`` argument."""
        if self.src.startswith("[", self.i):
            end = self.src.find("]", self.i)
            if end >= 0:
                self.i = end + 1

    def argument(self, typewriter: bool = False) -> str | None:
        """The next ``{...}`` group as HTML; None when no group follows (an optional ``[...]``
        argument before it is skipped)."""
        self.optional()
        if not self.src.startswith("{", self.i):
            return None
        self.i += 1
        return self.run("}", typewriter)

    def raw_argument(self) -> str | None:
        """The next ``{...}`` group's text, unconverted (a key, an id, a verbatim path); None when
        no group follows."""
        self.optional()
        if not self.src.startswith("{", self.i):
            return None
        depth, start = 0, self.i
        while self.i < len(self.src):
            depth += {"{": 1, "}": -1}.get(self.src[self.i], 0)
            self.i += 1
            if depth == 0:
                return self.src[start + 1:self.i - 1]
        return self.src[start + 1:]

    def macro(self, typewriter: bool) -> str:
        src = self.src
        name_match = _LETTERS.match(src, self.i + 1)
        if name_match is None:  # a control symbol: \_ \% \, \\ ...
            ch = src[self.i + 1:self.i + 2]
            self.i += 2
            if ch == "\\":
                return "<br>"
            if ch and ch in "^~" and src.startswith("{}", self.i):
                self.i += 2
            return _CONTROL_SYMBOLS.get(ch, html.escape(ch, quote=False))
        name = name_match.group()
        self.i = name_match.end()
        return self.control_word(name, typewriter)

    def end_of_word(self) -> None:
        """After a control word without arguments: ``{}`` is consumed, else the spaces (as TeX does)."""
        if self.src.startswith("{}", self.i):
            self.i += 2
        else:
            while self.i < len(self.src) and self.src[self.i] in " \t\n":
                self.i += 1

    def control_word(self, name: str, typewriter: bool) -> str:
        if name in _SYMBOLS:
            self.end_of_word()
            return html.escape(_SYMBOLS[name], quote=False)
        if name in VERDICT_WORDS:
            self.end_of_word()
            return verdict_html(name)
        if name in ("newline", "par"):
            self.end_of_word()
            return "<br>"
        if name in _SILENT:
            self.end_of_word()
            return ""
        if name in ("cid", "lemmaref", "sharedref"):
            return self.link(name, self.raw_argument() or "")
        if name in _VERBATIM:
            text = self.raw_argument()
            return "" if text is None else f"<code>{html.escape(text, quote=False)}</code>"
        if name in _STYLES:
            body = self.argument(typewriter=typewriter or name in _TYPEWRITER)
            opening, closing = _STYLES[name]
            return "" if body is None else opening + body + closing
        self.unknown.add("\\" + name)
        body = self.argument(typewriter=typewriter)
        if body is None:
            self.end_of_word()
        return body or ""

    def link(self, name: str, key: str) -> str:
        if name == "cid":
            return f'<a class="cid" href="#{html.escape(anchor("claim", key))}"><code>{html.escape(key)}</code></a>'
        if name == "lemmaref":
            number = self.refs.lemmas.get(key)
            if number is None:
                self.unknown.add(f"\\lemmaref{{{key}}}")
            text = f"Lemma\u00a0{number if number is not None else html.escape(key)}"
            return f'<a class="ref" href="#{html.escape(anchor("lemma", key))}">{text}</a>'
        if key not in self.refs.shared:
            self.unknown.add(f"\\sharedref{{{key}}}")
        return f'<a class="ref" href="#{html.escape(anchor("shared", key))}">Derivation\u00a0{html.escape(key)}</a>'


def text_to_html(text: str, refs: Refs | None = None, unknown: set[str] | None = None) -> str:
    """A LaTeX text-mode string as HTML.

    Everything outside math is HTML-escaped; ``$...$`` becomes ``\\(...\\)`` in an element that
    MathJax typesets; the report's macros become links (``\\cid``, ``\\lemmaref``, ``\\sharedref``),
    styles (``\\emph``, ``\\textbf``, ``\\texttt``, ...) and coloured verdicts; LaTeX's escapes and
    ligatures become their characters.  An unknown macro prints its argument (nothing when it has
    none) and is added to ``unknown``: no backslash of the source is left in the text."""
    return _Text(str(text), refs or Refs(), set() if unknown is None else unknown).run()


# -- figures -------------------------------------------------------------------------------

_XML_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.S)


def svg_figure(folder: Path, name: str, prefix: str) -> str | None:
    """The ``<svg>`` element of ``folder/name`` for inlining, every id prefixed with ``prefix`` (so
    that two figures' ids cannot collide in one page) and its style sheet (matplotlib's ``*{..}``)
    applied to itself only; None when the file is missing."""
    path = Path(folder) / name
    if not path.is_file():
        return None
    text = _XML_PROLOGUE.sub("", path.read_text(encoding="utf-8"), count=1)
    ids = set(re.findall(r'\bid="([^"]+)"', text))

    def renamed(m: re.Match) -> str:
        return m[1] + (prefix + m[2] if m[2] in ids else m[2])

    text = re.sub(r'(\bid="|url\(#|href="#)([^")]+)', renamed, text)
    root = prefix + "svg"
    text = text.replace("<svg ", f'<svg id="{root}" ', 1)
    text = re.sub(r"(<style[^>]*>\s*)\*\s*\{", rf"\1#{root} *{{", text)
    return text.strip()


# -- the page ------------------------------------------------------------------------------

def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kdaxioms.proofs", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _get(item, key: str, default=None):
    """``item[key]`` of a dict, ``item.key`` of an object (an operator section is a dataclass)."""
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def _figure_key(f) -> str:
    """A figure's LaTeX label (``fig:convergence``), else its file (an operator's plot has no label)."""
    return str(_get(f, "label") or _get(f, "file"))


def figure_id(f) -> str:
    """The id of a figure's element: ``fig-convergence`` for the label ``fig:convergence``."""
    label = _get(f, "label")
    return anchor("fig", str(label).removeprefix("fig:") if label else str(_get(f, "file")).rsplit(".", 1)[0])


def figure_numbers(tex_context: dict) -> dict[str, int]:
    """Figure numbers by label, in the order the page shows them (as LaTeX numbers them): the
    figures placed with claims, the operators' plots, then the sweeps' figures (by file)."""
    order = [_figure_key(f) for g in tex_context.get("groups", ()) for c in g["claims"] for f in c["place_figures"]]
    order += [_figure_key(_get(o, "figure")) for o in tex_context.get("operators", ()) if _get(o, "figure")]
    order += [_figure_key(_get(w, "figure")) for w in tex_context.get("sweeps", ()) if _get(w, "figure")]
    return {key: k for k, key in enumerate(dict.fromkeys(order), start=1)}


def _refs(tex_context: dict) -> Refs:
    return Refs(lemmas={l["key"]: k for k, l in enumerate(tex_context.get("lemmas", ()), start=1)},
                shared=frozenset(d["key"] for d in tex_context.get("shared", ())),
                figures=figure_numbers(tex_context))


def render_html(tex_context: dict, mathjax_js: str | None, folder: Path | None = None) -> str:
    """The text of ``report.html`` from the keyword arguments of ``report.tex.j2`` (see
    :func:`kdaxioms.proofs.report.render`): MathJax ``mathjax_js`` inlined (None: formulas show their
    TeX source) and each figure's ``svg`` file read from ``folder`` and inlined (a note where it is
    missing).  Unknown LaTeX macros are logged once, by name."""
    refs = _refs(tex_context)
    unknown: set[str] = set()

    def tex(text) -> Markup:
        return Markup(text_to_html("" if text is None else text, refs, unknown))

    def math(src, display: bool = False) -> Markup:
        return Markup(math_to_html("" if src is None else src, display, refs))

    def figure_svg(f) -> Markup:
        name = _get(f, "svg")
        svg = svg_figure(folder, name, figure_id(f) + "-") if folder is not None and name else None
        if svg is None:
            missing = name or str(_get(f, "file", "")).rsplit(".", 1)[0] + ".svg"
            return Markup('<p class="missing">The figure <code>{}</code> is not in this build; it is in the PDF '
                          'report.</p>').format(missing)
        return Markup(svg)

    env = _templates()
    env.filters.update(tex=tex, math=math, verdict=lambda v: Markup(verdict_html(str(v))))
    env.globals.update(figure_svg=figure_svg, anchor=anchor, figure_id=figure_id,
                       figure_number=lambda f: refs.figures.get(_figure_key(f), "?"))
    page = env.get_template("report.html.j2").render(
        **tex_context, mathjax_config=Markup(mathjax_config()),
        mathjax_js=Markup(_inline_script(mathjax_js)) if mathjax_js else None,
        text_class=TEXT_CLASS,
    )
    if unknown:
        log.warning("report.html: LaTeX the page does not translate, printed by its text: %s",
                    ", ".join(sorted(unknown)))
    return page
