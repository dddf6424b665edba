"""Cookie tossing, in Debian's Chromium: a page on a sibling subdomain sets CSRF cookies of its
choosing for the whole domain, the app's among them. Over HTTPS the app reads only
`__Host-csrf`, which the browser refuses from anywhere but the app's own host, so the token the
attacker got for their cookie is refused. The app and the attacker's page are served over
HTTPS (a certificate made for the test) on names the browser maps to 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.testclient import TestClient

from newsletter.config import load_settings
from newsletter.services import Services
from newsletter.web import create_app
from tests.stubs.served_app import served
from tests.stubs.smtp_server import free_port
from tests.support.local_services import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.support.site import CSRF_FIELD

pytestmark = [pytest.mark.browser, pytest.mark.own_database]
DOMAIN = "digest.test"
CHOSEN = "attacker-chosen-nonce-0123456789"


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for DOMAIN and its subdomains: (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN)])
    now = dt.datetime.now(dt.UTC)
    names = [x509.DNSName(DOMAIN), x509.DNSName(f"*.{DOMAIN}"),
             x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class TossingCookies(BaseHTTPRequestHandler):
    """The attacker's page: it sets the CSRF cookies of their choice for the whole domain."""

    def do_GET(self):
        self.send_response(200)
        for cookie in (f"__Host-csrf={CHOSEN}; Secure; Path=/; Domain={DOMAIN}",
                       f"__Host-csrf={CHOSEN}; Secure; Path=/",  # this host's own
                       f"csrf={CHOSEN}; Secure; Path=/; Domain={DOMAIN}"):
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<p>Nothing to see.</p>")

    def log_message(self, *args):
        pass


@pytest.fixture
def sites(database_url, tmp_path):
    """(the app, its base URL, the attacker's page URL), both served over HTTPS."""
    import ssl

    cert_file, key_file = certificate(tmp_path)
    app_port, evil_port = free_port(), free_port()
    base = f"https://app.{DOMAIN}:{app_port}"
    services = Services(load_settings(database_url=database_url, base_url=base,
                                      outbox_dir=str(tmp_path / "outbox"),
                                      secret_key="browser-secret"))
    evil = ThreadingHTTPServer(("127.0.0.1", evil_port), TossingCookies)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    evil.socket = context.wrap_socket(evil.socket, server_side=True)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    app = create_app(services)
    try:
        with served(app, app_port, ssl_certfile=str(cert_file), ssl_keyfile=str(key_file)):
            yield app, base, f"https://evil.{DOMAIN}:{evil_port}/"
    finally:
        evil.shutdown()


def test_a_sibling_subdomain_cannot_plant_the_csrf_cookie(sites):
    app, base, evil_page = sites
    # the attacker's own visit: the app signs a token for the nonce of their cookie
    attacker = TestClient(app, base_url=base, cookies={"__Host-csrf": CHOSEN, "csrf": CHOSEN})
    attackers_token = CSRF_FIELD.search(attacker.get("/").text).group(1)
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP *.{DOMAIN} 127.0.0.1"])
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        page.goto(evil_page)
        tossed = {(c["name"], c["domain"]) for c in context.cookies(f"{base}/")}
        page.goto(f"{base}/")  # the victim opens the site: it sets its own cookie
        cookies = {c["name"]: c["value"] for c in context.cookies(f"{base}/")}
        browser.close()

    victim = TestClient(app, base_url=base, cookies=cookies)  # the browser's cookies
    refused = victim.post("/subscribe", headers={"Origin": base},
                          data={"email": "ada@example.org", "csrf_token": attackers_token})
    assert refused.status_code == 403
    assert ("csrf", f".{DOMAIN}") in tossed  # the page did toss: a plain cookie is taken
    assert "__Host-csrf" not in {name for name, _ in tossed}  # the prefixed one never is
    assert cookies.get("__Host-csrf") not in (None, CHOSEN)  # the app's own nonce
