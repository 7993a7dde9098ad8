"""Sessions and their agendas: plain functions taking plain arguments, each owning its commit.

Every change either succeeds whole or raises `PlannerError` naming the field, leaving the
session exactly as it was, so a view can show the message beside the field and answer 422.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import delete, select

from ..clock import utcnow
from ..extensions import db
from ..library.files import MAX_MINUTES
from ..models import Exercise
from .models import AgendaItem, GroupSession, RemovedAgendaItem
from .timing import format_clock, parse_clock, schedule

MAX_NOTE = 2000
MAX_ITEMS = 200  # far beyond any evening; keeps a runaway client from growing a plan forever


class PlannerError(Exception):
    """A change that cannot be made; `field` names the form field the message belongs beside."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


@dataclass
class SessionDetails:
    """Everything about a session except its agenda."""

    title: str
    theme: str = ""
    summary: str = ""
    date: date | None = None
    start_time: str = "19:00"
    target_minutes: int = 90
    audience: str = "men"
    group_size: int | None = None
    room_notes: str = ""
    reflection_opening: str = ""
    reflection_closing: str = ""
    take_home: str = ""
    partner_handouts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, session: GroupSession) -> SessionDetails:
        return cls(**{f.name: getattr(session, f.name) for f in fields(cls)})


def _apply_details(session: GroupSession, details: SessionDetails) -> None:
    if not details.title.strip():
        raise PlannerError("title", "Give the session a title.")
    try:
        parse_clock(details.start_time)
    except ValueError as error:
        raise PlannerError("start_time", str(error)) from None
    for f in fields(SessionDetails):
        setattr(session, f.name, getattr(details, f.name))
    session.title = details.title.strip()
    session.partner_handouts = list(details.partner_handouts)


# --- sessions ------------------------------------------------------------------------------


def create_session(owner_id: int, details: SessionDetails) -> GroupSession:
    session = GroupSession(owner_id=owner_id, items=[], dismissed_warnings=[], accepted_warnings=[])
    _apply_details(session, details)
    db.session.add(session)
    db.session.commit()
    return session


def update_session(session: GroupSession, details: SessionDetails) -> None:
    _apply_details(session, details)
    db.session.commit()


def list_sessions(owner_id: int, *, archived: bool = False) -> list[GroupSession]:
    query = (
        select(GroupSession)
        .where(GroupSession.owner_id == owner_id, GroupSession.archived.is_(archived))
        .order_by(GroupSession.date.is_(None), GroupSession.date, GroupSession.created_at.desc())
    )
    return list(db.session.scalars(query))


def copy_session(session: GroupSession, **changes: object) -> GroupSession:
    """An unsaved copy of a session and its agenda; `changes` overrides fields of the copy."""
    copy = GroupSession(owner_id=session.owner_id, **{f.name: getattr(session, f.name) for f in fields(SessionDetails)})
    copy.partner_handouts = list(session.partner_handouts)
    copy.dismissed_warnings = list(session.dismissed_warnings)
    copy.accepted_warnings = [dict(a) for a in session.accepted_warnings]
    copy.template_slug = session.template_slug
    copy.items = [
        AgendaItem(position=i.position, kind=i.kind, exercise_id=i.exercise_id, title=i.title,
                   minutes=i.minutes, note=i.note, pin=i.pin)  # fmt: skip
        for i in session.items
    ]
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def duplicate_session(session: GroupSession) -> GroupSession:
    """A standalone copy to adapt for another group; the original is untouched."""
    copy = copy_session(session, title=f"{session.title} (copy)"[:120], programme_id=None, week_number=None)
    db.session.add(copy)
    db.session.commit()
    return copy


def set_archived(row: object, archived: bool) -> None:
    """Archive or restore a session or a programme: hidden from the lists, nothing lost."""
    row.archived = archived
    db.session.commit()


def delete_session(session: GroupSession) -> None:
    """Delete one session and its agenda; a programme it belonged to closes the gap in its weeks."""
    programme = session.programme
    db.session.delete(session)
    db.session.flush()
    if programme is not None:
        db.session.refresh(programme)
        for number, week in enumerate(programme.sessions, start=1):
            week.week_number = number
    db.session.commit()


# --- the agenda ----------------------------------------------------------------------------


def minutes_range(kind: str, exercise: Exercise | None) -> tuple[int, int]:
    """The minutes an item may take: an exercise's own range; breaks need a minute; blocks may be 0."""
    if kind == "exercise" and exercise is not None:
        return exercise.min_minutes, exercise.max_minutes
    return (1 if kind == "break" else 0), MAX_MINUTES


def check_minutes(kind: str, exercise: Exercise | None, minutes: int | None) -> None:
    low, high = minutes_range(kind, exercise)
    if minutes is None:
        raise PlannerError("minutes", "Enter a number of minutes.")
    if not low <= minutes <= high:
        what = f"“{exercise.title}”" if kind == "exercise" and exercise else f"A {kind}"
        raise PlannerError("minutes", f"{what} takes between {low} and {high} minutes; {minutes} is outside that.")


def _insert(session: GroupSession, item: AgendaItem, after: AgendaItem | None) -> AgendaItem:
    """Put a new item straight after `after` (one of this session's items), or at the end when None."""
    if len(session.items) >= MAX_ITEMS:
        raise PlannerError("agenda", f"An agenda holds at most {MAX_ITEMS} items.")
    check_minutes(item.kind, item.exercise, item.minutes)
    items = list(session.items)
    if after is not None and after not in items:
        raise PlannerError("after", "That item is no longer on this agenda; reload the page and try again.")
    items.insert(items.index(after) + 1 if after is not None else len(items), item)
    session.items.append(item)
    _renumber(session, items)
    db.session.commit()
    return item


def add_exercise(
    session: GroupSession, exercise: Exercise, minutes: int | None = None, note: str = "", after: AgendaItem | None = None
) -> AgendaItem:
    minutes = exercise.minutes if minutes is None else minutes
    return _insert(session, AgendaItem(kind="exercise", exercise=exercise, minutes=minutes, note=note, pin=""), after)


def add_break(session: GroupSession, minutes: int, title: str = "Break", after: AgendaItem | None = None) -> AgendaItem:
    title = ((title or "").strip() or "Break")[:120]
    return _insert(session, AgendaItem(kind="break", title=title, minutes=minutes, note="", pin=""), after)


def add_block(session: GroupSession, title: str, minutes: int, after: AgendaItem | None = None) -> AgendaItem:
    if not title.strip():
        raise PlannerError("title", "Give the block a title, e.g. “Welcome and housekeeping”.")
    return _insert(session, AgendaItem(kind="block", title=title.strip()[:120], minutes=minutes, note="", pin=""), after)


@dataclass(frozen=True)
class _Line:
    minutes: int
    pin: str


def update_item(item: AgendaItem, *, minutes: int | None, note: str, pin: str, title: str | None = None) -> None:
    """Change an item's minutes, note, pin (and a break's or block's title) together, or nothing at all."""
    check_minutes(item.kind, item.exercise, minutes)
    pin = (pin or "").strip()
    if pin:
        try:
            pin = format_clock(parse_clock(pin))
        except ValueError as error:
            raise PlannerError("pin", str(error)) from None
    if len(note or "") > MAX_NOTE:
        raise PlannerError("note", f"A note holds at most {MAX_NOTE} characters.")
    if title is not None and item.kind != "exercise" and not title.strip():
        raise PlannerError("title", "Give it a title.")
    if pin and pin != item.pin:
        _check_pin_reachable(item, minutes, pin)
    item.minutes, item.note, item.pin = minutes, (note or "").strip(), pin
    if title is not None and item.kind != "exercise":
        item.title = title.strip()[:120]
    db.session.commit()


def _check_pin_reachable(item: AgendaItem, minutes: int, pin: str) -> None:
    """A new pin must be reachable now; later edits that overrun it show as a warning instead."""
    session = item.session
    lines = [_Line(minutes, pin) if other is item else _Line(other.minutes, other.pin) for other in session.items]
    slot = schedule(session.start_time, lines)[session.items.index(item)]
    if slot.overrun:
        arrival = format_clock(slot.start - slot.gap)
        raise PlannerError(
            "pin",
            f"The agenda reaches this item at {arrival} at the earliest, {-slot.gap} minutes after {pin}. "
            f"Pin it to {arrival} or later, or shorten what comes before.",
        )


def _renumber(session: GroupSession, ordered: Sequence[AgendaItem]) -> None:
    for position, item in enumerate(ordered):
        item.position = position
    session.items.sort(key=lambda i: i.position)


def move_item(item: AgendaItem, step: int) -> None:
    """Move an item one place up (-1) or down (+1); at either end nothing changes."""
    items = list(item.session.items)
    index = items.index(item)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    _renumber(item.session, items)
    db.session.commit()


def reorder_items(session: GroupSession, item_ids: Sequence[int]) -> None:
    """Put the agenda in the given order; the ids must be exactly this session's items."""
    by_id = {item.id: item for item in session.items}
    if sorted(item_ids) != sorted(by_id):
        raise PlannerError("order", "The new order does not match this agenda; reload the page and try again.")
    _renumber(session, [by_id[i] for i in item_ids])
    db.session.commit()


def remove_item(item: AgendaItem, *, removed_by: int | None = None, session_version: int = 0) -> dict:
    """Remove an item; return it as plain data, so that put_back_item can undo the removal. With
    `removed_by`, it is also kept on the server as that facilitator's last removal (see RemovedAgendaItem)."""
    session = item.session
    removed = {
        "session_id": session.id, "position": session.items.index(item), "kind": item.kind,
        "exercise_id": item.exercise_id, "title": item.title, "minutes": item.minutes, "note": item.note, "pin": item.pin,
    }  # fmt: skip
    if removed_by is not None:
        kept = db.session.get(RemovedAgendaItem, removed_by) or RemovedAgendaItem(user_id=removed_by)
        kept.session_id, kept.session_version, kept.item = session.id, session_version, removed
        kept.label, kept.removed_at = (item.exercise.title if item.exercise else item.title)[:120], utcnow()
        db.session.add(kept)
    session.items.remove(item)
    db.session.delete(item)
    _renumber(session, list(session.items))
    db.session.commit()
    return removed


def last_removed_item(user_id: int, session_version: int) -> RemovedAgendaItem | None:
    """What this facilitator removed last while signed in as now, if anything."""
    kept = db.session.get(RemovedAgendaItem, user_id)
    return kept if kept is not None and kept.session_version == session_version else None


def put_back_item(session: GroupSession, removed: dict | RemovedAgendaItem) -> AgendaItem:
    """Undo remove_item: the item returns to its place with its minutes, note and pin."""
    kept = removed if isinstance(removed, RemovedAgendaItem) else None
    removed = kept.item if kept is not None else removed
    exercise = db.session.get(Exercise, removed["exercise_id"]) if removed.get("exercise_id") else None
    if removed.get("kind") == "exercise" and exercise is None:
        raise PlannerError("agenda", "That exercise is no longer in the library, so it cannot be put back.")
    if len(session.items) >= MAX_ITEMS:
        raise PlannerError("agenda", f"An agenda holds at most {MAX_ITEMS} items.")
    item = AgendaItem(
        kind=removed["kind"], exercise=exercise, title=removed.get("title", ""), minutes=int(removed["minutes"]),
        note=removed.get("note", ""), pin=removed.get("pin", ""),
    )  # fmt: skip
    items = list(session.items)
    items.insert(max(0, min(int(removed.get("position", len(items))), len(items))), item)
    session.items.append(item)
    _renumber(session, items)
    if kept is not None:
        db.session.delete(kept)  # in the same commit: an item is never put back twice
    db.session.commit()
    return item


def forget_removed_item(user_id: int) -> None:
    """Signing out ends the undo: a removed item's note does not wait for the next sign-in."""
    db.session.execute(delete(RemovedAgendaItem).where(RemovedAgendaItem.user_id == user_id))
    db.session.commit()


def dismiss_warning(session: GroupSession, key: str) -> None:
    if key and key not in session.dismissed_warnings:
        session.dismissed_warnings = [*session.dismissed_warnings, key[:200]]
        db.session.commit()


def restore_warning(session: GroupSession, key: str) -> None:
    if key in session.dismissed_warnings:
        session.dismissed_warnings = [k for k in session.dismissed_warnings if k != key]
        db.session.commit()
