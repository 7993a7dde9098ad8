"""New sessions and programmes from templates: shipped ones, the facilitator's own, and uploaded files.

One path for all three, so a plan that exports always imports again as the same plan.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..library.service import slugify
from ..extensions import db
from ..library.files import Library, SessionSpec, Template
from ..models import Exercise
from .embedded import with_embedded_exercises
from .exchange import check_template, exercise_rows, planned_minutes, read_template, to_yaml
from .models import AgendaItem, GroupSession, Programme, SavedTemplate


def _session_from_spec(owner_id: int, spec: SessionSpec, exercises: dict[str, Exercise], template_slug: str) -> GroupSession:
    session = GroupSession(
        owner_id=owner_id, title=spec.title, theme=spec.theme, summary=spec.summary,
        target_minutes=spec.target_minutes, start_time=spec.start_time, audience=spec.audience,
        group_size=spec.group_size, reflection_opening=spec.reflection_opening,
        reflection_closing=spec.reflection_closing, take_home=spec.take_home,
        partner_handouts=list(spec.partner_handouts), dismissed_warnings=[],
        accepted_warnings=[{"rule": a.rule, "why": a.why} for a in spec.accepted_warnings],
        template_slug=template_slug,
    )  # fmt: skip
    session.items = [
        AgendaItem(
            position=position, kind=entry.kind, exercise=exercises.get(entry.exercise) if entry.kind == "exercise" else None,
            title="" if entry.kind == "exercise" else entry.title, minutes=planned_minutes(entry, exercises),
            note=entry.note, pin=entry.pin,
        )  # fmt: skip
        for position, entry in enumerate(spec.items)
    ]
    return session


def build_plan(
    owner_id: int, template: Template, exercises: dict[str, Exercise], *, title: str = "", first_date: date | None = None
) -> GroupSession | Programme:
    """A new session or programme from a checked template; weeks dated a week apart from `first_date`."""
    title = (title or template.title).strip()[:120]
    if template.kind == "session":
        session = _session_from_spec(owner_id, template.sessions[0], exercises, template.slug)
        session.title, session.date = title, first_date
        db.session.add(session)
        db.session.commit()
        return session
    programme = Programme(
        owner_id=owner_id, title=title, audience=template.audience, summary=template.summary,
        group_size=template.group_size, template_slug=template.slug,
    )  # fmt: skip
    for number, spec in enumerate(template.sessions, start=1):
        week = _session_from_spec(owner_id, spec, exercises, template.slug)
        week.week_number = number
        week.date = first_date + timedelta(weeks=number - 1) if first_date else None
        programme.sessions.append(week)
    db.session.add(programme)
    db.session.commit()
    return programme


def import_plan(owner_id: int, text: str | bytes, name: str, library: Library) -> GroupSession | Programme:
    """Read, check and store an uploaded plan for `owner_id`; nothing is stored when any check fails."""
    template = read_template(text, name)
    text = text if isinstance(text, str) else text.decode("utf-8")
    exercises = with_embedded_exercises(owner_id, text, exercise_rows(owner_id))
    check_template(template, exercises, library, text)
    return build_plan(owner_id, template, exercises)


# --- a facilitator's own templates ----------------------------------------------------------


def save_as_template(owner_id: int, document: dict, title: str) -> SavedTemplate:
    """Keep a plan as the owner's template, in the same YAML as shipped templates."""
    title = title.strip()[:120] or document["title"]
    document = {**document, "slug": slugify(title), "title": title}
    saved = SavedTemplate(owner_id=owner_id, slug=document["slug"], title=title, kind=document["kind"], yaml_text=to_yaml(document))
    db.session.add(saved)
    db.session.commit()
    return saved


def saved_templates(owner_id: int, kind: str | None = None) -> list[SavedTemplate]:
    query = select(SavedTemplate).where(SavedTemplate.owner_id == owner_id)
    if kind:
        query = query.where(SavedTemplate.kind == kind)
    return list(db.session.scalars(query.order_by(SavedTemplate.title)))


def delete_saved_template(saved: SavedTemplate) -> None:
    db.session.delete(saved)
    db.session.commit()


def plan_from_saved(saved: SavedTemplate, library: Library, *, title: str = "", first_date: date | None = None) -> GroupSession | Programme:
    template = read_template(saved.yaml_text, saved.title)
    exercises = with_embedded_exercises(saved.owner_id, saved.yaml_text, exercise_rows(saved.owner_id))
    check_template(template, exercises, library, saved.yaml_text)
    return build_plan(saved.owner_id, template, exercises, title=title, first_date=first_date)


def plan_from_shipped(owner_id: int, template: Template, library: Library, *, title: str = "", first_date: date | None = None) -> GroupSession | Programme:
    exercises = exercise_rows(None)
    check_template(template, exercises, library)
    return build_plan(owner_id, template, exercises, title=title, first_date=first_date)
