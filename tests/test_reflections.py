"""The facilitator's side: make a form, edit its questions, open and close it, delete with confirmation."""

from __future__ import annotations

from datetime import date

from flask import render_template_string
from sqlalchemy import func, select

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.planner.models import GroupSession
from facilitator.reflections import service
from facilitator.reflections.session_links import SessionPoster, session_poster, session_reflections
from facilitator.reflections.models import (
    ReflectionAnswer,
    ReflectionForm,
    ReflectionQuestion,
    ReflectionResponse,
    UsedSubmitToken,
)
from tests.conftest import sign_in
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, question_ids


def make_session(app, owner_id: int, **fields) -> int:
    with app.app_context():
        session = GroupSession(owner_id=owner_id, title=fields.pop("title", "Week 3: listening"), **fields)
        db.session.add(session)
        db.session.commit()
        return session.id


def load_form(app, form_id: int) -> ReflectionForm | None:
    with app.app_context():
        form = db.session.get(ReflectionForm, form_id)
        if form is not None:
            form.questions  # noqa: B018  (load them while the session is open)
            db.session.expunge_all()
        return form


def test_facilitator_makes_a_form_from_the_sessions_closing_set(app, signed_in, user):
    session_id = make_session(app, user.id, reflection_closing="closing-weekly", date=date(2026, 12, 3))
    page = signed_in.get(f"/reflections/new?session_id={session_id}&question_set=closing-weekly")
    assert page.status_code == 200
    assert 'selected value="closing-weekly"' in page.text or 'value="closing-weekly" selected' in page.text
    response = signed_in.post(
        "/reflections/new", data={"title": "End of week 3", "session_id": session_id, "question_set": "closing-weekly"}
    )
    assert response.status_code == 302
    form_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    form = load_form(app, form_id)
    assert form.session_id == session_id and form.question_set == "closing-weekly"
    assert [(q.key, q.type, q.linked) for q in form.questions] == [
        ("settled", "scale5", True), ("feeling-word", "feelings", True), ("heard", "scale10", True),
        ("keep-thinking", "long", False),
    ]  # fmt: skip
    assert form.status(form.created_at) == "draft"
    show = signed_in.get(f"/reflections/{form_id}")
    assert form.code in show.text.replace(" ", "") and "<svg" in show.text
    assert f"/r/{form.code}" in show.text


def test_a_session_of_another_facilitator_cannot_be_chosen(app, signed_in, user, other_user):
    theirs = make_session(app, other_user.id)
    response = signed_in.post("/reflections/new", data={"title": "Mine", "session_id": theirs, "question_set": ""})
    assert response.status_code == 422
    assert "Not a valid choice" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReflectionForm)) == 0


def test_facilitator_writes_every_kind_of_question_by_hand_then_reorders_and_removes(app, signed_in, user):
    form_id = make_form(app, user.id, kinds=(), opened=False)
    for fields in ALL_KINDS:
        data = {"type": fields.type, "prompt": fields.prompt, "low": fields.low, "high": fields.high,
                "choices": "\n".join(fields.choices), "linking": "auto"}  # fmt: skip
        response = signed_in.post(f"/reflections/{form_id}/questions/new", data=data)
        assert response.status_code == 302, response.text
    form = load_form(app, form_id)
    assert [q.type for q in form.questions] == [f.type for f in ALL_KINDS]
    assert [q.linked for q in form.questions] == [True] * 5 + [False] * 3  # typed answers unlinked
    last = form.questions[-1]
    signed_in.post(f"/reflections/{form_id}/questions/{last.id}/move", data={"direction": "up"})
    form = load_form(app, form_id)
    assert [q.type for q in form.questions][-2:] == ["long", "short"]
    confirm = signed_in.get(f"/reflections/{form_id}/questions/{last.id}/remove")
    assert confirm.status_code == 200 and "Remove this question?" in confirm.text
    assert len(load_form(app, form_id).questions) == 8  # asking removed nothing
    signed_in.post(f"/reflections/{form_id}/questions/{last.id}/remove")
    form = load_form(app, form_id)
    assert len(form.questions) == 7 and [q.position for q in form.questions] == list(range(7))


def test_a_question_with_a_problem_is_answered_beside_the_field(app, signed_in, user):
    form_id = make_form(app, user.id, kinds=(), opened=False)
    empty = signed_in.post(f"/reflections/{form_id}/questions/new", data={"type": "word", "prompt": "", "linking": "auto"})
    assert empty.status_code == 422 and "Write the question." in empty.text
    one_choice = signed_in.post(
        f"/reflections/{form_id}/questions/new",
        data={"type": "single", "prompt": "Which?", "choices": "Only one", "linking": "auto"},
    )
    assert one_choice.status_code == 422
    assert "Give at least two choices" in one_choice.text and 'id="choices-error"' in one_choice.text
    assert "Which?" in one_choice.text  # what was typed is still there
    assert load_form(app, form_id).questions == []


def test_an_answered_question_keeps_its_kind_and_choices_but_may_be_reworded(app, signed_in, client, user):
    form_id = make_form(app, user.id)
    ids = question_ids(app, form_id)
    answer(client, form_code(app, form_id), {ids["single"]: "Quiet"})
    url = f"/reflections/{form_id}/questions/{ids['single']}"
    changed_kind = signed_in.post(url, data={"type": "word", "prompt": "What helped?", "linking": "auto"})
    assert changed_kind.status_code == 422 and "its type cannot change" in changed_kind.text
    reworded = signed_in.post(
        url, data={"type": "single", "prompt": "What helped you most?", "choices": "Listening\nTalking\nQuiet", "linking": "auto"}
    )
    assert reworded.status_code == 302
    with app.app_context():
        assert db.session.get(ReflectionQuestion, ids["single"]).prompt == "What helped you most?"


def test_unlinking_a_question_unlinks_the_answers_already_given(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=ALL_KINDS[:1])
    ids = question_ids(app, form_id)
    with app.app_context():
        db.session.get(ReflectionQuestion, ids["scale5"]).linked = True
        db.session.commit()
    answer(client, form_code(app, form_id), {ids["scale5"]: "2"})
    data = {"type": "scale5", "prompt": "How settled?", "low": "a", "high": "b", "linking": "unlinked"}
    assert signed_in.post(f"/reflections/{form_id}/questions/{ids['scale5']}", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(ReflectionAnswer.response_id)).all() == [None]


def test_facilitator_opens_closes_and_schedules_the_form(app, signed_in, client, user):
    form_id = make_form(app, user.id, opened=False)
    code = form_code(app, form_id)
    assert client.get(f"/r/{code}").status_code == 404  # a draft's code names nothing
    signed_in.post(f"/reflections/{form_id}/open")
    assert client.get(f"/r/{code}").status_code == 200
    signed_in.post(f"/reflections/{form_id}/close")
    assert client.get(f"/r/{code}").status_code == 410
    backwards = signed_in.post(
        f"/reflections/{form_id}/schedule", data={"opens_at": "2030-05-01T19:00", "closes_at": "2030-05-01T18:00"}
    )
    assert backwards.status_code == 422 and "must come after the opening time" in backwards.text
    planned = signed_in.post(f"/reflections/{form_id}/schedule", data={"opens_at": "2030-05-01T19:00", "closes_at": ""})
    assert planned.status_code == 302
    assert load_form(app, form_id).status(load_form(app, form_id).created_at) == "scheduled"
    assert "planned to open" in client.get(f"/r/{code}").text


def test_open_button_on_the_session_page_returns_there_but_never_to_another_site(app, signed_in, user):
    form_id = make_form(app, user.id, opened=False)
    back = signed_in.post(f"/reflections/{form_id}/open", data={"next": "/sessions/5"})
    assert back.location.endswith("/sessions/5")
    elsewhere = signed_in.post(f"/reflections/{form_id}/close", data={"next": "//evil.example/x"})
    assert elsewhere.location.endswith(f"/reflections/{form_id}")


def test_session_page_lists_its_forms_and_offers_the_closing_set(app, client, user):
    session_id = make_session(app, user.id, reflection_closing="closing-weekly", reflection_opening="opening-general")
    make_form(app, user.id, title="Check-out", session_id=session_id)
    sign_in(client, user)
    with app.test_request_context(f"/sessions/{session_id}"):
        from flask_login import login_user

        login_user(db.session.get(type(user), user.id))
        html = render_template_string(
            '{% include "reflections/_session_forms.html" %}', session=db.session.get(GroupSession, session_id),
            reflections=session_reflections(session_id),
        )
    assert "Check-out" in html and "● Open" in html
    assert 'name="question_set" value="closing-weekly"' in html and "Create the closing reflection form" in html
    assert 'name="question_set" value="opening-general"' in html


def test_deleting_a_session_keeps_its_forms_and_answers(app, client, user):
    session_id = make_session(app, user.id)
    form_id = make_form(app, user.id, session_id=session_id)
    answer(client, form_code(app, form_id), {question_ids(app, form_id)["word"]: "calm"})
    with app.app_context():
        db.session.delete(db.session.get(GroupSession, session_id))
        db.session.commit()
        assert db.session.get(ReflectionForm, form_id).session_id is None
        assert db.session.scalar(select(func.count()).select_from(ReflectionAnswer)) == 1


def test_deleting_all_answers_asks_first_and_keeps_the_form(app, signed_in, client, user):
    form_id = make_form(app, user.id)
    code = form_code(app, form_id)
    for _ in range(2):
        answer(client, code, {question_ids(app, form_id)["word"]: "calm"})
    confirm = signed_in.get(f"/reflections/{form_id}/delete-answers")
    assert confirm.status_code == 200 and "All 2 responses" in confirm.text and "cannot be undone" in confirm.text
    done = signed_in.post(f"/reflections/{form_id}/delete-answers")
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReflectionResponse)) == 0
        assert db.session.scalar(select(func.count()).select_from(ReflectionAnswer)) == 0
    assert client.get(f"/r/{code}").status_code == 200  # the form still works


def test_deleting_the_form_asks_first_and_its_code_stops_working(app, signed_in, client, user):
    form_id = make_form(app, user.id)
    code = form_code(app, form_id)
    answer(client, code, {question_ids(app, form_id)["word"]: "calm"})
    assert "Delete this form?" in signed_in.get(f"/reflections/{form_id}/delete").text
    assert load_form(app, form_id) is not None
    assert signed_in.post(f"/reflections/{form_id}/delete").location.endswith("/reflections/")
    assert load_form(app, form_id) is None
    assert client.get(f"/r/{code}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReflectionAnswer)) == 0


def test_preview_shows_the_participants_page_with_sending_switched_off(app, signed_in, user):
    form_id = make_form(app, user.id, opened=False)
    page = signed_in.get(f"/reflections/{form_id}/preview")
    assert page.status_code == 200
    assert "Sending is switched off" in page.text and "disabled" in page.text and "Before you start" in page.text


def test_forms_list_shows_status_code_and_responses(app, signed_in, client, user):
    form_id = make_form(app, user.id, title="Thursday check-out")
    answer(client, form_code(app, form_id), {})
    page = signed_in.get("/reflections/")
    assert page.status_code == 200
    assert "Thursday check-out" in page.text and "● Open" in page.text
    assert form_code(app, form_id)[:3] in page.text


def test_participants_see_a_reworded_question_at_once(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=ALL_KINDS[5:6])
    code, question = form_code(app, form_id), question_ids(app, form_id)["word"]
    assert "One word for tonight?" in client.get(f"/r/{code}").text  # now cached by this worker
    signed_in.post(f"/reflections/{form_id}/questions/{question}", data={"type": "word", "prompt": "One word for this evening?", "linking": "auto"})
    page = client.get(f"/r/{code}").text
    assert "One word for this evening?" in page and "One word for tonight?" not in page
    signed_in.post(f"/reflections/{form_id}/questions/new", data={"type": "short", "prompt": "Anything else?", "linking": "auto"})
    assert "Anything else?" in client.get(f"/r/{code}").text


def test_closing_a_form_keeps_spent_tokens_until_its_answers_are_deleted(app, signed_in, client, user):
    form_id = make_form(app, user.id)
    for _ in range(3):
        answer(client, form_code(app, form_id), {})
    signed_in.post(f"/reflections/{form_id}/close")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UsedSubmitToken)) == 3
        assert db.session.scalar(select(func.count()).select_from(ReflectionResponse)) == 3
    signed_in.post(f"/reflections/{form_id}/delete-answers")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UsedSubmitToken)) == 0


def test_print_packs_find_the_sessions_open_form_for_the_poster(app, user):
    session_id = make_session(app, user.id)
    with app.test_request_context("/", base_url="https://groups.example.org"):
        assert session_poster(session_id) is None
    opening = make_form(app, user.id, session_id=session_id, title="Opening")
    closing = make_form(app, user.id, session_id=session_id, title="Closing", opened=False)
    opening_code, closing_code = form_code(app, opening), form_code(app, closing)
    with app.test_request_context("/", base_url="https://groups.example.org"):
        assert session_poster(session_id) == SessionPoster(f"https://groups.example.org/r/{opening_code}", opening_code)  # the open one
        service.close_now(db.session.get(ReflectionForm, opening), utcnow())
        app.config["PUBLIC_BASE_URL"] = "https://reflect.example.org"
        assert session_poster(session_id) == SessionPoster(f"https://reflect.example.org/r/{closing_code}", closing_code)  # else the newest


def test_a_form_page_warns_when_phones_cannot_reach_its_address(app, signed_in, user):
    from tests.reflections_helpers import make_form

    form_id = make_form(app, user.id)
    local = signed_in.get(f"/reflections/{form_id}")
    assert "phones in the room cannot open it" in local.text
    app.config["PUBLIC_BASE_URL"] = "https://groups.example.org"
    public = signed_in.get(f"/reflections/{form_id}")
    assert "https://groups.example.org/r/" in public.text
    assert "phones in the room cannot open it" not in public.text
