"""Multi-week programmes: weeks as sessions, dates one week apart, and the arc across the weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..library.files import WEEK_IN_TITLE
from .models import GroupSession, Programme
from .review import Review, review
from .service import PlannerError, copy_session

MAX_WEEKS = 52


@dataclass
class ProgrammeDetails:
    title: str
    audience: str = "men"
    group_size: int | None = None
    summary: str = ""


def _apply(programme: Programme, details: ProgrammeDetails) -> None:
    if not details.title.strip():
        raise PlannerError("title", "Give the programme a title.")
    programme.title = details.title.strip()
    programme.audience = details.audience
    programme.group_size = details.group_size
    programme.summary = details.summary.strip()
    # Everyone in a programme is the same group: its weeks share the audience and size.
    for week in programme.sessions:
        week.audience, week.group_size = programme.audience, programme.group_size


def _new_week(programme: Programme, number: int, **fields: object) -> GroupSession:
    week = GroupSession(
        owner_id=programme.owner_id, week_number=number, title=f"Week {number}", audience=programme.audience,
        group_size=programme.group_size, items=[], dismissed_warnings=[], accepted_warnings=[],
    )  # fmt: skip
    for name, value in fields.items():
        setattr(week, name, value)
    return week


def create_programme(owner_id: int, details: ProgrammeDetails, weeks: int, first_date: date | None = None) -> Programme:
    """A programme of empty weekly sessions, dated a week apart from `first_date` when given."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise PlannerError("weeks", f"A programme has between 1 and {MAX_WEEKS} weeks.")
    programme = Programme(owner_id=owner_id, sessions=[])
    _apply(programme, details)
    programme.sessions = [_new_week(programme, number) for number in range(1, weeks + 1)]
    fill_dates(programme, first_date, commit=False)
    db.session.add(programme)
    db.session.commit()
    return programme


def update_programme(programme: Programme, details: ProgrammeDetails, first_date: date | None = None) -> None:
    _apply(programme, details)
    if first_date:
        fill_dates(programme, first_date, commit=False)
    db.session.commit()


def fill_dates(programme: Programme, first_date: date | None, *, commit: bool = True) -> None:
    """Date every week seven days after the one before, from `first_date`."""
    if first_date is None:
        return
    for offset, week in enumerate(programme.sessions):
        week.date = first_date + timedelta(weeks=offset)
    if commit:
        db.session.commit()


def list_programmes(owner_id: int, *, archived: bool = False) -> list[Programme]:
    query = select(Programme).where(Programme.owner_id == owner_id, Programme.archived.is_(archived))
    return list(db.session.scalars(query.order_by(Programme.created_at.desc())))


def add_week(programme: Programme) -> GroupSession:
    """A new empty week at the end, a week after the last one, at the same time and length."""
    weeks = programme.sessions
    if len(weeks) >= MAX_WEEKS:
        raise PlannerError("weeks", f"A programme has at most {MAX_WEEKS} weeks.")
    last = weeks[-1] if weeks else None
    week = _new_week(
        programme, len(weeks) + 1,
        date=last.date + timedelta(weeks=1) if last and last.date else None,
        start_time=last.start_time if last else "19:00", target_minutes=last.target_minutes if last else 90,
    )  # fmt: skip
    weeks.append(week)
    db.session.commit()
    return week


def _renumber(programme: Programme, ordered: list[GroupSession], dates: list[date | None]) -> None:
    for number, (week, when) in enumerate(zip(ordered, dates), start=1):
        week.week_number, week.date = number, when
    programme.sessions.sort(key=lambda w: w.week_number)


def move_week(programme: Programme, week: GroupSession, step: int) -> None:
    """Swap a week with its neighbour; the dates stay where they were, the plans move between them."""
    weeks = list(programme.sessions)
    index = weeks.index(week)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(weeks):
        return
    dates = [w.date for w in weeks]
    weeks[index], weeks[target] = weeks[target], weeks[index]
    _renumber(programme, weeks, dates)
    db.session.commit()


@dataclass(frozen=True)
class TitleFix:
    week: GroupSession
    new_title: str

    @property
    def said(self) -> int:
        return int(WEEK_IN_TITLE.match(self.week.title).group("number"))


def title_fixes(programme: Programme) -> list[TitleFix]:
    """Weeks whose title names another week than where they sit now (after a move), with the corrected title."""
    fixes = []
    for week in programme.sessions:
        match = WEEK_IN_TITLE.match(week.title)
        if match and int(match.group("number")) != week.week_number:
            fixes.append(TitleFix(week, f"{match.group('word')}{week.week_number}{week.title[match.end():]}"[:120]))
    return fixes


def renumber_titles(programme: Programme) -> int:
    """Make every title that names a week name the week it is in; only the number changes. Returns how many."""
    fixes = title_fixes(programme)
    for fix in fixes:
        fix.week.title = fix.new_title
    db.session.commit()
    return len(fixes)


def detach_week(programme: Programme, week: GroupSession) -> None:
    """Take a week out of the programme; it stays as a session of its own, on its own date."""
    # An UPDATE rather than removing it from the collection: delete-orphan would delete the session.
    db.session.execute(update(GroupSession).where(GroupSession.id == week.id).values(programme_id=None, week_number=None))
    db.session.expire(programme, ["sessions"])
    db.session.expire(week)
    _renumber(programme, list(programme.sessions), [w.date for w in programme.sessions])
    db.session.commit()


def delete_programme(programme: Programme) -> None:
    """Delete a programme with its weekly sessions (the confirmation page says so)."""
    db.session.delete(programme)
    db.session.commit()


def duplicate_programme(programme: Programme) -> Programme:
    copy = Programme(
        owner_id=programme.owner_id, title=f"{programme.title} (copy)"[:120], audience=programme.audience,
        summary=programme.summary, group_size=programme.group_size, template_slug=programme.template_slug,
    )  # fmt: skip
    copy.sessions = [copy_session(week, date=None, week_number=week.week_number) for week in programme.sessions]
    db.session.add(copy)
    db.session.commit()
    return copy


@dataclass(frozen=True)
class WeekOverview:
    week: GroupSession
    review: Review


def overview(programme: Programme) -> list[WeekOverview]:
    """Each week with its clock and arc review; week 1 is checked as a first session."""
    return [WeekOverview(week=week, review=review(week)) for week in programme.sessions]
