"""The exercise library in the database: syncing shipped files, browsing, and custom exercises."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import yaml
from sqlalchemy import or_, select

from ..extensions import db
from . import search
from .files import MAX_TITLE, STEP_PATTERN, ExerciseFile, Library, LibraryError
from .parse import parse_exercise
from ..models import Exercise

EXERCISE_FIELDS = (
    "slug", "title", "theme", "summary", "minutes", "min_minutes", "max_minutes", "format",
    "group_min", "group_max", "intensity", "stage", "grounding", "source", "licence", "worksheet",
)  # fmt: skip
SECTION_NAMES = (
    "Purpose", "Steps", "Facilitator script", "Debrief questions", "Safety notes", "Variations", "Participant handout",
)  # fmt: skip


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.hidden)

    def __str__(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.hidden)} hidden, "
            f"{self.unchanged} unchanged"
        )


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _apply(row: Exercise, parsed: ExerciseFile, text: str) -> None:
    for name in EXERCISE_FIELDS:
        setattr(row, name, getattr(parsed, name))
    row.audience = list(parsed.audience)
    row.materials = list(parsed.materials)
    row.sections = dict(parsed.sections)
    row.text = text
    row.content_hash = content_hash(text)
    row.hidden = False


def sync_library(library: Library, texts: dict[str, str]) -> SyncReport:
    """Mirror shipped exercises into the database; `texts` maps each slug to its file's text.

    Re-running changes nothing; an edited file updates its row in place (sessions keep pointing at
    it); a removed file only hides its row, so no session that used it loses anything.
    """
    report = SyncReport()
    existing = {row.slug: row for row in db.session.scalars(select(Exercise).where(Exercise.owner_id.is_(None)))}
    for slug, parsed in library.exercises.items():
        text = texts[slug]
        row = existing.get(slug)
        if row is None:
            row = Exercise(owner_id=None)
            _apply(row, parsed, text)
            db.session.add(row)
            report.added.append(slug)
        elif row.content_hash != content_hash(text) or row.hidden:
            _apply(row, parsed, text)
            report.updated.append(slug)
        else:
            report.unchanged += 1
    for slug, row in existing.items():
        # Only a file that is gone hides its exercise; a file with a fault keeps the last good version.
        if slug not in texts and not row.hidden:
            row.hidden = True
            report.hidden.append(slug)
    db.session.commit()
    return report


@dataclass(frozen=True)
class ExerciseFilters:
    q: str = ""
    theme: str = ""
    format: str = ""
    intensity: str = ""
    stage: str = ""
    max_minutes: int | None = None
    mine_only: bool = False


@dataclass(frozen=True)
class LibrarySearch:
    """What the library shows for some filters: exercises best match first when there are search words,
    else by theme and title; `strong` holds the ids whose title or summary has the words."""

    exercises: list[Exercise]
    strong: frozenset[int] = frozenset()
    ranked: bool = False

    @property
    def text_only(self) -> int:
        """How many were found only in an exercise's text, listed after the title and summary matches."""
        return len(self.exercises) - len(self.strong)


def search_exercises(owner_id: int, filters: ExerciseFilters) -> LibrarySearch:
    """Shipped exercises plus the facilitator's own, filtered; ranked by the database's full-text search
    (title above summary above the text) when there are search words."""
    query = select(Exercise).where(Exercise.hidden.is_(False))
    if filters.mine_only:
        query = query.where(Exercise.owner_id == owner_id)
    else:
        query = query.where(visible_to(owner_id))
    for name in ("theme", "format", "intensity", "stage"):
        value = getattr(filters, name)
        if value:
            query = query.where(getattr(Exercise, name) == value)
    if filters.max_minutes:
        query = query.where(Exercise.min_minutes <= filters.max_minutes)
    found = search.ranked(db.engine.dialect.name, filters.q) if filters.q else None
    if found is None:
        return LibrarySearch(list(db.session.scalars(query.order_by(Exercise.theme, Exercise.title))))
    query = query.join(found, found.c.id == Exercise.id).add_columns(found.c.strong)
    rows = db.session.execute(query.order_by(found.c.strong.desc(), found.c.score.desc(), Exercise.title)).all()
    return LibrarySearch([row[0] for row in rows], frozenset(row[0].id for row in rows if row.strong), ranked=True)


def browse_exercises(owner_id: int, filters: ExerciseFilters) -> list[Exercise]:
    """The exercises `search_exercises` finds, in its order."""
    return search_exercises(owner_id, filters).exercises


def visible_to(owner_id: int):  # noqa: ANN201
    """Shipped exercises, the facilitator's own, and colleagues' own shared with the whole practice."""
    return or_(Exercise.owner_id.is_(None), Exercise.owner_id == owner_id, Exercise.shared.is_(True))


def can_view(exercise: Exercise, owner_id: int) -> bool:
    return exercise.owner_id is None or exercise.owner_id == owner_id or exercise.shared


def set_shared(exercise: Exercise, shared: bool) -> None:
    """Offer an own exercise to the whole practice (colleagues read, plan with and copy it) or keep it private.

    Sessions a colleague already planned with it keep it when it is made private again, as they do
    when it is removed from the library.
    """
    exercise.shared = shared
    db.session.commit()


# --- custom exercises ----------------------------------------------------------------------


def exercise_file_text(meta: dict, sections: dict[str, str]) -> str:
    """Write an exercise in the library's file format, so custom ones are validated like shipped ones."""
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    body = "\n\n".join(f"## {name}\n\n{sections[name].strip()}" for name in SECTION_NAMES if sections.get(name, "").strip())
    return f"---\n{front}---\n\n{body}\n"


def meta_of(exercise: Exercise) -> dict:
    """The front matter of a stored exercise, in file order."""
    return {
        "slug": exercise.slug, "title": exercise.title, "theme": exercise.theme, "summary": exercise.summary,
        "minutes": {"default": exercise.minutes, "min": exercise.min_minutes, "max": exercise.max_minutes},
        "format": exercise.format, "group_size": {"min": exercise.group_min, "max": exercise.group_max},
        "intensity": exercise.intensity, "stage": exercise.stage, "grounding": exercise.grounding,
        "audience": list(exercise.audience), "materials": list(exercise.materials),
        "source": exercise.source, "licence": exercise.licence, "worksheet": exercise.worksheet,
    }  # fmt: skip


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80].strip("-")
    return slug or "exercise"


def _free_slug(owner_id: int, title: str, keep_id: int | None = None) -> str:
    base = slugify(title)
    taken = set(
        db.session.scalars(
            select(Exercise.slug).where(Exercise.owner_id == owner_id, Exercise.slug.like(f"{base}%"), Exercise.id != (keep_id or 0))
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def save_custom_exercise(
    owner_id: int, meta: dict, sections: dict[str, str], exercise: Exercise | None = None, forked_from: str | None = None
) -> Exercise:
    """Validate and store a facilitator's exercise (a new one, an edit, or a copy of `forked_from`);
    raise LibraryError and store nothing when invalid."""
    meta = dict(meta)
    meta["slug"] = exercise.slug if exercise else _free_slug(owner_id, meta.get("title") or "exercise")
    text = exercise_file_text(meta, sections)
    parsed = parse_exercise(text, "your exercise")
    if exercise is None:
        exercise = Exercise(owner_id=owner_id, forked_from=forked_from or "")
        db.session.add(exercise)
    kept_forked_from = exercise.forked_from
    _apply(exercise, parsed, text)
    exercise.forked_from = kept_forked_from
    db.session.commit()
    return exercise


def forked_original(exercise: Exercise) -> Exercise | None:
    """The library exercise a copy was made from, to name and link by its title (not its file name)."""
    if not exercise.forked_from:
        return None
    return db.session.scalar(select(Exercise).where(Exercise.owner_id.is_(None), Exercise.slug == exercise.forked_from))


def fork_title(exercise: Exercise) -> str:
    """The title a copy starts with, until its author renames it."""
    return f"{exercise.title} (my version)"[:MAX_TITLE]


def scale_steps(steps_markdown: str, minutes: int) -> str:
    """The steps with their minutes scaled to add up to `minutes`, each at least one minute; unchanged
    when there are no steps or too few minutes to give each one."""
    matches = list(STEP_PATTERN.finditer(steps_markdown))
    old = [int(m.group("minutes")) for m in matches]
    if not matches or sum(old) in (0, minutes) or minutes < len(old):
        return steps_markdown
    exact = [n * minutes / sum(old) for n in old]
    new = [max(1, int(x)) for x in exact]
    # Hand out (or take back) the rounding difference by the largest remainders, so the sum is exact.
    order = sorted(range(len(new)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for turn in range(minutes - sum(new)):
        new[order[turn % len(order)]] += 1
    while sum(new) > minutes:  # only when rounding small steps up to a minute overshot
        new[max(range(len(new)), key=lambda i: new[i])] -= 1
    out, last = [], 0
    for match, number in zip(matches, new):
        start, end = match.span("minutes")
        out += [steps_markdown[last:start], str(number)]
        last = end
    return "".join(out) + steps_markdown[last:]


def archive_custom_exercise(exercise: Exercise) -> None:
    """Hide a custom exercise from the library; sessions that use it keep it."""
    exercise.hidden = True
    db.session.commit()


__all__ = ["LibraryError", "SyncReport", "sync_library", "browse_exercises", "save_custom_exercise", "search_exercises"]
