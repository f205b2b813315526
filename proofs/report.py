"""The LaTeX report: claims, derived forms, each route's evidence, witnesses and figures.

The report is assembled in a hidden folder inside the output folder and moved into place only
when complete, so a failure leaves no half-written output (and no hidden folder).  ``report.tex`` depends only
on the results and the seed, apart from its ``\\date`` line; route timings go to the separate
``timings.tex``, which ``report.tex`` reads.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import jinja2

from kdaxioms.symbolic.errors import KdaxiomsError

from . import report_context, report_figures, report_html, report_recheck
from .operator_report import operator_sections
from .report_sweep import sweep_sections
from .provenance import commit
from .latex import escape
from .references import REFERENCES
from .report_context import exception_row, theorem  # noqa: F401 (re-exported)
from .runner import ClaimResult
from .settings import Settings

log = logging.getLogger(__name__)


class ReportError(KdaxiomsError):
    """The LaTeX run failed; the message names the log."""

    exit_status = 1


@dataclass(frozen=True)
class ReportFiles:
    tex: Path
    pdf: Path | None
    html: Path | None = None


def _environment() -> list[tuple[str, str]]:
    rows = [("Python", platform.python_version()), ("platform", platform.platform(terse=True))]
    for dist in ("kdaxioms", "sympy", "z3-solver", "numpy", "python-flint", "matplotlib", "jinja2"):
        try:
            rows.append((dist, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            rows.append((dist, "not installed"))
    return rows


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kdaxioms.proofs", "templates"),
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        trim_blocks=True, lstrip_blocks=True, autoescape=False, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["e"] = escape
    return env


def _timings(results: list[ClaimResult]) -> str:
    lines = ["% Route wall times of this run (seconds); they vary between runs."]
    for r in results:
        for x in r.routes:
            lines.append(rf"\expandafter\def\csname kdt@{r.claim.id}/{x.route}\endcsname{{{x.seconds:.2f}}}")
    return "\n".join(lines) + "\n"


def template_context(results: list[ClaimResult], settings: Settings, command: str, date: str,
                     figure_list: list[dict], operators: list | None = None, definitions: dict | None = None,
                     source: str | None = None, recheck: dict | None = None, sweeps: list | None = None) -> dict:
    """The keyword arguments of ``report.tex.j2``, which ``report.html.j2`` takes too; ``recheck``
    is the summary of ``kdaxioms recheck`` on the run's proof bundle (None: no bundle)."""
    content = report_context.context(results, figure_list)
    if definitions is None:
        from .report_definitions import definitions as model_definitions
        definitions = model_definitions()
    return dict(
        version=metadata.version("kdaxioms"), date=escape(date), seed=settings.seed,
        commit=source if source is not None else commit(), definitions=definitions,
        figures=figure_list, environment=_environment(), operators=operators or [], sweeps=sweeps or [],
        references=REFERENCES, settings=_settings_rows(settings), command=command,
        recheck_sentences=report_recheck.sentences(recheck), recheck_disagree=(recheck or {}).get("disagree", 0),
        **content,
    )


#: How the report names each setting of a run.
_SETTING_NAMES = {
    "seed": "seed of every random step", "max_n": "largest support size of whole-vector SMT",
    "timeout_s": "seconds per Z3 query", "chains": "random starts per support size (sampling cross-checks)",
    "sizes": "support sizes of the sampling cross-checks", "trajectory_steps": "steps of the trajectory cross-checks",
    "budget_s": "seconds per claim (budget)",
}


def _settings_rows(settings: Settings) -> list[tuple[str, str]]:
    """The run's settings as (name, value) rows, every setting named."""
    values = settings.as_dict()
    return [(_SETTING_NAMES.get(k, k), ", ".join(map(str, v)) if isinstance(v, list) else str(v)) for k, v in values.items()]


def render(results: list[ClaimResult], settings: Settings, command: str, date: str, figure_list: list[dict],
           operators: list | None = None, definitions: dict | None = None, source: str | None = None) -> str:
    """The text of ``report.tex``."""
    return render_tex(template_context(results, settings, command, date, figure_list, operators, definitions, source))


def render_tex(kwargs: dict) -> str:
    """``report.tex`` from :func:`template_context`."""
    return _templates().get_template("report.tex.j2").render(**kwargs)


def _mathjax() -> str | None:
    """MathJax for ``report.html``; when it is missing, one warning and the page shows TeX source."""
    js = report_html.read_mathjax()
    if js is None:
        log.warning("%s", report_html.mathjax_missing())
    return js


def _draw_figures(folder: Path, settings: Settings, results: list[ClaimResult]) -> list[dict]:
    """The figures that support the run's claims (the catalogue names them); a report of claims
    that name none has none."""
    return report_figures.draw_all(folder, settings.seed, {stem for r in results for stem in r.claim.figures})


def _latex_program() -> list[str] | None:
    if shutil.which("latexmk"):
        return ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet", "report.tex"]
    if shutil.which("pdflatex"):
        return ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"]
    return None


def _compile(folder: Path) -> bool:
    program = _latex_program()
    if program is None:
        return False
    runs = 1 if program[0] == "latexmk" else 2
    for _ in range(runs):
        done = subprocess.run(program, cwd=folder, capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not (folder / "report.pdf").exists():
            log_file = folder / "report.log"
            log_text = log_file.read_text(errors="replace") if log_file.exists() else done.stdout
            first = next((line for line in log_text.splitlines() if line.startswith("!")), "see report.log")
            raise ReportError(f"LaTeX failed on report.tex ({first})")
    return True


def _created_folders(out_dir: Path) -> list[Path]:
    """The folders ``out_dir.mkdir(parents=True)`` would create, innermost first."""
    missing = []
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            break
        missing.append(folder)
    return missing


def write_report(results: list[ClaimResult], settings: Settings, out_dir: Path, command: str, date: str,
                 operator_files: list[Path] | None = None, recheck: dict | None = None,
                 sweep_files: list[Path] | None = None) -> ReportFiles:
    """Write ``report.tex`` (and ``report.pdf`` when LaTeX is installed) into ``out_dir``, with a
    section per operator file (its audit and iteration plot) and one per sweep result file
    (:mod:`.report_sweep`: its heat map, or the c* theorem of its cover).

    Everything is built in a hidden folder inside ``out_dir`` and moved into place at the end;
    the hidden folder is removed on every exit path (errors and interrupts included), and folders
    created for the report are removed again when it fails.  When LaTeX fails, the complete
    sources and LaTeX's log are moved into ``out_dir`` for inspection (:class:`ReportError`)."""
    out_dir = Path(out_dir)
    created = _created_folders(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=".report-build-", dir=out_dir))
    finished = False
    try:
        figure_list = _draw_figures(build, settings, results)
        operators = operator_sections(list(operator_files or []), settings, build)
        sweeps = sweep_sections(list(sweep_files or []), build)
        kwargs = template_context(results, settings, command, date, figure_list, operators, recheck=recheck,
                                  sweeps=sweeps)
        (build / "report.tex").write_text(render_tex(kwargs))
        (build / "report.html").write_text(report_html.render_html(kwargs, _mathjax(), build), encoding="utf-8")
        (build / "timings.tex").write_text(_timings(results))
        extra = [o.figure["file"] for o in operators if o.figure]
        extra += [w.figure[k] for w in sweeps if w.figure for k in ("file", "svg")]
        keep = (["report.tex", "report.html", "timings.tex"]
                + [f[k] for f in figure_list for k in ("file", "svg") if f.get(k)] + extra)
        try:
            has_pdf = _compile(build)
        except ReportError as err:
            _move(build, out_dir, keep + ["report.log"])
            finished = True  # the sources are kept in out_dir, named in the message
            raise ReportError(f"{err}; the sources and report.log are in {out_dir}") from None
        _move(build, out_dir, keep + (["report.pdf"] if has_pdf else []))
        finished = True
    finally:
        shutil.rmtree(build, ignore_errors=True)
        if not finished:
            for folder in created:  # innermost first; only folders this call made, and only if empty
                try:
                    folder.rmdir()
                except OSError:
                    break
    return ReportFiles(out_dir / "report.tex", out_dir / "report.pdf" if has_pdf else None, out_dir / "report.html")


def _move(build: Path, out_dir: Path, names: list[str]) -> None:
    for name in names:
        if (build / name).exists():
            os.replace(build / name, out_dir / name)
