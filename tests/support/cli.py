"""The `newsletter` command as a user types it."""

from __future__ import annotations

from click.testing import CliRunner

from newsletter.cli import main


def invoke(*args, input=None):
    """Run `newsletter ARGS...`; an exception in the command fails the test with its traceback."""
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
