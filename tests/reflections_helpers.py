"""Shared steps for the reflections tests: make a form, answer it as a participant would."""

from __future__ import annotations

import re
from datetime import date

from facilitator.library import shipped
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.planner.models import GroupSession
from facilitator.reflections import service
from facilitator.reflections.models import ReflectionForm
from facilitator.reflections.service import QuestionFields

ALL_KINDS = (
    QuestionFields("scale5", "How settled do you feel?", low="Stirred up", high="Very settled"),
    QuestionFields("scale10", "How heard did you feel?", low="Not at all", high="Completely"),
    QuestionFields("single", "What helped most?", choices=("Listening", "Talking", "Quiet")),
    QuestionFields("multi", "What would you like more of?", choices=("Pairs", "Whole group", "Breaks")),
    QuestionFields("feelings", "Which word fits how you feel?"),
    QuestionFields("word", "One word for tonight?"),
    QuestionFields("short", "One thing you noticed?"),
    QuestionFields("long", "Anything to keep thinking about?"),
)


def make_form(app, owner_id: int, kinds=ALL_KINDS, opened: bool = True, title: str = "Closing round", session_id=None) -> int:
    """A form with one question of each kind (or the given ones), open unless asked otherwise."""
    with app.app_context():
        form = service.create_form(owner_id, title, session_id=session_id)
        for fields in kinds:
            service.add_question(form, fields, shipped.library().feelings())
        if opened:
            service.open_now(form, utcnow())
        return form.id


def make_set_form(app, owner_id: int, slug: str = "closing-weekly", session_id=None) -> int:
    with app.app_context():
        library = shipped.library()
        form = service.create_form(owner_id, "From the set", session_id, library.question_sets[slug], library.feelings())
        service.open_now(form, utcnow())
        return form.id


def form_code(app, form_id: int) -> str:
    with app.app_context():
        return db.session.get(ReflectionForm, form_id).code


def question_ids(app, form_id: int) -> dict[str, int]:
    """Question ids by type (first of each type) and by key."""
    with app.app_context():
        form = db.session.get(ReflectionForm, form_id)
        ids = {}
        for question in form.questions:
            ids.setdefault(question.type, question.id)
            ids.setdefault(question.key, question.id)
        return ids


def token_from(html: str) -> str:
    match = re.search(r'name="token" value="([^"]*)"', html)
    assert match, "the form has no one-time token"
    return match.group(1)


def answer(client, code: str, answers: dict[int, object], token: str | None = None, **kwargs):
    """Load the form like a phone, then send the answers (question id -> value or list)."""
    if token is None:
        page = client.get(f"/r/{code}")
        assert page.status_code == 200, page.status_code
        token = token_from(page.text)
    data = {"token": token}
    for question_id, value in answers.items():
        data[f"q{question_id}"] = value
    return client.post(f"/r/{code}", data=data, **kwargs)


def make_week(app, owner_id: int, programme_id: int, week: int) -> int:
    """A programme's week with the weekly closing set, dated in January 2026."""
    with app.app_context():
        session = GroupSession(owner_id=owner_id, programme_id=programme_id, week_number=week, title=f"Week {week}",
                               date=date(2026, 1, week), reflection_closing="closing-weekly")  # fmt: skip
        db.session.add(session)
        db.session.commit()
        return session.id
