"""The load harness of the web benchmarks: `newsletter serve` in a folder of its own, driven by
httpx from client threads, and the figures of each run (requests per second, latency
percentiles). Each bench compares its endpoints with GET /healthz measured in the same run, since
the shared machine's speed varies from one minute to the next."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def start_server(folder: Path, port: int) -> subprocess.Popen:
    env = {**os.environ,
           "NEWSLETTER_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
           "NEWSLETTER_OUTBOX_DIR": str(folder / "outbox"),
           "NEWSLETTER_BASE_URL": f"http://127.0.0.1:{port}",
           "NEWSLETTER_SIGNUPS_PER_IP_PER_HOUR": "1000000000",
           "NEWSLETTER_SIGNUPS_PER_ADDRESS_PER_HOUR": "1000000000"}
    command = [sys.executable, "-c", "from newsletter.cli import main; main()",
               "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_until_up(base: str, deadline_seconds: float = 60) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def run_load(base: str, requests: int, concurrency: int, make_request,
             expected: int = 200) -> tuple[float, list]:
    """Send `requests` requests from `concurrency` threads, each answered with status
    `expected`; (seconds, latencies in seconds)."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = requests // concurrency

    def worker(index: int) -> None:
        # a slow page must be measured, not dropped at httpx's default 5 s timeout
        with httpx.Client(base_url=base, timeout=60) as client:
            token = CSRF_FIELD.search(client.get("/").text).group(1)
            for number in range(per_thread):
                started = time.perf_counter()
                response = make_request(client, token, f"{index}-{number}")
                elapsed = time.perf_counter() - started
                assert response.status_code == expected, response.status_code
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def healthz(client: httpx.Client, token: str, tag: str) -> httpx.Response:
    return client.get("/healthz")


def summary(name: str, seconds: float, latencies: list[float]) -> dict:
    cuts = statistics.quantiles(latencies, n=100)
    figures = {"rps": len(latencies) / seconds, "p50": cuts[49] * 1000, "p99": cuts[98] * 1000}
    print(f"{name:18} {len(latencies):6d} req  {figures['rps']:8.1f} req/s  "
          f"p50 {figures['p50']:7.2f} ms  p99 {figures['p99']:7.2f} ms")
    return figures
