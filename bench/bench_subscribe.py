"""Subscribe POSTs under load on loopback, against a bare endpoint of the same app in the same run.

Run: PYTHONPATH=. python bench/bench_subscribe.py [--requests N] [--concurrency C]

Starts `newsletter serve` (one uvicorn process, SQLite, the outbox transport) in a temporary
folder, then drives it with httpx from C threads: first GET /healthz (the bare endpoint), then
POST /subscribe with a new address each time (CSRF token and Origin included; the rate limits
are raised so that every request does the full work: the form checked, the sign-up queued). The
confirmations are recorded, rendered and written to the outbox by the server's sender thread
after the answers; the bench also waits until they are all there. Prints throughput and
latency percentiles of both, their ratios, and how long the emails took to follow.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from bench.load import healthz, run_load, start_server, summary, wait_until_up
from tests.stubs.smtp_server import free_port


def subscribe(client: httpx.Client, token: str, tag: str) -> httpx.Response:
    return client.post("/subscribe", data={"email": f"bench-{tag}-{time.time_ns()}@example.org",
                                           "topics": ["NLP", "Robotics"], "csrf_token": token},
                       headers={"Origin": str(client.base_url).rstrip("/")})


def wait_for_emails(outbox: Path, count: int, deadline_seconds: float = 600) -> float:
    """Seconds until the outbox holds `count` emails."""
    started = time.perf_counter()
    while len(list(outbox.glob("*.eml"))) < count:
        if time.perf_counter() - started > deadline_seconds:
            raise SystemExit(f"only {len(list(outbox.glob('*.eml')))} of {count} emails came")
        time.sleep(0.05)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-subscribe-") as name:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(Path(name), port)
        try:
            wait_until_up(base)
            run_load(base, args.concurrency * 5, args.concurrency, subscribe)  # warm-up
            bare = summary("GET /healthz", *run_load(base, args.requests, args.concurrency,
                                                     healthz))
            real = summary("POST /subscribe", *run_load(base, args.requests, args.concurrency,
                                                        subscribe))
            sent = args.concurrency * 5 + args.requests
            after = wait_for_emails(Path(name) / "outbox", sent)
            print(f"all {sent} confirmations in the outbox {after:.1f} s after the last answer")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"subscribe / healthz: throughput x{real['rps'] / bare['rps']:.3f}, "
          f"p99 x{real['p99'] / bare['p99']:.1f}")


if __name__ == "__main__":
    main()
