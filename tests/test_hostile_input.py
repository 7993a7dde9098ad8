"""Hostile input: each case asserts the exact status and that nothing stored changed.

Requests that are too large, of the wrong type, without or with a forged CSRF token, other
facilitators' and impossible ids, path traversal, impossible numbers, replayed and late
participant submissions, and YAML meant to exhaust or run code. Text that is stored on purpose
(HTML, Markdown links, unusual Unicode) is in test_hostile_input_text.py.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import select

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.planner.models import AgendaItem, GroupSession
from facilitator.reflections import service as reflections
from facilitator.reflections.models import ReflectionForm
from tests.conftest import PASSWORD, csrf_token_from, sign_in
from tests.factories import OWNED_ROW_FACTORIES, make_custom_exercise, make_owned_rows, make_programme, make_saved_template
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, question_ids, token_from
from tests.test_access import facilitator_rules, methods_of, url_for_rule

MIB = 1024 * 1024
HUGE = "9" * 30  # beyond every integer column, including PostgreSQL's bigint


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the thing that must not change."""
    with app.app_context():
        db.session.remove()
        return {
            table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables
        }


@pytest.fixture
def practice(app, user, other_user):
    """Anna's sessions, exercises, templates and forms (one open with answers, one closed), and Ben's."""
    with app.app_context():
        session = GroupSession(owner_id=user.id, title="Week 1", target_minutes=90)
        db.session.add(session)
        db.session.flush()
        item = AgendaItem(session=session, position=0, kind="block", title="Arrival", minutes=10)
        db.session.add(item)
        db.session.flush()
        ids = {"session_id": session.id, "item_id": item.id, "exercise_id": make_custom_exercise(user.id).id,
               "programme_id": make_programme(user.id).id, "template_id": make_saved_template(user.id).id}  # fmt: skip
        db.session.commit()
    ids["form_id"] = make_form(app, user.id, session_id=ids["session_id"])
    ids["closed_form_id"] = make_form(app, user.id, ALL_KINDS[-2:], title="Last week's")
    ids["draft_form_id"] = make_form(app, user.id, ALL_KINDS[-2:], title="Not yet", opened=False)
    with app.app_context():
        reflections.close_now(db.session.get(ReflectionForm, ids["closed_form_id"]), utcnow())
        ids["theirs"] = make_owned_rows(other_user.id)
    ids["code"] = form_code(app, ids["form_id"])
    ids["questions"] = question_ids(app, ids["form_id"])
    answer(app.test_client(), ids["code"], {ids["questions"]["word"]: "calm"})
    return ids


@contextmanager
def unchanged(app):
    before = snapshot(app)
    yield
    assert snapshot(app) == before, "stored data changed"


def in_a_child_process(app, action, seconds: int = 4):
    """Run `action(client)` in a forked copy of the app and return its status code; fail, rather
    than hang the suite, when hostile input keeps it busy longer than `seconds`."""
    import multiprocessing

    results = multiprocessing.get_context("fork").SimpleQueue()

    def child() -> None:
        with app.app_context():
            db.engine.dispose(close=False)  # the parent's connections stay the parent's
        results.put(action(app.test_client()).status_code)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(seconds)
    if process.is_alive():
        process.kill()
        process.join()
        raise AssertionError(f"still working after {seconds} s")
    assert not results.empty(), f"the request crashed the process (exit code {process.exitcode})"
    return results.get()


# --- bodies too large, and of the wrong type -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/login", "/exercises/new", "/sessions/new", "/import", "PARTICIPANT", "/admin/facilitators"],
)
def test_a_body_over_the_limit_gets_413_in_the_apps_look(app, client, user, practice, path):
    if path == "PARTICIPANT":
        path = f"/r/{practice['code']}"
    elif path != "/login":
        sign_in(client, user)
    with unchanged(app):
        response = client.post(path, data={"title": "x" * (2 * MIB)})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.text


def test_an_upload_over_the_limit_gets_413(app, signed_in, practice):
    # A hand-made multipart body: the test client would spool a dict of files to a temporary file.
    body = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.yaml\"\r\n\r\n"
    body += b"title: x\n" * 200_000 + b"\r\n--B--\r\n"
    with unchanged(app):
        response = signed_in.post("/import", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"token": "x", "q1": "calm"}'),
        ("text/plain", "token=x&q1=calm"),
        ("application/xml", "<answers><q1>calm</q1></answers>"),
    ],
)
def test_participant_submit_of_the_wrong_content_type_is_refused(app, client, practice, content_type, body):
    with unchanged(app):
        response = client.post(f"/r/{practice['code']}", data=body, content_type=content_type)
    assert response.status_code == 400
    assert "Your answers are still here" in response.text


# --- CSRF ------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_a_json_body_without_a_csrf_header_is_refused(csrf_on, signed_in, practice):
    """Flask-WTF reads JSON as form data, so JSON must carry the token too (X-CSRFToken)."""
    with unchanged(csrf_on):
        response = signed_in.post("/sessions/new", data='{"title": "Week 9", "start_time": "19:00"}',
                                  content_type="application/json")  # fmt: skip
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/sessions/new"), ("POST", "/sessions/{session_id}/delete"), ("POST", "/logout"),
     ("POST", "/admin/facilitators/ben/disable"), ("POST", "/reflections/{form_id}/delete"),
     ("POST", "/account")],  # fmt: skip
)
def test_a_missing_csrf_token_is_refused(csrf_on, signed_in, practice, method, path):
    with unchanged(csrf_on):
        response = signed_in.open(path.format(**practice), method=method, data={"title": "Injected", "confirm": "yes"})
    assert response.status_code == 400


def test_a_forged_csrf_token_is_refused(csrf_on, signed_in, practice):
    with unchanged(csrf_on):
        response = signed_in.post(f"/sessions/{practice['session_id']}/delete", data={"csrf_token": "forged.token.value"})
    assert response.status_code == 400


def test_another_browsers_csrf_token_is_refused(csrf_on, client, user, practice):
    other_browser = sign_in(csrf_on.test_client(), user)
    their_token = csrf_token_from(other_browser.get("/sessions/new").text)
    sign_in(client, user)
    client.get("/sessions/new")
    with unchanged(csrf_on):
        response = client.post(f"/sessions/{practice['session_id']}/delete", data={"csrf_token": their_token})
    assert response.status_code == 400


def test_sign_in_without_a_csrf_token_is_refused(csrf_on, client, user):
    with unchanged(csrf_on):
        response = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/sessions/").status_code == 302


# --- ids: someone else's, negative, beyond any column -----------------------------------------------


def test_another_facilitators_ids_change_nothing_on_any_route(app, client, user, practice):
    """tests/test_access.py proves the 404s; this sends each route a full, plausible form and
    checks that not one row anywhere changed."""
    sign_in(client, user)
    form = {"title": "Taken over", "confirm": "yes", "direction": "up", "minutes": "5", "order": "1,2",
            "action": "restore", "key": "x", "prompt": "?", "type": "word"}  # fmt: skip
    checked = 0
    with unchanged(app):
        for rule in facilitator_rules(app):
            if not any(name in OWNED_ROW_FACTORIES for name in rule.arguments):
                continue
            for method in methods_of(rule):
                response = client.open(url_for_rule(rule, practice["theirs"]), method=method, data=form)
                assert response.status_code == 404, f"{method} {rule.rule} gave {response.status_code}"
                checked += 1
    assert checked >= 40


@pytest.mark.parametrize(
    "path",
    ["/sessions/-1", "/sessions/0", f"/sessions/{HUGE}", f"/exercises/{HUGE}", f"/reflections/{HUGE}/results",
     f"/print/sessions/{HUGE}/pack.pdf", f"/programmes/{HUGE}"],  # fmt: skip
)
def test_impossible_ids_are_simply_not_found(app, signed_in, practice, path):
    with unchanged(app):
        response = signed_in.get(path)
    assert response.status_code == 404


def test_a_huge_id_posted_to_a_delete_route_is_not_found(app, signed_in, practice):
    with unchanged(app):
        response = signed_in.post(f"/sessions/{HUGE}/delete")
    assert response.status_code == 404


@pytest.mark.parametrize("exercise_id", ["-1", HUGE, "1e3", "abc"])
def test_adding_an_exercise_that_cannot_exist_is_a_malformed_request(app, signed_in, practice, exercise_id):
    """The exercise comes from a picker, never typed: anything else is a malformed request."""
    with unchanged(app):
        response = signed_in.post(f"/sessions/{practice['session_id']}/items/exercise", data={"exercise_id": exercise_id})
    assert response.status_code == 400


# --- path traversal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/static/../instance/secret_key", "/static/%2e%2e/%2e%2e/instance/secret_key", "/static/..%2f..%2fapp.py",
     "/print/templates/..%2f..%2fetc%2fpasswd/pack.pdf", "/print/templates/%2e%2e/pack.pdf",
     "/r/..%2f..%2fadmin", "/join?code=../../etc/passwd"],  # fmt: skip
)
def test_path_traversal_reaches_nothing(app, signed_in, practice, path):
    with unchanged(app):
        response = signed_in.get(path)
    assert response.status_code in (404, 422) and response.status_code == (422 if "join" in path else 404)
    assert "secret" not in response.text.lower() or "join" in path
    assert "root:" not in response.text


def test_an_uploaded_file_name_with_traversal_names_nothing_on_disk(app, signed_in, practice, tmp_path):
    import io

    target = tmp_path / "escaped.yaml"
    with unchanged(app):
        response = signed_in.post(
            "/import", data={"file": (io.BytesIO(b"not: [valid"), f"../../../../{target}")}, content_type="multipart/form-data"
        )
    assert response.status_code == 422
    assert "nothing was saved" in response.text
    assert not target.exists()


# --- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", ["-5", HUGE, "1.5", "NaN"])
def test_impossible_agenda_minutes_are_refused_beside_the_field(app, signed_in, practice, minutes):
    url = f"/sessions/{practice['session_id']}/items/{practice['item_id']}"
    with unchanged(app):
        response = signed_in.post(url, data={"minutes": minutes, "title": "Arrival"})
    assert response.status_code == 422


@pytest.mark.parametrize(("field", "value"), [("target_minutes", "-1"), ("target_minutes", HUGE), ("group_size", HUGE)])
def test_impossible_session_numbers_are_refused(app, signed_in, practice, field, value):
    form = {"title": "Week 1", "start_time": "19:00", "target_minutes": "90", "audience": "men", field: value}
    with unchanged(app):
        response = signed_in.post(f"/sessions/{practice['session_id']}/details", data=form)
    assert response.status_code == 422


def test_a_programme_of_a_billion_weeks_is_refused(app, signed_in, practice):
    with unchanged(app):
        response = signed_in.post("/programmes/new", data={"title": "Forever", "weeks": "1000000000", "source": ""})
    assert response.status_code == 422


@pytest.mark.parametrize("value", ["-1", "0", "6", HUGE, "3.0", "³"])
def test_impossible_scale_answers_are_refused_and_nothing_is_stored(app, client, practice, value):
    with unchanged(app):
        response = answer(client, practice["code"], {practice["questions"]["scale5"]: value})
    assert response.status_code == 422


# --- participants: replays, closed and deleted forms ----------------------------------------------


def test_the_same_page_sent_twice_stores_one_response(app, client, practice):
    token = token_from(client.get(f"/r/{practice['code']}").text)
    first = answer(client, practice["code"], {practice["questions"]["word"]: "steady"}, token=token)
    assert first.status_code == 303
    with unchanged(app):
        again = answer(client, practice["code"], {practice["questions"]["word"]: "steady"}, token=token)
    assert again.status_code == 303 and again.location == first.location


def test_a_forged_or_borrowed_token_stores_nothing(app, client, practice):
    closed_code = form_code(app, practice["closed_form_id"])
    with app.app_context():
        reflections.open_now(db.session.get(ReflectionForm, practice["closed_form_id"]), utcnow())
    other_token = token_from(client.get(f"/r/{closed_code}").text)  # a real token, for another form
    with unchanged(app):
        for token in ("", "forged", other_token):
            response = answer(client, practice["code"], {practice["questions"]["word"]: "x"}, token=token)
            assert response.status_code == 400


def test_a_closed_form_is_a_kind_410_and_takes_nothing(app, client, practice):
    code = form_code(app, practice["closed_form_id"])
    with unchanged(app):
        assert client.get(f"/r/{code}").status_code == 410
        response = client.post(f"/r/{code}", data={"token": "x", "q1": "late"})
    assert response.status_code == 410


def test_a_form_not_yet_open_takes_nothing(app, client, practice):
    code = form_code(app, practice["draft_form_id"])
    with unchanged(app):
        response = client.post(f"/r/{code}", data={"token": "x"})
    assert response.status_code == 404  # a draft's code names nothing (issue 12)


def test_a_deleted_forms_qr_code_finds_nothing(app, signed_in, client, practice):
    code = form_code(app, practice["closed_form_id"])
    assert signed_in.post(f"/reflections/{practice['closed_form_id']}/delete").status_code == 302
    with unchanged(app):
        assert client.get(f"/r/{code}").status_code == 404
        assert client.post(f"/r/{code}", data={"token": "x"}).status_code == 404


def test_a_deleted_sessions_qr_code_still_reaches_its_form(app, signed_in, client, practice):
    """Deleting a session keeps its forms and what people wrote (docs/privacy.md): the poster still works."""
    assert signed_in.post(f"/sessions/{practice['session_id']}/delete").status_code == 302
    with unchanged(app):
        page = client.get(f"/r/{practice['code']}")
    assert page.status_code == 200
    assert answer(client, practice["code"], {practice["questions"]["word"]: "still"}).status_code == 303


@pytest.mark.parametrize(("kind", "value"), [("single", "Not a choice"), ("multi", "Pairs\nInjected"), ("feelings", "pwned")])
def test_answers_outside_the_choices_are_refused(app, client, practice, kind, value):
    with unchanged(app):
        response = answer(client, practice["code"], {practice["questions"][kind]: value})
    assert response.status_code == 422


# --- YAML on import -------------------------------------------------------------------------------

BILLION_LAUGHS = b"""
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
title: *i
kind: session
sessions: *i
"""


def _upload(client, content: bytes, name: str = "plan.yaml"):
    import io

    return client.post("/import", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(b"title: x\nkind: session\nitems: " + b"[" * 5000 + b"]" * 5000 + b"\n", id="5000-deep"),
        pytest.param(b"\xff\xfe\x00t\x00i\x00t\x00l\x00e", id="not-utf8"),
        pytest.param(b"title: !!binary aGVsbG8=\nkind: session\n", id="binary-tag"),
    ],
)
def test_hostile_yaml_is_refused_quickly_and_stores_nothing(app, user, practice, content):
    def upload(client):  # noqa: ANN001, ANN202
        return _upload(sign_in(client, user), content)

    with unchanged(app):
        status = in_a_child_process(app, upload)
    assert status == 422


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['touch {marker}']", "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
     "!!python/name:os.system"],  # fmt: skip
)
def test_yaml_python_tags_never_run(app, signed_in, practice, tmp_path, tag):
    marker = tmp_path / "ran"
    content = f"title: {tag.format(marker=marker)}\nkind: session\nitems: []\n".encode()
    with unchanged(app):
        response = _upload(signed_in, content)
    assert response.status_code == 422
    assert not marker.exists()
