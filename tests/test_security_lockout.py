"""Guessing a password many times at once: the count is taken before any password is checked, so a
burst of parallel guesses gets no more checks than the limit, in one process or across gunicorn
workers sharing Redis (the burst against gunicorn found 30 checks with the limit at 10)."""

from __future__ import annotations

import logging
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import servers
from tests.conftest import PASSWORD, csrf_token_from
from tests.test_serving import _redis_or_skip, start_gunicorn, stop_gunicorn

FAILED_CHECK = "Sign-in failed: the password was checked and did not match."
BURST = 40
LIMIT = 10


def _browser_session(base: str, source: str | None = None) -> tuple[str, str]:
    """A session cookie and the CSRF token of the sign-in page, as a browser holds them."""
    reply = servers.http(base, "GET", "/login", source=source)
    cookie = reply.headers["Set-Cookie"].split(";", 1)[0]
    return cookie, csrf_token_from(reply.body)


def _burst(base: str, username: str, password: str = "not the password") -> list[int]:
    cookie, token = _browser_session(base)
    form = {"username": username, "password": password, "csrf_token": token}

    def guess(_: int) -> int:
        return servers.http(base, "POST", "/login", form, headers={"Cookie": cookie}).status

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(guess, range(BURST)))


@pytest.fixture
def limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=True, LOGIN_RATE_LIMIT=f"{LIMIT} per minute")


@pytest.mark.slow
def test_forty_parallel_guesses_in_one_process_get_ten_checks(limited, app, user, live_server, caplog):
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        statuses = _burst(live_server, "anna")
    checks = sum(FAILED_CHECK in record.getMessage() for record in caplog.records)
    assert sorted(set(statuses)) == [401, 429]
    assert statuses.count(401) == checks
    assert 1 <= checks <= LIMIT


@pytest.mark.slow
def test_forty_parallel_guesses_against_gunicorn_and_redis_get_ten_checks(tmp_path):
    redis_url = "redis://127.0.0.1:6379/15"
    _redis_or_skip(redis_url)
    instance = tmp_path / "instance"
    # A fresh instance makes a fresh secret key, so this run's counters share no key with another's.
    env = {"FACILITATOR_REDIS_URL": redis_url, "FACILITATOR_LOGIN_RATE_LIMIT": f"{LIMIT} per minute"}
    username = f"anna-{uuid.uuid4().hex[:6]}"
    server_env = servers.clean_environment({"FACILITATOR_INSTANCE_PATH": str(instance), **env})
    servers.migrate(server_env)
    subprocess.run(
        [str(servers.VENV_BIN / "flask"), "--app", "app", "create-user", username, "--password", PASSWORD],
        cwd=servers.ROOT, env=server_env, check=True, capture_output=True,
    )  # fmt: skip
    log_path = tmp_path / "gunicorn.log"
    process, base = start_gunicorn(instance, 3, log_path, env, migrate=False)
    try:
        statuses = _burst(base, username)
        cookie, token = _browser_session(base, source="127.0.0.7")
        colleague = servers.http(base, "POST", "/login", {"username": username, "password": PASSWORD, "csrf_token": token},
                                 headers={"Cookie": cookie}, source="127.0.0.7")  # fmt: skip
    finally:
        stop_gunicorn(process)
    checks = log_path.read_text().count(FAILED_CHECK)
    assert sorted(set(statuses)) == [401, 429], statuses
    assert statuses.count(401) == checks
    assert 1 <= checks <= LIMIT
    assert colleague.status == 302  # the right password from an address that was not guessing gets in
    assert log_path.read_text().count("Booting worker") == 3
