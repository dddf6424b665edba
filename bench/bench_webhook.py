"""One batch of 5,000 signed SendGrid events through POST /webhooks/sendgrid, on SQLite and on the
local PostgreSQL: the time to the answer (SendGrid gives up after 3 s).

Run: PYTHONPATH=. python bench/bench_webhook.py [--events N] [--postgres URL]

The batch looks like a digest run's (about 160 bytes an event): mostly processed and
delivered events naming their delivery, a few bounces and deferrals, against 2,000
subscribers. Each database gets the batch twice: new events, then the same batch redelivered
(every event a duplicate). Prints seconds, bytes and events per second.
"""

from __future__ import annotations

import argparse
import base64
import json
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from newsletter.config import load_settings
from newsletter.db import session_scope, upgrade
from newsletter.models import Subscriber
from newsletter.services import Services
from newsletter.web import create_app

KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_KEY = base64.b64encode(KEY.public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
READERS = 2000
KINDS = ["processed", "delivered", "delivered", "processed", "delivered", "delivered",
         "processed", "delivered", "bounce", "deferred"]


def events(count: int) -> list[dict]:
    return [{"email": f"r{n % READERS}@example.org", "timestamp": 1_700_000_000 + n,
             "event": KINDS[n % len(KINDS)], "sg_event_id": f"{uuid.uuid4().hex[:22]}",
             "sg_message_id": f"m{n // 1000}.filter0001", "delivery_id": str(n + 1),
             "type": "bounce"} for n in range(count)]


def post(client: TestClient, body: bytes) -> tuple[float, dict]:
    stamp = str(int(time.time()))
    signature = base64.b64encode(KEY.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256())))
    started = time.perf_counter()
    response = client.post("/webhooks/sendgrid", content=body, headers={
        "X-Twilio-Email-Event-Webhook-Signature": signature.decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": stamp})
    assert response.status_code == 200, response.text
    return time.perf_counter() - started, response.json()


def measure(name: str, url: str, count: int) -> None:
    upgrade(url)
    services = Services(load_settings(database_url=url, sendgrid_webhook_public_key=PUBLIC_KEY))
    with session_scope(services.factory) as session:
        session.add_all(Subscriber(email=f"r{n}@example.org", status="confirmed", topics=[])
                        for n in range(READERS))
    body = json.dumps(events(count)).encode()
    client = TestClient(create_app(services))
    for run in ("new", "again"):
        seconds, outcomes = post(client, body)
        print(f"{name:10} {run:5} {count} events, {len(body) / 1000:.0f} KB: {seconds:.2f} s "
              f"({count / seconds:,.0f} events/s) {outcomes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--postgres",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as folder:
        measure("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", args.events)
    name = f"bench_webhook_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        measure("PostgreSQL", args.postgres.rsplit("/", 1)[0] + f"/{name}", args.events)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
