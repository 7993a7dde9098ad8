"""What a participant sends: the one-time token, reading answers from the form, storing a response.

Nothing here sees the request: the view passes the form fields in, so the service cannot store
an address, a user agent or a cookie even by mistake.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..clock import random_token
from ..extensions import db
from . import releases
from .form_cache import QuestionSpec
from .models import ReflectionAnswer, ReflectionResponse, UsedSubmitToken, form_status, random_id

TEXT_LIMITS = {"word": 40, "short": 280, "long": 3000}
WORD_LIMIT = 3  # "one word" allows a short phrase: "let down", "on edge"
# Control characters other than tab and newline (PostgreSQL also refuses NUL in text).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SCALE_NUMBER = re.compile(r"[0-9]{1,2}")  # ASCII digits only: "³" and "٣" are not answers to a scale
TOKEN_SALT = "reflections-submit"


# --- the one-time token ------------------------------------------------------------------------

# Long enough for a slow evening (load the form at the start, send at the end), short enough that
# a page saved on a phone cannot be sent days later.
TOKEN_LIFETIME_SECONDS = 3 * 60 * 60


def _now_seconds() -> int:
    return int(clock.utcnow().replace(tzinfo=UTC).timestamp())


def issue_token(secret_key: str, form_id: int, round_: int = 1) -> str:
    """A signed, single-use token for one page load, bound to the form's round and dated; nothing
    about it is stored until it is spent."""
    payload = [form_id, round_, _now_seconds(), random_token(16)]
    return URLSafeSerializer(secret_key, salt=TOKEN_SALT).dumps(payload)


def token_nonce(secret_key: str, token: str, form_id: int, round_: int = 1) -> str | None:
    """The nonce of a genuine, unexpired token for this form and round, or None."""
    try:
        payload = URLSafeSerializer(secret_key, salt=TOKEN_SALT).loads(token or "")
    except BadSignature:
        return None
    if not isinstance(payload, list) or len(payload) != 4 or payload[:2] != [form_id, round_]:
        return None
    issued, nonce = payload[2], payload[3]
    if not isinstance(issued, int) or not isinstance(nonce, str):
        return None
    if not 0 <= _now_seconds() - issued <= TOKEN_LIFETIME_SECONDS:
        return None
    return nonce


def token_digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


# The submit path's statements, built once: a full room sends thousands, and building a statement
# costs more in Python than SQLite takes to run it.
_TOKENS = UsedSubmitToken.__table__
_SPEND_TOKEN = insert(_TOKENS)
_TOKEN_SPENT = select(_TOKENS.c.digest).where(_TOKENS.c.digest == bindparam("digest"))
_INSERT_RESPONSE = insert(ReflectionResponse.__table__)
_INSERT_ANSWERS = insert(ReflectionAnswer.__table__)


def token_spent(nonce: str) -> bool:
    """Whether a page's token has already sent its answers (the phone pressed Back after Send)."""
    row = db.session.connection().execute(_TOKEN_SPENT, {"digest": token_digest(nonce)}).first()
    return row is not None


# --- reading answers -------------------------------------------------------------------------


@dataclass
class ReadAnswers:
    """Answers by question id as (number, text), and a message for each field that cannot be used."""

    values: dict[int, tuple[int | None, str]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


def clean_text(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def normalise_word(text: str) -> str:
    """One-word answers are counted together: case, spacing and end punctuation do not matter."""
    # Strip edge punctuation and spaces together, so "\" 0" and "0" count as one word.
    return " ".join(clean_text(text).split()).strip(".,;:!?\"'() ").lower()


def read_answers(questions: Iterable[QuestionSpec], fields: Mapping[str, list[str]]) -> ReadAnswers:
    """Read what was sent: every question may be left out; an impossible value gets a message."""
    result = ReadAnswers()
    for question in questions:
        sent = [value for value in fields.get(f"q{question.id}", []) if value.strip()]
        if not sent:
            continue
        try:
            value = _read_one(question, sent)
        except ValueError as problem:
            result.errors[question.id] = str(problem)
        else:
            if value is not None:
                result.values[question.id] = value
    return result


def _read_one(question: QuestionSpec, sent: list[str]) -> tuple[int | None, str] | None:
    """(number, text) for one question, None when nothing is left to keep; ValueError names a problem."""
    kind = question.type
    if kind in ("scale5", "scale10"):
        digits = sent[0].strip()
        if not SCALE_NUMBER.fullmatch(digits) or int(digits) not in question.scale_values:
            low, high = question.scale_values[0], question.scale_values[-1]
            raise ValueError(f"Pick a number from {low} to {high}, or leave it blank.")
        return int(digits), ""
    if kind == "single":
        if sent[0] not in question.choices:
            raise ValueError("Pick one of the choices, or leave it blank.")
        return None, sent[0]
    if kind == "multi":
        picked = set(sent)
        if not picked <= set(question.choices):
            raise ValueError("Pick from the choices shown, or leave them all blank.")
        return None, "\n".join(choice for choice in question.choices if choice in picked)
    if kind == "feelings":
        if sent[0] not in question.feeling_words:
            raise ValueError("Pick one of the words shown, or leave it blank.")
        return None, sent[0]
    limit = TEXT_LIMITS[kind]
    text = clean_text(sent[0])
    if len(text) > limit:
        raise ValueError(f"Please keep it under {limit} characters (this has {len(text)}).")
    if kind == "word":
        text = normalise_word(text)
        if len(text.split()) > WORD_LIMIT:
            raise ValueError("One word, or a few at most, please.")
    # Only control characters or punctuation: nothing was said, so nothing is kept (nor counted towards k).
    return (None, text) if text else None


# --- storing a response --------------------------------------------------------------------


class Stored(StrEnum):
    STORED = "stored"
    SPENT = "spent"  # the token had already sent: a double tap, or a saved page sent again
    STALE = "stale"  # the form closed, or started a new round, after the page was loaded


def store_response(
    form_id: int, round_: int, questions: Iterable[QuestionSpec], values: Mapping[int, tuple[int | None, str]],
    nonce: str, day: date, now: datetime, k: int,
) -> Stored:  # fmt: skip
    """Store one response and spend its token, in one transaction; release the waiting group when
    this response completes one of k people.

    Linked answers carry the response id; unlinked answers carry nothing but their form and
    question. Every row gets a random id; the response keeps the day only.
    """
    response_id = random_id()
    rows = [
        {
            "id": random_id(), "form_id": form_id, "question_id": question.id,
            "response_id": response_id if question.linked else None,
            "number": values[question.id][0], "text": values[question.id][1],
        }  # fmt: skip
        for question in questions
        if question.id in values
    ]
    # Core inserts on the session's connection: the hot path of a full room, without ORM bookkeeping.
    connection = db.session.connection()
    try:
        # The token first: on SQLite this first write takes the database's write lock (BEGIN IMMEDIATE),
        # so the form read next cannot change before commit; PostgreSQL locks the form row itself.
        connection.execute(_SPEND_TOKEN, {"digest": token_digest(nonce), "form_id": form_id})
    except IntegrityError:
        db.session.rollback()
        return Stored.SPENT
    # The rows before the form's lock: on PostgreSQL every submit to a form waits for that lock, so
    # it is held only for the check, the count and a release. A stale page rolls the rows back.
    connection.execute(_INSERT_RESPONSE, {"id": response_id, "form_id": form_id, "day": day, "released": False})
    if rows:
        connection.execute(_INSERT_ANSWERS, [{"released": False, "approved": False, **row} for row in rows])
    form = releases.lock_form(form_id)
    if form is None or form.round != round_ or form_status(form.opens_at, form.closes_at, now) != "open":
        db.session.rollback()
        return Stored.STALE
    released = releases.held_people(form_id) >= k and releases.release_held(form_id)
    db.session.commit()
    if released:
        releases.forget_order_on_disk(wait_ms=releases.SUBMIT_CHECKPOINT_WAIT_MS)
    return Stored.STORED
