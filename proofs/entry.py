"""The ``kdaxioms`` console script: the command line, with Ctrl-C handled while it loads too.

Loading SymPy, Z3 and numpy takes a second or two; a Ctrl-C then would otherwise end in a
traceback from whatever module was being imported.  This module imports only the light
:mod:`kdaxioms.proofs.interrupt` before it loads :mod:`kdaxioms.proofs.cli`.
"""

from __future__ import annotations

import sys

from .interrupt import interrupted


def main() -> int:
    """Load and run the command line on ``sys.argv``; one line and exit 130 on Ctrl-C at any time."""
    try:
        from .cli import main as run
        return run()
    except KeyboardInterrupt:  # while loading, or a second Ctrl-C before the first one's line
        return interrupted()


if __name__ == "__main__":
    sys.exit(main())
