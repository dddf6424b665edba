"""The peak memory of a run's side processes (its render and send processes).

They are forked from multiprocessing's fork server, so they are not this process's children
and `RUSAGE_CHILDREN` never counts them: `SidePeaks` reads each descendant's peak RSS
(`VmHWM`, which only grows) from /proc while the run goes on, and keeps the last reading of
each. Linux only, like the benches.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


class SidePeaks:
    """Use as a context manager around a run; `largest_mb` is then the peak RSS of its largest
    descendant process (0 when it started none)."""

    def __init__(self, every_seconds: float = 0.25):
        self.every_seconds = every_seconds
        self._peaks: dict[int, int] = {}  # pid: peak RSS in kB
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> SidePeaks:
        self._thread.start()
        return self

    def __exit__(self, *error) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def largest_mb(self) -> float:
        return max(self._peaks.values(), default=0) / 1024

    def _watch(self) -> None:
        while not self._stop.wait(self.every_seconds):
            for pid in _descendants(os.getpid()):
                if (peak := _peak_kb(pid)) is not None:
                    self._peaks[pid] = max(peak, self._peaks.get(pid, 0))


def _descendants(root: int) -> set[int]:
    """The processes below `root`, from each one's threads' lists of children."""
    found, frontier = set(), [root]
    while frontier:
        pid = frontier.pop()
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                new = {int(child) for child in children.read_text().split()} - found
            except OSError:  # the process ended meanwhile
                continue
            found |= new
            frontier += new
    return found


def _peak_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
