"""Where a result comes from: the installed version of kdaxioms and the git commit of its sources."""

from __future__ import annotations

import hashlib
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


#: The subpackages whose code decides a sweep task's result (the report and command line do not).
COMPUTING = ("symbolic", "smt", "numeric", "certified", "sweep")


def code_digest() -> str:
    """A hash of the source of every module that computes a sweep's results (the packages of
    :data:`COMPUTING` and the task runners): a result file made by other code has another digest."""
    import importlib

    digest = hashlib.sha256()
    files = []
    for name in COMPUTING:
        package = Path(importlib.import_module(f"kdaxioms.{name}").__file__).parent
        files += sorted(package.rglob("*.py"))
    files.append(Path(__file__).with_name("sweep_kinds.py"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
