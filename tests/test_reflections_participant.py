"""The participant's side: join by code, answer on a phone, thank-you page; closed, unknown, double tap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.reflections import service
from facilitator.reflections.models import ReflectionAnswer, ReflectionForm, ReflectionResponse
from tests.reflections_helpers import answer, form_code, make_form, make_set_form, question_ids, token_from


def count(app, model, form_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(model.form_id == form_id))


def test_participant_types_the_code_in_any_case_and_reaches_the_form(app, client, user):
    code = form_code(app, make_form(app, user.id))
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    response = client.get("/join", query_string={"code": typed})
    assert response.status_code == 302
    assert response.location.endswith(f"/r/{code}")
    page = client.get(response.location)
    assert page.status_code == 200
    assert "Before you start" in page.text


def test_a_mistyped_code_is_answered_beside_the_field(app, client, user):
    make_form(app, user.id)
    malformed = client.get("/join", query_string={"code": "12"})
    assert malformed.status_code == 422
    assert 'aria-invalid="true"' in malformed.text and "6 letters and numbers" in malformed.text
    unknown = client.get("/join", query_string={"code": "AAAAAA"})
    assert unknown.status_code == 404
    assert "No form has this code" in unknown.text
    assert 'value="AAAAAA"' in unknown.text  # what was typed stays in the field


def test_unknown_code_is_a_404_in_the_participant_look(client, user):
    response = client.get("/r/AAAAAA")
    assert response.status_code == 404
    assert "We could not find that form" in response.text
    assert "public.css" in response.text and "app.css" not in response.text


def test_closed_form_is_a_kind_410_and_takes_no_answers(app, client, user):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    token = token_from(client.get(f"/r/{code}").text)
    with app.app_context():
        service.close_now(db.session.get(ReflectionForm, form_id), utcnow())
    page = client.get(f"/r/{code}")
    assert page.status_code == 410
    assert "This form has closed" in page.text and "Samaritans" in page.text
    late = answer(client, code, {ids["word"]: "late"}, token=token)
    assert late.status_code == 410
    assert "could not be sent" in late.text
    assert count(app, ReflectionResponse, form_id) == 0


def test_form_not_yet_open_says_so_and_a_scheduled_one_opens_by_itself(app, client, user):
    form_id = make_form(app, user.id, opened=False)
    code = form_code(app, form_id)
    draft = client.get(f"/r/{code}")
    assert draft.status_code == 404 and "We could not find that form" in draft.text  # a draft names nothing
    with app.app_context():
        form = db.session.get(ReflectionForm, form_id)
        service.schedule(form, utcnow() - timedelta(minutes=1), utcnow() + timedelta(hours=1))
    assert client.get(f"/r/{code}").status_code == 200
    with app.app_context():
        form = db.session.get(ReflectionForm, form_id)
        service.schedule(form, utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1))
    assert client.get(f"/r/{code}").status_code == 410


def test_double_tap_on_send_stores_one_response(app, client, user):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    token = token_from(client.get(f"/r/{code}").text)
    first = answer(client, code, {ids["scale5"]: "4", ids["word"]: "calm"}, token=token)
    second = answer(client, code, {ids["scale5"]: "4", ids["word"]: "calm"}, token=token)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location and first.location.endswith(f"/r/{code}/thanks")
    assert count(app, ReflectionResponse, form_id) == 1
    assert count(app, ReflectionAnswer, form_id) == 2
    # A fresh page load gives a fresh token: a second person on the same phone is a second response.
    assert answer(client, code, {ids["word"]: "tired"}).status_code == 303
    assert count(app, ReflectionResponse, form_id) == 2


def test_a_token_for_another_form_or_a_forged_one_is_refused_without_losing_answers(app, client, user):
    form_id, other_id = make_form(app, user.id), make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    other_token = token_from(client.get(f"/r/{form_code(app, other_id)}").text)
    for token in (other_token, "forged", ""):
        response = answer(client, code, {ids["short"]: "kept for a second try"}, token=token)
        assert response.status_code == 400
        assert "please press Send again" in response.text
        assert "kept for a second try" in response.text
        assert token_from(response.text) not in ("", "forged", other_token)
    assert count(app, ReflectionResponse, form_id) == 0


def test_every_question_may_be_skipped_even_all_of_them(app, client, user):
    form_id = make_form(app, user.id)
    code = form_code(app, form_id)
    assert answer(client, code, {}).status_code == 303
    assert count(app, ReflectionResponse, form_id) == 1
    assert count(app, ReflectionAnswer, form_id) == 0


def test_each_kind_of_answer_is_stored_as_given(app, client, user):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    sent = {
        ids["scale5"]: "5", ids["scale10"]: "0", ids["single"]: "Quiet", ids["multi"]: ["Breaks", "Pairs"],
        ids["feelings"]: "let down", ids["word"]: "  Worn  Out! ", ids["short"]: "a\x00b", ids["long"]: "line one\r\nline two",
    }  # fmt: skip
    assert answer(client, code, sent).status_code == 303
    with app.app_context():
        stored = {a.question_id: (a.number, a.text) for a in db.session.scalars(select(ReflectionAnswer))}
    assert stored == {
        ids["scale5"]: (5, ""), ids["scale10"]: (0, ""), ids["single"]: (None, "Quiet"),
        ids["multi"]: (None, "Pairs\nBreaks"), ids["feelings"]: (None, "let down"), ids["word"]: (None, "worn out"),
        ids["short"]: (None, "ab"), ids["long"]: (None, "line one\nline two"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("scale5", "6", "Pick a number from 1 to 5"),
        ("scale10", "ten", "Pick a number from 0 to 10"),
        ("single", "Shouting", "Pick one of the choices"),
        ("multi", ["Pairs", "Karaoke"], "Pick from the choices shown"),
        ("feelings", "meh", "Pick one of the words shown"),
        ("word", "this is far more than one word", "One word, or a few at most"),
        ("short", "x" * 281, "under 280 characters"),
    ],
)
def test_an_impossible_answer_is_named_beside_its_question_and_nothing_is_lost(app, client, user, kind, value, message):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    response = answer(client, code, {ids[kind]: value, ids["long"]: "my long thoughts"})
    assert response.status_code == 422
    assert message in response.text
    assert f'id="q{ids[kind]}-error"' in response.text
    assert "my long thoughts" in response.text  # the rest of what was typed is still there
    assert count(app, ReflectionResponse, form_id) == 0


def test_participant_pages_set_no_cookie_and_load_no_script(app, client, user):
    code = form_code(app, make_form(app, user.id))
    ids = question_ids(app, make_form(app, user.id))
    pages = [client.get("/join"), client.get(f"/r/{code}"), client.get(f"/r/{code}/thanks"), client.get("/r/AAAAAA")]
    pages.append(answer(client, code, {}))
    pages.append(answer(client, code, {ids["scale5"]: "9"}))
    for page in pages:
        assert "Set-Cookie" not in page.headers
        assert "<script" not in page.text
        assert page.headers["Cache-Control"] == "no-store"


def test_form_page_weighs_under_50_kb_with_its_stylesheet(app, client, user, synced):
    code = form_code(app, make_set_form(app, user.id, "closing-weekly"))
    page = client.get(f"/r/{code}")
    stylesheet = client.get("/static/css/public.css")
    weight = len(page.data) + len(stylesheet.data)
    stylesheet.close()
    assert weight < 50 * 1024, weight
    assert "Sad" in page.text and "disappointed" in page.text  # the feelings picker is all there


def test_thank_you_page_shows_support_to_everyone_without_the_practices_checked_dates(app, client, user):
    """When a line was last checked is the practice's bookkeeping (the admin's support lines page
    shows it); a participant sees who to call."""
    app.config["SUPPORT_RESOURCES"] = [
        {"name": "Local mens line", "contact": "Call 0100 200 300", "purpose": "Talk it through", "checked": "2026-10-01"}
    ]
    code = form_code(app, make_form(app, user.id))
    for path in (f"/r/{code}/thanks", f"/r/{code}"):
        page = client.get(path, follow_redirects=True)
        assert page.status_code == 200, path
        assert "Local mens line" in page.text and "Call 0100 200 300" in page.text, path
        assert "2026-10-01" not in page.text and "Checked" not in page.text, path
    assert "nobody can contact you because of them" in page.text


def test_the_note_says_what_is_kept_and_who_sees_it(app, client, make_user):
    facilitator = make_user("s.login-7", display_name="Sam")
    app.config["MIN_RESPONSES"] = 4
    page = client.get(f"/r/{form_code(app, make_form(app, facilitator.id))}").text
    assert "Anonymous." in page and "Every question is optional" in page
    assert "Sam, without your name" in page
    assert "at least 4 people" in page
    assert "s.login-7" not in page  # the sign-in name is never shown


def test_rate_limit_counts_per_form_and_address_so_a_shared_wifi_still_works(app, user):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["SUBMIT_RATE_LIMIT"] = "3 per minute"
    from facilitator.extensions import limiter

    limiter.init_app(app)  # pick up the enabled flag, as a fresh app with these settings would
    first, second = make_form(app, user.id), make_form(app, user.id)
    venue, home = app.test_client(), app.test_client()
    venue_address = {"environ_base": {"REMOTE_ADDR": "198.51.100.20"}}
    for _ in range(3):
        assert answer(venue, form_code(app, first), {}, **venue_address).status_code == 303
    blocked = answer(venue, form_code(app, first), {}, **venue_address)
    assert blocked.status_code == 429
    assert "Please wait a moment" in blocked.text
    # The same address on another form, and another address on this form, are not held back.
    assert answer(venue, form_code(app, second), {}, **venue_address).status_code == 303
    assert answer(home, form_code(app, first), {}, environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 303
    assert count(app, ReflectionResponse, first) == 4


def test_an_answer_of_only_invisible_characters_counts_as_skipped(app, client, user):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    sent = {ids["short"]: "\x1b\x00", ids["word"]: "...", ids["scale5"]: "³"}
    response = answer(client, code, sent)
    assert response.status_code == 422 and "Pick a number from 1 to 5" in response.text  # "³" is no answer
    del sent[ids["scale5"]]
    assert answer(client, code, sent).status_code == 303
    assert count(app, ReflectionResponse, form_id) == 1
    assert count(app, ReflectionAnswer, form_id) == 0  # nothing said, nothing counted towards k


def test_the_poster_address_typed_in_lower_case_or_with_a_space_finds_the_form(app, client, user):
    from tests.reflections_helpers import form_code, make_form

    code = form_code(app, make_form(app, user.id))
    for typed in (code.lower(), f"{code[:3]} {code[3:]}", f"{code[:3]}-{code[3:].lower()}"):
        response = client.get(f"/r/{typed}")
        assert response.status_code == 301
        assert response.location.endswith(f"/r/{code}")
    assert client.get("/r/nonsense-code").status_code == 404

