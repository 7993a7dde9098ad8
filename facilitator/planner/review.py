"""How a plan adds up: clock times, totals against the target, pinned-time overruns and the arc.

Read-only views over a session, computed fresh on every page so they can never go stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import arc
from .models import AgendaItem, GroupSession
from .timing import Slot, format_clock, parse_clock, schedule

UNDER_TARGET_SHARE = 0.9  # warn when the agenda fills less than 90% of the target


@dataclass(frozen=True)
class Row:
    item: AgendaItem
    slot: Slot
    index: int

    @property
    def arrival(self) -> str:
        """Where the agenda would reach a pinned item on its own."""
        return format_clock(self.slot.start - (self.slot.gap or 0))

    @property
    def title(self) -> str:
        return self.item.exercise.title if self.item.kind == "exercise" and self.item.exercise else self.item.title


@dataclass(frozen=True)
class Timeline:
    rows: tuple[Row, ...]
    start: int
    target: int

    @property
    def total(self) -> int:
        """Minutes of content: what the items themselves take. Slack before a pin is not content."""
        return sum(row.item.minutes for row in self.rows)

    @property
    def slack(self) -> int:
        """Minutes of pause the agenda waits before its pinned items (their positive gaps)."""
        return sum(row.slot.gap for row in self.rows if row.slot.gap and row.slot.gap > 0)

    @property
    def span(self) -> int:
        """Minutes from the start to the end of the last item: content, slack, less any overrun."""
        return self.rows[-1].slot.end - self.start if self.rows else 0

    @property
    def end_clock(self) -> str:
        return format_clock(self.start + self.span)

    @property
    def target_end_clock(self) -> str:
        return format_clock(self.start + self.target)

    @property
    def over_by(self) -> int:
        """Minutes of content beyond the target."""
        return max(0, self.total - self.target)

    @property
    def ends_late_by(self) -> int:
        """Minutes the last item ends after the planned end (content and slack together)."""
        return max(0, self.span - self.target)

    @property
    def under_by(self) -> int:
        """Minutes of content short of the target, counted only when more than 10% short."""
        return self.target - self.total if self.rows and self.total < self.target * UNDER_TARGET_SHARE else 0

    @property
    def overruns(self) -> list[Row]:
        return [row for row in self.rows if row.slot.overrun]


def timeline(session: GroupSession) -> Timeline:
    slots = schedule(session.start_time, session.items)
    rows = tuple(Row(item=item, slot=slot, index=index) for index, (item, slot) in enumerate(zip(session.items, slots)))
    return Timeline(rows=rows, start=parse_clock(session.start_time), target=session.target_minutes)


def is_first_session(session: GroupSession) -> bool:
    return session.programme_id is not None and session.week_number == 1


def arc_items(rows: tuple[Row, ...]) -> list[arc.ArcItem]:
    return [arc.arc_item(row.item.kind, row.title, row.slot.start, row.slot.end, row.item.exercise) for row in rows]


def arc_report(session: GroupSession, plan: Timeline | None = None) -> arc.ArcReport:
    """The session's arc warnings, split into active, accepted by its template, and dismissed."""
    plan = plan or timeline(session)
    weeks = len(session.programme.sessions) if session.programme else None
    warnings = arc.check_arc(
        arc_items(plan.rows), group_size=session.group_size, first_session=is_first_session(session),
        audience=session.audience, week=session.week_number if weeks else None, weeks=weeks,
    )  # fmt: skip
    accepted = {entry["rule"]: entry.get("why", "") for entry in session.accepted_warnings or []}
    return arc.sort_out(warnings, dismissed=session.dismissed_warnings or [], accepted=accepted)


@dataclass(frozen=True)
class Review:
    """Everything the planner shows about a session besides its details."""

    timeline: Timeline
    arc: arc.ArcReport

    @property
    def warning_count(self) -> int:
        return len(self.arc.active) + len(self.timeline.overruns) + bool(self.timeline.over_by or self.timeline.ends_late_by or self.timeline.under_by)


def review(session: GroupSession) -> Review:
    plan = timeline(session)
    return Review(timeline=plan, arc=arc_report(session, plan))
