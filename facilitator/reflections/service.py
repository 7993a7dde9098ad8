"""Reflection forms for the facilitator: make them, edit their questions, open, close, delete."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select, update

from ..clock import utcnow
from ..extensions import db
from ..library.files import QuestionSet
from . import releases
from .codes import new_code
from .models import TEXT_TYPES, ReflectionAnswer, ReflectionForm, ReflectionQuestion, ReflectionResponse, UsedSubmitToken

MAX_CHOICES = 12


class QuestionError(ValueError):
    """A question the facilitator asked for cannot be saved as it is; the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def forms_of(owner_id: int) -> list[ReflectionForm]:
    return list(
        db.session.scalars(
            select(ReflectionForm).where(ReflectionForm.owner_id == owner_id).order_by(ReflectionForm.created_at.desc())
        )
    )


def forms_for_session(session_id: int) -> list[ReflectionForm]:
    return list(
        db.session.scalars(
            select(ReflectionForm).where(ReflectionForm.session_id == session_id).order_by(ReflectionForm.created_at)
        )
    )


def response_counts(form_ids: list[int]) -> dict[int, int]:
    """How many people sent each form: for running the room, not for results."""
    if not form_ids:
        return {}
    rows = db.session.execute(
        select(ReflectionResponse.form_id, func.count())
        .where(ReflectionResponse.form_id.in_(form_ids))
        .group_by(ReflectionResponse.form_id)
    )
    return {form_id: count for form_id, count in rows}


# --- making and editing forms ----------------------------------------------------------------


def slug_key(prompt: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", prompt.lower()).strip("-").split("-")
    return "-".join(words[:5])[:60].strip("-") or "question"


def _free_key(form: ReflectionForm, wanted: str, keep: ReflectionQuestion | None = None) -> str:
    taken = {q.key for q in form.questions if q is not keep}
    key, number = wanted, 2
    while key in taken:
        key, number = f"{wanted}-{number}", number + 1
    return key


def create_form(
    owner_id: int, title: str, session_id: int | None = None, question_set: QuestionSet | None = None,
    feelings: Mapping[str, Iterable[str]] | None = None,
) -> ReflectionForm:  # fmt: skip
    """A new, not yet open form; with a question set, a copy of its questions the facilitator can edit.

    `feelings` (core feeling -> finer words) is copied into each feelings picker.
    """
    form = ReflectionForm(owner_id=owner_id, title=title.strip()[:120], session_id=session_id, code=new_code())
    if question_set is not None:
        form.question_set = question_set.slug
        form.intro = question_set.intro
        for position, question in enumerate(question_set.questions):
            form.questions.append(
                ReflectionQuestion(
                    position=position, key=question.key, type=question.type, prompt=question.prompt,
                    low=question.low, high=question.high, choices=list(question.choices),
                    linked=question_set.link_answers and question.type not in TEXT_TYPES, vocabulary=_vocabulary(question.type, feelings),
                )  # fmt: skip
            )
    db.session.add(form)
    db.session.commit()
    return form


def update_form(form: ReflectionForm, title: str, intro: str, session_id: int | None) -> None:
    form.title = title.strip()[:120]
    form.intro = intro.strip()
    form.session_id = session_id
    db.session.commit()


def local_to_utc(moment: datetime | None) -> datetime | None:
    """A time typed on the facilitator's page (the server's local time) as naive UTC for storage."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def schedule(
    form: ReflectionForm, opens_at: datetime | None, closes_at: datetime | None, now: datetime | None = None,
    k: int | None = None,
) -> None:  # fmt: skip
    """Set when the form opens and closes (naive UTC); raise ValueError when closing comes first.

    A schedule that reopens a closed form starts a new round; one that closes it finishes the round.
    """
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValueError("The closing time must come after the opening time.")
    now = now or utcnow()
    was_closed = form.status(now) == "closed"
    form.opens_at, form.closes_at = opens_at, closes_at
    db.session.flush()  # the form row is now locked: no submit slips in while the round changes
    if was_closed and form.status(now) != "closed":
        _new_round(form, k)
    elif form.status(now) == "closed":
        _finish_round(form, k)
    _commit_forgetting_order()


def _finish_round(form: ReflectionForm, k: int | None) -> None:
    """Close is final for what it holds back: a last group of k or more, else deleted unread."""
    outcome = releases.finish_round(form.id, k or releases.min_answers())
    if outcome == "deleted":
        form.held_back = True


def _new_round(form: ReflectionForm, k: int | None) -> None:
    """Reopening never releases what the last round held back: it is finished first, and pages
    loaded in the last round can no longer send."""
    _finish_round(form, k)
    form.round += 1
    form.held_back = False


def _commit_forgetting_order() -> None:
    db.session.commit()
    releases.forget_order_on_disk()


def open_now(form: ReflectionForm, now: datetime, k: int | None = None) -> None:
    """Open by hand (a closed form starts a new round); a planned closing time still in the future is kept."""
    was_closed = form.status(now) == "closed"
    form.opens_at = now
    if form.closes_at is not None and form.closes_at <= now:
        form.closes_at = None
    db.session.flush()
    if was_closed:
        _new_round(form, k)
    _commit_forgetting_order()


def close_now(form: ReflectionForm, now: datetime, k: int | None = None) -> None:
    """Close by hand: waiting answers become a last group if k people sent them, else are deleted."""
    form.closes_at = now
    if form.opens_at is None or form.opens_at > now:
        form.opens_at = now
    db.session.flush()
    _finish_round(form, k)
    _commit_forgetting_order()


@dataclass(frozen=True)
class QuestionFields:
    type: str
    prompt: str
    low: str = ""
    high: str = ""
    choices: tuple[str, ...] = ()
    key: str = ""
    linked: bool = False


def _vocabulary(kind: str, feelings: Mapping[str, Iterable[str]] | None) -> dict[str, list[str]]:
    return {core: list(words) for core, words in (feelings or {}).items()} if kind == "feelings" else {}


def has_answers(question: ReflectionQuestion) -> bool:
    return db.session.scalar(select(ReflectionAnswer.id).where(ReflectionAnswer.question_id == question.id).limit(1)) is not None


def _check(fields: QuestionFields) -> None:
    if fields.type in ("single", "multi"):
        if len(fields.choices) < 2:
            raise QuestionError("choices", "Give at least two choices, one per line.")
        if len(fields.choices) > MAX_CHOICES:
            raise QuestionError("choices", f"Keep it to {MAX_CHOICES} choices at most: a phone screen is small.")
        if len(set(fields.choices)) != len(fields.choices):
            raise QuestionError("choices", "Each choice may appear only once.")


def _apply(question: ReflectionQuestion, fields: QuestionFields, feelings: Mapping[str, Iterable[str]] | None) -> None:
    if fields.type != question.type or not question.vocabulary:
        question.vocabulary = _vocabulary(fields.type, feelings)
    question.type = fields.type
    question.prompt = fields.prompt.strip()
    is_scale = fields.type in ("scale5", "scale10")
    question.low = fields.low.strip() if is_scale else ""
    question.high = fields.high.strip() if is_scale else ""
    question.choices = list(fields.choices) if fields.type in ("single", "multi") else []
    question.linked = fields.linked


def _questions_changed(form: ReflectionForm) -> None:
    """A new version of the form, so every worker's cache of published forms reloads its questions."""
    form.updated_at = utcnow()


def add_question(
    form: ReflectionForm, fields: QuestionFields, feelings: Mapping[str, Iterable[str]] | None = None
) -> ReflectionQuestion:
    _check(fields)
    question = ReflectionQuestion(position=len(form.questions))
    _apply(question, fields, feelings)
    question.key = _free_key(form, slug_key(fields.key or fields.prompt))
    form.questions.append(question)
    _questions_changed(form)
    db.session.commit()
    return question


def update_question(
    question: ReflectionQuestion, fields: QuestionFields, feelings: Mapping[str, Iterable[str]] | None = None
) -> None:
    """Change a question; once answered, its type and choices stay, so old answers keep their meaning."""
    _check(fields)
    if has_answers(question):
        if fields.type != question.type:
            raise QuestionError("type", "This question already has answers, so its type cannot change. Add a new question instead.")
        if fields.type in ("single", "multi") and list(fields.choices) != list(question.choices):
            raise QuestionError("choices", "This question already has answers, so its choices cannot change. Add a new question instead.")
    if question.linked and not fields.linked:
        # Unlinking is kept for the answers already given, too; linking only applies from now on.
        db.session.execute(update(ReflectionAnswer).where(ReflectionAnswer.question_id == question.id).values(response_id=None))
    _apply(question, fields, feelings)
    if fields.key:
        question.key = _free_key(question.form, slug_key(fields.key), keep=question)
    _questions_changed(question.form)
    db.session.commit()


def move_question(question: ReflectionQuestion, step: int) -> None:
    """Move a question up (-1) or down (+1) in its form."""
    questions = list(question.form.questions)
    index = questions.index(question)
    target = index + step
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        for position, each in enumerate(questions):
            each.position = position
    _questions_changed(question.form)
    db.session.commit()


def remove_question(question: ReflectionQuestion) -> None:
    form = question.form
    db.session.execute(delete(ReflectionAnswer).where(ReflectionAnswer.question_id == question.id))
    form.questions.remove(question)
    db.session.delete(question)
    for position, each in enumerate(form.questions):
        each.position = position
    _questions_changed(form)
    db.session.commit()


def delete_responses(form: ReflectionForm) -> int:
    """Delete every answer to a form and its spent tokens; the form and questions stay.

    A new round starts, so a page loaded before the delete (or its spent token) cannot send.
    """
    form.round += 1
    form.held_back = False
    db.session.flush()
    count = db.session.scalar(select(func.count()).select_from(ReflectionResponse).where(ReflectionResponse.form_id == form.id))
    for model in (ReflectionAnswer, ReflectionResponse, UsedSubmitToken):
        db.session.execute(delete(model).where(model.form_id == form.id))
    _commit_forgetting_order()
    return count or 0


def delete_form(form: ReflectionForm) -> None:
    delete_responses(form)
    db.session.delete(form)
    db.session.commit()
