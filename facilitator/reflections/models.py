"""Reflection forms, their questions, and anonymous responses.

What a participant sends is stored so that it cannot be traced back to him: no address, no user
agent, no cookie, the day but not the time. Answer and response rows have random primary keys,
and on SQLite they are stored WITHOUT ROWID, so no hidden insertion-ordered number links the
answers one person gave. docs/privacy.md describes every column below in plain words.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db

TEXT_TYPES = ("word", "short", "long")
SCALE_TYPES = ("scale5", "scale10")
CHOICE_TYPES = ("single", "multi")
QUESTION_TYPE_LABELS = {
    "scale5": "Scale 1 to 5",
    "scale10": "Scale 0 to 10",
    "single": "One choice",
    "multi": "Several choices",
    "feelings": "Feelings picker",
    "word": "One word",
    "short": "Short text",
    "long": "Long text",
}


def random_id() -> str:
    """A primary key that says nothing about when or in which order a row was written."""
    return uuid.uuid4().hex


def form_status(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> str:
    """draft (never opened), scheduled (opens later), open, or closed."""
    if opens_at is not None and opens_at <= now and (closes_at is None or now < closes_at):
        return "open"
    if opens_at is None:
        return "draft"
    if opens_at > now and (closes_at is None or closes_at > opens_at):
        return "scheduled"
    return "closed"


def facilitator_name(display_name: str | None, practice_name: str | None) -> str:
    """How participants see who runs the group: never the sign-in name."""
    return display_name or practice_name or "your facilitator"


class ReflectionForm(db.Model):
    """A set of questions participants answer on their phones, found by its short code.

    It is open while opens_at <= now < closes_at (closes_at may be empty): opening and closing by
    hand just set these two times, so a schedule and a button press are the same thing.
    The session link is SET NULL on delete: deleting a session never destroys what people wrote;
    the facilitator deletes a form (and its answers) on purpose, with a confirmation.
    """

    __tablename__ = "reflection_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("group_sessions.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    intro: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str] = mapped_column(String(6), unique=True)
    question_set: Mapped[str] = mapped_column(String(100), default="")  # the shipped set it was made from
    opens_at: Mapped[datetime | None]  # naive UTC
    closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Each opening after a close (and each "delete all answers") starts a new round: a page loaded
    # in an earlier round cannot send, and nothing held back at a close joins a later group.
    round: Mapped[int] = mapped_column(default=1, server_default="1")
    # Answers from fewer than k people were deleted unread when the form last closed (said on the
    # results page in plain words); cleared when a new round starts.
    held_back: Mapped[bool] = mapped_column(default=False, server_default=false())

    questions: Mapped[list[ReflectionQuestion]] = relationship(
        back_populates="form", order_by="ReflectionQuestion.position", cascade="all, delete-orphan"
    )
    session = relationship("GroupSession")
    owner = relationship("User")

    @property
    def facilitator_name(self) -> str:
        return facilitator_name(self.owner.display_name, self.owner.practice_name) if self.owner else facilitator_name("", "")

    def status(self, now: datetime) -> str:
        return form_status(self.opens_at, self.closes_at, now)


class ReflectionQuestion(db.Model):
    """One question of a form; every question may be skipped."""

    __tablename__ = "reflection_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("reflection_forms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Matches the same question across a programme's sessions, for trends ("settled", "feeling-word").
    key: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(String(300))
    low: Mapped[str] = mapped_column(String(60), default="")
    high: Mapped[str] = mapped_column(String(60), default="")
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A feelings picker keeps the core feelings and finer words it was made with, so its answers
    # keep their meaning when the vocabulary sheet changes, and answering needs no library lookup.
    vocabulary: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    # Linked answers carry the response id, so an export can show one person's answers side by side.
    # Unlinked answers (the default for text) carry nothing that ties them to any other answer.
    linked: Mapped[bool] = mapped_column(default=False)

    form: Mapped[ReflectionForm] = relationship(back_populates="questions")

    @property
    def type_label(self) -> str:
        return QUESTION_TYPE_LABELS.get(self.type, self.type)

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES

    def feeling_words(self) -> set[str]:
        """Every word a feelings picker offers: the core feelings and their finer words."""
        return {*self.vocabulary, *(word for words in self.vocabulary.values() for word in words)}

    @property
    def scale_values(self) -> range:
        return range(1, 6) if self.type == "scale5" else range(0, 11)


class ReflectionResponse(db.Model):
    """One submitted form: which form, on which day, and whether it was released in a group of k.

    A waiting response is released with at least k - 1 others, all at once (releases.py); the
    released rows are written anew with fresh random ids, so their keys and places in the table
    say nothing about the order in which people sent them.
    """

    __tablename__ = "reflection_responses"
    __table_args__ = (
        Index("ix_reflection_responses_form_released", "form_id", "released"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    form_id: Mapped[int] = mapped_column(ForeignKey("reflection_forms.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    released: Mapped[bool] = mapped_column(default=False, server_default=false())


class ReflectionAnswer(db.Model):
    """One person's answer to one question.

    `released` marks answers that belong to a batch of at least k: results and the wall show only
    those. `approved` marks text answers the facilitator let onto the live wall.
    """

    __tablename__ = "reflection_answers"
    __table_args__ = (
        Index("ix_reflection_answers_question_released", "question_id", "released"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    form_id: Mapped[int] = mapped_column(ForeignKey("reflection_forms.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("reflection_questions.id", ondelete="CASCADE"))
    response_id: Mapped[str | None] = mapped_column(
        ForeignKey("reflection_responses.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int | None]  # scales
    text: Mapped[str] = mapped_column(Text, default="")  # choices (multi: one per line), words, text
    released: Mapped[bool] = mapped_column(default=False)
    approved: Mapped[bool] = mapped_column(default=False)


class UsedSubmitToken(db.Model):
    """A one-time token already spent, so a double tap on Send stores one response, not two.

    Kept as long as the form's answers exist (deleted with them): the digest is of a random nonce
    and names no response, so keeping it links nothing, while forgetting it would let a saved
    page send again.
    """

    __tablename__ = "reflection_used_tokens"
    __table_args__ = {"sqlite_with_rowid": False}

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("reflection_forms.id", ondelete="CASCADE"), index=True)
