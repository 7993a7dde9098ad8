"""Serving for real: gunicorn settings, connection pools that fit PostgreSQL, shared rate limits."""

from __future__ import annotations

import logging
import time
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from sqlalchemy import text

from bench import servers
from facilitator import create_app, gunicorn_conf
from facilitator.extensions import db
from facilitator.security import LOG_CLIENT_ADDRESS
from tests.conftest import POSTGRES_URL, TEST_DB


def test_worker_count_follows_the_machine():
    assert [gunicorn_conf.default_workers(cores) for cores in (1, 2, 4, 16)] == [3, 5, 9, 9]


def test_default_pools_fit_postgresqls_default_connection_limit():
    """100 connections, 3 reserved for superusers: the most workers we start by default must fit."""
    defaults = {"DATABASE_POOL_SIZE": 2, "DATABASE_MAX_OVERFLOW": 1}
    worst_case = gunicorn_conf.connection_budget(gunicorn_conf.default_workers(64), *defaults.values())
    assert worst_case == 9 * 3 + 2
    assert worst_case <= 100 - 3


def test_pool_sizes_come_from_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FACILITATOR_DATABASE_POOL_SIZE", "4")
    monkeypatch.setenv("FACILITATOR_DATABASE_MAX_OVERFLOW", "0")
    app = create_app({"SECRET_KEY": "x", "DATABASE_URL": POSTGRES_URL})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 4
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["max_overflow"] == 0
    with app.app_context():
        assert db.engine.pool.size() == 4
        db.engine.dispose()
    sqlite = create_app({"SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"] == {}


def test_server_refuses_to_start_when_pools_could_exhaust_postgresql():
    log = logging.getLogger("test-budget")
    settings = {"DATABASE_URL": POSTGRES_URL, "DATABASE_POOL_SIZE": 2, "DATABASE_MAX_OVERFLOW": 1}
    gunicorn_conf.check_connection_budget(5, settings, log)  # 17 connections: fine
    with pytest.raises(SystemExit, match="Lower WEB_CONCURRENCY"):
        gunicorn_conf.check_connection_budget(60, settings, log)
    gunicorn_conf.check_connection_budget(60, {**settings, "DATABASE_URL": "sqlite:///x"}, log)  # no pool


def _access_atoms(path: str, marked: bool) -> dict:
    logger = gunicorn_conf.AnonymousAccessLogger(Config())
    environ = {
        "REMOTE_ADDR": "198.51.100.23", "REQUEST_METHOD": "POST", "RAW_URI": path, "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "", "HTTP_REFERER": "https://x.example/r/ABC123",
        "HTTP_USER_AGENT": "Phone/1.0", "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    }  # fmt: skip
    if marked:
        environ[LOG_CLIENT_ADDRESS] = True
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.23"), ("USER-AGENT", "Phone/1.0")])
    return logger.atoms(response, request, environ, timedelta(milliseconds=5))


def test_access_log_keeps_no_address_for_participant_requests():
    atoms = _access_atoms("/r/ABC123", marked=False)
    assert "198.51.100.23" not in {str(value) for value in atoms.values()}
    assert "Phone/1.0" not in {str(value) for value in atoms.values()}
    assert atoms["r"] == "POST /r/ABC123 HTTP/1.1"


def test_access_log_keeps_the_address_for_facilitator_requests():
    atoms = _access_atoms("/login", marked=True)
    assert atoms["h"] == "198.51.100.23"


def test_facilitator_pages_are_marked_for_the_address_log_and_unknown_urls_are_not(app, client, user):
    from flask import request_finished

    seen = []

    def remember(sender, response, **extra):  # noqa: ANN001, ARG001
        from flask import request

        seen.append((request.path, bool(request.environ.get(LOG_CLIENT_ADDRESS))))

    with request_finished.connected_to(remember, app):
        client.get("/login")
        client.get("/no-such-page")
        client.get("/static/css/app.css").close()
    assert seen == [("/login", True), ("/no-such-page", False), ("/static/css/app.css", False)]


@pytest.mark.skipif(TEST_DB != "sqlite", reason="SQLite only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")


def test_sign_in_limits_are_shared_by_workers_through_redis(app, app_config, user, tmp_path, monkeypatch):
    """Two apps stand for two gunicorn workers: failures on one count on the other."""
    url = "redis://127.0.0.1:6379/15"
    _redis_or_skip(url)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings = {**app_config, "REDIS_URL": url, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute",
                "RATELIMIT_KEY_PREFIX": prefix}  # fmt: skip
    workers = []
    for number in range(2):
        monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / f"worker-{number}"))
        workers.append(create_app(settings))
    assert workers[0].config["RATELIMIT_STORAGE_URI"] == url
    wrong = {"username": "anna", "password": "not the password"}
    try:
        assert workers[0].test_client().post("/login", data=wrong).status_code == 401
        assert workers[1].test_client().post("/login", data=wrong).status_code == 401
        assert workers[0].test_client().post("/login", data=wrong).status_code == 429
    finally:
        import redis

        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()


def http(base: str, method: str, path: str, form: dict | None = None, timeout: float = 10):
    """One request, no redirects followed: (status, headers, body)."""
    reply = servers.http(base, method, path, form, timeout=timeout)
    return reply.status, dict(reply.headers.items()), reply.body


def start_gunicorn(instance: Path, workers: int, log_path: Path, extra_env: dict[str, str] | None = None, migrate=True):
    """`make serve` in small: migrations once (unless the caller made the tables), then gunicorn;
    returns (process, base URL). The servers themselves start as bench/servers.py starts them."""
    env = servers.clean_environment({"FACILITATOR_INSTANCE_PATH": str(instance), **(extra_env or {})})
    if migrate:
        servers.migrate(env)
    server = servers.start_gunicorn(env, log_path, workers=workers, timeout=30)
    return server.process, server.base


def stop_gunicorn(process: subprocess.Popen) -> None:
    servers.stop(process, timeout=20)


@pytest.mark.slow
def test_served_by_gunicorn_after_migrations_with_headers_and_an_anonymous_log(tmp_path):
    process, base = start_gunicorn(tmp_path / "instance", 2, tmp_path / "gunicorn.log")
    try:
        status, headers, _ = http(base, "GET", "/setup")
        assert status == 200
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert headers["Cache-Control"] == "no-store"
        assert http(base, "GET", "/gone/ABC123")[0] == 404
    finally:
        stop_gunicorn(process)
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Booting worker" in log and log.count("Booting worker") == 2
    lines = {line.split('"')[1]: line for line in log.splitlines() if line.count('"') >= 2}
    assert lines["GET /setup HTTP/1.1"].startswith("127.0.0.1 ")
    assert lines["GET /gone/ABC123 HTTP/1.1"].startswith("- ")


def test_in_process_rate_limits_count_and_expire_without_starting_a_thread_per_hit(monkeypatch):
    """Without Redis: the counters still count and expire, and a busy room starts no thread per submit."""
    import threading

    from limits import parse
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    from facilitator import rate_limit_storage

    storage = storage_from_string(f"{rate_limit_storage.SCHEME}://")
    assert isinstance(storage, rate_limit_storage.SweepingMemoryStorage)
    limiter, limit = FixedWindowRateLimiter(storage), parse("3 per second")
    started = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread) or real_start(thread))
    assert [limiter.hit(limit, "phone") for _ in range(4)] == [True, True, True, False]
    time.sleep(1.1)  # the window passes
    assert limiter.hit(limit, "phone")
    for number in range(200):
        limiter.hit(limit, f"phone-{number}")
    assert started == []
    time.sleep(1.1)
    limiter.hit(limit, "one more")  # a hit after a second sweeps the expired counters in place
    assert not [key for key in storage.storage if "phone-" in key] and started == []


def test_the_app_counts_in_process_without_redis(app):
    from facilitator import rate_limit_storage

    assert app.config["RATELIMIT_STORAGE_URI"] == f"{rate_limit_storage.SCHEME}://"
