"""Plans as files: export a session or programme in the shape of session_plans/templates/*.yaml,
import one back with every problem named by line and field, and build plans from templates.

The same path serves shipped templates, a facilitator's saved templates and uploaded files, so a
plan that exports always imports again as the same plan.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta

import yaml
from sqlalchemy import or_, select

from ..exercises.service import slugify
from ..extensions import db
from ..library import Library, LibraryError, Problem, SessionSpec, Template, check_template_references, parse_template
from ..models import Exercise
from .models import AgendaItem, GroupSession, Programme, SavedTemplate
from .timing import format_clock, schedule

MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.field}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- YAML, safely ---------------------------------------------------------------------------

MAX_DEPTH = 20  # a plan file nests four levels deep; anything far deeper is not a plan


class _PlanLoader(yaml.SafeLoader):
    """Safe YAML without aliases and without deep nesting: a plan never needs either, and a few
    hundred bytes of them can expand into billions of items or exhaust the stack."""

    depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "uses an alias (*name); write the value out in full", mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nests deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _PlanDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:  # noqa: ARG002
        return True  # write repeated values out in full, so the file imports again


# --- export --------------------------------------------------------------------------------


def _present(**fields: object) -> dict:
    """Only the fields with a value: plan files leave empty keys out, like the shipped templates."""
    return {name: value for name, value in fields.items() if value}


def _item_document(item: AgendaItem) -> dict:
    if item.kind == "exercise":
        entry: dict = {"exercise": item.exercise.slug, "minutes": item.minutes}
    elif item.kind == "break":
        entry = {"break": item.minutes, **_present(title=item.title if item.title != "Break" else "")}
    else:
        entry = {"block": item.title, "minutes": item.minutes}
    return {**entry, **_present(note=item.note, pin=item.pin)}


def _spec_document(session: GroupSession) -> dict:
    """The keys a session and a programme's week share."""
    return {
        "target_minutes": session.target_minutes, "start_time": session.start_time,
        **_present(
            theme=session.theme,
            reflection=_present(opening=session.reflection_opening, closing=session.reflection_closing),
            take_home=session.take_home, partner_handouts=list(session.partner_handouts),
            accepted_warnings=[{"rule": a["rule"], "why": a["why"]} for a in session.accepted_warnings],
        ),
        "items": [_item_document(item) for item in session.items],
    }  # fmt: skip


def _head(kind: str, row: GroupSession | Programme) -> dict:
    head = {"slug": slugify(row.title), "title": row.title, "kind": kind, "audience": row.audience}
    return {**head, **_present(summary=row.summary, group_size=row.group_size)}


def session_document(session: GroupSession) -> dict:
    return {**_head("session", session), **_spec_document(session)}


def programme_document(programme: Programme) -> dict:
    weeks = [{"title": week.title, **_spec_document(week)} for week in programme.sessions]
    return {**_head("programme", programme), "weeks": weeks}


def to_yaml(document: dict) -> str:
    return yaml.dump(document, Dumper=_PlanDumper, sort_keys=False, allow_unicode=True, width=100)


# --- reading and checking a file -----------------------------------------------------------


def _locate(text: str, field_path: str) -> tuple[int | None, bool]:
    """The line of a field path like `weeks[2].items[3].exercise`, and whether the field itself was found
    (otherwise the line is its nearest parent's)."""
    try:
        node = yaml.compose(text, Loader=_PlanLoader)
    except yaml.YAMLError:
        return None, False
    if node is None:
        return None, False
    line = node.start_mark.line + 1
    for part in field_path.replace("]", "").replace("[", ".").split("."):
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and 0 < int(part) <= len(node.value):
            node = node.value[int(part) - 1]
        else:
            node = None
        if node is None:
            return line, False
        line = node.start_mark.line + 1
    return line, True


def line_of(text: str, field_path: str) -> int | None:
    return _locate(text, field_path)[0]


def _line_of_problem(text: str, problem: Problem) -> int | None:
    """Its field's line; for a field with no key of its own (`handouts`), the line naming the quoted value."""
    line, exact = _locate(text, problem.field)
    quoted = re.search(r"'([^']+)'", problem.message)
    if line and not exact and quoted:
        lines = text.splitlines()
        return next((n for n in range(line, len(lines) + 1) if quoted.group(1) in lines[n - 1]), line)
    return line


def _from_problems(problems: list[Problem], text: str) -> ImportFailed:
    return ImportFailed([ImportProblem(_line_of_problem(text, p), p.field, p.message) for p in problems])


def read_template(text: str | bytes, name: str) -> Template:
    """Parse a template file's text; raise ImportFailed naming the line of every problem."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ImportFailed([ImportProblem(None, "file", f"is larger than {MAX_FILE_BYTES // 1024} KB")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFailed([ImportProblem(None, "file", "is not UTF-8 text; save it as a .yaml text file")]) from None
    try:
        data = yaml.load(text, Loader=_PlanLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        where = f" (column {mark.column + 1})" if mark else ""
        raise ImportFailed([ImportProblem(mark.line + 1 if mark else None, "yaml", f"is not valid YAML: {reason}{where}")]) from None
    try:
        return parse_template(data, name)
    except LibraryError as error:
        raise _from_problems(error.problems, text) from None


@dataclass(frozen=True)
class _Line:
    minutes: int
    pin: str


def _unreachable_pins(template: Template, exercises: dict[str, Exercise], path: str) -> list[Problem]:
    problems = []
    for number, spec in enumerate(template.sessions, start=1):
        prefix = f"weeks[{number}]." if template.kind == "programme" else ""
        lines = [_Line(_minutes(entry, exercises), entry.pin) for entry in spec.items]
        for index, slot in enumerate(schedule(spec.start_time, lines), start=1):
            if slot.overrun:
                problems.append(Problem(
                    path, f"{prefix}items[{index}].pin",
                    f"is {format_clock(slot.start)} but the agenda reaches this item at "
                    f"{format_clock(slot.start - slot.gap)} at the earliest",
                ))  # fmt: skip
    return problems


def check_template(template: Template, exercises: dict[str, Exercise], library: Library, text: str = "") -> None:
    """Raise ImportFailed when a template names unknown things, minutes out of range or unreachable pins."""
    view = dataclasses.replace(library, exercises=exercises)  # database rows stand in for the files
    problems = check_template_references(template, view, template.slug)
    if not problems:
        problems = _unreachable_pins(template, exercises, template.slug)
    if problems:
        raise _from_problems(problems, text)


def exercise_rows(owner_id: int | None) -> dict[str, Exercise]:
    """Exercises a plan may name by slug: shipped ones, and the owner's own, which win on a shared slug.

    Hidden exercises are included: a plan that used one keeps working after its file is removed.
    """
    query = select(Exercise).where(or_(Exercise.owner_id.is_(None), Exercise.owner_id == owner_id))
    rows = sorted(db.session.scalars(query), key=lambda e: e.owner_id is not None)
    return {row.slug: row for row in rows}


# --- building plans ------------------------------------------------------------------------


def _minutes(entry, exercises: dict[str, Exercise]) -> int:  # noqa: ANN001
    if entry.minutes is not None:
        return entry.minutes
    return exercises[entry.exercise].minutes if entry.kind == "exercise" and entry.exercise in exercises else 0


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
            title="" if entry.kind == "exercise" else entry.title, minutes=_minutes(entry, exercises),
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
    exercises = exercise_rows(owner_id)
    check_template(template, exercises, library, text if isinstance(text, str) else text.decode("utf-8"))
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
    exercises = exercise_rows(saved.owner_id)
    check_template(template, exercises, library, saved.yaml_text)
    return build_plan(saved.owner_id, template, exercises, title=title, first_date=first_date)


def plan_from_shipped(owner_id: int, template: Template, library: Library, *, title: str = "", first_date: date | None = None) -> GroupSession | Programme:
    exercises = exercise_rows(None)
    check_template(template, exercises, library)
    return build_plan(owner_id, template, exercises, title=title, first_date=first_date)
