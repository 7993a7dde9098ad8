"""Sessions and programmes as plain data for print templates, from the database or from library files.

Templates never see ORM objects: a PDF is made from these frozen dataclasses alone, so the same
templates serve a facilitator's planned session and a shipped template rendered from the shell.
Markdown stays as written here; templates pass it through the `markdown` filter (markdown-it + nh3).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from ..library.files import Library, SessionSpec, Template
from ..planner.models import GroupSession, Programme
from ..planner.timing import parse_clock, schedule

WELCOME = (
    "Thank you for coming. This group is a place to slow down, notice what is going on inside, "
    "and hear how other people live with the same things. Nobody is asked to share more than they "
    "choose: listening is taking part too."
)
GROUP_AGREEMENTS = (
    "What is said here stays here. Take home what you learned, not who said it.",
    "Speak for yourself: \u201cI\u201d rather than \u201cyou\u201d or \u201cwe men\u201d.",
    "Anyone may pass, at any time, without giving a reason.",
    "Listen to understand. No fixing, advising or judging unless someone asks for it.",
    "Phones away, unless you need to be reachable.",
    "Look after yourself: step out when you need to, and tell the facilitator if something has stirred you up.",
)
SECTION_HEADING = re.compile(r"^## +(.+)$", re.MULTILINE)
LEADING_TITLE = re.compile(r"\A\s*# +[^\n]*\n")
AUDIENCE_LABELS = {"men": "Men's group", "couples": "Couples", "mixed": "Mixed group"}


@dataclass(frozen=True)
class PrintExercise:
    slug: str
    title: str
    summary: str
    minutes: int
    format: str
    intensity: str
    grounding: bool
    materials: tuple[str, ...]
    source: str
    licence: str
    worksheet: bool
    sections: Mapping[str, str] = field(default_factory=dict, hash=False)

    def section(self, name: str) -> str:
        return self.sections.get(name, "")

    @property
    def participant(self) -> str:
        return self.section("Participant handout")


@dataclass(frozen=True)
class PrintHandout:
    slug: str
    title: str
    kind: str
    summary: str
    body: str

    @property
    def for_facilitator(self) -> bool:
        """A sheet the facilitator reads rather than gives out (its summary says so first)."""
        return self.summary.startswith("For the facilitator")

    @property
    def kind_label(self) -> str:
        """The line above a printed sheet's title."""
        return "For the facilitator" if self.for_facilitator else SHEET_KIND_LABELS.get(self.kind, "Handout")

    @property
    def sheet_body(self) -> str:
        """The body without its own leading `# ` heading: a printed sheet shows the title above it."""
        return LEADING_TITLE.sub("", self.body, count=1)

    @property
    def parts(self) -> tuple[str, list[tuple[str, str]]]:
        """The text before the first `## ` heading, then (heading, text) for each heading."""
        chunks = SECTION_HEADING.split(self.body)
        return chunks[0], [(chunks[i].strip(), chunks[i + 1]) for i in range(1, len(chunks) - 1, 2)]


@dataclass(frozen=True)
class AgendaLine:
    kind: str  # exercise | break | block
    title: str
    minutes: int
    start: str
    end: str
    note: str = ""
    pinned: bool = False
    exercise: PrintExercise | None = None


@dataclass(frozen=True)
class PrintSession:
    title: str
    programme_title: str
    week: int | None
    weeks: int | None
    theme: str
    summary: str
    date: date | None
    start_time: str
    target_minutes: int
    audience: str
    group_size: int | None
    room_notes: str
    reflection_opening: str  # question set titles, for the run sheet's reminders
    reflection_closing: str
    agenda: tuple[AgendaLine, ...]
    take_home: PrintHandout | None
    partner_handouts: tuple[PrintHandout, ...]
    poster: Mapping[str, Any] | None = None  # a reflection form's poster data, when one exists

    @property
    def participant_agenda(self) -> tuple[AgendaLine, ...]:
        """The plan as the group sees it: an item of 0 minutes is a note for the facilitator (such as
        the intake conversations before week 1), so it stays on the run sheet only."""
        return tuple(line for line in self.agenda if line.minutes > 0)

    @property
    def exercises(self) -> list[PrintExercise]:
        return [line.exercise for line in self.agenda if line.exercise is not None]

    @property
    def participant_exercises(self) -> list[PrintExercise]:
        return [exercise for exercise in self.exercises if exercise.participant.strip()]

    @property
    def materials(self) -> list[str]:
        """Every exercise's materials once, in agenda order, each starting with a capital for the checklist."""
        items = (item.strip() for exercise in self.exercises for item in exercise.materials)
        return list(dict.fromkeys(item[:1].upper() + item[1:] for item in items if item))

    @property
    def end_time(self) -> str:
        return self.agenda[-1].end if self.agenda else self.start_time

    @property
    def total_minutes(self) -> int:
        return (parse_clock(self.end_time) - parse_clock(self.start_time)) % (24 * 60)

    @property
    def kicker(self) -> str:
        """The line above the title: which week of which programme, or the kind of group."""
        if self.week and self.programme_title:
            of = f" of {self.weeks}" if self.weeks else ""
            return f"{self.programme_title} \u00b7 week {self.week}{of}"
        return self.programme_title or AUDIENCE_LABELS.get(self.audience, "")

    @property
    def when(self) -> str:
        """'Tuesday 3 March 2026, 19:00 to 21:00', or the times alone for an undated plan."""
        times = f"{self.start_time} to {self.end_time}"
        return f"{long_date(self.date)}, {times}" if self.date else times


@dataclass(frozen=True)
class PrintProgramme:
    title: str
    summary: str
    audience: str
    group_size: int | None
    sessions: tuple[PrintSession, ...]


def long_date(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def exercise_data(exercise: Any) -> PrintExercise:
    """A library file's exercise or a database row (both carry the same fields) as print data."""
    return PrintExercise(
        slug=exercise.slug, title=exercise.title, summary=exercise.summary, minutes=exercise.minutes,
        format=exercise.format, intensity=exercise.intensity, grounding=bool(exercise.grounding),
        materials=tuple(exercise.materials or ()), source=exercise.source or "", licence=exercise.licence or "",
        worksheet=bool(exercise.worksheet), sections=MappingProxyType(dict(exercise.sections or {})),
    )  # fmt: skip


def handout_data(library: Library, slug: str) -> PrintHandout | None:
    handout = library.handouts.get(slug) if slug else None
    if handout is None:
        return None
    return PrintHandout(handout.slug, handout.title, handout.kind, handout.summary, handout.body)


# The shipped sheets a facilitator prints on their own, in the order a group needs them: what comes
# before the group (the intake guide, the information sheet for a man thinking of joining), then
# the vocabulary sheet, the partner sheets and the weekly practice.
SHEET_GROUPS = (
    ("info", "Before the group"),
    ("vocabulary", "Feelings vocabulary"),
    ("partners", "For partners"),
    ("practice", "Take-home practice"),
)
SHEET_KIND_LABELS = {"info": "Information sheet", "vocabulary": "Feelings vocabulary",
                     "partners": "For partners", "practice": "Take-home practice"}  # fmt: skip


def sheet_groups(library: Library) -> list[tuple[str, list[PrintHandout]]]:
    """Every shipped handout as (group heading, sheets), groups in SHEET_GROUPS order. Information
    sheets for the facilitator ("For the facilitator." in their summary) come before the ones given
    to a man, so the intake guide leads; the practice sheets follow their weeks."""
    groups = []
    for kind, heading in SHEET_GROUPS:
        sheets = [handout_data(library, h.slug) for h in library.handouts.values() if h.kind == kind]
        sheets.sort(key=lambda h: (not h.for_facilitator, library.handouts[h.slug].week or 0, h.title))
        if sheets:
            groups.append((heading, sheets))
    return groups


def vocabulary_handout(library: Library) -> PrintHandout | None:
    """The shipped feelings vocabulary sheet (the handout of kind `vocabulary`)."""
    slug = next((h.slug for h in library.handouts.values() if h.kind == "vocabulary"), "")
    return handout_data(library, slug)


@dataclass(frozen=True)
class _Timed:
    minutes: int
    pin: str


def _draft(kind: str, title: str, minutes: int, note: str, pin: str, exercise: PrintExercise | None) -> AgendaLine:
    # The pin itself rides in `start` until _resolve() turns it into clock times.
    return AgendaLine(kind, title, minutes, pin, "", note or "", bool(pin), exercise)


def _resolve(start_time: str, drafts: list[AgendaLine]) -> tuple[AgendaLine, ...]:
    slots = schedule(start_time, [_Timed(d.minutes, d.start if d.pinned else "") for d in drafts])
    return tuple(
        AgendaLine(d.kind, d.title, d.minutes, s.start_clock, s.end_clock, d.note, d.pinned, d.exercise)
        for d, s in zip(drafts, slots, strict=True)
    )


def _line_title(kind: str, title: str, exercise: PrintExercise | None) -> str:
    if exercise is not None:
        return exercise.title
    return title or ("Break" if kind == "break" else "Open time")


def session_data(
    session: GroupSession, library: Library, *, weeks: int | None = None, poster: Mapping | None = None
) -> PrintSession:
    """A planned session from the database, with its agenda's clock times."""
    drafts = []
    for item in session.items:
        exercise = exercise_data(item.exercise) if item.kind == "exercise" and item.exercise else None
        drafts.append(_draft(item.kind, _line_title(item.kind, item.title, exercise), item.minutes, item.note,
                             item.pin, exercise))  # fmt: skip
    programme = session.programme
    return PrintSession(
        title=session.title, programme_title=programme.title if programme else "",
        week=session.week_number if programme else None, weeks=weeks, theme=session.theme,
        summary=getattr(session, "summary", "") or "", date=session.date, start_time=session.start_time,
        target_minutes=session.target_minutes, audience=session.audience, group_size=session.group_size,
        room_notes=session.room_notes or "",
        reflection_opening=_question_set_title(library, session.reflection_opening),
        reflection_closing=_question_set_title(library, session.reflection_closing),
        agenda=_resolve(session.start_time, drafts), take_home=handout_data(library, session.take_home),
        partner_handouts=_handouts(library, session.partner_handouts or ()), poster=poster,
    )  # fmt: skip


def programme_data(programme: Programme, library: Library, posters: Mapping[int, Mapping] | None = None) -> PrintProgramme:
    posters = posters or {}
    weeks = len(programme.sessions)
    sessions = tuple(session_data(s, library, weeks=weeks, poster=posters.get(s.id)) for s in programme.sessions)
    return PrintProgramme(programme.title, programme.summary or "", programme.audience, programme.group_size, sessions)


def spec_session_data(
    spec: SessionSpec, library: Library, *, programme_title: str = "", week: int | None = None, weeks: int | None = None
) -> PrintSession:
    """One session of a library template, as it would print before anyone plans it."""
    drafts = []
    for item in spec.items:
        exercise_file = library.exercises.get(item.exercise) if item.kind == "exercise" else None
        exercise = exercise_data(exercise_file) if exercise_file else None
        minutes = item.minutes if item.minutes is not None else (exercise.minutes if exercise else 0)
        drafts.append(_draft(item.kind, _line_title(item.kind, item.title, exercise), minutes, item.note, item.pin,
                             exercise))  # fmt: skip
    return PrintSession(
        title=spec.title, programme_title=programme_title, week=week, weeks=weeks, theme=spec.theme,
        summary=spec.summary, date=None, start_time=spec.start_time, target_minutes=spec.target_minutes,
        audience=spec.audience, group_size=spec.group_size, room_notes="",
        reflection_opening=_question_set_title(library, spec.reflection_opening),
        reflection_closing=_question_set_title(library, spec.reflection_closing),
        agenda=_resolve(spec.start_time, drafts), take_home=handout_data(library, spec.take_home),
        partner_handouts=_handouts(library, spec.partner_handouts),
    )  # fmt: skip


def template_data(template: Template, library: Library) -> PrintSession | PrintProgramme:
    """A shipped template as print data: one session, or a programme of weeks."""
    if template.kind == "session":
        return spec_session_data(template.sessions[0], library)
    weeks = len(template.sessions)
    sessions = tuple(
        spec_session_data(spec, library, programme_title=template.title, week=number, weeks=weeks)
        for number, spec in enumerate(template.sessions, start=1)
    )
    return PrintProgramme(template.title, template.summary, template.audience, template.group_size, sessions)


def _handouts(library: Library, slugs: Iterable[str]) -> tuple[PrintHandout, ...]:
    return tuple(h for h in (handout_data(library, slug) for slug in slugs) if h is not None)


def _question_set_title(library: Library, slug: str) -> str:
    question_set = library.question_sets.get(slug) if slug else None
    return question_set.title if question_set else ""
