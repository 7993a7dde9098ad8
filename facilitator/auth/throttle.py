"""Sign-in attempts, counted before any password is checked, so that parallel guesses cannot slip
past the count (Flask-Limiter's decorator tests before a request and counts after it).

Each counter is one atomic increment in the limiter's storage (Redis when REDIS_URL is set, so
every worker shares it; memory otherwise), and the check reads the number the increment returned.
Following OWASP's advice on account lockout, a username under attack is slowed, not locked:

- one address gets LOGIN_RATE_LIMIT attempts a window, whatever usernames it tries;
- one username gets LOGIN_RATE_LIMIT checks a window; once spent, it is slowed for one window,
  then two, four, ... (doubling each time it is spent again within a day, at most 64 windows);
- while it is slowed, an address that has not tried that username today still gets one check
  (a colleague typing the right password gets in), up to LOGIN_RATE_LIMIT such addresses a window.

A sign-in that succeeds gives its attempt back, so colleagues behind one office address are not
slowed by signing in. Usernames and addresses are stored as keyed hashes, never as typed.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass

import limits
from flask import current_app

from ..extensions import limiter

DAY_SECONDS = 24 * 60 * 60
MAX_DOUBLINGS = 6


@dataclass(frozen=True)
class Attempt:
    """What was counted for one sign-in attempt; `refusal` says why it may not be checked."""

    address_key: str = ""
    name_key: str = ""  # empty when checked as a fresh address's one try, outside the username's budget
    name_here_key: str = ""
    refusal: str = ""
    retry_after: int = 0


def admit(username: str, address: str) -> Attempt:
    """Count an attempt to sign in as `username` from `address`, and say whether to check it."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return Attempt()
    allowed, window = _limit()
    storage = limiter.storage
    name = _hashed(username.strip().lower())
    by_address = _key("address", _hashed(address))
    if storage.incr(by_address, window) > allowed:
        return _refused(storage, by_address)
    slowed = _key("slowed", name)
    by_name = _key("name", name)
    name_here = _key("name-address", name, _hashed(address))
    first_from_here = storage.incr(name_here, DAY_SECONDS) == 1
    if not storage.get(slowed):
        count = storage.incr(by_name, window)
        if count <= allowed:
            return Attempt(by_address, by_name, name_here)
        if count == allowed + 1:  # exactly one attempt sees the budget run out: it starts the slow period
            doublings = min(storage.incr(_key("spent", name), DAY_SECONDS) - 1, MAX_DOUBLINGS)
            storage.incr(slowed, window * 2**doublings)
    if first_from_here and storage.incr(_key("fresh", name), window) <= allowed:
        return Attempt(by_address, "", name_here)
    return _refused(storage, slowed)


def succeeded(attempt: Attempt) -> None:
    """The password was right: the attempt does not count against the address or the username."""
    if not attempt.address_key:
        return
    storage = limiter.storage
    _, window = _limit()
    storage.incr(attempt.address_key, window, amount=-1)
    if attempt.name_key:
        storage.incr(attempt.name_key, window, amount=-1)
    storage.clear(attempt.name_here_key)


def _refused(storage, key: str) -> Attempt:  # noqa: ANN001
    seconds = max(1, math.ceil(storage.get_expiry(key) - time.time())) if storage.get(key) else _limit()[1]
    wait = "Wait a minute" if seconds <= 60 else f"Wait {math.ceil(seconds / 60)} minutes"
    return Attempt(refusal=f"Too many sign-in attempts. {wait} and try again.", retry_after=seconds)


def _limit() -> tuple[int, int]:
    item = limits.parse(current_app.config["LOGIN_RATE_LIMIT"])
    return item.amount, item.get_expiry()


def _key(*parts: str) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return "/".join([prefix, "sign-in", *parts]) if prefix else "/".join(["sign-in", *parts])


def _hashed(text: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:32]
