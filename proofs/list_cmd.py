"""``kdaxioms list [WHAT] [--json]``: every name a user can type, with a one-line description.

WHAT is ``families``, ``axioms``, ``claims`` or ``derivations`` (default: all four).  Each entry
comes from its one registry (:data:`kdaxioms.symbolic.families.FAMILIES`,
:data:`kdaxioms.symbolic.axioms.AXIOMS`, :func:`kdaxioms.proofs.claims.registry`,
:data:`kdaxioms.symbolic.derivations.DERIVATIONS`), so the list cannot drift from what the
commands accept:

- a family by its registry name (``iterate``, ``check --family``) and theory id;
- an axiom by its name (``audit --axiom``), its code and the operator kinds it applies to;
- a claim by its id (``check``, ``report``) and what the theory expects of it;
- a derivation by its name (``derive``) and the claim it serves.
"""

from __future__ import annotations

import argparse
import json

from kdaxioms.symbolic.axioms import AXIOMS
from kdaxioms.symbolic.derivations import DERIVATIONS
from kdaxioms.symbolic.families import FAMILIES

#: What ``kdaxioms list`` can print, in this order.
SECTIONS = ("families", "axioms", "claims", "derivations")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``list`` subparser to ``subparsers`` (from ``parser.add_subparsers``)."""
    p = subparsers.add_parser("list", help="every family, axiom, claim and derivation, by the name you type",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", nargs="?", choices=SECTIONS, metavar="WHAT",
                   help=f"one of {', '.join(SECTIONS)} (default: all)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    return p


def families() -> list[dict]:
    return [{"name": s.name, "code": s.code, "process": s.process, "description": s.summary}
            for s in FAMILIES.values()]


def axioms() -> list[dict]:
    """One entry per axiom name; an axiom shared by kinds (continuity: S2 and A4) lists each code."""
    entries: dict[str, dict] = {}
    for kind, table in AXIOMS.items():
        for name, spec in table.items():
            entry = entries.setdefault(name, {"name": name, "codes": [], "kinds": [], "description": spec.text})
            entry["codes"].append(spec.code)
            entry["kinds"].append(kind.value)
    return list(entries.values())


def claims() -> list[dict]:
    from .claims import registry  # builds every claim's operator: only when claims are listed
    return [{"id": c.id, "family": c.family, "expected": c.expected, "description": c.statement}
            for c in registry().values()]


def derivations() -> list[dict]:
    return [{"name": s.name, "claim": s.claim, "description": s.summary} for s in DERIVATIONS.values()]


def catalogue(what: str | None = None) -> dict[str, list[dict]]:
    """The entries of ``what`` (one of :data:`SECTIONS`), or of every section."""
    builders = {"families": families, "axioms": axioms, "claims": claims, "derivations": derivations}
    return {name: builders[name]() for name in SECTIONS if what in (None, name)}


def _line(section: str, entry: dict) -> str:
    if section == "families":
        return f"{entry['name']:32s} {entry['code']:3s} {entry['description']}"
    if section == "axioms":
        return f"{entry['name']:32s} {'/'.join(entry['codes']):9s} {entry['description']} ({', '.join(entry['kinds'])})"
    if section == "claims":
        return f"{entry['id']:32s} {entry['expected']:6s} {entry['description']}"
    return f"{entry['name']:32s} {entry['claim']:4s} {entry['description']}"


def text(data: dict[str, list[dict]]) -> str:
    blocks = []
    for section, entries in data.items():
        blocks.append("\n".join([f"{section} ({len(entries)})"] + ["  " + _line(section, e) for e in entries]))
    return "\n\n".join(blocks)


def run(args: argparse.Namespace) -> int:
    data = catalogue(args.what)
    print(json.dumps(data, indent=2, ensure_ascii=False) if args.json else text(data))
    return 0
