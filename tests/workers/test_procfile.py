"""The Procfile that honcho (and Procfile platforms) start: release, web, worker and beat."""

import subprocess
import sys
from pathlib import Path

from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parents[2]


def test_the_procfile_declares_release_web_worker_and_beat():
    processes = parse_procfile((ROOT / "Procfile").read_text()).processes
    assert set(processes) == {"release", "web", "worker", "beat"}
    assert processes["release"] == "newsletter db upgrade"
    assert "workers.celery_app worker" in processes["worker"]


def test_honcho_accepts_the_procfile():
    honcho = str(Path(sys.executable).with_name("honcho"))
    result = subprocess.run([honcho, "check"], check=False, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
