"""How long POST /subscribe takes to answer, by the state of the address: what an attacker
timing the form would learn (nothing, when the answers take the same time).

Run: PYTHONPATH=. python bench/bench_signup_timing.py [--samples N] [--redis URL]

The app runs in-process (SQLite, the outbox transport, rate limits raised) under Starlette's
TestClient; N addresses of each state (new, pending, confirmed, unsubscribed, suppressed) are
made first, then signed up in an interleaved order, one request each, with the app's own
sender sending what they call for as it would in production. Prints the median and 90th
percentile of each state and its median against the new addresses'. With --redis (the
workers' mode) each request enqueues the workers' task there instead; no worker runs, so the
bench drains the queue itself afterwards, as a worker would.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from newsletter.config import load_settings
from newsletter.db import session_scope, upgrade
from newsletter.services import Services
from newsletter.subscribers import notice_queue, subscriptions
from newsletter.web import create_app

BASE = "https://digest.example.org"
STATES = ["new", "pending", "confirmed", "unsubscribed", "suppressed"]
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_addresses(services: Services, samples: int) -> list[tuple[str, str]]:
    """(state, address) for `samples` addresses of each state, shuffled."""
    with session_scope(services.factory) as session:
        for n in range(samples):
            taxonomy = services.taxonomy
            subscriptions.subscribe(session, f"pending{n}@example.org", [], taxonomy)
            subscriptions.subscribe(session, f"confirmed{n}@example.org", [], taxonomy,
                                    confirmed=True)
            subscriptions.unsubscribe(subscriptions.subscribe(
                session, f"unsubscribed{n}@example.org", [], taxonomy, confirmed=True))
            subscriptions.suppress(session, f"suppressed{n}@example.org", "complaint")
    addresses = [(state, f"{state}{n}@example.org") for state in STATES for n in range(samples)]
    random.Random(20261123).shuffle(addresses)
    return addresses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--redis", default=None, help="a Redis URL: the workers' mode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-signup-timing-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        services = Services(load_settings(
            database_url=url, outbox_dir=str(Path(folder) / "outbox"), base_url=BASE,
            signups_per_ip_per_hour=10**9, signups_per_address_per_hour=10**9,
            redis_url=args.redis))
        addresses = make_addresses(services, args.samples)
        app = create_app(services)
        client = TestClient(app, base_url="https://testserver")
        token = CSRF_FIELD.search(client.get("/").text).group(1)
        timings: dict[str, list[float]] = {state: [] for state in STATES}
        for state, address in addresses:
            started = time.perf_counter()
            response = client.post("/subscribe", data={"email": address, "csrf_token": token},
                                   headers={"Origin": BASE})
            timings[state].append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        app.state.notice_sender.wait_idle(timeout=600)
        app.state.notice_sender.stop()
        if args.redis:  # what the workers would have sent
            notice_queue.drain(services.factory, services.settings, services.mailer,
                               services.taxonomy)
        print(f"{len(list(Path(folder, 'outbox').glob('*.eml')))} emails sent for "
              f"{len(addresses)} sign-ups")
    new = statistics.median(timings["new"])
    for state in STATES:
        median = statistics.median(timings[state])
        p90 = statistics.quantiles(timings[state], n=10)[8]
        print(f"{state:13} median {median * 1000:6.2f} ms  p90 {p90 * 1000:6.2f} ms  "
              f"x{median / new:.2f} of new")


if __name__ == "__main__":
    main()
