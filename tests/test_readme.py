"""The README's first steps, as a newcomer follows them: the commands they name exist as the
README says, and what the demo leaves behind is not offered for a commit."""

import re
from pathlib import Path

from tests.support.cli import invoke

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def running_it() -> str:
    return README.split("## Running it", 1)[1].split("\n## ", 1)[0]


def test_the_running_steps_say_to_use_the_virtual_environment():
    steps = running_it()
    assert ". .venv/bin/activate" in steps and ".venv/bin/newsletter" in steps


def test_the_readme_and_run_help_agree_on_how_often_to_run():
    help_text = " ".join(invoke("run", "--help").output.split())
    assert "run it hourly" in help_text
    steps = " ".join(running_it().split())
    assert "Run it hourly from cron" in steps
    assert not re.search(r"every \d+ minutes from cron", steps)


def test_the_readme_says_how_to_serve_the_demo():
    assert "newsletter demo --serve" in README and "localhost:8000" in README


def test_the_demo_folder_and_previews_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "newsletter-demo/" in ignored and "/preview/" in ignored
