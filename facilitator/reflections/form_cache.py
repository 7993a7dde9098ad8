"""The form as participants see it: plain frozen data, cached in each process by the form's version.

A full room loads and sends the same form thousands of times in a few minutes. Each request then
reads one small row (the form's id, version and the facilitator's name); the questions come from
this cache until the facilitator changes something, which bumps the form's `updated_at`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import User
from .models import ReflectionForm, ReflectionQuestion, facilitator_name, form_status
from .codes import looks_like_code

CACHE_SIZE = 256
_cache: dict[tuple[int, str, datetime, int], FormSpec] = {}


@dataclass(frozen=True, eq=False)
class QuestionSpec:
    id: int
    type: str
    prompt: str
    low: str
    high: str
    choices: tuple[str, ...]
    vocabulary: Mapping[str, tuple[str, ...]]
    linked: bool
    feeling_words: frozenset[str]

    @property
    def scale_values(self) -> range:
        return range(1, 6) if self.type == "scale5" else range(0, 11)


@dataclass(frozen=True, eq=False)
class FormSpec:
    id: int
    code: str
    title: str
    intro: str
    opens_at: datetime | None
    closes_at: datetime | None
    version: datetime | None  # the form's updated_at
    round: int = 1  # a token from an earlier round cannot send (see ReflectionForm.round)
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)
    facilitator_name: str = "your facilitator"

    def status(self, now: datetime) -> str:
        return form_status(self.opens_at, self.closes_at, now)


def question_spec(question: ReflectionQuestion) -> QuestionSpec:
    return QuestionSpec(
        id=question.id, type=question.type, prompt=question.prompt, low=question.low, high=question.high,
        choices=tuple(question.choices), vocabulary={core: tuple(words) for core, words in question.vocabulary.items()},
        linked=question.linked, feeling_words=frozenset(question.feeling_words()),
    )  # fmt: skip


def form_spec(form: ReflectionForm) -> FormSpec:
    """A form as plain data (also for the facilitator's preview, uncached)."""
    return FormSpec(
        id=form.id, code=form.code, title=form.title, intro=form.intro, opens_at=form.opens_at,
        closes_at=form.closes_at, version=form.updated_at, round=form.round, questions=tuple(question_spec(q) for q in form.questions),
        facilitator_name=form.facilitator_name,
    )  # fmt: skip


# A Core query on the tables, built once: it runs on every participant request, and ORM bookkeeping
# or building the statement anew each time would cost more than the query itself.
_PUBLISHED = (
    select(ReflectionForm.id, ReflectionForm.updated_at, ReflectionForm.round, User.display_name, User.practice_name)
    .join_from(ReflectionForm.__table__, User.__table__, User.id == ReflectionForm.owner_id)
    .where(ReflectionForm.code == bindparam("code"))
)


def published_form(code: str) -> FormSpec | None:
    """The form a code names, from the cache when its version is unchanged."""
    if not looks_like_code(code):
        return None
    row = db.session.connection().execute(_PUBLISHED, {"code": code}).first()
    if row is None:
        return None
    key = (row.id, code, row.updated_at, row.round)
    spec = _cache.get(key)
    if spec is None:
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        spec = _cache[key] = form_spec(db.session.get(ReflectionForm, row.id))
    # The name is read fresh each time: a facilitator who renames himself is not cached.
    return replace(spec, facilitator_name=facilitator_name(row.display_name, row.practice_name))
