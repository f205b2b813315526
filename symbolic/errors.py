"""The exception hierarchy of kdaxioms: one base class, a few clear subclasses.

Every error a user can cause is a :class:`KdaxiomsError`; the command line turns it into one
line on standard error and exit status 2.  Errors carry the offending object where there is
one, so that a message can name it.
"""

from __future__ import annotations

#: The longest piece of user input an error message echoes (a 2,000-character formula is cut).
ECHO_LIMIT = 80


def excerpt(text: object, limit: int = ECHO_LIMIT) -> str:
    """``text`` as ``repr`` would quote it, cut to ``limit`` characters with an ellipsis and the
    original length, so that a message names the offending input without echoing all of it."""
    shown = repr(str(text))
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit - 1]}…' ({len(str(text))} characters)"


#: How many known names an "unknown name" message lists (the claim registry has over a hundred).
_CHOICES_SHOWN = 32


class KdaxiomsError(Exception):
    """Base class of every error raised by kdaxioms.  ``exit_status`` is the command line's exit
    status for it: 2 for bad usage or input, 1 for a failed run (LaTeX, contradicting evidence)."""

    exit_status = 2


class InputError(KdaxiomsError):
    """Bad user input: a malformed distribution, an out-of-domain parameter, a missing file."""


class UnknownNameError(InputError):
    """A name (claim, axiom, family, divergence) that no registry knows."""

    def __init__(self, what: str, name: str, known: list[str] | tuple[str, ...], hint: str = ""):
        self.what, self.name, self.known = what, name, tuple(known)
        shown = self.known[:_CHOICES_SHOWN]
        more = len(self.known) - len(shown)
        choices = ", ".join(shown) + (f" and {more} more" if more else "")
        super().__init__(f"unknown {what} {excerpt(name)}; choose one of: {choices}" + (f", {hint}" if hint else ""))


class TranslationError(KdaxiomsError):
    """An expression node that a backend (Z3, numpy, intervals) cannot translate."""

    def __init__(self, backend: str, node: object, reason: str = "no translation rule"):
        self.backend, self.node, self.reason = backend, node, reason
        super().__init__(f"{backend}: cannot translate {node} ({type(node).__name__}): {reason}")


class DisagreementError(KdaxiomsError):
    """Two pieces of evidence contradict each other (e.g. intervals certify a violation where a
    proof was claimed).  Never bad input: the claim becomes a disagreement (exit 1)."""

    exit_status = 1


class ModelError(KdaxiomsError):
    """An operator model that is inconsistent (e.g. a role naming no parameter)."""


class UndefinedError(KdaxiomsError):
    """An exact evaluation reached an undefined operation: a division by zero, the logarithm of a
    non-positive number, ``0**e`` with ``e <= 0``, a non-integer power of a negative number.
    ``certain`` is False when the sign that decides definedness could not be certified."""

    def __init__(self, reason: str, certain: bool = True):
        self.reason, self.certain = reason, certain
        super().__init__(reason)
