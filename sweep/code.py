"""Which code computed a row: a hash of the sources of the packages that compute sweep results.

The packages are found by name (``importlib.util.find_spec``) and read as files, not imported, so
this module depends on none of them.  A result file, a journal and every row carry the digest of
the code that made them; a mixture is refused.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

#: The subpackages whose code decides a sweep task's result, and the task runners' module.
COMPUTING = ("symbolic", "smt", "numeric", "certified", "sweep")
RUNNERS = "kdaxioms.proofs.sweep_kinds"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The digest of this installation's computing code (cached: the files do not change under a run)."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for name in COMPUTING:
        spec = importlib.util.find_spec(f"kdaxioms.{name}")
        for folder in spec.submodule_search_locations:
            files += sorted(Path(folder).rglob("*.py"))
    files.append(Path(importlib.util.find_spec(RUNNERS).origin))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
