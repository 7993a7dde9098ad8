"""Own exercises that travel with a plan file, so a colleague or another installation can import it.

An exported plan lists, under `exercises:`, every exercise of a facilitator's own it uses, each as
the whole Markdown file (front matter and sections, the shape of session_plans/exercises/*.md).
Importing checks each with the library's own parser and adds it as the importer's own exercise:
one they already have with the same text is reused; otherwise it gets a slug that clashes with no
shipped exercise and none of theirs. Nothing is stored until the whole plan has passed its checks.
"""

from __future__ import annotations

import yaml

from ..extensions import db
from ..library.files import LibraryError
from ..library.parse import parse_exercise
from ..library.service import content_hash, exercise_file_text, meta_of
from ..models import Exercise
from sqlalchemy import select

from .exchange import ImportFailed, ImportProblem, _PlanLoader, line_of
from .models import GroupSession

FIELD = "exercises"
MAX_EMBEDDED = 100  # a plan rarely uses more than a few dozen exercises


def own_exercises_used(sessions: list[GroupSession]) -> list[Exercise]:
    """The facilitators' own exercises these sessions use, in agenda order, each once."""
    seen: dict[int, Exercise] = {}
    for session in sessions:
        for item in session.items:
            if item.exercise is not None and item.exercise.owner_id is not None:
                seen.setdefault(item.exercise.id, item.exercise)
    return list(seen.values())


def exercise_file(exercise: Exercise) -> str:
    """An exercise as its Markdown file, written again from the row so the file always matches it."""
    return exercise.text or exercise_file_text(meta_of(exercise), exercise.sections)


def embedded_document(sessions: list[GroupSession]) -> dict:
    """The `exercises:` part of a plan file, or nothing when the plan uses only shipped exercises."""
    used = own_exercises_used(sessions)
    if not used:
        return {}
    return {FIELD: [{"file": f"{exercise.slug}.md", "text": exercise_file(exercise)} for exercise in used]}


def _entries(text: str) -> list:
    data = yaml.load(text, Loader=_PlanLoader)  # noqa: S506 (a SafeLoader); read_template already read it once
    entries = data.get(FIELD) if isinstance(data, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ImportFailed([ImportProblem(line_of(text, FIELD), FIELD, "must be a list of exercise files (file: and text:)")])
    if len(entries) > MAX_EMBEDDED:
        raise ImportFailed([ImportProblem(line_of(text, FIELD), FIELD, f"holds more than {MAX_EMBEDDED} exercises")])
    return entries


def _parse_entries(text: str) -> list[tuple[str, object]]:
    """Each embedded exercise's file text and parsed form; ImportFailed naming every faulty one."""
    problems: list[ImportProblem] = []
    parsed = []
    for number, entry in enumerate(_entries(text), start=1):
        where = f"{FIELD}[{number}]"
        body = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(body, str) or not body.strip():
            problems.append(ImportProblem(line_of(text, where), where, "must have text: the exercise's whole Markdown file"))
            continue
        name = entry.get("file") if isinstance(entry.get("file"), str) else where
        try:
            parsed.append((body, parse_exercise(body, name)))
        except LibraryError as error:
            line = line_of(text, f"{where}.text")
            problems += [ImportProblem(line, f"{where} ({name}) {p.field}", p.message) for p in error.problems]
    if problems:
        raise ImportFailed(problems)
    return parsed


def _free_slug(wanted: str, taken: set[str]) -> str:
    slug, number = wanted, 1
    while slug in taken:
        suffix = "-imported" if number == 1 else f"-imported-{number}"
        slug, number = f"{wanted[: 100 - len(suffix)]}{suffix}", number + 1
    return slug


def with_embedded_exercises(owner_id: int, text: str, exercises: dict[str, Exercise]) -> dict[str, Exercise]:
    """`exercises` (slug -> row) with a plan file's own exercises in place of anything of the same slug.

    New rows are built but not added to the database session: building the plan adds them with it,
    so a plan that fails a later check leaves nothing behind.
    """
    parsed = _parse_entries(text)
    if not parsed:
        return exercises
    mine = list(db.session.scalars(select(Exercise).where(Exercise.owner_id == owner_id)))
    by_content = {_fingerprint(row): row for row in mine}
    taken = {row.slug for row in mine} | set(db.session.scalars(select(Exercise.slug).where(Exercise.owner_id.is_(None))))
    result = dict(exercises)
    for _, exercise in parsed:
        row = _new_own_exercise(owner_id, exercise, exercise.slug)
        existing = by_content.get(_fingerprint(row))
        if existing is not None:
            row = existing  # imported before (or the importer's own): no second copy
        else:
            row.slug = _free_slug(exercise.slug, taken)
            row.text = exercise_file_text(meta_of(row), row.sections)  # the stored file names its new slug
            row.content_hash = content_hash(row.text)
            taken.add(row.slug)
            by_content[_fingerprint(row)] = row
        result[exercise.slug] = row
    return result


def _fingerprint(row: Exercise) -> str:
    """What an exercise says, whatever its slug: two copies of one exercise under two slugs match."""
    meta = {key: value for key, value in meta_of(row).items() if key != "slug"}
    return content_hash(exercise_file_text(meta, row.sections))


def _new_own_exercise(owner_id: int, parsed, slug: str) -> Exercise:  # noqa: ANN001
    row = Exercise(owner_id=owner_id, forked_from="")
    for name in ("title", "theme", "summary", "minutes", "min_minutes", "max_minutes", "format", "group_min", "group_max",
                 "intensity", "stage", "grounding", "source", "licence", "worksheet"):  # fmt: skip
        setattr(row, name, getattr(parsed, name))
    row.slug = slug
    row.audience, row.materials, row.sections = list(parsed.audience), list(parsed.materials), dict(parsed.sections)
    row.hidden, row.shared = False, False
    return row
