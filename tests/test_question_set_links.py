"""A question set decides whether one person's answers are linked; the aims check-in links none."""

from __future__ import annotations

import pytest

from facilitator.extensions import db
from facilitator.library.files import LibraryError
from facilitator.library.parse import parse_question_set
from facilitator.reflections.models import ReflectionForm
from tests.reflections_helpers import make_set_form

SET = {"slug": "s", "title": "S", "when": "opening", "questions": [{"key": "a", "type": "scale5", "prompt": "How?", "low": "Not", "high": "Very"}]}


def test_a_set_that_promises_group_totals_makes_a_form_with_no_linked_answers(app, user):
    check_in = make_set_form(app, user.id, "programme-aims-check-in")
    general = make_set_form(app, user.id, "closing-general")
    with app.app_context():
        assert not any(q.linked for q in db.session.get(ReflectionForm, check_in).questions)
        assert any(q.linked for q in db.session.get(ReflectionForm, general).questions)


def test_link_answers_must_be_true_or_false():
    assert parse_question_set(SET, "s.yaml", "s").link_answers is True
    assert parse_question_set({**SET, "link_answers": False}, "s.yaml", "s").link_answers is False
    with pytest.raises(LibraryError) as raised:
        parse_question_set({**SET, "link_answers": "sometimes"}, "s.yaml", "s")
    assert any(p.field == "link_answers" for p in raised.value.problems)
