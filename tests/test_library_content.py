"""The shipped library as a clinician and a newcomer would check it (issue: library content)."""

import itertools
from dataclasses import dataclass
import re
from collections import Counter
from pathlib import Path

import pytest

from facilitator.library.files import THEMES
from facilitator.library.parse import load_library

ROOT = Path(__file__).resolve().parent.parent / "session_plans"


@pytest.fixture(scope="module")
def library():
    library, problems = load_library(ROOT)
    assert problems == []
    return library


def test_at_least_32_exercises_and_3_for_every_theme(library):
    assert len(library.exercises) >= 32
    per_theme = Counter(e.theme for e in library.exercises.values())
    for theme in THEMES:
        assert per_theme[theme] >= 3, f"{theme} has {per_theme[theme]} exercises"


def test_openings_closings_and_grounding_are_all_there(library):
    exercises = list(library.exercises.values())
    assert sum(e.stage == "opening" and e.theme == "openings-and-closings" for e in exercises) >= 3
    assert sum(e.stage == "closing" and e.theme == "openings-and-closings" for e in exercises) >= 3
    grounding = [e for e in exercises if e.grounding]
    assert len(grounding) >= 2
    assert all(e.intensity == "low" and e.minutes <= 10 for e in grounding)


def test_every_adapted_exercise_names_source_and_licence(library):
    for exercise in library.exercises.values():
        if exercise.source:
            assert exercise.licence, exercise.slug
    assert sum(bool(e.source) for e in library.exercises.values()) >= 8
    wheel = library.exercises["feelings-wheel-from-core-to-fine"]
    assert "Willcox" in wheel.source


PASSING = re.compile(
    r"\bpass|opt out|sit out|skip|step out|(?:does not|doesn't|do not|don't|nobody|no one) (?:has|have|need|needs) to|need not"
)


def test_every_exercise_says_how_someone_may_pass(library):
    silent = [e.slug for e in library.exercises.values() if not PASSING.search(e.sections["Safety notes"].lower())]
    assert not silent, f"safety notes that never say how to pass: {silent}"


def test_worksheets_have_writing_space(library):
    for exercise in library.exercises.values():
        if exercise.worksheet:
            assert "[[write" in exercise.participant_handout, exercise.slug


def test_take_home_material_exists(library):
    kinds = Counter(h.kind for h in library.handouts.values())
    assert kinds["vocabulary"] == 1
    partner_themes = {h.theme for h in library.handouts.values() if h.kind == "partners"}
    assert partner_themes >= set(THEMES) - {"openings-and-closings"}
    feelings = library.feelings()
    assert len(feelings) >= 5 and all(len(words) >= 6 for words in feelings.values())


def _sentences(text: str) -> set[str]:
    text = re.sub(r"[*_>#`\[\]]", " ", text.lower())
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return {" ".join(p.split()) for p in parts if len(p.split()) >= 8}


def test_no_two_files_share_more_than_a_sentence():
    files = sorted((ROOT / "exercises").glob("*.md")) + sorted((ROOT / "handouts").glob("*.md"))
    sentences = {path.name: _sentences(path.read_text()) for path in files}
    for (a, first), (b, second) in itertools.combinations(sentences.items(), 2):
        shared = first & second
        assert len(shared) <= 1, f"{a} and {b} share: {sorted(shared)[:3]}"


@dataclass(frozen=True)
class Line:
    minutes: int
    pin: str


REQUIRED_TEMPLATES = {
    "six-week-mens-group": ("programme", 6, 90),
    "two-hour-workshop": ("session", 1, 120),
    "couples-evening": ("session", 1, 150),
    "taster-hour": ("session", 1, 60),
    "one-day-retreat": ("session", 1, 360),
    "six-week-follow-up-evening": ("session", 1, 90),
}


@pytest.mark.parametrize("slug", sorted(REQUIRED_TEMPLATES))
def test_every_shipped_template_fits_its_target_and_its_arc(library, slug):
    from facilitator.planner.arc import arc_warnings_for_template
    from facilitator.planner.timing import total_minutes

    kind, weeks, minutes = REQUIRED_TEMPLATES[slug]
    template = library.templates[slug]
    assert (template.kind, len(template.sessions)) == (kind, weeks)
    every_week = arc_warnings_for_template(template, library)  # a programme's weeks as weeks of one group
    for number, (spec, warnings) in enumerate(zip(template.sessions, every_week), start=1):
        assert spec.target_minutes == minutes
        items = [Line(item.minutes if item.minutes is not None else library.exercises[item.exercise].minutes, item.pin) for item in spec.items]
        assert total_minutes(spec.start_time, items) == minutes, f"{slug} week {number}"
        assert warnings == [], f"{slug} week {number}: {[w.message for w in warnings]}"
        assert all(w.why for w in spec.accepted_warnings)


def test_the_curriculum_has_a_practice_for_every_week_and_question_sets(library):
    curriculum = library.templates["six-week-mens-group"]
    for number, week in enumerate(curriculum.sessions, start=1):
        practice = library.handouts[week.take_home]
        assert (practice.kind, practice.week) == ("practice", number)
        assert week.reflection_opening and week.reflection_closing
        assert week.partner_handouts
    for template in library.templates.values():
        for spec in template.sessions:
            assert library.question_sets[spec.reflection_opening].when == "opening"
            assert library.question_sets[spec.reflection_closing].when == "closing"


def test_question_sets_never_ask_for_identifying_details(library):
    identifying = re.compile(r"\b(your name|age|how old|job|occupation|where do you live|postcode|email|phone)\b", re.I)
    for question_set in library.question_sets.values():
        for question in question_set.questions:
            assert not identifying.search(question.prompt), f"{question_set.slug}: {question.prompt}"


# The run sheet lists every exercise's materials once, so the same thing must be named the same
# way everywhere: "Tape or blu-tack" next to "Tape" reads as two things to pack.
MATERIALS_VOCABULARY = {
    r"\bpens?\b": {"Pens", "Coloured pens or pencils"},
    r"\bpaper\b": {"Paper"},
    r"marker|flipchart": {"Flipchart and markers"},
    r"\btape\b|blu-?tack": {"Tape or Blu-tack"},
    r"index card|slips? of paper": {"Index cards"},
    r"sticky": {"Sticky notes"},
    r"envelope": {"Envelopes"},
    r"worksheet": {"Printed worksheets, one each"},
    r"\btimer\b|\bbell\b": {"A timer or bell", "A phone timer per couple", "A soft bell or chime"},
    r"\b(bag|box|hat)\b to collect": {"A bag or box to collect the cards"},
}


def test_materials_are_named_one_way_so_the_run_sheet_lists_each_once(library):
    for exercise in library.exercises.values():
        for item in exercise.materials:
            assert item[:1].isupper() or item[:1] == '"', f"{exercise.slug}: {item!r} starts lower-case"
            if item.startswith("Prepared flipchart sheet"):
                continue
            for pattern, names in MATERIALS_VOCABULARY.items():
                if re.search(pattern, item, re.I):
                    assert item in names, f"{exercise.slug}: {item!r} should be one of {sorted(names)}"
        if exercise.worksheet:
            assert "Printed worksheets, one each" in exercise.materials, exercise.slug


def test_couples_exercises_speak_to_both_partners(library):
    for exercise in library.exercises.values():
        if "couples" in exercise.audience and "men" not in exercise.audience:
            for name in ("Purpose", "Steps"):
                text = exercise.sections[name]
                assert not re.search(r"\b(a lot of|many|most|some) men\b", text, re.I), f"{exercise.slug}: {name}"
