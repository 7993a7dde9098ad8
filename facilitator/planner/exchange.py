"""Plans as files: export a session or programme in the shape of session_plans/templates/*.yaml,
and read and check one, naming every problem by line and field. plans.py builds plans from them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import yaml
from sqlalchemy import or_, select

from ..library.service import slugify
from ..extensions import db
from ..library.files import Library, LibraryError, Problem, Template, TemplateItem
from ..library.parse import check_template_references, parse_template
from ..models import Exercise
from .models import AgendaItem, GroupSession, Programme
from .programmes import MAX_WEEKS
from .service import MAX_ITEMS
from .timing import format_clock, schedule

MAX_FILE_BYTES = 512 * 1024
LIMITS = f"an agenda holds at most {MAX_ITEMS} items and a programme at most {MAX_WEEKS} weeks"


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
# The longest list a plan may hold is an agenda (MAX_ITEMS) or a programme's weeks (MAX_WEEKS); the
# widest mapping, a session's fields. Counted while the YAML is read, so that a file of 40,000 breaks
# stops at the 201st, before any of it is built (check_limits then says precisely what is too long).
MAX_LIST_ENTRIES = max(MAX_ITEMS, MAX_WEEKS)
MAX_MAPPING_KEYS = 50


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
            if isinstance(parent, yaml.SequenceNode) and len(parent.value) >= MAX_LIST_ENTRIES:
                raise yaml.composer.ComposerError(None, None, f"has a list of more than {MAX_LIST_ENTRIES} entries; "
                                                  f"{LIMITS}", self.peek_event().start_mark)  # fmt: skip
            if isinstance(parent, yaml.MappingNode) and index is None and len(parent.value) >= MAX_MAPPING_KEYS:
                raise yaml.composer.ComposerError(None, None, f"has a mapping of more than {MAX_MAPPING_KEYS} fields",
                                                  self.peek_event().start_mark)  # fmt: skip
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _PlanDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:  # noqa: ARG002
        return True  # write repeated values out in full, so the file imports again


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line text (an embedded exercise file) as a readable | block, not one long quoted line."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_PlanDumper.add_representer(str, _text_block)


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
    from .embedded import embedded_document  # the own exercises it uses travel with it (embedded.py)

    return {**_head("session", session), **_spec_document(session), **embedded_document([session])}


def programme_document(programme: Programme) -> dict:
    from .embedded import embedded_document

    weeks = [{"title": week.title, **_spec_document(week)} for week in programme.sessions]
    return {**_head("programme", programme), "weeks": weeks, **embedded_document(programme.sessions)}


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
        lines = [_Line(planned_minutes(entry, exercises), entry.pin) for entry in spec.items]
        for index, slot in enumerate(schedule(spec.start_time, lines), start=1):
            if slot.overrun:
                problems.append(Problem(
                    path, f"{prefix}items[{index}].pin",
                    f"is {format_clock(slot.start)} but the agenda reaches this item at "
                    f"{format_clock(slot.start - slot.gap)} at the earliest",
                ))  # fmt: skip
    return problems


def check_limits(template: Template) -> list[Problem]:
    """The planner's own limits: no more weeks or items than it would let anyone add by hand.
    (Minutes and text sizes are held to the same limits by parse_template.)"""
    problems = []
    if len(template.sessions) > MAX_WEEKS:
        problems.append(Problem(template.slug, "weeks", f"has {len(template.sessions)} weeks; {LIMITS}"))
    for number, spec in enumerate(template.sessions, start=1):
        if len(spec.items) > MAX_ITEMS:
            prefix = f"weeks[{number}]." if template.kind == "programme" else ""
            problems.append(Problem(template.slug, f"{prefix}items", f"has {len(spec.items)} items; {LIMITS}"))
    return problems


def check_template(template: Template, exercises: dict[str, Exercise], library: Library, text: str = "") -> None:
    """Raise ImportFailed when a template is larger than the planner allows, names unknown things,
    has minutes out of range or unreachable pins."""
    limits = check_limits(template)
    if limits:
        raise _from_problems(limits, text)
    view = dataclasses.replace(library, exercises=exercises)  # database rows stand in for the files
    problems = check_template_references(template, view, template.slug)
    if not problems:
        problems = _unreachable_pins(template, exercises, template.slug)
    if problems:
        raise _from_problems(problems, text)


def planned_minutes(entry: TemplateItem, exercises: dict[str, Exercise]) -> int:
    """An item's minutes as the file gives them, or its exercise's default."""
    if entry.minutes is not None:
        return entry.minutes
    return exercises[entry.exercise].minutes if entry.kind == "exercise" and entry.exercise in exercises else 0


def exercise_rows(owner_id: int | None) -> dict[str, Exercise]:
    """Exercises a plan may name by slug: shipped ones, and the owner's own, which win on a shared slug.

    Hidden exercises are included: a plan that used one keeps working after its file is removed.
    """
    query = select(Exercise).where(or_(Exercise.owner_id.is_(None), Exercise.owner_id == owner_id))
    rows = sorted(db.session.scalars(query), key=lambda e: e.owner_id is not None)
    return {row.slug: row for row in rows}
