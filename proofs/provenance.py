"""Where a result comes from: the installed version of kdaxioms and the git commit of its sources."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path


def version() -> str:
    """The installed version of kdaxioms."""
    return metadata.version("kdaxioms")


def commit() -> str:
    """The git commit of the kdaxioms sources ("+ changes" when the work tree differs from it), or
    "unknown" outside a git checkout."""
    source = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, timeout=20)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=source,
                               capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + (" + changes" if dirty.stdout.strip() else "")
