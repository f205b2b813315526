"""Output folders, validated before any work.

:func:`output_folder` accepts a folder the command can write into: the name is not empty, no
part of it is an existing file, and the folder (or, when it does not exist yet, its nearest
existing ancestor, where it will be created) accepts a new entry.  Writability is probed by
creating and removing a temporary folder, so the check leaves nothing behind and holds for
root, read-only mounts and ``/proc`` alike.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from kdaxioms.symbolic.errors import InputError, excerpt


def folder_argument(text: str) -> Path:
    """An argparse type for an output folder: a non-empty name (the checks on disk come later)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the output folder is empty; name a folder, e.g. -o out")
    if "\0" in text:
        raise argparse.ArgumentTypeError(f"{excerpt(text)} contains a NUL character")
    return Path(text)


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


def _probe(folder: Path, flag: str, shown: str) -> None:
    try:
        probe = tempfile.mkdtemp(prefix=".kdaxioms-probe-", dir=folder)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(f"{flag} {shown}: cannot write in {excerpt(str(folder))} ({reason}); "
                         f"choose a folder you can write to") from None
    os.rmdir(probe)


def output_folder(path: Path, flag: str = "-o") -> Path:
    """``path`` when it is, or can be created as, a writable folder; else :class:`InputError`.

    Nothing is created: a missing folder is made by the writer once the work is done."""
    shown = excerpt(str(path))
    if not str(path).strip():
        raise InputError(f"{flag}: the output folder is empty; name a folder, e.g. {flag} out")
    path = Path(os.path.abspath(path))
    if os.path.lexists(path) and not path.is_dir():
        raise InputError(f"{flag} {shown} is an existing file, not a folder; name a folder (new or existing)")
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise InputError(f"{flag} {shown}: {excerpt(str(existing))} is a file, so no folder can be created "
                         f"inside it; name another folder")
    _probe(existing, flag, shown)
    return path


def output_file(path: Path, suffix: str, flag: str) -> Path:
    """``path`` when it names a ``suffix`` file (new or not a folder) in an existing folder that can
    be written, checked before any work; else :class:`InputError`."""
    shown = excerpt(str(path))
    if path.suffix.lower() != suffix or path.is_dir() or not path.parent.is_dir():
        raise InputError(f"{flag} {shown}: give a {suffix} file in an existing folder")
    _probe(path.parent, flag, shown)
    return path

