"""Pooled PostgreSQL connections: checked before use only after being idle, and a connection the
server closed while idle costs a reconnect, never an error page."""

from __future__ import annotations

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


@pytest.mark.usefixtures("postgres_only")
def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error(app_config, tmp_path, monkeypatch):
    from facilitator import create_app

    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / "instance-idle"))
    app = create_app({**app_config, "DATABASE_PING_AFTER_IDLE_SECONDS": 0})  # every checkout counts as idle
    client = app.test_client()
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 404  # a pooled connection now exists
    with app.app_context():
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:  # what a server restart does to an idle connection
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar_one()
    admin.dispose()
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 404  # the page, not a 500
    with app.app_context():
        assert db.session.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
        db.session.remove()
        db.engine.dispose()


@pytest.mark.usefixtures("postgres_only")
def test_without_the_idle_check_the_closed_connection_would_have_failed(app_config, tmp_path, monkeypatch):
    """The test above proves something: with the check switched off, the same step is an error."""
    from facilitator import create_app

    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / "instance-no-check"))
    app = create_app({**app_config, "DATABASE_PING_AFTER_IDLE_SECONDS": 10**9})
    client = app.test_client()
    client.get(f"/r/{UNUSED_CODE}")
    with app.app_context():
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    admin.dispose()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 500
    assert client.get(f"/r/{UNUSED_CODE}").status_code == 404  # and the pool recovers on the next request
    with app.app_context():
        db.engine.dispose()
