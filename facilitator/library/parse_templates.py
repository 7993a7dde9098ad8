"""Read session and programme templates (`session_plans/templates/*.yaml`) and check what they name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .checker import FieldChecker
from .files import AUDIENCES, MAX_MINUTES, AcceptedWarning, Library, LibraryError, Problem, SessionSpec, Template, TemplateItem


def parse_template(data: Any, path: Path | str, expected_slug: str | None = None) -> Template:
    """Parse a session or programme template mapping (also used for imports)."""
    check = FieldChecker(path)
    if not isinstance(data, dict):
        raise LibraryError([Problem(str(path), "file", "must hold a YAML mapping of field: value")])
    slug = check.slug(data, expected_slug)
    title = check.text(data, "title", max_length=120)
    kind = check.choice(data, "kind", ("session", "programme"))
    audience = check.choice(data, "audience", AUDIENCES)
    summary = check.text(data, "summary", required=False, max_length=600)
    group_size = check.integer(data, "group_size", low=1, high=500, required=False)
    sessions: list[SessionSpec] = []
    if kind == "session":
        sessions.append(parse_session_spec(data, check, "", group_size, audience, summary, title))
    elif kind == "programme":
        weeks = data.get("weeks")
        if not isinstance(weeks, list) or not weeks:
            check.add("weeks", "must be a list of at least one week")
            weeks = []
        for number, week in enumerate(weeks, start=1):
            if not isinstance(week, dict):
                check.add(f"weeks[{number}]", "must be a mapping")
                continue
            sessions.append(parse_session_spec(week, check, f"weeks[{number}].", group_size, audience))
    if check.problems:
        raise LibraryError(check.problems)
    return Template(slug=slug, title=title, kind=kind, audience=audience, summary=summary,
                    group_size=group_size, sessions=tuple(sessions))  # fmt: skip


def parse_session_spec(
    data: dict, check: FieldChecker, prefix: str, group_size: int | None, audience: str,
    summary: str = "", title: str = "",
) -> SessionSpec:  # fmt: skip
    sub = FieldChecker(check.path)
    title = title or sub.text(data, "title", max_length=120)
    theme = sub.text(data, "theme", required=False, max_length=120)
    target = sub.integer(data, "target_minutes", low=5, high=720)
    start = sub.clock(data, "start_time") or "19:00"
    reflection = data.get("reflection") or {}
    if not isinstance(reflection, dict):
        sub.add("reflection", "must be a mapping like {opening: slug, closing: slug}")
        reflection = {}
    opening = sub.text(reflection, "opening", required=False)
    closing = sub.text(reflection, "closing", required=False)
    take_home = sub.text(data, "take_home", required=False)
    partner_handouts = sub.text_list(data, "partner_handouts")
    accepted = []
    for entry in data.get("accepted_warnings") or []:
        if not isinstance(entry, dict) or not entry.get("rule") or not entry.get("why"):
            sub.add("accepted_warnings", "each needs a rule and a why")
            continue
        accepted.append(AcceptedWarning(rule=str(entry["rule"]), why=str(entry["why"])))
    items = _parse_items(data.get("items"), sub)
    check.problems += [Problem(p.path, prefix + p.field, p.message) for p in sub.problems]
    return SessionSpec(
        title=title, theme=theme, target_minutes=target or 0, start_time=start, items=tuple(items),
        group_size=group_size, audience=audience, summary=summary,
        reflection_opening=opening, reflection_closing=closing, take_home=take_home,
        partner_handouts=partner_handouts, accepted_warnings=tuple(accepted),
    )  # fmt: skip


def _parse_items(raw: Any, check: FieldChecker) -> list[TemplateItem]:
    if not isinstance(raw, list) or not raw:
        check.add("items", "must be a list of at least one item")
        return []
    items = []
    for index, entry in enumerate(raw, start=1):
        name = f"items[{index}]"
        if not isinstance(entry, dict):
            check.add(name, "must be a mapping with exercise, break or block")
            continue
        kinds = [k for k in ("exercise", "break", "block") if k in entry]
        if len(kinds) != 1:
            check.add(name, "must have exactly one of exercise, break or block")
            continue
        sub = FieldChecker(check.path)
        note = sub.text(entry, "note", required=False, max_length=2000)
        pin = sub.clock(entry, "pin")
        if kinds == ["exercise"]:
            slug = sub.text(entry, "exercise")
            minutes = sub.integer(entry, "minutes", low=1, high=MAX_MINUTES, required=False)
            item = TemplateItem(kind="exercise", exercise=slug, minutes=minutes, note=note, pin=pin)
        elif kinds == ["break"]:
            minutes = sub.integer(entry, "break", low=1, high=MAX_MINUTES)
            title = sub.text(entry, "title", required=False, max_length=120) or "Break"
            item = TemplateItem(kind="break", title=title, minutes=minutes, note=note, pin=pin)
        else:
            title = sub.text(entry, "block", max_length=120)
            minutes = sub.integer(entry, "minutes", low=0, high=MAX_MINUTES)
            item = TemplateItem(kind="block", title=title, minutes=minutes, note=note, pin=pin)
        check.problems += [Problem(p.path, f"{name}.{p.field}", p.message) for p in sub.problems]
        items.append(item)
    return items


def check_template_references(template: Template, library: Library, path: str) -> list[Problem]:
    """Problems with slugs a template names that the library does not hold."""
    problems = []
    for number, spec in enumerate(template.sessions, start=1):
        prefix = f"weeks[{number}]." if template.kind == "programme" else ""
        for index, item in enumerate(spec.items, start=1):
            if item.kind != "exercise":
                continue
            exercise = library.exercises.get(item.exercise)
            if exercise is None:
                problems.append(Problem(path, f"{prefix}items[{index}].exercise", f"unknown exercise slug {item.exercise!r}"))
            elif item.minutes is not None and not exercise.min_minutes <= item.minutes <= exercise.max_minutes:
                problems.append(Problem(
                    path, f"{prefix}items[{index}].minutes",
                    f"{item.minutes} is outside {exercise.slug}'s range of {exercise.min_minutes} to {exercise.max_minutes}",
                ))  # fmt: skip
        for key, slug in (("reflection.opening", spec.reflection_opening), ("reflection.closing", spec.reflection_closing)):
            if slug and slug not in library.question_sets:
                problems.append(Problem(path, prefix + key, f"unknown question set {slug!r}"))
        for slug in (spec.take_home, *spec.partner_handouts):
            if slug and slug not in library.handouts:
                problems.append(Problem(path, prefix + "handouts", f"unknown handout {slug!r}"))
    return problems
