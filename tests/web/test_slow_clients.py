"""`newsletter serve`'s server against slow and oversized requests, on a real socket: a
connection that trickles its headers is closed, a huge request head refused, and
X-Forwarded-For left to the app."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import select

from newsletter.models import Consent
from newsletter.web import create_app
from newsletter.web.server import HEADER_TIMEOUT, MAX_HEAD_BYTES
from tests.stubs.served_app import served
from tests.stubs.smtp_server import free_port
from tests.support.cluster import until
from tests.support.site import CSRF_FIELD

pytestmark = pytest.mark.own_database  # its apps' sender threads read the database too
SLOW_CONNECTIONS = 50


@pytest.fixture
def port(services):
    """The app on 127.0.0.1 as `newsletter serve` runs it, with a 1-second header timeout."""
    port = free_port()
    with served(create_app(services), port, header_timeout=1.0):
        yield port


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def closed_by_the_server(connection: socket.socket) -> bool:
    """Whether the server closed the connection within the socket's timeout."""
    try:
        while connection.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def test_connections_that_trickle_their_headers_are_closed(port):
    connections = [connect(port) for _ in range(SLOW_CONNECTIONS)]
    for connection in connections:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: digest.example.org\r\nX-Slow: ")
    time.sleep(0.5)
    for connection in connections:
        connection.sendall(b"a")  # still trickling: the timeout counts from the first byte
    assert all(closed_by_the_server(connection) for connection in connections)


def test_a_connection_that_sends_nothing_is_closed(port):
    assert closed_by_the_server(connect(port))


def test_a_kept_alive_connection_that_trickles_its_next_request_is_closed(port):
    connection = connect(port)
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: digest.example.org\r\n\r\n")
    assert connection.recv(4096).startswith(b"HTTP/1.1 200")
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: digest.example.org\r\n")
    assert closed_by_the_server(connection)


def test_a_request_head_growing_past_the_limit_is_refused(port):
    connection = connect(port)
    connection.sendall(b"GET / HTTP/1.1\r\nHost: digest.example.org\r\nX-Big: "
                       + b"a" * (MAX_HEAD_BYTES + 1024))
    assert connection.recv(4096).startswith(b"HTTP/1.1 400")


def test_the_server_leaves_x_forwarded_for_to_the_app(port, services):
    """uvicorn alone believes X-Forwarded-For from 127.0.0.1; without a trusted proxy the
    consent record keeps the address that connected."""
    base = f"http://127.0.0.1:{port}"
    landing = httpx.get(f"{base}/")
    token, nonce = CSRF_FIELD.search(landing.text).group(1), landing.cookies["__Host-csrf"]
    response = httpx.post(f"{base}/subscribe", data={"email": "ada@example.org",
                                                      "csrf_token": token},
                          headers={"X-Forwarded-For": "203.0.113.9", "Cookie":
                                   f"__Host-csrf={nonce}", "Origin": services.settings.base_url})
    assert response.status_code == 200

    def consent_ips():
        with services.factory() as session:
            return session.scalars(select(Consent.ip)).all()
    assert until(consent_ips, 20, "the sign-up to be recorded") == ["127.0.0.1"]


@pytest.fixture
def serve_command(tmp_path):
    """The port of a real `newsletter serve` process, with its defaults."""
    port = free_port()
    env = {**os.environ, "NEWSLETTER_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}",
           "NEWSLETTER_OUTBOX_DIR": str(tmp_path / "outbox")}
    env.pop("NEWSLETTER_REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "-c", "from newsletter.cli import main; main()",
                               "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        until(lambda: _answers(port), 60, "newsletter serve to answer")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    except httpx.TransportError:
        return False


def test_newsletter_serve_closes_trickling_connections_and_refuses_huge_heads(serve_command):
    """The command itself, not only its configuration: HEADER_TIMEOUT (10 s) counts from the
    connection, however the client trickles."""
    trickling = []
    for _ in range(SLOW_CONNECTIONS):
        connection = socket.create_connection(("127.0.0.1", serve_command),
                                              timeout=HEADER_TIMEOUT + 10)
        connection.sendall(b"GET / HTTP/1.1\r\nHost: digest.example.org\r\nX-Slow: ")
        trickling.append(connection)
    huge = connect(serve_command)
    huge.sendall(b"GET / HTTP/1.1\r\nHost: digest.example.org\r\nX-Big: "
                 + b"a" * (MAX_HEAD_BYTES + 1024))
    assert huge.recv(4096).startswith(b"HTTP/1.1 400")
    for connection in trickling:
        connection.sendall(b"a")
    assert all(closed_by_the_server(connection) for connection in trickling)
