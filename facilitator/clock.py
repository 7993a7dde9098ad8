"""Time and randomness behind small functions a test can replace."""

import secrets
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (stored as naive UTC on every database)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()


def random_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)
