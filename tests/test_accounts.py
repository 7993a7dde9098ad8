"""Accounts beyond signing in: lockout after repeated failures, sessions that end, the admin page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import User
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def limited(app_config):
    """Rate limits on, three sign-in attempts a minute (list it before `app`)."""
    app_config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")


def attempt(client, username: str, password: str = "not the password", address: str = "10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


def users_table(app) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(select(User.username, User.is_disabled, User.session_version, User.is_admin).order_by(User.id))]


def test_lockout_after_failures_reads_the_same_for_real_and_unknown_usernames(limited, app, client, user):
    for _ in range(3):
        assert attempt(client, "anna", address="10.0.0.1").status_code == 401
        assert attempt(client, "nobody", address="10.0.0.2").status_code == 401
    locked_real = attempt(client, "anna", PASSWORD, address="10.0.0.1")  # right password, guessing address
    locked_unknown = attempt(client, "nobody", address="10.0.0.2")
    assert locked_real.status_code == locked_unknown.status_code == 429
    assert locked_real.text.replace('value="anna"', "") == locked_unknown.text.replace('value="nobody"', "")
    assert "Wait a minute" in locked_real.text
    assert client.get("/exercises/").status_code == 302  # the right password did not sign in


def test_guesses_from_elsewhere_do_not_lock_a_colleague_out(limited, app, client, user):
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(3):
            attempt(client, "anna", address=address)
    assert attempt(client, "anna", PASSWORD, address="10.0.0.1").status_code == 429
    assert attempt(app.test_client(), "anna", PASSWORD, address="10.0.0.9").status_code == 302


def test_a_username_under_attack_is_slowed_for_longer_each_time(limited, app, client, user, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr("limits.storage.memory.time.time", lambda: clock[0])
    monkeypatch.setattr("facilitator.auth.throttle.time.time", lambda: clock[0])
    waits = []
    for _ in range(3):
        for number in range(3):
            attempt(client, "anna", address=f"10.0.{len(waits)}.{number}")
        refused = attempt(client, "anna", address=f"10.0.{len(waits)}.0")
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock[0] += waits[-1] + 1
    assert waits == [60, 120, 240]
    assert "Wait 4 minutes" in refused.text


def test_one_address_trying_many_usernames_is_slowed_down(limited, app, client, user):
    for name in ("amy", "bob", "cy"):
        assert attempt(client, name, address="192.0.2.50").status_code == 401
    assert attempt(client, "anna", PASSWORD, address="192.0.2.50").status_code == 429
    assert attempt(client, "anna", PASSWORD, address="192.0.2.51").status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_lockout(limited, app, client, user):
    for _ in range(5):
        assert attempt(client, "anna", PASSWORD).status_code == 302
        client.post("/logout")


def test_password_change_ends_a_remembered_sign_in_elsewhere(app, client, user):
    laptop = app.test_client()
    assert laptop.post("/login", data={"username": "anna", "password": PASSWORD, "remember": "y"}).status_code == 302
    remember = laptop.get_cookie("remember_token")
    assert remember is not None
    reopened = app.test_client()  # the browser restarted: only the remember-me cookie survives
    reopened.set_cookie("remember_token", remember.value)
    assert reopened.get("/exercises/").status_code == 200
    sign_in(client, user)
    response = client.post(
        "/account",
        data={"password-current_password": PASSWORD, "password-new_password": NEW_PASSWORD, "password-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    restarted_again = app.test_client()
    restarted_again.set_cookie("remember_token", remember.value)
    assert restarted_again.get("/exercises/").location.startswith("/login")
    assert client.get("/exercises/").status_code == 200  # the browser that changed it stays signed in
    assert attempt(app.test_client(), "anna", NEW_PASSWORD).status_code == 302


def test_admin_sees_every_facilitator(signed_in, user, other_user, make_user):
    make_user("carla", display_name="Carla", is_disabled=True)
    response = signed_in.get("/admin/facilitators")
    assert response.status_code == 200
    for text in ("anna", "ben", "Ben", "carla", "disabled", "Add a facilitator"):
        assert text in response.text


def test_facilitator_without_admin_rights_cannot_reach_the_admin_page(app, client, user, other_user):
    sign_in(client, other_user)
    before = users_table(app)
    assert client.get("/admin/facilitators").status_code == 403
    assert client.post("/admin/facilitators", data={"username": "mallory", "password": "x" * 12}).status_code == 403
    assert client.post("/admin/facilitators/anna/disable").status_code == 403
    assert users_table(app) == before


def test_admin_adds_a_facilitator_who_can_then_sign_in(app, signed_in, user):
    response = signed_in.post(
        "/admin/facilitators",
        data={"username": "dev", "display_name": "Dev", "password": "their first password", "is_admin": ""},
    )
    assert response.status_code == 302
    assert "dev can now sign in" in signed_in.get(response.location).text
    with app.app_context():
        added = db.session.scalar(select(User).where(User.username == "dev"))
        assert (added.display_name, added.is_admin, added.paper_size) == ("Dev", False, "A4")
    assert attempt(app.test_client(), "dev", "their first password").status_code == 302


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"username": "ANNA", "password": "long enough password"}, "already taken"),
        ({"username": "dev", "password": "short"}, "at least 10 characters"),
        ({"username": "dev eloper", "password": "long enough password"}, "Use letters, digits"),
        ({"username": "", "password": "long enough password"}, "Choose a username."),
    ],
)
def test_admin_add_form_explains_mistakes_and_saves_nothing(app, signed_in, user, form, message):
    before = users_table(app)
    response = signed_in.post("/admin/facilitators", data=form)
    assert response.status_code == 422
    assert message in response.text
    assert users_table(app) == before


def test_disabled_facilitator_is_signed_out_and_cannot_sign_in_again(app, client, user, other_user):
    bens_browser = sign_in(app.test_client(), other_user)
    assert bens_browser.get("/exercises/").status_code == 200
    sign_in(client, user)
    response = client.post("/admin/facilitators/ben/disable")
    assert response.status_code == 302
    assert "signed out everywhere" in client.get(response.location).text
    assert bens_browser.get("/exercises/").location.startswith("/login")
    refused = attempt(app.test_client(), "ben", PASSWORD)
    assert refused.status_code == 401
    assert "do not match an active account" in refused.text  # the same words as a wrong password

    assert client.post("/admin/facilitators/ben/enable").status_code == 302
    assert attempt(app.test_client(), "ben", PASSWORD).status_code == 302
    assert bens_browser.get("/exercises/").status_code == 302  # the old cookie stays dead


def test_admin_cannot_disable_their_own_account(app, signed_in, user):
    before = users_table(app)
    response = signed_in.post("/admin/facilitators/anna/disable", follow_redirects=True)
    assert response.status_code == 200
    assert "cannot disable your own account" in response.text
    assert users_table(app) == before


def test_disabling_an_unknown_username_is_not_found(app, signed_in, user):
    assert signed_in.post("/admin/facilitators/nobody/disable").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_only_admins_see_the_link_to_manage_facilitators(app, client, user, other_user):
    from tests.conftest import sign_in

    admin_page = sign_in(client, user).get("/sessions/")
    assert 'href="/admin/facilitators"' in admin_page.text
    colleague = sign_in(app.test_client(), other_user).get("/sessions/")
    assert colleague.status_code == 200
    assert 'href="/admin/facilitators"' not in colleague.text
