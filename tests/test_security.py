"""Security headers, cookie flags and proxy trust: one test per promise in docs/security.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Blueprint, make_response, request

from facilitator import create_app
from facilitator.extensions import db
from facilitator.security import CONTENT_SECURITY_POLICY, HSTS
from tests.conftest import PASSWORD, csrf_token_from, sign_in

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
HTTPS = {"base_url": "https://groups.example.org"}


@pytest.fixture
def probe_app(app):
    """The app plus a stand-in participant page that asks to be cached, as a careless view might."""
    probe = Blueprint("probe_public", __name__)

    @probe.get("/probe/form")
    def form():
        response = make_response("a participant form")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    app.register_blueprint(probe)
    app.register_blueprint(_address_probe())
    return app


def _address_probe() -> Blueprint:
    probe = Blueprint("address_public", __name__)
    probe.add_url_rule("/probe/address", "address", lambda: request.remote_addr or "")
    return probe


def test_facilitator_page_carries_every_security_header(signed_in):
    response = signed_in.get("/exercises/")
    assert response.status_code == 200
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain http: HSTS would be a lie


def test_hsts_is_sent_only_over_https(signed_in):
    assert signed_in.get("/exercises/", **HTTPS).headers["Strict-Transport-Security"] == HSTS
    assert "Strict-Transport-Security" not in signed_in.get("/exercises/").headers


def test_participant_page_is_never_stored_even_when_the_view_asks(probe_app, client, user):
    response = client.get("/probe/form")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_error_pages_carry_the_headers_too(signed_in):
    response = signed_in.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_but_are_not_sniffed(client, user):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_no_template_uses_inline_script_style_or_event_handlers():
    """The CSP forbids them; this names the file instead of leaving a silently broken page."""
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "handouts" in path.parts:
            continue  # print templates are rendered by WeasyPrint, never served to a browser
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=\"", r"\son[a-z]+=\"", r"javascript:"):
            if re.search(pattern, text, flags=re.IGNORECASE):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert not offenders, offenders


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


@pytest.fixture
def make_app(app_config, tmp_path, monkeypatch):
    """Another app on the same test database, with extra settings (the `app` fixture has made the tables)."""
    apps = []

    def make(**settings):
        monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / f"instance-{len(apps)}"))
        other = create_app({**app_config, **settings})
        apps.append(other)
        return other

    yield make
    for other in apps:
        with other.app_context():
            db.engine.dispose()


def test_over_https_cookies_use_the_host_prefix_and_are_secure(app, make_app, user):
    secure = make_app(PUBLIC_BASE_URL="https://groups.example.org")
    assert secure.config["SESSION_COOKIE_NAME"] == "__Host-session"
    client = secure.test_client()
    response = client.post("/login", data={"username": "anna", "password": PASSWORD, "remember": "y"}, **HTTPS)
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert set(cookies) == {"__Host-session", "__Host-remember_token"}
    for header in cookies.values():
        assert "; Secure" in header and "; HttpOnly" in header and "; Path=/" in header
        assert "SameSite=Lax" in header
        assert "Domain=" not in header
    assert client.get("/exercises/", **HTTPS).status_code == 200


def test_over_plain_http_cookies_keep_plain_names(client, user):
    response = client.post("/login", data={"username": "anna", "password": PASSWORD, "remember": "y"})
    cookies = _set_cookies(response)
    assert set(cookies) == {"session", "remember_token"}
    assert all("; HttpOnly" in header and "; Secure" not in header for header in cookies.values())


def test_csrf_referrer_check_still_passes_over_https_from_our_own_pages(app, client, user):
    """Referrer-Policy same-origin keeps the Referer on our own forms, which Flask-WTF demands on https."""
    app.config["WTF_CSRF_ENABLED"] = True
    page = "https://groups.example.org/login"
    token = csrf_token_from(client.get("/login", **HTTPS).text)
    form = {"username": "anna", "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form, headers={"Referer": "https://evil.example/login"}, **HTTPS).status_code == 400
    assert client.post("/login", data=form, **HTTPS).status_code == 400  # no Referer at all
    assert client.post("/login", data=form, headers={"Referer": page}, **HTTPS).status_code == 302


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(probe_app, client, user):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    sign_in(client, user)
    response = client.get("/exercises/", headers=headers)
    assert "Strict-Transport-Security" not in response.headers
    assert client.get("/probe/address", headers=headers).text == "127.0.0.1"


def test_one_trusted_proxy_is_believed_about_https_and_the_client_address(app, make_app, user):
    proxied = make_app(PROXY_FIX_HOPS=1)
    proxied.register_blueprint(_address_probe())
    client = proxied.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
    response = client.get("/probe/address", headers=headers)
    assert response.text == "203.0.113.9"  # the address our one proxy saw, not what the client claimed
    assert response.headers["Strict-Transport-Security"] == HSTS
