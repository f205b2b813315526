"""Sweeps on Dask: the spec and its grid, the hard timeout, the journal and --resume, a worker
killed mid-sweep (every task still has exactly one row), and the command line."""

from __future__ import annotations

import json
import os
import signal
from fractions import Fraction
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kdaxioms.proofs.cli import main
from kdaxioms.symbolic.errors import InputError
from kdaxioms.sweep import engine, store
from kdaxioms.sweep.sandbox import run_batch
from kdaxioms.sweep.spec import Spec, axis_values, batch_size, load_spec


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


# -- the grid -----------------------------------------------------------------------------------

def test_range_is_exact_and_inclusive():
    assert axis_values("a", {"from": "1/10", "to": "1/2", "step": "1/10"}) == ("1/10", "1/5", "3/10", "2/5", "1/2")
    assert axis_values("a", {"from": 0, "to": 1, "step": "1/3"}) == ("0", "1/3", "2/3", "1")


def test_drawn_anchors_are_seeded_exact_distributions():
    spec = {"draw": 30, "n": [2, 3], "seed": 4, "denominator": 50, "min": "1/25"}
    first, again = axis_values("anchor", spec), axis_values("anchor", dict(spec))
    assert first == again and len(first) == 60
    for text in first:
        entries = [Fraction(v) for v in text.split(",")]
        assert sum(entries) == 1 and min(entries) >= Fraction(1, 25)
        assert all((v * 50).denominator == 1 for v in entries)
    assert axis_values("anchor", dict(spec, seed=5)) != first


def test_draws_per_size_are_distinct_and_too_many_is_an_error():
    drawn = axis_values("anchor", {"draw": [9, 2], "n": [2, 3], "seed": 1, "denominator": 10, "min": "1/10"})
    assert len(drawn) == 11 == len(set(drawn)) and sum(len(a.split(",")) == 3 for a in drawn) == 2
    with pytest.raises(InputError, match="only 9 anchors"):  # 1/10 .. 9/10: nine anchors at n = 2
        axis_values("anchor", {"draw": 10, "n": 2, "denominator": 10, "min": "1/10"})


@pytest.mark.parametrize("bad, message", [
    ([0.1], "is a float"),
    ({"from": "0", "to": "1", "step": "3/10"}, "not on the grid"),
    ({"draw": [3], "n": [2, 3]}, "one count per n"),
    ({"from": "1", "to": "0", "step": "1/2"}, "above"),
    ({"from": "0", "to": "1", "step": "0"}, "positive"),
    ({"draw": 3, "n": 9}, "n must be"),
    ({"draw": 3, "min": "1/2", "n": 3}, "min"),
    ({"step": 1}, "must be a list"),
])
def test_bad_axes_are_one_line(bad, message):
    with pytest.raises(InputError, match=message):
        axis_values("a", bad)


def test_tasks_have_stable_ids_and_the_product_order(tmp_path):
    path = _spec(tmp_path, '[sweep]\nkind = "derive"\n[grid]\nx = ["1", "2"]\ny = ["3", "4", "5"]\n')
    spec = load_spec(path)
    tasks = spec.tasks("m:f")
    assert [t.params for t in tasks][:4] == [{"x": "1", "y": "3"}, {"x": "1", "y": "4"}, {"x": "1", "y": "5"},
                                              {"x": "2", "y": "3"}]
    assert [t.id for t in tasks] == [t.id for t in load_spec(path).tasks("m:f")]
    assert len({t.id for t in tasks}) == 6


def test_batches_are_about_sixteen_per_worker():
    assert batch_size(2000, 2, 0) == 63
    assert batch_size(10, 2, 0) == 1
    assert batch_size(10**6, 2, 0) == 64
    assert batch_size(100, 2, 7) == 7


# -- the sandbox: one row per task, whatever happens --------------------------------------------

def _tasks(xs, runner="sweep_runners:planted", timeout=1.5, **settings):
    spec = Spec(Path("t.toml"), "test", 0, timeout, 0, settings, (("x", tuple(map(str, xs))),))
    return [t.plain() for t in spec.tasks(runner)]


def test_a_hung_task_is_killed_a_bug_and_a_crash_are_rows_and_the_rest_runs():
    rows = run_batch(_tasks([0, 1, 2, 3, 4]))
    assert [r["index"] for r in rows] == [0, 1, 2, 3, 4]
    verdicts = [r["verdict"] for r in rows]
    assert verdicts == ["done", "unknown", "error", "error", "done"]
    assert rows[1]["error"].startswith("timeout: killed after 1.5 s")
    assert "ZeroDivisionError: planted bug" in rows[2]["error"]
    assert "signal 11" in rows[3]["error"]
    assert rows[4]["result"] == {"double": 8}


def test_the_persistent_child_serves_the_next_batch_after_a_timeout_and_a_crash():
    first = run_batch(_tasks([1, 0]))  # x = 1 hangs: killed, a new child takes x = 0
    second = run_batch(_tasks([4, 3, 5, 6]))  # x = 3 crashes: a new child takes x = 5 and x = 6
    assert [r["index"] for r in first] == [0, 1] and [r["verdict"] for r in first] == ["unknown", "done"]
    assert [r["params"]["x"] for r in second] == ["4", "3", "5", "6"]
    assert [r["verdict"] for r in second] == ["done", "error", "done", "done"]
    assert [r["result"].get("double") for r in second] == [8, None, 10, 12]


def test_a_journal_of_other_code_is_refused(tmp_path):
    old = store.Journal(tmp_path / "out.parquet", "sweep", code="old")
    old.start()
    with pytest.raises(InputError, match="other code"):
        store.Journal(tmp_path / "out.parquet", "sweep", code="new").existing()


# -- the cluster ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")  # a core dependency: always there
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address="127.0.0.1:0", silence_logs=50)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_a_worker_killed_mid_sweep_loses_no_task_and_repeats_none(client, tmp_path):
    spec = Spec(Path("t.toml"), "test", 0, 30.0, 0, {"sleep": 0.15}, (("x", tuple(map(str, range(48)))),))
    tasks = spec.tasks("sweep_runners:echo")
    journal = store.Journal(tmp_path / "out.parquet", spec.digest())
    journal.start()
    pids = client.run(os.getpid)
    killed = []

    def arrived(rows):
        journal.append(rows)
        if not killed:  # the first batch is back: kill a worker that is busy with the next ones
            victim = next(iter(pids.values()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    engine.run_tasks(tasks, client, arrived, batch=2)
    rows = journal.existing()
    assert killed
    assert sorted(r["index"] for r in rows) == list(range(48))  # every task exactly once
    assert all(r["verdict"] == "done" and r["result"]["double"] == 2 * int(r["params"]["x"]) for r in rows)


def test_the_journal_resumes_only_the_missing_tasks(client, tmp_path):
    spec = Spec(Path("t.toml"), "test", 0, 30.0, 0, {}, (("x", tuple(map(str, range(10)))),))
    tasks = spec.tasks("sweep_runners:echo")
    journal = store.Journal(tmp_path / "out.parquet", spec.digest())
    journal.start()
    engine.run_tasks(tasks[:4], client, journal.append)
    with open(journal.path, "a") as f:
        f.write('{"index": 4, "task_id": "cut sh')  # a crash in the middle of a line
    done = {r["task_id"] for r in journal.existing()}
    assert len(done) == 4
    journal.start()  # cuts the partial line
    ran = []
    engine.run_tasks([t for t in tasks if t.id not in done], client, lambda rows: (ran.extend(rows), journal.append(rows)))
    assert sorted(r["index"] for r in ran) == list(range(4, 10))
    assert sorted(r["index"] for r in journal.existing()) == list(range(10))
    other = store.Journal(tmp_path / "out.parquet", "another sweep")
    with pytest.raises(InputError, match="belongs to another sweep"):
        other.existing()


def _worker_settings() -> dict:
    import dask
    return {key: dask.config.get(key) for key in engine.LOCAL_CONFIG}


def test_the_local_cluster_workers_run_without_dasks_dashboard_monitors():
    """The profiler, tick, system and memory monitors of Dask's defaults cost the tasks CPU: the
    local cluster's workers get the engine's settings (handed on by their nannies)."""
    with engine.client_for(None, 1) as client:
        (settings,) = client.run(_worker_settings).values()
    assert settings["distributed.worker.profile.enabled"] is False
    assert settings == engine.LOCAL_CONFIG


# -- the command line ------------------------------------------------------------------------------

DERIVE = '[sweep]\nkind = "derive"\nderivation = "local-kl-ratio"\n[grid]\nalpha = { from = "1/4", to = "3/4", step = "1/4" }\n'


def test_sweep_command_writes_parquet_and_csv_and_resumes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _spec(tmp_path, DERIVE)
    assert main(["sweep", str(path), "--workers", "1", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 3 and summary["verdicts"] == {"derived": 3} and summary["ran"] == 3
    table = pq.read_table(tmp_path / "s.parquet").to_pylist()
    assert [r["value"] for r in table] == ["9/16", "1/4", "1/16"]  # (1 - alpha)^2
    assert [r["alpha"] for r in table] == ["1/4", "1/2", "3/4"] and all(r["worker"] for r in table)
    assert main(["sweep", str(path)]) == 2  # the result exists: --resume or another -o
    assert "pass --resume" in capsys.readouterr().err
    assert main(["sweep", str(path), "--resume", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["ran"] == 0 and again["resumed"] == 3
    assert main(["sweep", str(path), "-o", "r.csv", "--workers", "1"]) == 0
    lines = (tmp_path / "r.csv").read_text().splitlines()
    assert lines[0].startswith("index,task_id,kind,alpha,verdict,scope,error,seconds,worker") and len(lines) == 4
    _spec(tmp_path, DERIVE.replace('"3/4"', '"1/2"'))  # another grid in the same file: the table is not reused
    assert main(["sweep", str(path), "--resume"]) == 2
    assert "holds another sweep" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ('[sweep]\nkind = "tightness"\n[grid]\nalpha = ["1/2"]\nanchor = ["1/2,1/3"]\n', "sums to 5/6"),
    ('[sweep]\nkind = "nope"\n[grid]\nx = ["1"]\n', "unknown sweep kind"),
    ('[sweep]\nkind = "derive"\nderivation = "local-kl-ratio"\n[grid]\nbeta = ["1/2"]\n', "takes no input"),
    ('[sweep]\nkind = "derive"\n[grid]\nalpha = [0.5]\n', "is a float"),
    ('[sweep\nkind = 1\n', "not valid TOML"),
    ('[sweep]\nkind = "tightness"\ntimeout = -1\n[grid]\nalpha = ["1/2"]\n', "timeout"),
    ('[sweep]\nkind = "derive"\nderivation = "local-kl-ratio"\n[grid]\nalpha = ["1/2", "2/4"]\n', "repeats the value"),
    ('[sweep]\nkind = "cstar-cell"\nbudgte = 3\n[grid]\nalpha = ["1/2:3/5"]\nm = ["1/5:1/4"]\n', "not a setting"),
])
def test_bad_sweep_files_are_one_line_and_write_nothing(tmp_path, capsys, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    path = _spec(tmp_path, text)
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_missing_sweep_file_and_bad_scheduler(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "none.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err
    path = _spec(tmp_path, DERIVE)
    assert main(["sweep", str(path), "--scheduler", "localhost:1", "-o", str(tmp_path / "o.parquet")]) == 2
    assert "not an address" in capsys.readouterr().err


def test_the_same_sweep_on_an_existing_scheduler_gives_the_same_rows(client, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = _spec(tmp_path, DERIVE)
    assert main(["sweep", str(path), "-o", "local.parquet", "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["sweep", str(path), "-o", "remote.parquet", "--scheduler", client.scheduler.address, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["scheduler"] == client.scheduler.address and summary["workers"] == 2
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("seconds", "worker")} for r in rows]  # noqa: E731
    local, remote = (pq.read_table(tmp_path / f).to_pylist() for f in ("local.parquet", "remote.parquet"))
    assert strip(local) == strip(remote) and len(local) == 3
    assert {r["worker"] for r in remote} <= set(client.scheduler_info()["workers"])


def test_ctrl_c_is_two_lines_and_resume_finishes(tmp_path):
    """Ctrl-C reaches the whole process group (the command and its local cluster): one line with
    what is saved, 'interrupted', exit 130, no worker traceback; --resume then finishes."""
    import subprocess
    import sys
    import time

    path = _spec(tmp_path, '[sweep]\nkind = "derive"\nderivation = "memory-rate"\n[grid]\n'
                           'alpha = { from = "1/10", to = "9/10", step = "1/10" }\nbeta = ["1/2,1/2", "3/4,1/4"]\n')
    command = [sys.executable, "-m", "kdaxioms.proofs.entry", "sweep", str(path), "--workers", "1", "--batch", "2"]
    proc = subprocess.Popen(command, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    partial = tmp_path / "s.parquet.partial.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not partial.exists() or len(partial.read_text().splitlines()) < 3):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "rows are saved" in lines[0] and lines[1] == "kdaxioms: interrupted", err
    done = subprocess.run(command + ["--resume", "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    summary = json.loads(done.stdout)
    assert done.returncode == 0 and summary["rows"] == 18 and summary["resumed"] >= 2
    assert summary["ran"] + summary["resumed"] == 18
