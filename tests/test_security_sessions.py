"""Sessions after sign-out: a copied cookie opens nothing, and what "Put it back" keeps (a removed
item's note can hold client details) lives on the server, never in the cookie, and ends with the sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.planner import service
from facilitator.planner.models import GroupSession, RemovedAgendaItem
from tests.conftest import PASSWORD

CLIENT_NOTE = "Sam (client 114) disclosed a relapse: check in first"


def signed_in_browser(app, remember: bool = False):
    browser = app.test_client()
    form = {"username": "anna", "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert browser.post("/login", data=form).status_code == 302
    return browser


def cookie_contents(app, browser) -> dict:
    """What the signed session cookie says: it is signed, not encrypted, so anyone holding it can read it."""
    cookie = browser.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


@pytest.fixture
def agenda(app, user) -> tuple[int, int]:
    with app.app_context():
        session = GroupSession(owner_id=user.id, title="Tuesday", target_minutes=60)
        db.session.add(session)
        db.session.commit()
        service.add_break(session, 10, "Tea")
        item = service.add_block(session, "Check-in", 15)
        item.note = CLIENT_NOTE
        db.session.commit()
        return session.id, item.id


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after_it(app, user):
    browser = signed_in_browser(app)
    copied = browser.get_cookie("session").value
    assert browser.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/sessions/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_a_remember_me_cookie_copied_before_sign_out_opens_nothing_after_it(app, user):
    browser = signed_in_browser(app, remember=True)
    remembered = browser.get_cookie("remember_token").value
    browser.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert thief.get("/sessions/").location.startswith("/login")


def test_signing_out_ends_the_sign_in_on_every_browser(app, user):
    laptop, phone = signed_in_browser(app), signed_in_browser(app)
    laptop.post("/logout")
    assert phone.get("/sessions/").location.startswith("/login")
    assert signed_in_browser(app).get("/sessions/").status_code == 200  # signing in again works


def test_a_cookie_copied_before_a_password_change_opens_nothing_after_it(app, user):
    browser = signed_in_browser(app)
    copied = browser.get_cookie("session").value
    changed = browser.post("/account", data={"password-current_password": PASSWORD,
                                              "password-new_password": "a brand new password",
                                              "password-confirm": "a brand new password"})  # fmt: skip
    assert changed.status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/sessions/").location.startswith("/login")
    assert browser.get("/sessions/").status_code == 200


def test_a_removed_items_note_never_travels_in_the_cookie(app, user, agenda):
    session_id, item_id = agenda
    browser = signed_in_browser(app)
    assert browser.post(f"/sessions/{session_id}/items/{item_id}/remove").status_code == 302
    assert "Put it back" in browser.get(f"/sessions/{session_id}").text
    contents = cookie_contents(app, browser)
    assert "removed_item" not in contents
    assert CLIENT_NOTE not in repr(contents)
    put_back = browser.post(f"/sessions/{session_id}/items/put-back", follow_redirects=True)
    assert "is back in its place" in put_back.text
    with app.app_context():
        assert [item.note for item in db.session.get(GroupSession, session_id).items] == ["", CLIENT_NOTE]


def test_put_it_back_does_not_outlive_sign_out(app, user, agenda):
    session_id, item_id = agenda
    browser = signed_in_browser(app)
    browser.post(f"/sessions/{session_id}/items/{item_id}/remove")
    copied = browser.get_cookie("session").value
    browser.post("/logout")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RemovedAgendaItem)) == 0
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.post(f"/sessions/{session_id}/items/put-back").location.startswith("/login")
    again = signed_in_browser(app)
    assert "Put it back" not in again.get(f"/sessions/{session_id}").text
    answer = again.post(f"/sessions/{session_id}/items/put-back", follow_redirects=True)
    assert "There is nothing to put back." in answer.text
    with app.app_context():
        assert [item.title for item in db.session.get(GroupSession, session_id).items] == ["Tea"]


def test_put_it_back_belongs_to_the_facilitator_who_removed_it(app, user, other_user, agenda):
    session_id, item_id = agenda
    browser = signed_in_browser(app)
    browser.post(f"/sessions/{session_id}/items/{item_id}/remove")
    ben = app.test_client()
    assert ben.post("/login", data={"username": "ben", "password": PASSWORD}).status_code == 302
    assert ben.post(f"/sessions/{session_id}/items/put-back").status_code == 404
