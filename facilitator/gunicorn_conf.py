"""gunicorn settings for `make serve`: `gunicorn -c python:facilitator.gunicorn_conf app:app`.

Migrations run once before this starts (`make serve` runs `flask db upgrade` first); workers never
create tables. docs/deploy.md explains each choice; environment variables override the defaults:
FACILITATOR_BIND (127.0.0.1:8000), WEB_CONCURRENCY (workers), FACILITATOR_WORKER_TIMEOUT (seconds).
"""

from __future__ import annotations

import os
from pathlib import Path

from gunicorn.glogging import Logger

from facilitator.config import PROJECT_ROOT, load_settings
from facilitator.logging_setup import without_query
from facilitator.security import LOG_CLIENT_ADDRESS

# Connections kept free for `flask` commands run beside the server: a backup and a shell.
CONNECTIONS_FOR_COMMANDS = 2


def default_workers(cores: int | None = None) -> int:
    """gunicorn's rule for sync workers, 2 x cores + 1, capped: each worker holds WeasyPrint (~150 MB)."""
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, 9)


class AnonymousAccessLogger(Logger):
    """Logs the client address, referrer and browser only for facilitator pages.

    security.add_security_headers marks those requests; participant pages, static files and
    unknown URLs (a mistyped participant link) are logged without anything that points to a person.
    """

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201
        atoms = super().atoms(resp, req, environ, request_time)
        if not environ.get(LOG_CLIENT_ADDRESS):
            # The day stays (for reading a log), the time of day goes: it would say who answered when.
            atoms.update({"h": "-", "f": "-", "a": "-", "t": atoms["t"].split(":", 1)[0] + "]"})
            # The query goes too: after Back a participant's address carries the form token,
            # whose signed payload holds the moment it was issued.
            atoms.update({"r": without_query(atoms["r"]), "q": "-"})
            atoms.update({key: "-" for key in atoms if key.endswith("}i") or key.endswith("}e")})
        return atoms


def connection_budget(workers: int, pool_size: int, max_overflow: int) -> int:
    """The most PostgreSQL connections this server can hold at once, commands included."""
    return workers * (pool_size + max_overflow) + CONNECTIONS_FOR_COMMANDS


def check_connection_budget(workers: int, settings: dict, log) -> None:  # noqa: ANN001
    """Refuse to start when the workers' pools could exhaust PostgreSQL's max_connections."""
    url = settings["DATABASE_URL"]
    if not url.startswith("postgresql"):
        return
    import psycopg

    needed = connection_budget(workers, settings["DATABASE_POOL_SIZE"], settings["DATABASE_MAX_OVERFLOW"])
    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), connect_timeout=5) as connection:
            allowed = int(connection.execute("SHOW max_connections").fetchone()[0])
            reserved = int(connection.execute("SHOW superuser_reserved_connections").fetchone()[0])
    except psycopg.Error as error:
        log.warning("Could not ask PostgreSQL for max_connections (%s); starting anyway.", error)
        return
    if needed > allowed - reserved:
        raise SystemExit(
            f"{workers} workers x (DATABASE_POOL_SIZE {settings['DATABASE_POOL_SIZE']} + DATABASE_MAX_OVERFLOW "
            f"{settings['DATABASE_MAX_OVERFLOW']}) + {CONNECTIONS_FOR_COMMANDS} = {needed} connections, but PostgreSQL "
            f"allows {allowed - reserved}. Lower WEB_CONCURRENCY or the pool settings, or raise max_connections."
        )
    log.info("PostgreSQL connections: up to %d of %d.", needed, allowed - reserved)


def on_starting(server) -> None:  # noqa: ANN001
    instance = Path(os.environ.get("FACILITATOR_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    check_connection_budget(server.cfg.workers, load_settings(instance), server.log)


bind = os.environ.get("FACILITATOR_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# Sync workers behind a buffering proxy (nginx): one request per worker, so one connection each.
worker_class = "sync"
# The largest render, a six-week programme's full print pack, takes seconds (docs/deploy.md has
# the measured figure); 120 s leaves room on a slow, busy machine before a worker is killed.
timeout = int(os.environ.get("FACILITATOR_WORKER_TIMEOUT", "120"))
graceful_timeout = 30
# WeasyPrint's memory grows with large documents; recycling workers now and then returns it. A
# restart costs a worker about a second of re-importing, so it must not fall inside a room's rush
# (3,000 phones make ~6,000 requests): 10,000 per worker, spread so they never restart together.
max_requests = 10000
max_requests_jitter = 2000
# Off: create_app opens the database engine, and connections made before fork must not be shared
# by workers. Off also lets `kill -HUP` load new code after an upgrade.
preload_app = False
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
logger_class = AnonymousAccessLogger
# Forwarded headers are trusted by the app's PROXY_FIX_HOPS setting alone, never by gunicorn.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""
# gunicorn 24+ opens a control socket in $HOME; systemd restarts the server, and two servers on
# one machine (staging beside live) would fight over that one path.
control_socket_disable = True
