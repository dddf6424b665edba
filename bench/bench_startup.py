"""What a `newsletter run` with nothing to summarize costs (cron starts one every 15 minutes),
next to the same run with litellm imported, which is what every run paid before the summarizer
was built only for a paper that needs a summary.

Run: python bench/bench_startup.py [--repeat 3]

In a temporary folder (SQLite, the outbox transport, the bundled sample feeds as `file://`
sources): one subscriber, one first run that makes the summaries, then `--repeat` timed runs
of the same day, whose summaries are all cached, each way: as it is, and with `import litellm`
first. Also times `sources`, `runs` and `subscribe`. Prints the median wall time and the
largest peak RSS (the child's ru_maxrss) of each, and whether it imported litellm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "newsletter" / "samples"
SOURCES = [f"--source=arxiv={(SAMPLES / 'arxiv_cs.xml').as_uri()}",
           f"--source=hf={(SAMPLES / 'hf_daily_papers.json').as_uri()}"]
AS_IT_IS = "from newsletter.cli import main; main()"
WITH_LITELLM = ("import os; os.environ.setdefault('LITELLM_LOCAL_MODEL_COST_MAP', 'True'); "
                "import litellm; " + AS_IT_IS)
REPORT_LITELLM = ("import atexit, sys; atexit.register(lambda: print('litellm imported:', "
                  "'litellm' in sys.modules, file=sys.stderr)); ")


def measured(code: str, args: list[str], env: dict) -> tuple[float, int, bool]:
    """(wall seconds, peak RSS in MiB, whether litellm was imported) of one command, run in
    the database's folder (so PYTHONPATH, not the current folder, can choose the code)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", REPORT_LITELLM + code, *args], env=env,
                               cwd=Path(env["NEWSLETTER_OUTBOX_DIR"]).parent,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    log = process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{args} failed:\n{log}")
    return seconds, usage.ru_maxrss // 1024, "litellm imported: True" in log


def row(name: str, code: str, args: list[str], env: dict, repeat: int) -> float:
    runs = [measured(code, args, env) for _ in range(repeat)]
    seconds = statistics.median(run[0] for run in runs)
    peak = max(run[1] for run in runs)
    print(f"{name:34} {seconds:6.2f} s  peak RSS {peak:4d} MiB  litellm imported: "
          f"{any(run[2] for run in runs)}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        env = {**os.environ, "NEWSLETTER_DATABASE_URL": f"sqlite:///{folder}/bench.db",
               "NEWSLETTER_OUTBOX_DIR": f"{folder}/outbox", "NEWSLETTER_ARXIV_API_URL": ""}
        env.pop("NEWSLETTER_REDIS_URL", None)
        measured(AS_IT_IS, ["subscribe", "ada@example.org", "--confirmed"], env)
        first = measured(AS_IT_IS, ["run", "--all-due", *SOURCES], env)
        print(f"{'first run (makes 32 summaries)':34} {first[0]:6.2f} s  peak RSS "
              f"{first[1]:4d} MiB  litellm imported: {first[2]}")
        run = ["run", "--all-due", *SOURCES]
        now = row("run, all cached", AS_IT_IS, run, env, args.repeat)
        before = row("run, all cached, litellm imported", WITH_LITELLM, run, env, args.repeat)
        for command in (["sources"], ["runs"], ["subscribe", "bob@example.org"]):
            row(" ".join(command[:1]), AS_IT_IS, command, env, args.repeat)
    print(f"a cached run costs x{now / before:.2f} of the same run importing litellm")


if __name__ == "__main__":
    main()
