"""The command-line boundary of issue 12: one line and an exit status for every error, command
values and resources checked before any work, and outputs only inside the folder named."""

import logging
import os
from pathlib import Path

import pytest

from kdaxioms.proofs import cli, limits, report
from kdaxioms.proofs.cli import main
from kdaxioms.smt.audit import _emitter, file_stem

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operators"
LINEAR = str(EXAMPLES / "linear-anchor.toml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err):
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("kdaxioms: "), err
    return err


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if any claim runs, any audit starts or any iteration begins."""
    def forbidden(*args, **kwargs):
        raise AssertionError("work started before the command values were checked")
    monkeypatch.setattr(cli, "run_claims", forbidden)
    monkeypatch.setattr(cli, "audit_operator", forbidden)
    monkeypatch.setattr("kdaxioms.proofs.report.write_report", forbidden)
    monkeypatch.setattr("kdaxioms.proofs.iterate_cmd.run_engine", forbidden)


# -- the error boundary -----------------------------------------------------------------------

@pytest.mark.parametrize("error", [RecursionError("maximum recursion depth exceeded"), MemoryError(),
                                   ValueError("x" * 500), KeyError("k")])
def test_a_bug_is_one_line_exit_1_naming_where_to_report(capsys, monkeypatch, error):
    def broken(args):
        raise error
    monkeypatch.setattr(cli, "_derive", broken)
    code, out, err = run(capsys, "derive", "--list")
    assert code == 1 and out == ""
    line = one_line(err)
    assert line.startswith(f"kdaxioms: internal error: {type(error).__name__}: ")
    assert "README.md" in line and "--debug" in line and len(line) < 400


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_prints_the_traceback_before_or_after_the_command(capsys, monkeypatch, where):
    def broken(args):
        raise ZeroDivisionError("planted")
    monkeypatch.setattr(cli, "_derive", broken)
    argv = ["--debug", "derive", "--list"] if where == "before" else ["derive", "--list", "--debug"]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "Traceback" in err and "ZeroDivisionError: planted" in err
    assert err.rstrip().splitlines()[-1].startswith("kdaxioms: internal error: ZeroDivisionError")


def test_debug_is_accepted_on_a_working_command(capsys):
    code, out, err = run(capsys, "--debug", "derive", "--list")
    assert code == 0 and "memory-rate" in out and err == ""


def test_a_user_error_stays_exit_2_and_a_multi_line_message_becomes_one_line(capsys, monkeypatch):
    from kdaxioms.symbolic.errors import InputError

    def bad(args):
        raise InputError("first line\nsecond line")
    monkeypatch.setattr(cli, "_derive", bad)
    code, _, err = run(capsys, "derive", "--list")
    assert code == 2 and one_line(err) == "kdaxioms: error: first line second line\n"


# -- command values ---------------------------------------------------------------------------

SEED_COMMANDS = [
    ["iterate", "F1"],
    ["tightness", "--alpha", "1/2", "--anchor", "9/10,1/10"],
    ["check", "C2.tv"],
    ["report", "-o", "REPORT", "C2.tv"],
    ["audit", LINEAR],
]


@pytest.mark.parametrize("command", SEED_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("seed", ["-1", "4294967296", "1.5", "9" * 5000])
def test_bad_seeds_are_one_line_exit_2(capsys, tmp_path, no_work, command, seed):
    argv = [str(tmp_path / "out") if word == "REPORT" else word for word in command]
    code, out, err = run(capsys, *argv, "--seed", seed)
    assert code == 2 and out == ""
    assert "--seed" in one_line(err) and len(err) < 300
    assert not (tmp_path / "out").exists()


def test_the_largest_seed_is_accepted(capsys):
    code, _, err = run(capsys, "iterate", "F1", "--seed", str(limits.MAX_SEED), "--steps", "120", "--chains", "2")
    assert code in (0, 1) and "error" not in err


@pytest.mark.parametrize("command", [["check", "C2.tv"], ["audit", LINEAR]], ids=lambda c: c[0])
@pytest.mark.parametrize("option, value, fragment", [
    ("--timeout", "inf", "finite"), ("--timeout", "nan", "finite"), ("--timeout", "1e300", "limit of 3600"),
    ("--timeout", "0", "positive"), ("--budget", "inf", "finite"), ("--budget", "1e9", "limit of 86400"),
])
def test_timeouts_and_budgets_must_be_finite_and_bounded(capsys, no_work, command, option, value, fragment):
    code, out, err = run(capsys, *command, option, value)
    assert code == 2 and out == "" and fragment in one_line(err) and option in err


def test_a_bad_factor_fails_before_any_query(capsys, no_work):
    code, _, err = run(capsys, "audit", LINEAR, "--axiom", "contraction-tv", "--factor", "1 - (alpha")
    assert code == 2 and "error" in one_line(err)


@pytest.mark.parametrize("argv", [
    ["derive", "linear-trajectory", "--set", "alpha=1/2", "--set", "alpha=1/3"],
    ["derive", "memory-rate", "--set", "alpha=1/2", "--set", " alpha = 1/3"],
    ["iterate", "F1", "--set", "alpha=1/2", "--set", "alpha=1/3"],
])
def test_a_repeated_set_is_an_error(capsys, no_work, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "given twice" in one_line(err) and "alpha" in err


@pytest.mark.parametrize("option", ["--alpha", "--anchor"])
def test_tightness_rejects_a_repeated_option(capsys, monkeypatch, option):
    monkeypatch.setattr("kdaxioms.proofs.tightness_cmd.bracket", lambda *a, **k: pytest.fail("bracket ran"))
    argv = ["tightness", "--alpha", "1/2", "--anchor", "9/10,1/10", option, "1/3" if option == "--alpha" else "1/2,1/2"]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "given twice" in one_line(err) and option in err


def test_tightness_refuses_a_large_anchor_before_work(capsys, monkeypatch):
    monkeypatch.setattr("kdaxioms.proofs.tightness_cmd.bracket", lambda *a, **k: pytest.fail("bracket ran"))
    code, _, err = run(capsys, "tightness", "--alpha", "1/2", "--anchor", ",".join(["1/50"] * 50))
    assert code == 2 and "limit" in one_line(err)


def test_jobs_above_the_cores_are_lowered_with_one_warning(capsys, caplog, monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "available_cores", lambda: 2)
    monkeypatch.setattr(cli, "run_claims", lambda claims, settings, tick, jobs: seen.append(jobs) or [])
    with caplog.at_level(logging.WARNING, logger="kdaxioms"):
        code, _, _ = run(capsys, "check", "C2.tv", "--jobs", "1000", "--json")
    assert code == 0 and seen == [2]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["--jobs 1000 is more than the 2 available cores; using 2"]


def test_jobs_within_the_cores_are_kept_without_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="kdaxioms"):
        assert limits.jobs(1, 2) == 1 and limits.jobs(None, 2) == 2
    assert not caplog.records


# -- resources --------------------------------------------------------------------------------

@pytest.mark.parametrize("argv, fragment", [
    (["iterate", "F1", "--steps", "1000000000", "--chains", "1"], "--steps 1000000000 is above the limit"),
    (["iterate", "F1", "--n", "100000000"], "--n 100000000 is above the limit"),
    (["iterate", "F1", "--set", "p=" + ",".join(["1/200000"] * 200000)], "above the limit"),
    (["iterate", "F1", "--steps", "1000000", "--chains", "100000", "--n", "2"], "coordinate updates"),
    (["iterate", "F7", "--set", "alpha=0", "--set", "N=100000000000"], "generations are above the limit"),
    (["iterate", "F7", "--set", "N=" + "9" * 5000], "is not an integer"),
    (["iterate", "F7", "--accumulate", "--steps", "5000"], "--accumulate"),
    (["iterate", "F3", "--set", "beta=" + ",".join(["1/200"] * 200)], "beta has 200 weights"),
    (["derive", "memory-rate", "--set", "alpha=1/10", "--set", "beta=" + ",".join(["1/200"] * 200)], "beta has 200"),
    (["derive", "memory-rate-bounds", "--set", "k=200"], "limit 12"),
    (["derive", "accumulation-bound", "--set", "t=1000000000"], "limit 200"),
    (["derive", "linear-trajectory", "--set", "t=100000000"], "limit 1000"),
    (["derive", "unanchored-heterozygosity", "--set", "t=1000", "--set", "N=1000000000"], "digits"),
    (["derive", "linear-trajectory", "--set", "t=1000", "--set", "alpha=1/123456789"], "9000 digits"),
])
def test_oversized_runs_are_refused_before_work(capsys, no_work, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and fragment in one_line(err) and len(err) < 400


def test_the_memory_estimate_names_what_is_needed_and_available(capsys, no_work, monkeypatch):
    monkeypatch.setattr(limits, "available_memory", lambda: 2**30)  # 1 GiB available: at most 0.5 GiB
    code, _, err = run(capsys, "iterate", "F1", "--steps", "1000000", "--chains", "1000", "--n", "2")
    assert code == 2
    line = one_line(err)
    assert "needs about 29.80 GiB" in line and "1.00 GiB available" in line and "lower --steps" in line


def test_a_run_within_the_memory_is_not_refused():
    from kdaxioms.proofs.iterate_cmd import check_size
    check_size("F1", "deterministic", 1000, 200, 3, "linear-anchor", 1, available=2**30)
    with pytest.raises(Exception, match="needs about"):
        check_size("F1", "deterministic", 100_000, 1000, 3, "linear-anchor", 1, available=2**30)


def test_available_memory_is_read():
    found = limits.available_memory()
    assert found is None or found > 0


# -- output folders ---------------------------------------------------------------------------

def _report(capsys, output, *extra):
    return run(capsys, "report", "-o", output, "C2.tv", *extra)


def test_report_to_an_empty_name_is_refused(capsys, no_work, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = _report(capsys, "")
    assert code == 2 and "empty" in one_line(err) and list(tmp_path.iterdir()) == []


def test_report_to_an_existing_file_is_refused_before_work(capsys, no_work, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    code, _, err = _report(capsys, str(target))
    assert code == 2 and "is an existing file" in one_line(err)
    assert target.read_text() == "keep me" and sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_report_inside_a_file_is_refused_before_work(capsys, no_work, tmp_path):
    (tmp_path / "file").write_text("")
    code, _, err = _report(capsys, str(tmp_path / "file" / "deeper" / "x"))
    assert code == 2 and "is a file" in one_line(err) and sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_report_where_nothing_can_be_written_is_refused_before_work(capsys, no_work):
    code, _, err = _report(capsys, "/proc/forbidden")
    assert code == 2 and "cannot write in '/proc'" in one_line(err) and not os.path.exists("/proc/forbidden")


# A read-only folder is refused the same way: tests/test_hostile.py runs that case without root's
# permission override (setpriv), which an in-process test cannot drop.


def test_a_report_interrupted_midway_leaves_nothing(capsys, tmp_path, monkeypatch):
    def interrupted(folder, settings, results):
        (folder / "half.pdf").write_text("half")
        raise KeyboardInterrupt
    monkeypatch.setattr(report, "_draw_figures", interrupted)
    out = tmp_path / "new" / "report"
    with pytest.raises(KeyboardInterrupt):  # (turned into exit 130 by the interrupt handling of main)
        report.write_report([], _settings(), out, "kdaxioms report", "today")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_latex_run_keeps_the_sources_in_the_output_folder_and_no_hidden_folder(tmp_path, monkeypatch):
    def fail(folder):
        (folder / "report.log").write_text("! Undefined control sequence.\n")
        raise report.ReportError("LaTeX failed on report.tex (! Undefined control sequence.)")
    monkeypatch.setattr(report, "_draw_figures", lambda folder, settings, results: [])
    monkeypatch.setattr(report, "_compile", fail)
    out = tmp_path / "report"
    with pytest.raises(report.ReportError, match="sources and report.log are in"):
        report.write_report([], _settings(), out, "kdaxioms report", "today")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.log", "report.tex", "timings.tex"]
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_a_report_into_an_existing_folder_leaves_no_hidden_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "_draw_figures", lambda folder, settings, results: [])
    monkeypatch.setattr(report, "_compile", lambda folder: False)
    out = tmp_path / "report"
    out.mkdir()
    files = report.write_report([], _settings(), out, "kdaxioms report", "today")
    assert files.tex.exists() and files.pdf is None
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.tex", "timings.tex"]


def _settings():
    from kdaxioms.proofs.settings import Settings
    return Settings(chains=10)


# -- SMT-LIB files ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["/tmp/kdaxioms-escape", "../../escape", "..", "", "a/../../b", ".hidden",
                                  "x" * 300, "\u03b1\u03b2", "con\x00trol"])
def test_smtlib_file_names_stay_inside_the_folder(tmp_path, name):
    folder = tmp_path / "smt"
    emit = _emitter(folder, name, "../axiom")
    emit("(check-sat)\n")
    (written,) = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written.parent == folder and not written.name.startswith(".")
    assert "/" not in file_stem(name) and len(written.name) < 140


def _evil_operator(tmp_path, name):
    text = (EXAMPLES / "linear-anchor.toml").read_text().replace('name = "linear-anchor"', f'name = "{name}"')
    path = tmp_path / "evil.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/kdaxioms-i12-escaped"])
def test_emit_smtlib_writes_only_inside_dir_whatever_the_operator_name(capsys, tmp_path, name):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    target = work / "smt"
    before = set(Path("/tmp").glob("kdaxioms-i12-escaped*"))
    code, _, err = run(capsys, "audit", str(_evil_operator(work, name)), "--axiom", "anchoring", "--max-n", "2",
                       "--emit-smtlib", str(target))
    assert code in (0, 2) and "Traceback" not in err
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and target not in p.parents and p.name != "evil.toml"]
    assert outside == [] and set(Path("/tmp").glob("kdaxioms-i12-escaped*")) == before
    if code == 0:
        assert list(target.glob("*.smt2"))


def test_emit_smtlib_into_a_file_is_refused_before_work(capsys, no_work, tmp_path):
    (tmp_path / "file").write_text("")
    code, _, err = run(capsys, "audit", LINEAR, "--emit-smtlib", str(tmp_path / "file"))
    assert code == 2 and "--emit-smtlib" in one_line(err) and "existing file" in err


def test_emit_smtlib_into_a_missing_folder_creates_it(capsys, tmp_path):
    target = tmp_path / "new" / "smt"
    code, _, err = run(capsys, "audit", LINEAR, "--axiom", "anchoring", "--max-n", "2", "--emit-smtlib", str(target))
    assert code == 0, err
    assert list(target.glob("linear-anchor.anchoring.*.smt2"))


@pytest.mark.parametrize("plot, fragment", [
    ("/proc/forbidden.png", "cannot write in '/proc'"),
    ("/etc/hostname/x.png", "existing folder"),
    ("plot.pdf", "give a .png file"),
])
def test_iterate_plot_is_checked_before_work(capsys, no_work, tmp_path, monkeypatch, plot, fragment):
    monkeypatch.chdir(tmp_path)
    code = main(["iterate", "linear-anchor", "--steps", "3", "--chains", "2", "--plot", plot])
    _, err = capsys.readouterr()
    assert code == 2 and fragment in one_line(err) and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [
    ["derive", "linear-trajectory", "--set", "alpha=1e-400", "--set", "t=3"],
    ["iterate", "linear-anchor", "--set", "alpha=1e-400", "--steps", "3", "--chains", "2"],
    ["tightness", "--alpha", "1e400", "--anchor", "1/2,1/2"],
    ["tightness", "--alpha", "1/2", "--anchor", "1e-400,1"],
    ["derive", "linear-trajectory", "--set", "alpha=1/" + "7" * 300, "--set", "t=3"],
])
def test_typed_numbers_have_the_limits_of_operator_files(capsys, no_work, argv):
    """A value typed on the command line is read exactly and refused when it has more than 100
    digits, as a literal of an operator file is: ``1e-400`` was read as a 400-digit rational and
    printed back whole."""
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2 and "digits" in one_line(err) and len(err) < 200, err


@pytest.mark.parametrize("argv, fragment", [
    (["derive", "softened-fixed-point", "--set", "tau=1e-50", "--set", "alpha=1/2", "--set", "p=1/2,1/2"],
     "1/tau is an exponent"),
    (["derive", "entropy-derivative", "--set", "tau=1/65", "--set", "p=1/3,2/3"], "at most 64"),
    (["iterate", str(Path(__file__).parent.parent / "examples" / "operators" / "softened-anchor.toml"),
      "--set", "tau=1/10000000", "--set", "alpha=1/2", "--n", "3", "--steps", "5", "--chains", "2"],
     "exponent '1/tau' is '10000000'"),
])
def test_a_temperature_is_an_exponent_and_has_its_limit(capsys, no_work, argv, fragment):
    """``(1/2)**(10**50)`` computed exactly does not end and ``p**(10**7)`` overflows every float:
    a typed temperature obeys the exponent limit of operator files (numerator and denominator at
    most 64), checked before any work."""
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2 and fragment in one_line(err), err


def test_a_tiny_alpha_gets_a_bracket_rounded_outward_not_an_internal_error(capsys):
    """At alpha = 1e-99 the exact bracket has more than 12 decimals; it is printed rounded outward
    (lower down, upper up), so it still contains c* (it was 'internal error: ValueError')."""
    import json
    from fractions import Fraction
    code = main(["tightness", "--alpha", "1e-99", "--anchor", "1/2,1/2", "--json"])
    out, err = capsys.readouterr()
    data = json.loads(out)
    bracket = data["brackets"][0] if "brackets" in data else data
    assert code == 0 and "internal error" not in err
    assert Fraction(bracket["lower"]) <= Fraction(bracket["upper"]) and Fraction(bracket["lower"]) <= 1


def test_an_iteration_through_an_undefined_point_is_one_line_not_nan(capsys, tmp_path):
    """``1/q[i]`` is undefined at the boundary starts: the run stops with one line naming the chain,
    the generation and the point, instead of numpy warnings and a table of nan."""
    op = tmp_path / "inverse.toml"
    op.write_text('name = "inverse"\nkind = "meta"\ncomponent = "alpha*p[i] + (1 - alpha)/q[i]"\nnormalize = true\n'
                  '[parameters]\nalpha = "0 < alpha <= 1"\n[roles]\nanchor_weight = "alpha"\n')
    code = main(["iterate", str(op), "--steps", "5", "--chains", "3", "--n", "3"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "not finite at generation 1" in one_line(err) and "Warning" not in err
