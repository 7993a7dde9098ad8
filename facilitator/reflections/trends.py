"""Across a programme: the same question asked in several sessions, week by week.

A scale shows its average; a feelings picker or a one-word question shows how many different
words the group used, a sign of a growing emotional vocabulary. A week under k answers shows no
value, exactly as its results page would.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..planner.models import GroupSession, Programme
from .models import SCALE_TYPES, ReflectionAnswer, ReflectionForm, ReflectionQuestion

TREND_TYPES = (*SCALE_TYPES, "feelings", "word")


@dataclass(frozen=True)
class TrendPoint:
    label: str  # "Week 3"
    session_title: str
    answered: int
    value: float | None  # None: fewer than k answers


@dataclass(frozen=True)
class Trend:
    key: str
    phase: str  # "opening", "closing" or "": the same question may be asked at both ends of a session
    prompt: str
    type: str
    measure: str  # what the value is, in words
    low: float
    high: float
    points: tuple[TrendPoint, ...]


def programme_forms(programme: Programme) -> list[tuple[GroupSession, ReflectionForm]]:
    rows = db.session.execute(
        select(GroupSession, ReflectionForm)
        .join(ReflectionForm, ReflectionForm.session_id == GroupSession.id)
        .where(GroupSession.programme_id == programme.id, ReflectionForm.owner_id == programme.owner_id)
        .order_by(GroupSession.week_number, GroupSession.date, ReflectionForm.created_at)
    )
    return [(session, form) for session, form in rows]


def phase(session: GroupSession, form: ReflectionForm) -> str:
    """Whether a form is the session's opening or closing reflection, from the set it was made from."""
    for name in ("opening", "closing"):
        if form.question_set and (form.question_set == getattr(session, f"reflection_{name}") or form.question_set.startswith(name)):
            return name
    return ""


def programme_trends(programme: Programme, k: int) -> list[Trend]:
    """A trend for each question (by key and phase) asked in at least two of the programme's sessions."""
    asked: dict[tuple[str, str], list[tuple[GroupSession, ReflectionQuestion]]] = defaultdict(list)
    for session, form in programme_forms(programme):
        for question in form.questions:
            if question.type in TREND_TYPES:
                asked[(question.key, phase(session, form))].append((session, question))
    trends = []
    for (key, when), uses in asked.items():
        first = uses[0][1]
        uses = [(session, question) for session, question in uses if question.type == first.type]
        if len({session.id for session, _ in uses}) < 2:
            continue
        points = tuple(_point(session, question, k) for session, question in uses)
        if first.type in SCALE_TYPES:
            scale = first.scale_values
            trends.append(Trend(key, when, first.prompt, first.type, "average", scale[0], scale[-1], points))
        else:
            peak = max([p.value or 0 for p in points] + [5])
            trends.append(Trend(key, when, first.prompt, first.type, "different words used", 0, peak, points))
    return trends


def _point(session: GroupSession, question: ReflectionQuestion, k: int) -> TrendPoint:
    released = (ReflectionAnswer.question_id == question.id, ReflectionAnswer.released.is_(True))
    label = f"Week {session.week_number}" if session.week_number else (session.date.isoformat() if session.date else session.title)
    if question.type in SCALE_TYPES:
        numbers = list(db.session.scalars(select(ReflectionAnswer.number).where(*released)))
        value = round(statistics.fmean(numbers), 1) if len(numbers) >= k else None
        return TrendPoint(label, session.title, len(numbers), value)
    answered, distinct = db.session.execute(
        select(func.count(), func.count(func.distinct(ReflectionAnswer.text))).where(*released)
    ).one()
    return TrendPoint(label, session.title, answered, float(distinct) if answered >= k else None)
