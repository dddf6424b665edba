"""The code keeps to the project's lint rules (pyproject.toml, [tool.ruff.lint]), checked by the
pinned ruff of the test extras, so a finding fails the suite like any other regression."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    found = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise",
                            str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert found.returncode == 0, found.stdout + found.stderr
