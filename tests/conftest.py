"""Fixtures: a real database per test (SQLite file, or a PostgreSQL schema), app, client, runner.

Set FACILITATOR_TEST_DB=postgresql to run against the local PostgreSQL (database `test`); each
pytest process makes its own schema and drops it at the end, so runs never see each other's data.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import settings as hypothesis_settings
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from facilitator import create_app
from facilitator.auth import service as accounts
from facilitator.extensions import db
from facilitator.models import User

TEST_DB = os.environ.get("FACILITATOR_TEST_DB", "sqlite")

# CI explores the same examples every run, so a red build is about the change, not the dice;
# a developer's run (no CI variable) keeps exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
POSTGRES_URL = os.environ.get("FACILITATOR_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
PASSWORD = "correct horse battery staple"
# Where browser tests keep screenshots to look at after a run (gitignored; FACILITATOR_SHOTS overrides).
SCREENSHOTS = Path(os.environ.get("FACILITATOR_SHOTS") or Path(__file__).resolve().parent / "screenshots")


def screenshot_path(name: str) -> str:
    """A file name for a screenshot in SCREENSHOTS, the folder made if needed."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / name)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real argon2 hash reused by every test user: hashing at full strength costs ~0.1 s each."""
    return accounts.hash_password(PASSWORD)


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str | None]:
    if TEST_DB != "postgresql":
        yield None
        return
    schema = f"test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, postgres_schema: str | None) -> str:
    if postgres_schema:
        return f"{POSTGRES_URL}?options=-csearch_path%3D{postgres_schema}"
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_config(tmp_path: Path, database_url: str) -> dict:
    """Settings for the test app; a test may change them before asking for `app`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def app(tmp_path: Path, app_config: dict, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(instance))
    for name in list(os.environ):
        if name.startswith("FACILITATOR_") and name not in ("FACILITATOR_INSTANCE_PATH", "FACILITATOR_TEST_DB"):
            monkeypatch.delenv(name)
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask, password_hash: str):
    """Create a facilitator account quickly (shared real hash of PASSWORD)."""

    def make(username: str = "anna", **fields) -> User:
        with app.app_context():
            user = User(username=username, password_hash=password_hash, **fields)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    """Sign a test client in as `user` without spending a password hash."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def user(make_user) -> User:
    return make_user("anna", display_name="Anna", is_admin=True)


@pytest.fixture
def other_user(make_user) -> User:
    return make_user("ben", display_name="Ben")


@pytest.fixture
def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    return sign_in(client, user)


@pytest.fixture
def synced(app: Flask) -> None:
    """The shipped library loaded into the test database."""
    from facilitator.library import shipped
    from facilitator.library.service import sync_library

    with app.app_context():
        library, _ = shipped.load(app.config["LIBRARY_PATH"])
        sync_library(library, shipped.exercise_texts(app.config["LIBRARY_PATH"]))


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


# --- a real browser against a real server ---------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app served over HTTP on a free local port; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (browser downloads do not work here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A small phone: 375 x 667, touch, as a participant holds it."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
