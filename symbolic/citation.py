"""Citing a lemma of :mod:`kdaxioms.symbolic.lemma_book` in a proof step, by key.

Kept free of imports so that the modules whose lemmas the book lists can cite the others."""

from __future__ import annotations

import re

#: A citation in a step's text: ``\lemmaref{key}`` (a link in the report).
CITATION = re.compile(r"\\lemmaref\{([a-z-]+)\}")


def cite(key: str) -> str:
    """The citation of the lemma ``key`` (the book checks that every cited key exists)."""
    return rf"\lemmaref{{{key}}}"
