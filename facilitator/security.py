"""Security headers on every response, cookie names, trust in a reverse proxy's headers, and
guards against input the database cannot hold (ids past any column, NUL characters).

A short module rather than Flask-Talisman: its last release is from 2023, and what we need beyond
the common headers (no-store on participant pages, `__Host-` cookie names, an access-log mark)
would be code of our own anyway. docs/security.md explains each header.
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, render_template, request
from sqlalchemy.exc import DataError
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db

# No inline script or style anywhere: templates link /static files only. `frame-ancestors 'self'`
# lets the app frame its own pages (a PDF preview) and no other site frame them (clickjacking).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # same-origin: a participant's form address (which names the form) never reaches a linked
    # support site, while our own pages still send it, as Flask-WTF's https referrer check needs.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
}
HSTS = "max-age=31536000; includeSubDomains"
# Results pages hold answers; participant pages are often opened on a shared or borrowed phone.
NO_STORE_BLUEPRINTS = ("reflections",)
PUBLIC_BLUEPRINT_SUFFIX = "_public"
# gunicorn_conf.AnonymousAccessLogger logs the client address only when this mark is set.
LOG_CLIENT_ADDRESS = "facilitator.log_client_address"
# Ids are INTEGER columns: 32 bits on PostgreSQL. A longer number in a URL names nothing.
LARGEST_ID = 2**31 - 1


def init_app(app: Flask) -> None:
    """Apply the proxy setting, name cookies for https, and add the headers to every response."""
    apply_proxy_fix(app)
    app.config.update(cookie_names(app.config))
    app.session_interface = NoCookieForParticipants()
    app.url_value_preprocessor(ids_beyond_any_column_name_nothing)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    for error in (OverflowError, DataError):
        app.register_error_handler(error, refuse_what_the_database_cannot_hold)


def apply_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host/-Port only from as many proxies as PROXY_FIX_HOPS says."""
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]


def cookie_names(config: dict) -> dict[str, str]:
    """`__Host-` names when served over https: the browser then refuses the cookie unless it is
    Secure, has Path=/ and no Domain, so no sibling subdomain or plain-http page can plant or read it."""
    if not str(config.get("PUBLIC_BASE_URL", "")).startswith("https://"):
        return {}
    names: dict[str, str] = {}
    if config.get("SESSION_COOKIE_NAME", "session") == "session" and config.get("SESSION_COOKIE_SECURE"):
        names.update(SESSION_COOKIE_NAME="__Host-session", SESSION_COOKIE_PATH="/")
    if config.get("REMEMBER_COOKIE_NAME", "remember_token") == "remember_token" and config.get("REMEMBER_COOKIE_SECURE"):
        names.update(REMEMBER_COOKIE_NAME="__Host-remember_token", REMEMBER_COOKIE_PATH="/")
    return names


def ids_beyond_any_column_name_nothing(_endpoint: str | None, values: dict | None) -> None:
    """/sessions/99999999999999999999 is a 404, not a database overflow."""
    if values and any(isinstance(value, int) and value > LARGEST_ID for value in values.values()):
        abort(404)


def refuse_nul_characters() -> None:
    """No one types a NUL character and PostgreSQL cannot store one: a request carrying one is
    malformed. Participant pages clean their own text instead, so no answer is ever lost."""
    if is_participant_request() or request.method not in ("POST", "PUT", "PATCH"):
        return
    if any("\x00" in value for _, values in request.form.lists() for value in values):
        abort(400)


def refuse_what_the_database_cannot_hold(error: Exception):
    """A number too large for its column (SQLite raises OverflowError, PostgreSQL a DataError)
    came from the request, not from a fault of ours: a 400, with nothing half-saved."""
    db.session.rollback()
    current_app.logger.warning("Refused a value the database cannot hold: %s", error)
    return render_template("errors/400.html", error=error), 400


def is_participant_request() -> bool:
    """A participant page, including an unknown address under /r/ (a mistyped link from a poster)."""
    if request.blueprint and request.blueprint.endswith(PUBLIC_BLUEPRINT_SUFFIX):
        return True
    return request.path == "/join" or request.path.startswith("/r/")


class NoCookieForParticipants(SecureCookieSessionInterface):
    """Participant pages never set a cookie, whatever the browser sends: a facilitator's remember-me
    cookie on the same phone would otherwise make Flask-Login start a session there.

    save_session runs after every after_request function, so nothing set earlier slips through.
    """

    def save_session(self, app: Flask, session, response: Response) -> None:  # noqa: ANN001
        if is_participant_request():
            response.headers.remove("Set-Cookie")
            return
        super().save_session(app, session, response)


def add_security_headers(response: Response) -> Response:
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
    if is_participant_request() or request.blueprint in NO_STORE_BLUEPRINTS:
        response.headers["Cache-Control"] = "no-store"
    elif request.endpoint != "static" and "Cache-Control" not in response.headers:
        # Facilitator pages show session plans and names: never kept by a browser or proxy.
        response.headers["Cache-Control"] = "no-store"
    # Facilitator pages and sign-in attempts are worth an address in the log; participant pages,
    # static files and unknown URLs (a mistyped participant link) are not.
    if request.blueprint and not is_participant_request() or request.endpoint == "home":
        request.environ[LOG_CLIENT_ADDRESS] = True
    return response
