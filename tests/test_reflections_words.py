"""A reflection form's pages speak a therapist's words: no internal key names such as 'feeling-word'."""

from __future__ import annotations

import re

from facilitator.extensions import db
from facilitator.reflections.models import ReflectionForm
from tests.conftest import sign_in
from tests.reflections_helpers import make_set_form, question_ids


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_form_page_says_how_questions_are_compared_without_their_keys(app, client, user, synced):
    form_id = make_set_form(app, user.id, "closing-weekly")
    with app.app_context():
        keys = [q.key for q in db.session.get(ReflectionForm, form_id).questions if q.key]
    assert keys
    page = sign_in(client, user).get(f"/reflections/{form_id}")
    text = visible_text(page.text)
    assert "compared week by week with the same question" in text
    for key in keys:
        assert f"“{key}”" not in page.text and f"as {key}" not in text, key
    assert "compared across weeks as" not in text


def test_the_question_page_names_the_comparison_in_plain_words(app, client, user, synced):
    form_id = make_set_form(app, user.id, "closing-weekly")
    question_id = next(iter(question_ids(app, form_id).values()))
    text = visible_text(sign_in(client, user).get(f"/reflections/{form_id}/questions/{question_id}").text)
    assert "Comparing across weeks" in text and "Name for comparing across weeks" in text
    assert "Trend key" not in text
