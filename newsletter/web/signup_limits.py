"""Rate limits: one token bucket per key (a client address or its IPv6 /64, a mailbox).

A bucket holds up to `capacity` requests and refills at `capacity` per `period` seconds, so a
burst is allowed and a steady flood is not. With NEWSLETTER_REDIS_URL the buckets live in Redis
(`RedisRateLimiter`), shared by every web process; without it, in this process's memory. The
durable per-address limit on sign-up emails is in `newsletter.subscribers.signup`, in the database.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

import redis

from newsletter.config import Settings
from newsletter.outside_calls import Buckets

log = logging.getLogger(__name__)


class RateLimiter(Buckets):
    """In this process's memory: `capacity` requests per `period` seconds by key, a burst of
    `capacity` allowed (outside_calls.Buckets: allow, retry_after); thread-safe."""

    def __init__(self, capacity: int, period: float, *, clock=time.monotonic,
                 max_keys: int = 100_000) -> None:
        super().__init__(capacity / period, burst=capacity, clock=clock, max_keys=max_keys)


# The bucket at KEYS[1] (capacity ARGV[1], refilled at ARGV[2] a second) on Redis's clock, so that
# every web process agrees: with ARGV[3] = 1, takes a token if there is one; returns {1 if one
# was taken, the tokens left}; with ARGV[3] = 0 only reads.
_BUCKET = """
local capacity, rate, take = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
tokens = math.min(capacity, tokens + math.max(0, now - (tonumber(state[2]) or now)) * rate)
if not take then return {0, tostring(tokens)} end
local taken = 0
if tokens >= 1 then tokens = tokens - 1; taken = 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return {taken, tostring(tokens)}
"""


class RedisRateLimiter:
    """Token buckets in Redis, one limit for every process. Keys are stored hashed (no address
    in Redis). When Redis cannot be reached, this process's own buckets stand in."""

    def __init__(self, client: redis.Redis, name: str, capacity: int, period: float) -> None:
        self.capacity, self.rate, self.name = capacity, capacity / period, name
        self._bucket = client.register_script(_BUCKET)
        self._fallback = RateLimiter(capacity, period)

    def allow(self, key: str) -> bool:
        """Take one token from `key`'s bucket; False (nothing taken) when it is empty."""
        try:
            return bool(self._call(key, take=True)[0])
        except redis.RedisError as error:
            log.warning("rate limit %s: Redis unreachable (%s), limiting in-process",
                        self.name, error)
            return self._fallback.allow(key)

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may make a request again."""
        try:
            tokens = float(self._call(key, take=False)[1])
        except redis.RedisError:
            return self._fallback.retry_after(key)
        return max(0, math.ceil((1 - tokens) / self.rate))

    def _call(self, key: str, take: bool) -> list:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self._bucket(keys=[f"newsletter:ratelimit:{self.name}:{digest}"],
                            args=[self.capacity, self.rate, int(take)])


def limiter(settings: Settings, name: str, capacity: int,
            period: float) -> RateLimiter | RedisRateLimiter:
    """`capacity` per `period` seconds by key: in Redis (named `name`) when it is set, shared
    by every web process; else in this process."""
    if not settings.redis_url:
        return RateLimiter(capacity, period)
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=1, socket_connect_timeout=1)
    return RedisRateLimiter(client, name, capacity, period)


def client_key(ip: str) -> str:
    """The key a client address's limits count under: an IPv4 address itself, an IPv6 address
    its /64, since one home or server line is usually given a whole /64 (2**64 addresses that
    would each get a bucket of their own). Anything else (no address known) as it is."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d, a dual-stack socket's IPv4 client
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


@dataclass
class SignupLimits:
    """The limits of the subscribe form: per client IP and per mailbox."""

    per_ip: RateLimiter | RedisRateLimiter
    per_mailbox: RateLimiter | RedisRateLimiter

    @property
    def in_redis(self) -> bool:
        """Whether asking these limits calls Redis (a blocking call), not a lock and some
        arithmetic in this process."""
        return isinstance(self.per_ip, RedisRateLimiter)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignupLimits:
        """Hourly limits from the settings, in Redis when it is set."""
        return cls(limiter(settings, "signup-ip", settings.signups_per_ip_per_hour, 3600.0),
                   limiter(settings, "signup-mailbox", settings.signups_per_address_per_hour,
                           3600.0))
