"""An admin looks after colleagues' accounts: invitation links, password resets, temporary passwords."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from facilitator.auth import links
from facilitator.extensions import db
from facilitator.models import AccountLink, User
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a new sentence to remember"


def _secret(html: str) -> str:
    match = re.search(r'<code id="secret">([^<]+)</code>', html)
    assert match, "the page shows no link or password"
    return match.group(1)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _sign_in_with_password(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def test_admin_invites_a_colleague_who_creates_their_account_with_the_link_once(app, signed_in, client):
    page = signed_in.post("/admin/invites", data={"username": "nadia", "is_admin": ""})
    assert page.status_code == 200 and "Invitation for nadia" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    link = _path(_secret(page.text))
    assert "nadia" in signed_in.get("/admin/facilitators").text  # listed as waiting
    invited = app.test_client()
    form = invited.get(link)
    assert form.status_code == 200 and "<strong>nadia</strong>" in form.text
    assert form.headers["Cache-Control"] == "no-store"
    response = invited.post(link, data={"display_name": "Nadia", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Nadia" in invited.get("/account").text  # signed in as the new account
    with app.app_context():
        user = db.session.query(User).filter_by(username="nadia").one()
        assert not user.is_admin and user.display_name == "Nadia"
    reused = app.test_client().get(link)
    assert reused.status_code == 410 and "already been used" in reused.text
    again = app.test_client().post(link, data={"display_name": "X", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert again.status_code == 410
    with app.app_context():
        assert db.session.query(User).filter_by(username="nadia").count() == 1


def test_an_expired_invitation_says_so_and_creates_nothing(app, user, monkeypatch):
    with app.app_context():
        from facilitator.clock import utcnow

        token = links.invite("omar", is_admin=False, made_by_id=user.id, now=utcnow() - timedelta(days=8))
    client = app.test_client()
    assert client.get(f"/invite/{token}").status_code == 410
    response = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410 and "expired" in response.text
    assert client.get("/invite/not-a-real-token").status_code == 404
    with app.app_context():
        assert db.session.query(User).filter_by(username="omar").count() == 0


def test_an_invitation_cannot_name_an_existing_username_and_a_weak_password_is_refused(app, signed_in, other_user):
    response = signed_in.post("/admin/invites", data={"username": "BEN"})
    assert response.status_code == 422 and "already taken" in response.text
    link = _path(_secret(signed_in.post("/admin/invites", data={"username": "pia"}).text))
    weak = app.test_client().post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 422
    assert app.test_client().get(link).status_code == 200  # still usable after a mistake


def test_withdrawn_invitation_stops_working(app, signed_in):
    signed_in.post("/admin/invites", data={"username": "quinn"})
    with app.app_context():
        invite_id = db.session.query(AccountLink).filter_by(note="quinn").one().id
    token_page = signed_in.post("/admin/invites", data={"username": "quinn"})
    assert token_page.status_code == 422  # already invited
    assert signed_in.post("/admin/invites/withdraw", data={"invite_id": invite_id}).status_code == 302
    assert signed_in.post("/admin/invites", data={"username": "quinn"}).status_code == 200  # free again


def test_reset_link_sets_a_new_password_and_ends_the_colleagues_sessions(app, signed_in, other_user):
    colleague = sign_in(app.test_client(), other_user)
    assert colleague.get("/sessions/").status_code == 200
    page = signed_in.post("/admin/facilitators/ben/reset", data={"method": "link"})
    link = _path(_secret(page.text))
    assert colleague.get("/sessions/").status_code == 200  # making the link changes nothing yet
    response = app.test_client().post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert colleague.get("/sessions/").status_code == 302  # signed out
    assert _sign_in_with_password(app.test_client(), "ben", NEW_PASSWORD).status_code == 302
    assert _sign_in_with_password(app.test_client(), "ben", PASSWORD).status_code == 401
    assert app.test_client().get(link).status_code == 410


def test_a_newer_reset_link_replaces_the_older_one(app, signed_in, other_user):
    first = _path(_secret(signed_in.post("/admin/facilitators/ben/reset", data={"method": "link"}).text))
    second = _path(_secret(signed_in.post("/admin/facilitators/ben/reset", data={"method": "link"}).text))
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200


def test_temporary_password_must_be_changed_at_the_next_sign_in(app, signed_in, other_user):
    colleague = sign_in(app.test_client(), other_user)
    temporary = _secret(signed_in.post("/admin/facilitators/ben/reset", data={"method": "temporary"}).text)
    assert colleague.get("/sessions/").status_code == 302  # signed out at once
    client = app.test_client()
    assert _sign_in_with_password(client, "ben", temporary).status_code == 302
    blocked = client.get("/sessions/")
    assert blocked.status_code == 302 and "/account" in blocked.location
    changed = client.post("/account", data={
        "password-current_password": temporary, "password-new_password": NEW_PASSWORD, "password-confirm": NEW_PASSWORD,
    })  # fmt: skip
    assert changed.status_code == 302
    assert client.get("/sessions/").status_code == 200
    with app.app_context():
        assert not db.session.get(User, other_user.id).must_change_password


@pytest.mark.parametrize("path", ["/admin/facilitators/ben/reset", "/admin/invites", "/admin/support-lines/save"])
def test_a_facilitator_who_is_not_an_admin_learns_nothing_about_accounts(app, other_user, path):
    client = sign_in(app.test_client(), other_user)
    for username in ("anna", "nobody-at-all"):
        response = client.post(path.replace("ben", username), data={"username": username, "method": "link"})
        assert response.status_code == 403
    assert client.get("/admin/support-lines").status_code == 403


def test_resetting_an_unknown_account_is_not_found_for_the_admin(signed_in):
    assert signed_in.post("/admin/facilitators/nobody/reset", data={"method": "link"}).status_code == 404


def test_one_invitation_used_from_many_browsers_at_once_makes_one_account(app, signed_in):
    from concurrent.futures import ThreadPoolExecutor

    link = _path(_secret(signed_in.post("/admin/invites", data={"username": "rita"}).text))
    clients = [app.test_client() for _ in range(8)]
    for client in clients:
        client.get(link)

    def accept(client):  # noqa: ANN001, ANN202
        return client.post(link, data={"display_name": "Rita", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(accept, clients))
    assert statuses.count(302) == 1 and set(statuses) <= {302, 410}, statuses
    with app.app_context():
        assert db.session.query(User).filter_by(username="rita").count() == 1
