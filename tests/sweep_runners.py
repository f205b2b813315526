"""Runners for the sweep tests (imported by Dask workers by name, like the real ones)."""

from __future__ import annotations

import os
import signal
import time


def echo(task):
    """``x`` doubled, after ``sleep`` seconds (default none)."""
    time.sleep(float(task["settings"].get("sleep", 0)))
    return {"verdict": "done", "scope": f"x={task['params']['x']}", "double": 2 * int(task["params"]["x"])}


def planted(task):
    """x = 1 hangs, x = 2 raises (a bug), x = 3 kills its own process (a crash in native code);
    every other x is echoed."""
    x = int(task["params"]["x"])
    if x == 1:
        time.sleep(60)
    if x == 2:
        raise ZeroDivisionError("planted bug")
    if x == 3:
        os.kill(os.getpid(), signal.SIGSEGV)
    return echo(task)
