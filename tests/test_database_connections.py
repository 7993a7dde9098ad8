"""Pooled PostgreSQL connections: checked with a round trip only when in doubt (idle a while, or
the server said something while no query ran), and a connection the server closed costs a
reconnect, never an error page."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from facilitator.extensions import db

from tests.conftest import POSTGRES_URL


@pytest.fixture
def postgres_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("pooled server connections are PostgreSQL's")


UNUSED_CODE = "ACE347"  # looks like a code, so the page asks the database; no form has it


def count_pings(app, monkeypatch) -> list[int]:  # noqa: ANN001
    """A counter of the pool's liveness checks (do_ping runs on the DBAPI connection, below SQLAlchemy's events)."""
    pings = [0]
    with app.app_context():
        dialect = db.engine.dialect
    original = dialect.do_ping

    def counted(dbapi_connection):  # noqa: ANN001, ANN202
        pings[0] += 1
        return original(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


@pytest.mark.usefixtures("postgres_only")
def test_a_connection_back_in_use_within_the_idle_time_is_not_pinged(app, client, monkeypatch):
    pings = count_pings(app, monkeypatch)
    for _ in range(4):
        assert client.get(f"/r/{UNUSED_CODE}").status_code == 404
    assert pings[0] == 0  # pool_pre_ping would have sent four


def pooled_backend(app) -> int:  # noqa: ANN001
    """The server process behind the connection the app's pool holds."""
    with app.app_context():
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    return backend


def terminate(backend: int) -> None:
    """What a server restart does to a pooled connection: the server says so and hangs up."""
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar_one()
    deadline = time.monotonic() + 10
    while True:  # terminating is a signal: wait until the process has gone
        with admin.connect() as connection:
            alive = connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": backend}).scalar_one()
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    admin.dispose()


def app_with(app_config: dict, tmp_path, monkeypatch, **settings):  # noqa: ANN001, ANN003, ANN201
    from facilitator import create_app

    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / f"instance-{len(settings)}-{time.monotonic_ns()}"))
    return create_app({**app_config, **settings})


@pytest.mark.usefixtures("postgres_only")
def test_a_connection_the_server_closed_a_moment_ago_is_replaced_without_an_error(app_config, tmp_path, monkeypatch):
    app = app_with(app_config, tmp_path, monkeypatch)  # the default idle time: the connection is not idle
    client = app.test_client()
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 404  # a pooled connection now exists
    backend = pooled_backend(app)
    terminate(backend)
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 404  # the page, not a 500
    assert pooled_backend(app) != backend
    with app.app_context():
        db.engine.dispose()


@pytest.mark.usefixtures("postgres_only")
def test_a_connection_idle_past_the_idle_time_is_checked(app_config, tmp_path, monkeypatch):
    app = app_with(app_config, tmp_path, monkeypatch, DATABASE_PING_AFTER_IDLE_SECONDS=0)  # every checkout counts as idle
    pings = count_pings(app, monkeypatch)
    client = app.test_client()
    for _ in range(3):
        assert client.get(f"/r/{UNUSED_CODE}").status_code == 404
    assert pings[0] >= 2  # each reuse of the pooled connection was checked
    with app.app_context():
        db.engine.dispose()


@pytest.mark.usefixtures("postgres_only")
def test_without_the_check_the_closed_connection_would_have_failed(app_config, tmp_path, monkeypatch):
    """The test above proves something: with no check, the same step is an error page."""
    import facilitator

    app = app_with(app_config, tmp_path, monkeypatch)
    monkeypatch.setattr(facilitator, "server_spoke_while_idle", lambda *_: False)
    client = app.test_client()
    client.get(f"/r/{UNUSED_CODE}")
    terminate(pooled_backend(app))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 500
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 404  # and the pool recovers on the next request
    with app.app_context():
        db.engine.dispose()
