"""The emotional arc of a session, checked rather than assumed: plain functions over plain data.

No Flask and no database here: the planner, the programme overview, the template tests and the
PDFs all pass in a list of `ArcItem` and get back `ArcWarning` values. Every rule is advice with a
reason and a suggested fix; a facilitator may dismiss a warning for one session, and a template
may accept a rule with its reason (`accepted_warnings`), which shows it as accepted, not as a
warning. Rule names are stable: template files name them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..library.files import Library, SessionSpec, Template
from .timing import schedule

# Rule name -> why the rule exists (shown in docs/planner.md and beside accepted warnings).
RULES: dict[str, str] = {
    "high-in-first-session": "People meet for the first time; trust that makes deep disclosure safe is not built yet.",
    "high-before-check-in": "Until everyone has arrived and spoken once, nobody knows how the others are doing today.",
    "high-before-break": "A break straight after an intense exercise sends people into the corridor still stirred up.",
    "high-at-end": "People drive home after the session; they should leave settled, not opened up.",
    "no-check-in": "A check-in lets each person arrive and tells the facilitator who is fragile tonight.",
    "no-closing": "A closing marks the end, settles the room and lets each person take one thing home.",
    "format-group-size": "A pairs, triads or small-group exercise needs a group that can split that way.",
    "high-back-to-back": "Two intense exercises in a row leave no time to settle; people shut down or flood.",
    "couples-exercise-in-mens-group": "A couples exercise needs both partners in the room; in a men's group it would be run with another man standing in for a partner, or talked about in her absence.",
    "high-without-break": "After an hour of sitting, attention and self-control both thin; a deep exercise in a long session with no pause leaves no chance to step out and settle.",
    "short-ending": "A closed group that ends in a rush leaves goodbyes unsaid; ending well (looking back, naming what changed, planning for setbacks, saying goodbye) needs a third of the last session or more.",
    "high-in-first-half": "Deep disclosure needs trust built over several meetings; in the first half of a programme the group is still finding out whether it is safe.",
}
END_WINDOW_MINUTES = 15  # "the last 15 minutes" of a session
LONG_SESSION_MINUTES = 75  # longer than this, a high-intensity exercise needs a break somewhere in the session
ENDING_SHARE = 3  # the last session of a programme gives at least 1/ENDING_SHARE of its time to closing work
SPLIT_FORMATS = {"pairs": 2, "triads": 3, "small-group": 3, "couples": 2}  # format -> fewest people it needs


@dataclass(frozen=True)
class ArcItem:
    """One agenda line as the rules see it; clock times in minutes since midnight."""

    kind: str  # exercise | break | block
    title: str
    start: int
    end: int
    slug: str = ""
    intensity: str = ""
    stage: str = ""
    grounding: bool = False
    format: str = ""
    group_min: int = 1
    group_max: int = 500
    audience: tuple[str, ...] = ()  # who the exercise is written for: men, couples, mixed

    @property
    def needs_partners(self) -> bool:
        """A couples exercise: both partners are meant to be in the room."""
        return self.kind == "exercise" and (self.format == "couples" or self.audience == ("couples",))

    @property
    def is_high(self) -> bool:
        return self.kind == "exercise" and self.intensity == "high"

    @property
    def settles(self) -> bool:
        """A grounding or closing exercise: what should follow anything intense."""
        return self.kind == "exercise" and (self.grounding or self.stage == "closing")


@dataclass(frozen=True)
class ArcWarning:
    rule: str
    key: str  # stable across reorders: what a dismissal is stored under
    message: str
    suggestion: str
    item_index: int | None = None  # None for a warning about the whole session

    @property
    def reason(self) -> str:
        return RULES[self.rule]


Warning = ArcWarning  # the name other features use; `ArcWarning` avoids confusion inside this module


@dataclass(frozen=True)
class ArcContext:
    group_size: int | None
    first_session: bool
    audience: str = ""  # the session's: men | couples | mixed, or "" when unknown
    week: int | None = None  # the week of a programme (a closed group), and how many weeks it has
    weeks: int | None = None

    @property
    def in_programme(self) -> bool:
        return bool(self.week and self.weeks and self.weeks > 1)


Rule = Callable[[Sequence[ArcItem], ArcContext], Iterable[ArcWarning]]


def _warn(rule: str, item: ArcItem | None, index: int | None, message: str, suggestion: str, key: str = "") -> ArcWarning:
    key = key or (f"{rule}:{item.slug}" if item is not None else rule)
    return ArcWarning(rule=rule, key=key, message=message, suggestion=suggestion, item_index=index)


def high_in_first_session(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    if not context.first_session:
        return
    for index, item in enumerate(items):
        if item.is_high:
            yield _warn(
                "high-in-first-session", item, index,
                f"“{item.title}” is a high-intensity exercise in the first session of the programme.",
                "Move it to a later week, or use a low or medium exercise on the same theme tonight.",
            )  # fmt: skip


def high_before_check_in(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    for index, item in enumerate(items):
        if item.kind == "exercise" and item.stage == "opening":
            return
        if item.is_high:
            yield _warn(
                "high-before-check-in", item, index,
                f"“{item.title}” is high intensity and comes before any check-in.",
                "Start with an opening exercise (a check-in) before it, so everyone has arrived and spoken once.",
            )  # fmt: skip


def high_before_break(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    for index, (item, following) in enumerate(zip(items, items[1:])):
        if item.is_high and following.kind == "break":
            yield _warn(
                "high-before-break", item, index,
                f"“{item.title}” is high intensity and runs straight into a break.",
                "Add a grounding exercise between it and the break, or move the break earlier.",
            )  # fmt: skip


def high_at_end(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    if not items:
        return
    session_end = max(item.end for item in items)
    for index, item in enumerate(items):
        if item.is_high and item.end > session_end - END_WINDOW_MINUTES and not any(i.settles for i in items[index + 1 :]):
            yield _warn(
                "high-at-end", item, index,
                f"“{item.title}” is high intensity, runs into the last {END_WINDOW_MINUTES} minutes "
                "and has no grounding or closing after it.",
                "Follow it with a grounding or closing exercise, or move it earlier in the session.",
            )  # fmt: skip


def _missing_stage(items: Sequence[ArcItem], stage: str) -> bool:
    return not any(item.kind == "exercise" and item.stage == stage for item in items)


def no_check_in(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    if _missing_stage(items, "opening"):
        yield _warn(
            "no-check-in", None, None, "This session has no check-in (no opening exercise).",
            "Begin with an opening exercise so each person arrives and is heard once before the work.",
        )  # fmt: skip


def no_closing(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    if _missing_stage(items, "closing"):
        yield _warn(
            "no-closing", None, None, "This session has no closing exercise.",
            "End with a closing exercise so people leave settled and know the session is over.",
        )  # fmt: skip


def format_group_size(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    size = context.group_size
    if not size:
        return
    for index, item in enumerate(items):
        if item.kind != "exercise" or item.format not in SPLIT_FORMATS:
            continue
        fewest = max(item.group_min, SPLIT_FORMATS[item.format])
        if fewest <= size <= item.group_max:
            continue
        fmt = item.format.replace("-", " ")
        if size < fewest:
            suggestion = _small_group_suggestion(item.format, size)
        else:
            suggestion = f"Split into two rooms with a co-facilitator, or choose an exercise that works for {size}."
        yield _warn(
            "format-group-size", item, index,
            f"“{item.title}” works in {fmt} for {item.group_min} to {item.group_max} people; "
            f"this group expects {size}.",
            suggestion,
        )  # fmt: skip


def _small_group_suggestion(format_: str, size: int) -> str:
    """What the facilitator can do when the group is smaller than the format needs."""
    if format_ == "triads" and size == 2:
        return ("With two people, run it as one pair and take the observer's part yourself, sharing what "
                "you noticed at the end; or choose a pairs exercise on the same theme.")  # fmt: skip
    if format_ in ("triads", "small-group"):
        return (f"With {size}, keep everyone together as one small group and run the steps as a round, "
                "with you holding the observer's or timekeeper's part; or choose a whole-group exercise.")  # fmt: skip
    return ("With one person, run it as a conversation between the two of you, or use its solo steps "
            "(writing or thinking time) followed by a short talk-through together.")  # fmt: skip


def high_back_to_back(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    for index in range(1, len(items)):
        before, item = items[index - 1], items[index]
        if before.is_high and item.is_high:
            yield _warn(
                "high-back-to-back", item, index,
                f"“{before.title}” and “{item.title}” are both high intensity, back to back.",
                "Put a break or a grounding exercise between them, or move one to another session.",
                key=f"high-back-to-back:{before.slug}:{item.slug}",
            )  # fmt: skip


def couples_exercise_in_mens_group(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    if context.audience != "men":
        return
    for index, item in enumerate(items):
        if item.needs_partners:
            yield _warn(
                "couples-exercise-in-mens-group", item, index,
                f"“{item.title}” is a couples exercise, and this is a men's group: the partners are not here.",
                "Choose a men's-group exercise on the same theme (one man's side of it, in pairs or alone), "
                "or keep it for a couples session where both partners were screened and chose to come.",
            )  # fmt: skip


def _session_minutes(items: Sequence[ArcItem]) -> int:
    return max(item.end for item in items) - min(item.start for item in items) if items else 0


def high_without_break(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    minutes = _session_minutes(items)
    if minutes <= LONG_SESSION_MINUTES or any(item.kind == "break" for item in items):
        return
    for index, item in enumerate(items):
        if item.is_high:
            yield _warn(
                "high-without-break", item, index,
                f"“{item.title}” is high intensity in a session of {minutes} minutes with no break.",
                "Add a break of 5 to 10 minutes before it (not straight after it), so people can stretch, "
                "breathe and step out if they need to.",
            )  # fmt: skip


def short_ending(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    if not context.in_programme or context.week != context.weeks:
        return
    total = _session_minutes(items)
    ending = sum(item.end - item.start for item in items if item.kind == "exercise" and item.stage == "closing")
    if ending * ENDING_SHARE < total:
        yield _warn(
            "short-ending", None, None,
            f"This is the last session of the programme, and closing work has {ending} of its {total} minutes.",
            f"Give the ending at least {-(-total // ENDING_SHARE)} minutes: closing-stage exercises such as "
            "keeping-it-going-after-the-group and what-stays-with-me, and no new material in the last session.",
        )  # fmt: skip


def high_in_first_half(items: Sequence[ArcItem], context: ArcContext) -> Iterable[ArcWarning]:
    # Week 1 is high-in-first-session's; this rule covers the weeks after it up to half-way.
    if not context.in_programme or context.week == 1 or context.week * 2 > context.weeks:
        return
    for index, item in enumerate(items):
        if item.is_high:
            yield _warn(
                "high-in-first-half", item, index,
                f"“{item.title}” is high intensity in week {context.week} of {context.weeks}, "
                "before the programme is half-way through.",
                f"Move it to week {context.weeks // 2 + 1} or later, and use a medium exercise on the same theme here.",
            )  # fmt: skip


ALL_RULES: tuple[Rule, ...] = (
    no_check_in, no_closing, short_ending, high_in_first_session, high_in_first_half, high_before_check_in,
    high_before_break, high_without_break, high_at_end, format_group_size, high_back_to_back,
    couples_exercise_in_mens_group,
)  # fmt: skip


def check_arc(
    items: Sequence[ArcItem], *, group_size: int | None = None, first_session: bool = False,
    audience: str = "", week: int | None = None, weeks: int | None = None,
) -> list[ArcWarning]:  # fmt: skip
    """Every warning for an agenda, whole-session ones first, then in agenda order; none while it is empty.

    `week` and `weeks` place a session in a programme (a closed group) for the rules that look across weeks.
    """
    if not any(item.kind == "exercise" for item in items):
        return []
    context = ArcContext(group_size=group_size, first_session=first_session, audience=audience, week=week, weeks=weeks)
    found = [warning for rule in ALL_RULES for warning in rule(items, context)]
    return sorted(found, key=lambda w: -1 if w.item_index is None else w.item_index)


@dataclass(frozen=True)
class ArcReport:
    """Warnings split the way the planner shows them."""

    active: tuple[ArcWarning, ...]
    accepted: tuple[tuple[ArcWarning, str], ...]  # with the template's reason
    dismissed: tuple[ArcWarning, ...]

    def active_at(self, index: int) -> list[ArcWarning]:
        return [w for w in self.active if w.item_index == index]


def sort_out(warnings: Iterable[ArcWarning], *, dismissed: Iterable[str] = (), accepted: Mapping[str, str] | None = None) -> ArcReport:
    """Split warnings into active, accepted by the template (by rule) and dismissed (by key)."""
    dismissed_keys, accepted = set(dismissed), accepted or {}
    active, kept, hidden = [], [], []
    for warning in warnings:
        if warning.rule in accepted:
            kept.append((warning, accepted[warning.rule]))
        elif warning.key in dismissed_keys:
            hidden.append(warning)
        else:
            active.append(warning)
    return ArcReport(active=tuple(active), accepted=tuple(kept), dismissed=tuple(hidden))


def arc_item(kind: str, title: str, start: int, end: int, exercise: object | None = None) -> ArcItem:
    """An ArcItem from anything shaped like an exercise (a library file or a database row)."""
    if exercise is None:
        return ArcItem(kind=kind, title=title, start=start, end=end)
    return ArcItem(
        kind=kind, title=title, start=start, end=end, slug=exercise.slug, intensity=exercise.intensity,
        stage=exercise.stage, grounding=exercise.grounding, format=exercise.format,
        group_min=exercise.group_min, group_max=exercise.group_max,
        audience=tuple(getattr(exercise, "audience", None) or ()),
    )  # fmt: skip


@dataclass(frozen=True)
class _SpecLine:
    minutes: int
    pin: str


def arc_warnings_for_spec(
    spec: SessionSpec, library: Library, first_session: bool = False, *, week: int | None = None, weeks: int | None = None,
) -> list[ArcWarning]:  # fmt: skip
    """Warnings for a template's session, without a database; the rules the template accepts are left out."""
    resolved = [library.exercises.get(e.exercise) if e.kind == "exercise" else None for e in spec.items]
    lines = [
        _SpecLine(minutes=entry.minutes if entry.minutes is not None else (exercise.minutes if exercise else 0), pin=entry.pin)
        for entry, exercise in zip(spec.items, resolved)
    ]
    items = []
    for entry, exercise, slot in zip(spec.items, resolved, schedule(spec.start_time, lines)):
        if exercise is not None:
            items.append(arc_item("exercise", exercise.title, slot.start, slot.end, exercise))
        else:  # a break, a block, or an unknown slug (which check_template_references reports)
            kind = "block" if entry.kind == "exercise" else entry.kind
            items.append(arc_item(kind, entry.title or entry.exercise, slot.start, slot.end))
    warnings = check_arc(
        items, group_size=spec.group_size, first_session=first_session, audience=spec.audience, week=week, weeks=weeks
    )
    accepted = {a.rule: a.why for a in spec.accepted_warnings}
    return [w for w in warnings if w.rule not in accepted]


def arc_warnings_for_template(template: Template, library: Library) -> list[list[ArcWarning]]:
    """Each session's warnings, a programme's weeks checked as weeks of one closed group.

    A single-session template is checked as a first meeting, since it may be the only one.
    """
    weeks = len(template.sessions) if template.kind == "programme" else None
    return [
        arc_warnings_for_spec(spec, library, first_session=number == 1, week=number if weeks else None, weeks=weeks)
        for number, spec in enumerate(template.sessions, start=1)
    ]
