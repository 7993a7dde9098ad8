"""Across a programme: the same question asked in several sessions, week by week, and a scale's
answers in the first week set beside the last week's.

A scale shows its average; a feelings picker or a one-word question shows how many different
words the group used, a sign of a growing emotional vocabulary. A week under k answers shows no
value, exactly as its results page would.

Start and end compares two groups of answers, never people: the forms are anonymous and nothing
links one person's answer in week 1 to theirs in week 6, so the counts are read per week, each
from that week's released answers alone.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..library.files import QuestionSet
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
    label = _week_label(session)
    if question.type in SCALE_TYPES:
        numbers = list(db.session.scalars(select(ReflectionAnswer.number).where(*released)))
        value = round(statistics.fmean(numbers), 1) if len(numbers) >= k else None
        return TrendPoint(label, session.title, len(numbers), value)
    answered, distinct = db.session.execute(
        select(func.count(), func.count(func.distinct(ReflectionAnswer.text))).where(*released)
    ).one()
    return TrendPoint(label, session.title, answered, float(distinct) if answered >= k else None)


def _week_label(session: GroupSession) -> str:
    return f"Week {session.week_number}" if session.week_number else (session.date.isoformat() if session.date else session.title)


# --- start and end -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EndOfProgramme:
    """One end of a start-and-end comparison: the group's answers in that week, counted per scale point."""

    label: str  # "Week 1"
    session_title: str
    counts: tuple[int, ...]  # people per scale point, lowest point first
    answered: int
    average: float  # rounded to one decimal, as it is shown


@dataclass(frozen=True)
class StartEnd:
    key: str
    phase: str
    prompt: str
    type: str
    low: str  # the words of the scale's ends
    high: str
    scale: tuple[int, ...]
    hoped_for: str  # "higher" or "lower"
    start_label: str
    end_label: str
    start: EndOfProgramme | None  # both None when either end has fewer than k answers
    end: EndOfProgramme | None
    short: tuple[str, ...]  # the weeks with fewer than k answers

    @property
    def shown(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def hoped_for_words(self) -> str:
        return self.high if self.hoped_for == "higher" else self.low

    @property
    def change(self) -> str:
        """The move of the group's average in plain words, judged against the hoped-for end."""
        if self.start is None or self.end is None:
            return ""
        before, after, top = self.start.average, self.end.average, self.scale[-1]
        if after == before:
            return f"The group’s average stayed at {before:.1f} of {top}."
        rose = after > before
        towards = self.high if rose else self.low
        hoped = rose == (self.hoped_for == "higher")
        return (
            f"The group’s average moved from {before:.1f} to {after:.1f} of {top}, towards \u2018{towards}\u2019, "
            f"{'the hoped-for end' if hoped else 'away from the hoped-for end'}."
        )


def _week_order(session: GroupSession) -> tuple:
    return (session.week_number is None, session.week_number or 0, session.date or date.max, session.id)


def start_and_end(programme: Programme, k: int, question_sets: Mapping[str, QuestionSet]) -> list[StartEnd]:
    """Each scale asked (same key and phase) in both the programme's first and its last week.

    `question_sets` are the library's, read for each question's hoped-for direction (higher
    unless the set says otherwise). Either end under k answers hides both ends: one end alone
    would invite the comparison the threshold is there to prevent.
    """
    weeks = sorted(programme.sessions, key=_week_order)
    if len(weeks) < 2:
        return []
    first, last = weeks[0], weeks[-1]
    asked: dict[int, dict[tuple[str, str], tuple[ReflectionForm, ReflectionQuestion]]] = {first.id: {}, last.id: {}}
    for session, form in programme_forms(programme):
        if session.id in asked:
            for question in form.questions:
                if question.type in SCALE_TYPES:
                    asked[session.id].setdefault((question.key, phase(session, form)), (form, question))
    compared = []
    for (key, when), (start_form, start) in asked[first.id].items():
        if (key, when) not in asked[last.id] or asked[last.id][(key, when)][1].type != start.type:
            continue
        end_form, end = asked[last.id][(key, when)]
        hoped_for = _hoped_for(question_sets, key, start_form.question_set, end_form.question_set)
        ends = (_end(first, start), _end(last, end))
        short = tuple(side.label for side in ends if side.answered < k)
        scale = tuple(start.scale_values)
        shown = (None, None) if short else ends
        compared.append(
            StartEnd(key, when, end.prompt, start.type, end.low, end.high, scale, hoped_for,
                     ends[0].label, ends[1].label, *shown, short)  # fmt: skip
        )
    return compared


def _hoped_for(question_sets: Mapping[str, QuestionSet], key: str, *slugs: str) -> str:
    for slug in slugs:
        for question in question_sets[slug].questions if slug in question_sets else ():
            if question.key == key:
                return question.hoped_for
    return "higher"


def _end(session: GroupSession, question: ReflectionQuestion) -> EndOfProgramme:
    """Released answers only, counted per scale point: no answer row or response id leaves the database."""
    rows = db.session.execute(
        select(ReflectionAnswer.number, func.count())
        .where(ReflectionAnswer.question_id == question.id, ReflectionAnswer.released.is_(True))
        .group_by(ReflectionAnswer.number)
    )
    per_point = {number: count for number, count in rows if number is not None}
    counts = tuple(per_point.get(point, 0) for point in question.scale_values)
    answered = sum(counts)
    total = sum(point * count for point, count in zip(question.scale_values, counts))
    average = round(total / answered, 1) if answered else 0.0
    return EndOfProgramme(_week_label(session), session.title, counts, answered, average)
