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

from .checker import FieldChecker
from .files import (
    THEMES,
    FORMATS,
    INTENSITIES,
    STAGES,
    AUDIENCES,
    HANDOUT_KINDS,
    QUESTION_TYPES,
    HOPED_FOR,
    REQUIRED_SECTIONS,
    SECTION_ORDER,
    SLUG_PATTERN,
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
    Template,
    Library,
)
from .parse_templates import check_template_references, parse_template


# --- reading -----------------------------------------------------------------------------


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


def _read_yaml_mapping(path: Path, checker: FieldChecker) -> dict | None:
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
    check = FieldChecker(path)
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


def _minutes_range(meta: dict, check: FieldChecker) -> tuple[Any, Any, Any]:
    value = meta.get("minutes")
    if not isinstance(value, dict):
        check.add("minutes", f"must be a mapping like {{default: 20, min: 15, max: 30}}, not {value!r}")
        return None, None, None
    sub = FieldChecker(check.path)
    default = sub.integer(value, "default", low=1, high=MAX_MINUTES)
    low = sub.integer(value, "min", low=1, high=MAX_MINUTES)
    high = sub.integer(value, "max", low=1, high=MAX_MINUTES)
    check.problems += [Problem(p.path, f"minutes.{p.field}", p.message) for p in sub.problems]
    if None not in (default, low, high) and not low <= default <= high:
        check.add("minutes", f"min {low}, default {default}, max {high}: needs min <= default <= max")
    return default, low, high


def _group_size(meta: dict, check: FieldChecker) -> tuple[Any, Any]:
    value = meta.get("group_size")
    if not isinstance(value, dict):
        check.add("group_size", f"must be a mapping like {{min: 2, max: 16}}, not {value!r}")
        return None, None
    sub = FieldChecker(check.path)
    low = sub.integer(value, "min", low=1, high=500)
    high = sub.integer(value, "max", low=1, high=500)
    check.problems += [Problem(p.path, f"group_size.{p.field}", p.message) for p in sub.problems]
    if low is not None and high is not None and low > high:
        check.add("group_size", f"min {low} is larger than max {high}")
    return low, high


def _check_write_markers(markdown: str, check: FieldChecker) -> None:
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("[[") and not WRITE_MARKER.match(stripped):
            check.add("section 'Participant handout'", f"{stripped!r} is not a writing box; write [[write N]]")
        match = WRITE_MARKER.match(stripped)
        if match and not 1 <= int(match.group(1)) <= 20:
            check.add("section 'Participant handout'", f"{stripped!r}: a writing box holds 1 to 20 lines")


def parse_handout(text: str, path: Path | str, expected_slug: str | None = None) -> Handout:
    check = FieldChecker(path)
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
    check = FieldChecker(path)
    if not isinstance(data, dict):
        raise LibraryError([Problem(str(path), "file", "must hold a YAML mapping of field: value")])
    slug = check.slug(data, expected_slug)
    title = check.text(data, "title", max_length=MAX_TITLE)
    when = check.choice(data, "when", ("opening", "closing"))
    intro = check.text(data, "intro", required=False, max_length=MAX_SUMMARY)
    link_answers = check.boolean(data, "link_answers", default=True)
    raw = data.get("questions")
    questions: list[Question] = []
    if not isinstance(raw, list) or not raw:
        check.add("questions", "must be a list of at least one question")
        raw = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        sub = FieldChecker(path)
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
        hoped_for = sub.choice(entry, "hoped_for", HOPED_FOR, required=False) or "higher"
        if "hoped_for" in entry and qtype not in ("scale5", "scale10"):
            sub.add("hoped_for", "only a scale has a hoped-for direction")
        if key in seen:
            sub.add("key", f"{key!r} is used twice in this set")
        seen.add(key)
        check.problems += [Problem(p.path, f"questions[{index}].{p.field}", p.message) for p in sub.problems]
        questions.append(
            Question(key=key, type=qtype, prompt=prompt, low=low, high=high, choices=choices, hoped_for=hoped_for)
        )
    if check.problems:
        raise LibraryError(check.problems)
    return QuestionSet(slug=slug, title=title, when=when, intro=intro, questions=tuple(questions), link_answers=link_answers)



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
        check = FieldChecker(path)
        data = _read_yaml_mapping(path, check)
        problems += check.problems
        if data is not None:
            try:
                keep("questions", question_sets, parse_question_set(data, path, path.stem), path)
            except LibraryError as error:
                problems += error.problems
    template_paths: dict[str, Path] = {}
    for path in sorted((root / "templates").glob("*.yaml")):
        check = FieldChecker(path)
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

