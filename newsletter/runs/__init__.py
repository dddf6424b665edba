"""Runs: the runs of the day recorded in `runs`, their one report, and a run followed on the
workers."""
