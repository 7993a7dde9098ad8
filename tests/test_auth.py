from argon2 import PasswordHasher
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import User
from tests.conftest import PASSWORD, csrf_token_from


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_first_visit_creates_the_first_account_once(app, client):
    assert client.get("/exercises/").location.endswith("/setup")
    response = client.post(
        "/setup",
        data={"username": "maria", "password": "a long enough password", "confirm": "a long enough password",
              "paper_size": "Letter", "practice_name": "Riverside"},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username, user.is_admin, user.paper_size, user.practice_name) == ("maria", True, "Letter", "Riverside")
        assert user.password_hash.startswith("$argon2id$")
        assert PasswordHasher().check_needs_rehash(user.password_hash) is False
    assert client.get("/exercises/").status_code == 200  # signed in straight away
    assert client.get("/setup").status_code == 404  # one time only
    assert client.post("/setup", data={"username": "intruder", "password": "x" * 12, "confirm": "x" * 12}).status_code == 404
    assert count_users(app) == 1


def test_setup_form_explains_each_mistake_and_saves_nothing(app, client):
    response = client.post("/setup", data={"username": "bad name!", "password": "short", "confirm": "other"})
    assert response.status_code == 422
    assert "Use letters, digits" in response.text
    assert "at least 10 characters" in response.text
    assert "The two passwords differ." in response.text
    assert count_users(app) == 0


def test_over_long_fields_are_refused_with_a_message(app, client):
    response = client.post("/setup", data={"username": "a" * 65, "password": "p" * 12, "confirm": "p" * 12})
    assert response.status_code == 422
    assert "under 64 characters" in response.text
    assert count_users(app) == 0


def test_facilitator_signs_in_and_out(client, user):
    response = client.post("/login", data={"username": "ANNA", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/exercises/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/exercises/").location.startswith("/login")


def test_wrong_password_and_unknown_user_get_the_same_answer(client, user):
    wrong = client.post("/login", data={"username": "anna", "password": "not the password"})
    unknown = client.post("/login", data={"username": "nobody", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    message = "That username and password do not match an active account."
    assert message in wrong.text and message in unknown.text
    assert client.get("/exercises/").status_code == 302


def test_sign_in_only_follows_local_next_links(client, user):
    response = client.post("/login?next=https://evil.example/", data={"username": "anna", "password": PASSWORD})
    assert response.location == "/exercises/" or response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/exercises/?theme=listening", data={"username": "anna", "password": PASSWORD})
    assert response.location == "/exercises/?theme=listening"


def test_create_user_command_and_duplicate_username(app, runner, user):
    result = runner.invoke(args=["create-user", "carl", "--name", "Carl", "--password", "another long password"])
    assert result.exit_code == 0, result.output
    assert "Created account 'carl'" in result.output
    result = runner.invoke(args=["create-user", "Carl", "--password", "another long password"])
    assert result.exit_code == 1
    assert "already taken" in result.output
    assert count_users(app) == 2


def test_first_account_from_the_shell_is_an_admin(app, runner):
    result = runner.invoke(args=["create-user", "dana", "--password", "a long enough password"])
    assert "Created admin account 'dana'" in result.output
    assert runner.invoke(args=["create-user", "eve", "--password", "tiny"]).exit_code == 1


def test_every_form_needs_a_csrf_token(app_config, app, client, user):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 400
    token = csrf_token_from(client.get("/login").text)
    response = client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_changing_password_signs_out_other_browsers(app, client, user):
    other_browser = app.test_client()
    for browser in (client, other_browser):
        browser.post("/login", data={"username": "anna", "password": PASSWORD})
    response = client.post(
        "/account",
        data={"password-current_password": PASSWORD, "password-new_password": "a brand new password",
              "password-confirm": "a brand new password"},
    )  # fmt: skip
    assert response.status_code == 302
    assert client.get("/exercises/").status_code == 200
    assert other_browser.get("/exercises/").status_code == 302


def test_wrong_current_password_changes_nothing(app, signed_in, user):
    response = signed_in.post(
        "/account",
        data={"password-current_password": "wrong one", "password-new_password": "a brand new password",
              "password-confirm": "a brand new password"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "not your current password" in response.text
    with app.app_context():
        assert db.session.get(User, user.id).session_version == 1
