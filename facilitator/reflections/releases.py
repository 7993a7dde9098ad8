"""Releasing answers to the facilitator: whole responses, in groups of at least k people.

The one rule that carries the anonymity of results: nothing a person sent is shown until he is
one of at least k people whose responses are released together, all at once. Every linked answer
of a released response comes out with it; the unlinked answers of the same people come out in
the same group, shuffled, carrying no link. Releasing is a step of the services (at a submit that
completes a group, and at close), never a side effect of viewing a page.

Released rows are written anew, with fresh random ids, in random order, in one transaction, and
on SQLite the write-ahead log is then checkpointed away: afterwards neither a row's key, its place
in the file nor the log says in which order people sent their answers (docs/privacy.md).
"""

from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import bindparam, delete, func, insert, select

from ..config import min_responses
from ..extensions import db
from .models import ReflectionAnswer, ReflectionForm, ReflectionQuestion, ReflectionResponse, random_id

_shuffle = random.SystemRandom().shuffle
RESPONSES, ANSWERS, FORMS = ReflectionResponse.__table__, ReflectionAnswer.__table__, ReflectionForm.__table__
# At a submit, a checkpoint waits this long for readers to move on; a busy room then gets its
# checkpoint at the next group or at close, where the checkpoint waits as long as a writer would.
SUBMIT_CHECKPOINT_WAIT_MS = 200
# The two statements every submit runs, built once (a full room sends thousands).
_LOCK_FORM = (
    select(FORMS.c.round, FORMS.c.opens_at, FORMS.c.closes_at)
    .where(FORMS.c.id == bindparam("form_id"))
    .with_for_update(key_share=True)
)
_HELD_PEOPLE = select(func.count()).where(RESPONSES.c.form_id == bindparam("form_id"), RESPONSES.c.released.is_(False))
# A form's waiting answers are found by question, through the (question_id, released) index: by
# form_id, each release read every answer the form ever had, so a full room slowed with every group.
_HELD_ANSWERS = ANSWERS.c.question_id.in_(
    select(ReflectionQuestion.__table__.c.id).where(ReflectionQuestion.__table__.c.form_id == bindparam("form_id"))
) & ANSWERS.c.released.is_(False)
_HELD_RESPONSES = (RESPONSES.c.form_id == bindparam("form_id")) & RESPONSES.c.released.is_(False)
_SELECT_HELD = select(RESPONSES.c.id, RESPONSES.c.day).where(_HELD_RESPONSES)
_SELECT_WAITING = select(ANSWERS.c.question_id, ANSWERS.c.response_id, ANSWERS.c.number, ANSWERS.c.text).where(_HELD_ANSWERS)
_DELETE_WAITING = delete(ANSWERS).where(_HELD_ANSWERS)
_DELETE_HELD = delete(RESPONSES).where(_HELD_RESPONSES)


def min_answers() -> int:
    """k: the smallest group of people released together (never below the floor)."""
    return min_responses(current_app.config["MIN_RESPONSES"])  # read each time: tests and admins change it


def lock_form(form_id: int):  # noqa: ANN201 (a Row of round, opens_at, closes_at, or None)
    """The form's round and times, locked until commit, so submits and close take turns per form.

    PostgreSQL: FOR NO KEY UPDATE (foreign-key checks of concurrent inserts are not blocked, other
    lockers are). SQLite has one writer at a time already (BEGIN IMMEDIATE).
    """
    return db.session.connection().execute(_LOCK_FORM, {"form_id": form_id}).first()


def held_people(form_id: int) -> int:
    """How many people's responses wait for a group (always fewer than k between steps)."""
    return db.session.connection().execute(_HELD_PEOPLE, {"form_id": form_id}).scalar_one()


def release_held(form_id: int) -> int:
    """Release every waiting response of a form as one group; return how many people it held.

    The caller holds the form's lock and commits. Linked answers follow their response to its new
    id; unlinked answers get new ids and no link. Rows are inserted in random order.
    """
    connection = db.session.connection()
    held = connection.execute(_SELECT_HELD, {"form_id": form_id}).all()
    if not held:
        return 0
    waiting = connection.execute(_SELECT_WAITING, {"form_id": form_id}).all()
    new_id = {row.id: random_id() for row in held}
    responses = [{"id": new_id[row.id], "form_id": form_id, "day": row.day, "released": True} for row in held]
    answers = [
        {"id": random_id(), "form_id": form_id, "question_id": row.question_id, "response_id": new_id.get(row.response_id),
         "number": row.number, "text": row.text, "released": True, "approved": False}  # fmt: skip
        for row in waiting
    ]
    _shuffle(responses)
    _shuffle(answers)
    _delete_held(form_id)
    connection.execute(insert(RESPONSES), responses)
    if answers:
        connection.execute(insert(ANSWERS), answers)
    return len(held)


def _delete_held(form_id: int) -> None:
    connection = db.session.connection()
    connection.execute(_DELETE_WAITING, {"form_id": form_id})
    connection.execute(_DELETE_HELD, {"form_id": form_id})


def finish_round(form_id: int, k: int) -> str:
    """At close: a last group if at least k people wait, else their answers are deleted unread.

    Returns "released", "deleted" or "" (nothing was waiting). The caller holds the lock and commits.
    """
    waiting = held_people(form_id)
    if waiting == 0:
        return ""
    if waiting >= k:
        release_held(form_id)
        return "released"
    _delete_held(form_id)
    return "deleted"


def forget_order_on_disk(wait_ms: int | None = None) -> None:
    """After a release or a delete has committed: move SQLite's write-ahead log into the file and
    empty it (TRUNCATE), so the log no longer holds each submit in the order it arrived.

    With `wait_ms`, readers still using the log are waited for that long at most; a checkpoint that
    cannot finish now is done by the next one. PostgreSQL: nothing to do here (docs/privacy.md).
    """
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        if wait_ms is not None:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
        try:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").all()
        finally:
            if wait_ms is not None:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={int(current_app.config['SQLITE_BUSY_TIMEOUT_MS'])}")
