"""Read and validate `session_plans/` into the dataclasses of `files.py`.

No Flask here: the loader is used by the web app, the CLI, the PDF renderer and the tests alike.
Every problem is reported as a `Problem` naming the file, the field and what is wrong, so that
`flask library check` can list them all at once instead of stopping at the first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .files import (
    THEMES,
    FORMATS,
    INTENSITIES,
    STAGES,
    AUDIENCES,
    HANDOUT_KINDS,
    QUESTION_TYPES,
    REQUIRED_SECTIONS,
    SECTION_ORDER,
    SLUG_PATTERN,
    CLOCK_PATTERN,
    STEP_PATTERN,
    WRITE_MARKER,
    MAX_TITLE,
    MAX_SUMMARY,
    MAX_MINUTES,
    LibraryError,
    Problem,
    Step,
    ExerciseFile,
    Handout,
    Question,
    QuestionSet,
    TemplateItem,
    AcceptedWarning,
    SessionSpec,
    Template,
    Library,
)


# --- reading -----------------------------------------------------------------------------


class _Checker:
    """Collects problems for one file while its fields are read."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self.problems: list[Problem] = []

    def add(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.path, field_name, message))

    def text(self, data: dict, name: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.add(name, "is missing")
            return ""
        if not isinstance(value, str):
            self.add(name, f"must be text, not {type(value).__name__} ({value!r})")
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.add(name, f"is {len(value)} characters long; at most {max_length} allowed")
        return value

    def integer(self, data: dict, name: str, *, low: int, high: int, required: bool = True) -> int | None:
        value = data.get(name)
        if value is None:
            if required:
                self.add(name, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(name, f"must be a whole number, not {type(value).__name__} ({value!r})")
            return None
        if not low <= value <= high:
            self.add(name, f"is {value}; must be between {low} and {high}")
            return None
        return value

    def choice(self, data: dict, name: str, allowed: tuple[str, ...], *, required: bool = True) -> str:
        value = self.text(data, name, required=required)
        if value and value not in allowed:
            self.add(name, f"is {value!r}; must be one of {', '.join(allowed)}")
            return ""
        return value

    def boolean(self, data: dict, name: str, default: bool = False) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.add(name, f"must be true or false, not {value!r}")
            return default
        return value

    def text_list(self, data: dict, name: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = data.get(name, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(name, f"must be a list of text, not {value!r}")
            return ()
        if allowed:
            for item in value:
                if item not in allowed:
                    self.add(name, f"has {item!r}; each must be one of {', '.join(allowed)}")
        return tuple(v.strip() for v in value)

    def slug(self, data: dict, expected: str | None) -> str:
        value = self.text(data, "slug")
        if value and not SLUG_PATTERN.match(value):
            self.add("slug", f"{value!r} may hold only lowercase letters, digits and single hyphens")
        elif value and expected and value != expected:
            self.add("slug", f"is {value!r} but the file is named {expected!r}")
        return value

    def clock(self, data: dict, name: str, *, required: bool = False) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.add(name, "is missing")
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            # YAML 1.1 reads an unquoted 19:30 as a sexagesimal number.
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str) or not CLOCK_PATTERN.match(value.strip()):
            self.add(name, f"is {value!r}; write a 24-hour clock time in quotes, like \"19:30\"")
            return ""
        return value.strip()


def split_front_matter(text: str) -> tuple[Any, str]:
    """Split `---` YAML front matter from the Markdown body; raise yaml.YAMLError when malformed."""
    if not text.startswith("---"):
        raise ValueError("the file must begin with a line '---' opening the front matter")
    parts = re.split(r"^---\s*$", text, maxsplit=2, flags=re.MULTILINE)
    if len(parts) < 3:
        raise ValueError("the front matter is not closed by a line '---'")
    return yaml.safe_load(parts[1]), parts[2]


def split_sections(body: str) -> tuple[dict[str, str], list[str]]:
    """Return the level-two sections of a Markdown body and their headings in order."""
    sections: dict[str, str] = {}
    order: list[str] = []
    current: str | None = None
    lines: list[str] = []
    for line in body.splitlines():
        heading = re.match(r"^##\s+(.+?)\s*$", line)
        if heading:
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current = heading.group(1)
            order.append(current)
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections, order


def parse_steps(steps_markdown: str) -> tuple[Step, ...]:
    return tuple(
        Step(title=m.group("title").strip(), minutes=int(m.group("minutes")))
        for m in STEP_PATTERN.finditer(steps_markdown)
    )


def parse_feelings(markdown: str) -> dict[str, tuple[str, ...]]:
    """Read `## Core feeling` headings with their finer words (comma lists or bullets)."""
    sections, order = split_sections(markdown)
    feelings: dict[str, tuple[str, ...]] = {}
    for heading in order:
        words: list[str] = []
        for line in sections[heading].splitlines():
            line = line.strip().lstrip("-*").strip()
            if not line or ":" in line or line.startswith(("#", ">", "[[")) or len(line) > 400:
                continue
            candidates = [w.strip(" .*_") for w in line.split(",")]
            if len(candidates) == 1 and len(candidates[0].split()) > 3:
                continue  # a sentence, not a word
            words.extend(w for w in candidates if w and len(w.split()) <= 3)
        if words:
            feelings[heading.strip()] = tuple(dict.fromkeys(words))
    return feelings


def _read_yaml_mapping(path: Path, checker: _Checker) -> dict | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        checker.add("yaml", f"is not valid YAML: {_yaml_reason(error)}")
        return None
    except UnicodeDecodeError:
        checker.add("file", "is not UTF-8 text")
        return None
    if not isinstance(data, dict):
        checker.add("file", "must hold a YAML mapping of field: value")
        return None
    return data


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark else problem


def _front_matter_mapping(text: str, path: Path | str) -> tuple[dict, str]:
    """The front matter as a mapping and the Markdown body; LibraryError when either is malformed."""
    try:
        meta, body = split_front_matter(text)
    except yaml.YAMLError as error:
        raise LibraryError([Problem(str(path), "front matter", f"is not valid YAML: {_yaml_reason(error)}")]) from None
    except ValueError as error:
        raise LibraryError([Problem(str(path), "front matter", str(error))]) from None
    if not isinstance(meta, dict):
        raise LibraryError([Problem(str(path), "front matter", "must be a YAML mapping of field: value")])
    return meta, body


def parse_exercise(text: str, path: Path | str, expected_slug: str | None = None) -> ExerciseFile:
    """Parse one exercise file's text; raise LibraryError listing every problem."""
    check = _Checker(path)
    meta, body = _front_matter_mapping(text, path)

    slug = check.slug(meta, expected_slug)
    title = check.text(meta, "title", max_length=MAX_TITLE)
    theme = check.choice(meta, "theme", THEMES)
    summary = check.text(meta, "summary", max_length=MAX_SUMMARY)
    minutes, low, high = _minutes_range(meta, check)
    format_ = check.choice(meta, "format", FORMATS)
    group_min, group_max = _group_size(meta, check)
    intensity = check.choice(meta, "intensity", INTENSITIES)
    stage = check.choice(meta, "stage", STAGES)
    grounding = check.boolean(meta, "grounding")
    audience = check.text_list(meta, "audience", AUDIENCES) or AUDIENCES
    materials = check.text_list(meta, "materials")
    source = check.text(meta, "source", required=False)
    licence = check.text(meta, "licence", required=False)
    if source and not licence:
        check.add("licence", "is missing: an exercise adapted from a source must name its licence or attribution terms")
    worksheet = check.boolean(meta, "worksheet")

    sections, order = split_sections(body)
    for name in REQUIRED_SECTIONS:
        if not sections.get(name):
            check.add(f"section '{name}'", "is missing or empty")
    for name in order:
        if name not in SECTION_ORDER:
            check.add(f"section '{name}'", f"is not a known section; use {', '.join(SECTION_ORDER)}")
    known = [n for n in order if n in SECTION_ORDER]
    if known != sorted(known, key=SECTION_ORDER.index):
        check.add("sections", f"are out of order; write them as {', '.join(SECTION_ORDER)}")
    if worksheet and not sections.get("Participant handout"):
        check.add("section 'Participant handout'", "is missing, but worksheet is true")
    if worksheet and not WRITE_MARKER.search(sections.get("Participant handout", "")):
        check.add("worksheet", "is true but the Participant handout has no [[write N]] box")
    _check_write_markers(sections.get("Participant handout", ""), check)

    steps = parse_steps(sections.get("Steps", ""))
    if sections.get("Steps") and not steps:
        check.add("section 'Steps'", "has no steps; begin each with a bold title ending in its minutes: 1. **Settle in (3 min).**")
    total = sum(s.minutes for s in steps)
    if steps and minutes is not None and total != minutes:
        check.add("section 'Steps'", f"the steps add up to {total} minutes, but the exercise lasts {minutes} (minutes.default)")

    if check.problems:
        raise LibraryError(check.problems)
    return ExerciseFile(
        slug=slug, title=title, theme=theme, summary=summary,
        minutes=minutes, min_minutes=low, max_minutes=high,
        format=format_, group_min=group_min, group_max=group_max,
        intensity=intensity, stage=stage, grounding=grounding,
        audience=audience, materials=materials, source=source, licence=licence,
        worksheet=worksheet, sections=sections, steps=steps,
    )  # fmt: skip


def _minutes_range(meta: dict, check: _Checker) -> tuple[Any, Any, Any]:
    value = meta.get("minutes")
    if not isinstance(value, dict):
        check.add("minutes", f"must be a mapping like {{default: 20, min: 15, max: 30}}, not {value!r}")
        return None, None, None
    sub = _Checker(check.path)
    default = sub.integer(value, "default", low=1, high=MAX_MINUTES)
    low = sub.integer(value, "min", low=1, high=MAX_MINUTES)
    high = sub.integer(value, "max", low=1, high=MAX_MINUTES)
    check.problems += [Problem(p.path, f"minutes.{p.field}", p.message) for p in sub.problems]
    if None not in (default, low, high) and not low <= default <= high:
        check.add("minutes", f"min {low}, default {default}, max {high}: needs min <= default <= max")
    return default, low, high


def _group_size(meta: dict, check: _Checker) -> tuple[Any, Any]:
    value = meta.get("group_size")
    if not isinstance(value, dict):
        check.add("group_size", f"must be a mapping like {{min: 2, max: 16}}, not {value!r}")
        return None, None
    sub = _Checker(check.path)
    low = sub.integer(value, "min", low=1, high=500)
    high = sub.integer(value, "max", low=1, high=500)
    check.problems += [Problem(p.path, f"group_size.{p.field}", p.message) for p in sub.problems]
    if low is not None and high is not None and low > high:
        check.add("group_size", f"min {low} is larger than max {high}")
    return low, high


def _check_write_markers(markdown: str, check: _Checker) -> None:
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("[[") and not WRITE_MARKER.match(stripped):
            check.add("section 'Participant handout'", f"{stripped!r} is not a writing box; write [[write N]]")
        match = WRITE_MARKER.match(stripped)
        if match and not 1 <= int(match.group(1)) <= 20:
            check.add("section 'Participant handout'", f"{stripped!r}: a writing box holds 1 to 20 lines")


def parse_handout(text: str, path: Path | str, expected_slug: str | None = None) -> Handout:
    check = _Checker(path)
    meta, body = _front_matter_mapping(text, path)
    slug = check.slug(meta, expected_slug)
    title = check.text(meta, "title", max_length=MAX_TITLE)
    kind = check.choice(meta, "kind", HANDOUT_KINDS)
    theme = check.choice(meta, "theme", THEMES, required=kind == "partners")
    week = check.integer(meta, "week", low=1, high=52, required=False)
    summary = check.text(meta, "summary", required=False, max_length=MAX_SUMMARY)
    if not body.strip():
        check.add("body", "is empty")
    _check_write_markers(body, check)
    if check.problems:
        raise LibraryError(check.problems)
    return Handout(slug=slug, title=title, kind=kind, theme=theme, week=week, summary=summary, body=body.strip())


def parse_question_set(data: Any, path: Path | str, expected_slug: str | None = None) -> QuestionSet:
    check = _Checker(path)
    if not isinstance(data, dict):
        raise LibraryError([Problem(str(path), "file", "must hold a YAML mapping of field: value")])
    slug = check.slug(data, expected_slug)
    title = check.text(data, "title", max_length=MAX_TITLE)
    when = check.choice(data, "when", ("opening", "closing"))
    intro = check.text(data, "intro", required=False, max_length=MAX_SUMMARY)
    raw = data.get("questions")
    questions: list[Question] = []
    if not isinstance(raw, list) or not raw:
        check.add("questions", "must be a list of at least one question")
        raw = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        sub = _Checker(path)
        if not isinstance(entry, dict):
            check.add(f"questions[{index}]", "must be a mapping with key, type and prompt")
            continue
        key = sub.text(entry, "key")
        if key and not SLUG_PATTERN.match(key):
            sub.add("key", f"{key!r} may hold only lowercase letters, digits and single hyphens")
        qtype = sub.choice(entry, "type", QUESTION_TYPES)
        prompt = sub.text(entry, "prompt", max_length=300)
        low = sub.text(entry, "low", required=qtype in ("scale5", "scale10"), max_length=60)
        high = sub.text(entry, "high", required=qtype in ("scale5", "scale10"), max_length=60)
        choices = sub.text_list(entry, "choices")
        if qtype in ("single", "multi") and len(choices) < 2:
            sub.add("choices", "a single or multiple choice question needs at least two choices")
        if key in seen:
            sub.add("key", f"{key!r} is used twice in this set")
        seen.add(key)
        check.problems += [Problem(p.path, f"questions[{index}].{p.field}", p.message) for p in sub.problems]
        questions.append(Question(key=key, type=qtype, prompt=prompt, low=low, high=high, choices=choices))
    if check.problems:
        raise LibraryError(check.problems)
    return QuestionSet(slug=slug, title=title, when=when, intro=intro, questions=tuple(questions))


def parse_template(data: Any, path: Path | str, expected_slug: str | None = None) -> Template:
    """Parse a session or programme template mapping (also used for imports)."""
    check = _Checker(path)
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
    data: dict, check: _Checker, prefix: str, group_size: int | None, audience: str,
    summary: str = "", title: str = "",
) -> SessionSpec:  # fmt: skip
    sub = _Checker(check.path)
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


def _parse_items(raw: Any, check: _Checker) -> list[TemplateItem]:
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
        sub = _Checker(check.path)
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


def load_library(root: Path | str) -> tuple[Library, list[Problem]]:
    """Read every file under `root`; return what parsed and the problems of what did not."""
    root = Path(root)
    problems: list[Problem] = []
    exercises: dict[str, ExerciseFile] = {}
    handouts: dict[str, Handout] = {}
    question_sets: dict[str, QuestionSet] = {}
    templates: dict[str, Template] = {}
    where: dict[tuple[str, str], Path] = {}

    def keep(kind: str, store: dict, item: Any, path: Path) -> None:
        if item.slug in store:
            problems.append(Problem(str(path), "slug", f"{item.slug!r} is also used by {where[(kind, item.slug)]}"))
            return
        store[item.slug] = item
        where[(kind, item.slug)] = path

    for path in sorted((root / "exercises").glob("*.md")):
        try:
            keep("exercise", exercises, parse_exercise(path.read_text(encoding="utf-8"), path, path.stem), path)
        except LibraryError as error:
            problems += error.problems
    for path in sorted((root / "handouts").glob("*.md")):
        try:
            keep("handout", handouts, parse_handout(path.read_text(encoding="utf-8"), path, path.stem), path)
        except LibraryError as error:
            problems += error.problems
    for path in sorted((root / "questions").glob("*.yaml")):
        check = _Checker(path)
        data = _read_yaml_mapping(path, check)
        problems += check.problems
        if data is not None:
            try:
                keep("questions", question_sets, parse_question_set(data, path, path.stem), path)
            except LibraryError as error:
                problems += error.problems
    template_paths: dict[str, Path] = {}
    for path in sorted((root / "templates").glob("*.yaml")):
        check = _Checker(path)
        data = _read_yaml_mapping(path, check)
        problems += check.problems
        if data is not None:
            try:
                template = parse_template(data, path, path.stem)
                keep("template", templates, template, path)
                template_paths[template.slug] = path
            except LibraryError as error:
                problems += error.problems
    library = Library(exercises, handouts, question_sets, templates)
    for slug, template in templates.items():
        problems += check_template_references(template, library, str(template_paths[slug]))
    return library, problems


def main(argv: list[str]) -> int:
    """`python -m facilitator.library check [ROOT]`: validate without a Flask app."""
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "session_plans"
    library, problems = load_library(root)
    for problem in problems:
        print(problem)
    print(
        f"{len(library.exercises)} exercises, {len(library.handouts)} handouts, "
        f"{len(library.question_sets)} question sets, {len(library.templates)} templates; "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0

