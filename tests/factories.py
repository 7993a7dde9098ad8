"""Rows owned by a given facilitator, one of each kind, for the route-walking access tests.

Every URL parameter that names an owned row (`<int:session_id>`, ...) needs an entry in
OWNED_ROW_FACTORIES, so that tests/test_access.py can prove another owner's id gives 404.
A feature that adds such a parameter adds its factory here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from facilitator.extensions import db
from facilitator.models import Exercise
from facilitator.planner.models import AgendaItem, GroupSession, Programme, SavedTemplate
from facilitator.reflections.models import ReflectionForm, ReflectionQuestion
from facilitator.reflections.codes import new_code


_numbers = itertools.count(1)


def make_custom_exercise(owner_id: int) -> Exercise:
    exercise = Exercise(
        owner_id=owner_id, slug=f"custom-{owner_id}-{next(_numbers)}", title="A private exercise", theme="listening",
        summary="Private.", minutes=10, min_minutes=5, max_minutes=15, format="pairs", group_min=2,
        group_max=20, intensity="low", stage="working", audience=["men"], materials=[],
        sections={"Purpose": "p", "Steps": "1. **Do it (10 min).** x", "Facilitator script": "s",
                  "Debrief questions": "- q?", "Safety notes": "n"},
    )  # fmt: skip
    db.session.add(exercise)
    db.session.flush()
    return exercise


def make_programme(owner_id: int) -> Programme:
    programme = Programme(owner_id=owner_id, title="Private programme")
    db.session.add(programme)
    db.session.flush()
    return programme


def make_session(owner_id: int) -> GroupSession:
    session = GroupSession(owner_id=owner_id, title="Private session", target_minutes=60)
    db.session.add(session)
    db.session.flush()
    return session


def make_item(owner_id: int) -> AgendaItem:
    item = AgendaItem(session=make_session(owner_id), position=0, kind="block", title="Private", minutes=10)
    db.session.add(item)
    db.session.flush()
    return item


def make_saved_template(owner_id: int) -> SavedTemplate:
    template = SavedTemplate(owner_id=owner_id, slug="mine", title="Mine", kind="session", yaml_text="{}")
    db.session.add(template)
    db.session.flush()
    return template


def make_reflection_form(owner_id: int) -> ReflectionForm:
    form = ReflectionForm(owner_id=owner_id, title="Private reflection", code=new_code())
    db.session.add(form)
    db.session.flush()
    return form


def make_reflection_question(owner_id: int) -> ReflectionQuestion:
    question = ReflectionQuestion(form=make_reflection_form(owner_id), position=0, key="k", type="word", prompt="One word?")
    db.session.add(question)
    db.session.flush()
    return question


# URL parameter name -> a function making a row of that kind owned by the given user.
OWNED_ROW_FACTORIES: dict[str, Callable[[int], object]] = {
    "exercise_id": make_custom_exercise,
    "programme_id": make_programme,
    "session_id": make_session,
    "item_id": make_item,
    "template_id": make_saved_template,
    "form_id": make_reflection_form,
    "question_id": make_reflection_question,
}


def make_owned_rows(owner_id: int) -> dict[str, int]:
    """One row of every kind owned by `owner_id`, by URL parameter name; commits."""
    ids = {name: factory(owner_id).id for name, factory in OWNED_ROW_FACTORIES.items()}
    db.session.commit()
    return ids


def make_shared_plan(owner_id: int, cofacilitator_id: int | None, viewer_id: int | None) -> dict[str, int]:
    """One programme of `owner_id` shared with a co-facilitator and a viewer, by URL parameter name:
    its week (with two agenda items and partner handouts), a reflection form on that week with a
    text question, and, never shared, one of the owner's exercises and templates. Commits."""
    from facilitator.models import Share

    code = new_code()  # it reads the database: before any new row is pending
    programme = make_programme(owner_id)
    week = GroupSession(
        owner_id=owner_id, title="Week one", target_minutes=60, week_number=1, partner_handouts=["partners-listening"]
    )
    programme.sessions.append(week)
    items = [AgendaItem(session=week, position=n, kind="block", title=f"Block {n}", minutes=10) for n in (0, 1)]
    form = ReflectionForm(owner_id=owner_id, title="Week one reflection", code=code, session=week)
    question = ReflectionQuestion(form=form, position=0, key="k", type="short", prompt="What stays with you?")
    db.session.add_all([week, *items, form, question])
    for user_id, role in ((cofacilitator_id, "cofacilitator"), (viewer_id, "viewer")):
        if user_id is not None:
            db.session.add(Share(programme_id=programme.id, user_id=user_id, role=role))
    exercise = make_custom_exercise(owner_id)
    db.session.flush()
    ids = {
        "programme_id": programme.id, "session_id": week.id, "item_id": items[0].id, "form_id": form.id,
        "question_id": question.id, "exercise_id": exercise.id,
        "template_id": make_saved_template(owner_id).id,
    }  # fmt: skip
    db.session.commit()
    return ids
