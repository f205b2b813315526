"""The examples are run as a user would run them."""

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_proof_check_script_runs_and_reports_its_findings():
    done = subprocess.run([sys.executable, str(EXAMPLES / "proof_check.py")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "C2.tv: proved (all-n)" in done.stdout
    assert "anchoring: refuted" in done.stdout and "witness" in done.stdout
