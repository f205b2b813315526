"""The one precision context of the certified arithmetic: python-flint's ``arb`` working precision.

A module that imports flint only, so that every certified evaluator -- the interval program of
:mod:`kdaxioms.certified.intervals`, the exact signs of :mod:`kdaxioms.symbolic.certify`, the
Krawczyk boxes of the softened-anchor derivation -- sets the precision through this one function.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import flint

#: Working precision (bits) of the arb operations unless a caller asks for more.
DEFAULT_BITS = 64


@contextlib.contextmanager
def precision(bits: int) -> Iterator[None]:
    """Run a block with ``flint.ctx.prec = bits`` and restore the previous precision after
    (also when the block raises)."""
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield
    finally:
        flint.ctx.prec = old
