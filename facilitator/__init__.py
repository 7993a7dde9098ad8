"""facilitator: plan, print and listen. `create_app` builds the Flask app in named steps."""

from __future__ import annotations

import os
import select as select_module  # sqlalchemy.select is the other select here
import time
from pathlib import Path
from typing import Any

from flask import Flask, redirect, render_template, request, url_for
from sqlalchemy import event, exc, select
from sqlalchemy.engine import Engine

from . import config, security
from .extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = config.PROJECT_ROOT


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` overrides every other source of settings."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("FACILITATOR_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    configure(app, test_config or {})
    security.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_first_run_guard(app)
    return app


def configure(app: Flask, test_config: dict[str, Any]) -> None:
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    settings = config.load_settings(instance_path)
    settings.update(test_config)
    app.config.update(settings)
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret_key(instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + app.config["DATABASE_URL"][13:]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"], app.config))
    app.config.update(cookie_settings(app.config.get("PUBLIC_BASE_URL", "")))
    app.config.update({k: v for k, v in test_config.items() if k.startswith(("SESSION_COOKIE", "REMEMBER_COOKIE"))})
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a planning evening outlasts an hour
    from .rate_limit_storage import SCHEME  # registers the in-process storage with limits

    # Without Redis, counters live in each process, in a storage that starts no thread per hit.
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or f"{SCHEME}://"
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)


def cookie_settings(public_base_url: str) -> dict[str, Any]:
    """HttpOnly and SameSite=Lax always; Secure whenever participants reach us over https."""
    secure = public_base_url.startswith("https://")
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
    }


def register_extensions(app: Flask) -> None:
    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    with app.app_context():
        tune_engine(db.engine, app.config)

    from .auth.service import load_user_from_cookie_id

    login_manager.user_loader(load_user_from_cookie_id)


def _import_models() -> None:
    """Import every feature's tables so metadata, migrations and create_all see them all."""
    from . import models  # noqa: F401
    from .planner import models as planner_models  # noqa: F401
    from .reflections import models as reflection_models  # noqa: F401


def tune_engine(engine: Engine, settings: dict[str, Any]) -> None:
    """What each database needs per connection (the bench's bare baselines use this too)."""
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine, settings["SQLITE_BUSY_TIMEOUT_MS"])
    elif engine.dialect.name == "postgresql":
        _ping_when_in_doubt(engine, float(settings["DATABASE_PING_AFTER_IDLE_SECONDS"]))


def _ping_when_in_doubt(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled PostgreSQL connection before use when the server may have closed it, so that
    a restarted server costs a reconnect, not an error page.

    SQLAlchemy's pool_pre_ping checks on every checkout: a round trip per request, a fifth of a
    participant's page load in a full room (bench/submissions.py). Here the round trip is spent
    only when it can find something: the connection sat idle a while, or its socket has something
    to read although no query is running (a server that shuts down or terminates a connection
    says so and closes it). Looking at the socket is a system call, not a round trip.
    """

    @event.listens_for(engine, "checkin")
    def note_idle_since(_dbapi_connection, record):  # noqa: ANN001
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_in_doubt(dbapi_connection, record, _proxy):  # noqa: ANN001
        recently_used = time.monotonic() - record.info.get("idle_since", float("-inf")) < idle_seconds
        if recently_used and not server_spoke_while_idle(dbapi_connection, engine.dialect.loaded_dbapi.Error):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:  # the pool drops it and connects afresh
            raise exc.DisconnectionError("the database connection was closed while idle") from error


def server_spoke_while_idle(dbapi_connection, dbapi_error: type[Exception]) -> bool:  # noqa: ANN001 (a psycopg Connection)
    """Whether an idle connection's socket could be read without waiting: the server closed it or
    sent a message (a notice, or the error that comes before it hangs up)."""
    try:
        readable, _, _ = select_module.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError, dbapi_error):  # closed already: no descriptor to look at
        return True
    return bool(readable)


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL lets readers and one writer work at once; the busy timeout makes writers wait, not fail."""

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, so a release or a delete leaves no old copy (with
        # its arrival-ordered id) in free pages of the file (docs/privacy.md).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        # Write transactions take the write lock up front (BEGIN IMMEDIATE, emitted by sqlite3 before
        # the first INSERT/UPDATE/DELETE), so that under several gunicorn workers a writer waits out
        # the busy timeout instead of failing with "database is locked" when upgrading a read lock.
        dbapi_connection.isolation_level = "IMMEDIATE"


def register_blueprints(app: Flask) -> None:
    from .auth.admin import blueprint as admin
    from .auth.link_views import blueprint as account_links
    from .auth.views import blueprint as auth
    from .library.views import blueprint as exercises
    from .planner.views import blueprint as planner
    from .printing.views import blueprint as printing
    from .reflections.participant_views import blueprint as reflections_public
    from .reflections.views import blueprint as reflections

    app.register_blueprint(auth)
    app.register_blueprint(admin)
    app.register_blueprint(account_links)
    app.register_blueprint(exercises)
    app.register_blueprint(planner)
    app.register_blueprint(printing)
    app.register_blueprint(reflections)
    app.register_blueprint(reflections_public)

    @app.get("/")
    def home():
        # The planner is the therapist's main screen; the library is the fallback.
        endpoint = "planner.sessions" if "planner.sessions" in app.view_functions else "exercises.index"
        return redirect(url_for(endpoint))


def register_errorhandlers(app: Flask) -> None:
    def render_error(error):  # noqa: ANN001
        code = getattr(error, "code", 500) or 500
        template = f"errors/{code}.html" if code in (400, 403, 404, 405, 410, 413, 429) else "errors/500.html"
        return render_template(template, error=error), code

    for code in (400, 403, 404, 405, 410, 413, 429, 500):
        app.register_error_handler(code, render_error)


def register_commands(app: Flask) -> None:
    """Each feature's `flask` commands live in its own `commands.py`; docs/cli.md lists them all."""
    from .auth.commands import create_user_command
    from .backup.commands import backup_group
    from .library.commands import library_group
    from .planner.commands import sessions_group
    from .printing.commands import printing_group
    from .room import start_command

    for command in (create_user_command, library_group, backup_group, printing_group, sessions_group, start_command):
        app.cli.add_command(command)


def register_template_helpers(app: Flask) -> None:
    from .library.files import FORMATS, INTENSITIES, STAGES, THEME_LABELS, THEMES
    from .rendering import render_markdown

    app.jinja_env.filters["markdown"] = render_markdown
    main_links = (
        ("planner.sessions", "Sessions"),
        ("planner.programmes", "Programmes"),
        ("exercises.index", "Library"),
        ("reflections.forms", "Reflections"),
    )

    def nav_links() -> list[tuple[str, str]]:
        return [(endpoint, label) for endpoint, label in main_links if endpoint in app.view_functions]

    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.globals.update(
        THEMES=THEMES, THEME_LABELS=THEME_LABELS, FORMATS=FORMATS, INTENSITIES=INTENSITIES, STAGES=STAGES
    )


def register_first_run_guard(app: Flask) -> None:
    """Until the first account exists, every facilitator page leads to the one-time setup page."""
    from .models import User
    from .reflections.participant_views import blueprint as participant_blueprint

    state = {"has_user": False}

    @app.before_request
    def require_first_account():
        if state["has_user"] or request.endpoint in (None, "static", "auth.setup"):
            return None
        if request.blueprint == participant_blueprint.name:  # participants never meet the setup page
            return None
        if db.session.scalar(select(User.id).limit(1)) is not None:
            state["has_user"] = True
            return None
        return redirect(url_for("auth.setup"))
