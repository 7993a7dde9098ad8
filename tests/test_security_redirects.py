"""Open redirects: every `next` and "back to" the app follows stays on this site, whatever is sent."""

from __future__ import annotations

import pytest

from facilitator.redirects import same_site_path
from tests.conftest import PASSWORD, sign_in
from tests.reflections_helpers import make_form

# Known open-redirect payloads (PortSwiggr's and OWASP's cheat sheets, browser URL-parser quirks:
# WHATWG parsers drop tabs and newlines anywhere and read a backslash as a slash).
OPEN_REDIRECT_PAYLOADS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x00/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%255C%255Cevil.example",
    "/%252F%252Fevil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https:evil.example",
    "https:/evil.example",
    "//evil.example@sessions",
    "/\u202e//evil.example",
    "/\ufeff/evil.example",
    "/\u2028/evil.example",
    "//[",
    "http://[::1",
    "evil.example",
    "@evil.example",
    ".evil.example",
    "",
    "/" + "a" * 5000,
]
SAME_SITE = ["/", "/exercises/", "/exercises/?theme=listening", "/sessions/3#item-4", "/sessions/?q=a%2Fb", "/r/ABC"]


@pytest.mark.parametrize("payload", OPEN_REDIRECT_PAYLOADS)
def test_no_payload_leaves_the_site(payload):
    assert same_site_path(payload, "/home") == "/home"


@pytest.mark.parametrize("path", SAME_SITE)
def test_paths_on_this_site_are_followed_as_they_are(path):
    assert same_site_path(path, "/home") == path


def test_at_least_thirty_payloads_are_tried():
    assert len(OPEN_REDIRECT_PAYLOADS) >= 30


def test_what_is_not_text_falls_back():
    assert same_site_path(None, "/home") == "/home"
    assert same_site_path(b"//evil.example", "/home") == "/home"  # type: ignore[arg-type]


def _stays_here(location: str | None) -> bool:
    return location is not None and location.startswith("/") and not location.startswith("//") and "\\" not in location


@pytest.mark.parametrize("payload", OPEN_REDIRECT_PAYLOADS)
def test_signing_in_with_any_next_lands_on_this_site(app, client, user, payload):
    response = client.post("/login", query_string={"next": payload}, data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 302, response.text[:300]
    assert _stays_here(response.location)
    assert "evil" not in response.location


@pytest.fixture
def limited(app_config):
    """Rate limits on, two failed sign-ins a minute (list it before `app`)."""
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")


def test_a_newline_in_next_after_a_right_password_signs_in_and_is_no_failed_attempt(limited, app, client, user):
    for _ in range(3):
        response = client.post("/login?next=/%0a/evil.example", data={"username": "anna", "password": PASSWORD})
        assert response.status_code == 302
        assert response.location == "/"
        client.post("/logout")
    wrong = client.post("/login", data={"username": "anna", "password": "not the password"})
    assert wrong.status_code == 401  # the three sign-ins above used none of the allowance


@pytest.mark.parametrize("payload", OPEN_REDIRECT_PAYLOADS)
def test_opening_a_form_from_the_session_page_never_returns_elsewhere(app, client, user, payload):
    form_id = make_form(app, user.id, opened=False)
    sign_in(client, user)
    response = client.post(f"/reflections/{form_id}/open", data={"next": payload})
    if response.status_code == 400:
        return  # a NUL character: the whole request is malformed (security.refuse_nul_characters)
    assert response.status_code == 302
    assert _stays_here(response.location)
    assert "evil" not in response.location
