"""Progress bars for long commands: on a terminal's standard error only, never in ``--json`` mode.

:func:`progress_bar` yields a callback ``update(completed, label="")``; when the bar is disabled
(not a terminal, ``--json``, or asked off) the callback does nothing, so callers never branch.
The bar is transient: it disappears when the work is done and leaves the output clean.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Update = Callable[..., None]


def wanted(json_mode: bool) -> bool:
    """A bar is drawn only for people: standard error is a terminal and the output is not JSON."""
    return not json_mode and sys.stderr.isatty()


@contextmanager
def progress_bar(total: int, description: str, enabled: bool, every: int = 1) -> Iterator[Update]:
    """A bar of ``total`` steps; the callback redraws at most every ``every`` steps (and at the end)."""
    if not enabled:
        yield lambda completed, label="": None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[label]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total, label="")

        def update(completed: int, label: str = "") -> None:
            if completed % every == 0 or completed >= total:
                bar.update(task, completed=completed, label=label)
        yield update
