"""Mail-bombing: sign-ups are limited per mailbox (whatever its +tag) and per client, the client
known from X-Forwarded-For only behind a proxy the operator trusts; with Redis, one limit for
every web process."""

from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import select

from newsletter.config import SettingsError, load_settings
from newsletter.models import Consent
from newsletter.services import Services
from newsletter.subscribers import notice_queue
from newsletter.subscribers.subscriptions import mailbox_of
from newsletter.web import create_app
from newsletter.web.signup_limits import RedisRateLimiter, client_key
from tests.support.local_services import empty_redis, redis_test_url
from tests.support.site import Site

pytestmark = pytest.mark.own_database  # its apps' sender threads read the database too
REDIS_URL = redis_test_url(8)


def site_for(settings, client=("testclient", 50000), **changes) -> Site:
    services = Services(settings.model_copy(update=changes))
    app = create_app(services)
    return Site(TestClient(app, base_url="https://testserver", client=client),
                Path(settings.outbox_dir))


def test_plus_address_variants_of_one_mailbox_get_a_few_emails_in_all(settings):
    site = site_for(settings, signups_per_ip_per_hour=100)
    for number in range(25):
        assert site.subscribe(f"Ada+{number}@Example.org").status_code == 200
    assert len(site.emails()) == settings.signups_per_address_per_hour


def test_dotted_variants_of_a_gmail_address_get_a_few_emails_in_all(settings):
    """Eight addresses of one Gmail inbox, told apart by their dots alone."""
    site = site_for(settings, signups_per_ip_per_hour=100)
    for mask in range(1, 9):  # a.dalove@, ad.alove@, a.d.alove@... are all adalove@gmail.com
        local = "".join(letter + ("." if mask >> place & 1 else "")
                        for place, letter in enumerate("adalove"))
        assert site.subscribe(f"{local}@gmail.com").status_code == 200
    assert len(site.emails()) == settings.signups_per_address_per_hour


@pytest.mark.parametrize("address, mailbox", [
    ("ada+news@example.org", "ada@example.org"), ("ada@example.org", "ada@example.org"),
    ("ada+a+b@example.org", "ada@example.org"), ("+tag@example.org", "+tag@example.org"),
    ("a.d.a@example.org", "a.d.a@example.org"),  # dots matter elsewhere
    ("a.d.a+x@gmail.com", "ada@gmail.com"), ("a.da@googlemail.com", "ada@gmail.com"),
])
def test_the_mailbox_of_an_address_has_no_tag(address, mailbox):
    assert mailbox_of(address) == mailbox


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(settings):
    site = site_for(settings, ("203.0.113.7", 4000), signups_per_ip_per_hour=2)
    answers = [site.client.post("/subscribe", headers={"X-Forwarded-For": f"198.51.100.{n}",
                                                       "Origin": "https://digest.example.org"},
                                data={"email": f"p{n}@example.org",
                                      "csrf_token": site.csrf_token()}).status_code
               for n in range(3)]
    assert answers == [200, 200, 429]


def test_behind_a_trusted_proxy_the_client_is_the_hop_before_it(settings, services):
    site = site_for(settings, ("10.0.0.2", 4000), signups_per_ip_per_hour=1,
                    trusted_proxies="10.0.0.0/8")
    # the client wrote the first hop itself; the proxy appended what it saw
    forwarded = ["6.6.6.6, 198.51.100.1", "6.6.6.6, 198.51.100.2, 10.0.0.9"]
    for number, chain in enumerate(forwarded):
        response = site.client.post("/subscribe", headers={
            "X-Forwarded-For": chain, "Origin": "https://digest.example.org"},
            data={"email": f"p{number}@example.org", "csrf_token": site.csrf_token()})
        assert response.status_code == 200
    site.settle()
    with services.factory() as session:
        ips = session.scalars(select(Consent.ip).order_by(Consent.id)).all()
    assert ips == ["198.51.100.1", "198.51.100.2"]


def test_addresses_of_one_ipv6_64_share_one_limit(settings):
    site = site_for(settings, ("10.0.0.2", 4000), signups_per_ip_per_hour=2,
                    trusted_proxies="10.0.0.0/8")

    def sign_up_from(client: str, address: str) -> int:
        return site.client.post("/subscribe", headers={
            "X-Forwarded-For": client, "Origin": "https://digest.example.org"},
            data={"email": address, "csrf_token": site.csrf_token()}).status_code
    # one client hopping from address to address in its /64
    answers = [sign_up_from(f"2001:db8:1:2:{n:x}::7", f"p{n}@example.org") for n in range(3)]
    assert answers == [200, 200, 429]
    assert sign_up_from("2001:db8:1:3::7", "q@example.org") == 200  # the next /64: another


@pytest.mark.parametrize("ip, key", [
    ("203.0.113.7", "203.0.113.7"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"), ("unknown", "unknown"),
])
def test_a_clients_limits_count_under_its_address_or_its_ipv6_64(ip, key):
    assert client_key(ip) == key


def test_trusted_proxies_must_be_addresses_or_networks():
    with pytest.raises(SettingsError, match="NEWSLETTER_TRUSTED_PROXIES"):
        load_settings(trusted_proxies="10.0.0.0/8, proxy.internal")


@pytest.fixture
def redis_db():
    with empty_redis(REDIS_URL) as client:
        yield client


@pytest.mark.redis
def test_with_redis_every_web_process_shares_one_limit(settings, redis_db):
    sites = [site_for(settings, redis_url=REDIS_URL, signups_per_ip_per_hour=3)
             for _ in range(2)]  # two web processes
    answers = [sites[n % 2].subscribe(f"p{n}@example.org").status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert all(b"@" not in key for key in redis_db.keys("newsletter:ratelimit:*"))


@pytest.mark.redis
def test_with_redis_every_web_process_shares_one_limit_per_mailbox(settings, redis_db):
    sites = [site_for(settings, redis_url=REDIS_URL, signups_per_ip_per_hour=100)
             for _ in range(2)]  # two web processes, whose workers would send: none here
    for number in range(8):
        assert sites[number % 2].subscribe(f"ada+{number}@example.org").status_code == 200
    services = sites[0].client.app.state.services
    notice_queue.drain(services.factory, services.settings, services.mailer, services.taxonomy)
    assert len(sites[0].emails()) == settings.signups_per_address_per_hour


@pytest.mark.redis
def test_a_redis_bucket_refills_and_says_when(redis_db):
    limiter = RedisRateLimiter(redis.Redis.from_url(REDIS_URL), "test", 2, 60.0)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert 25 <= limiter.retry_after("a") <= 30
    assert limiter.allow("b")


def test_without_redis_reachable_the_limit_is_kept_in_process():
    unreachable = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    limiter = RedisRateLimiter(unreachable, "test", 1, 60.0)
    assert [limiter.allow("a"), limiter.allow("a")] == [True, False]
    assert limiter.retry_after("a") == 60
