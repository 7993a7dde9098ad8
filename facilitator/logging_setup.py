"""Access logs without client addresses from the development server (werkzeug).

Werkzeug writes `<address> - - [<time>] "<request line>" <status> <size>` for every request.
Participants reach the app through it in development and in the browser tests, and a log line
with an address and a time beside the form's address says who answered when. Under gunicorn the
same promise is kept by the access logger in gunicorn_conf.py (see facilitator/security.py).

The filter blanks the address of every line and cuts its time to the day: the development server
needs neither, and "the day, not the time" is what participants are promised (docs/privacy.md).
"""

from __future__ import annotations

import logging
import re

# "127.0.0.1 - - [date] ..." or "::1 - - [...]": everything before the first " - - [".
ADDRESS_PREFIX = re.compile(r"^\S+(?= - - \[)")
# "[24/Nov/2026 09:27:23]" -> "[24/Nov/2026]"
TIME_OF_DAY = re.compile(r"^(\S+ - - \[[^\]\s]+) [^\]]*\]")


class BlankClientAddress(logging.Filter):
    """Replace the client address at the start of a werkzeug log line with "-", its time with the
    day, and drop the query of its request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = TIME_OF_DAY.sub(r"\1]", ADDRESS_PREFIX.sub("-", record.msg, count=1), count=1)
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            # werkzeug passes the request line as the first argument of its format string
            record.args = (without_query(record.args[0]), *record.args[1:])
        return True


def without_query(request_line: str) -> str:
    """'GET /r/CODE?t=... HTTP/1.1' -> 'GET /r/CODE HTTP/1.1': after Back a participant's address
    carries the form token, whose signed payload holds the moment it was issued (both access logs)."""
    parts = request_line.split(" ")
    if len(parts) == 3:
        parts[1] = parts[1].split("?", 1)[0]
    return " ".join(parts)


_FILTER = BlankClientAddress()


def keep_client_addresses_out_of_werkzeug_log() -> None:
    """Install the filter once per process (create_app may run many times, as in the tests)."""
    logger = logging.getLogger("werkzeug")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
