"""A proof-checking script with the Python API: one claim of the theory and one operator audit.

    .venv/bin/python examples/proof_check.py

Exit status 0 when the claim is proved and the audit finds what is expected of the geometric
anchor: it keeps anchor consistency (M2) and breaks α-anchoring (M3) with an exact witness.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kdaxioms.proofs import Settings, registry, run_claim
from kdaxioms.smt.audit import audit_file
from kdaxioms.symbolic.opfile import load_operator


def main() -> int:
    settings = Settings(seed=0, chains=200)
    claim = registry()["C2.tv"]                       # TV(Tq, p) = (1-α) TV(q, p) for the linear anchor
    result = run_claim(claim, settings)
    routes = ", ".join(f"{r.route}: {r.verdict}" for r in result.routes)
    print(f"{claim.id}: {result.verdict} ({result.combined.scope}) via {routes}")

    op = load_operator(Path(__file__).resolve().parent / "operators" / "geometric-anchor.toml")
    verdicts = {}
    for r in audit_file(op, ["anchor-fixed-point", "anchoring"], max_n=3, timeout_ms=5000):
        verdicts[r.axiom] = r.verdict
        witness = f" witness {r.witness.to_json()}" if r.witness is not None else ""
        print(f"{op.name} {r.code} {r.axiom}: {r.verdict} ({r.scope}){witness}")

    ok = result.verdict == "proved" and verdicts == {"anchor-fixed-point": "proved", "anchoring": "refuted"}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
