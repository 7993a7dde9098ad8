"""`flask library check`: each kind of broken file is caught with a message naming file, field, fault."""

import shutil
from pathlib import Path

import pytest

from facilitator.library.parse import load_library, parse_exercise

SHIPPED = Path(__file__).resolve().parent.parent / "session_plans"

GOOD_EXERCISE = """---
slug: {slug}
title: Two minutes of quiet
theme: openings-and-closings
summary: A short settling exercise.
minutes: {{default: 5, min: 3, max: 8}}
format: whole-group
group_size: {{min: 2, max: 20}}
intensity: low
stage: opening
grounding: true
audience: [men, couples, mixed]
materials: []
source: ""
licence: ""
worksheet: false
---

## Purpose

To arrive.

## Steps

1. **Sit (2 min).** Sit.
2. **Notice (3 min).** Notice.

## Facilitator script

"Let's settle."

## Debrief questions

- What did you notice?

## Safety notes

Anyone may keep their eyes open.
"""

GOOD_TEMPLATE = """slug: short-evening
title: A short evening
kind: session
audience: men
target_minutes: 15
start_time: "19:00"
items:
  - exercise: quiet
  - break: 5
  - exercise: quiet
"""


@pytest.fixture
def library_dir(tmp_path):
    root = tmp_path / "session_plans"
    for folder in ("exercises", "handouts", "questions", "templates"):
        (root / folder).mkdir(parents=True)
    (root / "exercises" / "quiet.md").write_text(GOOD_EXERCISE.format(slug="quiet"))
    (root / "templates" / "short-evening.yaml").write_text(GOOD_TEMPLATE)
    return root


def check(runner, root) -> tuple[int, str]:
    result = runner.invoke(args=["library", "check", "--path", str(root)])
    return result.exit_code, result.output


def test_a_valid_library_passes(runner, library_dir):
    code, output = check(runner, library_dir)
    assert code == 0, output
    assert "1 exercises, 0 handouts, 0 question sets, 1 templates: all valid" in output


def test_every_shipped_file_is_valid(runner):
    code, output = check(runner, SHIPPED)
    assert code == 0, output


QUIET = GOOD_EXERCISE.format(slug="quiet")
BROKEN_FILES = {
    "unknown slug in a template": (
        "templates/short-evening.yaml",
        GOOD_TEMPLATE.replace("  - exercise: quiet\n  - break", "  - exercise: no-such-thing\n  - break"),
        "items[1].exercise: unknown exercise slug 'no-such-thing'",
    ),
    "steps that do not add up": (
        "exercises/quiet.md",
        QUIET.replace("(3 min)", "(4 min)"),
        "section 'Steps': the steps add up to 6 minutes, but the exercise lasts 5 (minutes.default)",
    ),
    "missing section": ("exercises/quiet.md", QUIET[: QUIET.index("## Safety notes")], "section 'Safety notes': is missing or empty"),
    "bad YAML": ("exercises/quiet.md", QUIET.replace("title: Two minutes of quiet", "title: [unclosed"), "front matter: is not valid YAML:"),
    "bad YAML in a template": ("templates/short-evening.yaml", "slug: short-evening\nitems: [\n", "yaml: is not valid YAML:"),
    "duplicate slug": ("exercises/quiet-copy.md", QUIET, "slug: is 'quiet' but the file is named 'quiet-copy'"),
}


@pytest.mark.parametrize("name", BROKEN_FILES)
def test_each_kind_of_broken_file_is_named_with_its_field_and_fault(runner, library_dir, name):
    relative, text, expected = BROKEN_FILES[name]
    path = library_dir / relative
    path.write_text(text)
    code, output = check(runner, library_dir)
    assert code == 1
    assert f"{path}: {expected}" in output
    if "YAML" in expected:
        assert "line" in output  # where the YAML broke


def test_duplicate_slug_across_files_with_matching_names(tmp_path):
    root = tmp_path / "lib"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "a.yaml").write_text(GOOD_TEMPLATE.replace("short-evening", "a").replace("exercise: quiet", "block: Talk\n    minutes: 5"))
    (root / "templates" / "b.yaml").write_text(GOOD_TEMPLATE.replace("slug: short-evening", "slug: a").replace("exercise: quiet", "block: Talk\n    minutes: 5"))
    _, problems = load_library(root)
    assert any(p.field == "slug" and "'b'" in p.message for p in problems)


def test_front_matter_value_of_the_wrong_type(runner, library_dir):
    path = library_dir / "exercises" / "quiet.md"
    path.write_text(GOOD_EXERCISE.format(slug="quiet").replace("minutes: {default: 5, min: 3, max: 8}", "minutes: five"))
    code, output = check(runner, library_dir)
    assert code == 1
    assert f"{path}: minutes: must be a mapping like {{default: 20, min: 15, max: 30}}, not 'five'" in output
    path.write_text(GOOD_EXERCISE.format(slug="quiet").replace("grounding: true", "grounding: sometimes"))
    assert "grounding: must be true or false, not 'sometimes'" in check(runner, library_dir)[1]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("theme: openings-and-closings", "theme: cooking"), "theme", "must be one of"),
        (("intensity: low", "intensity: extreme"), "intensity", "must be one of low, medium, high"),
        (("minutes: {default: 5, min: 3, max: 8}", "minutes: {default: 9, min: 3, max: 8}"), "minutes", "needs min <= default <= max"),
        (('source: ""', 'source: "Willcox (1982)"'), "licence", "must name its licence"),
        (("group_size: {min: 2, max: 20}", "group_size: {min: 20, max: 2}"), "group_size", "larger than max"),
        (("worksheet: false", "worksheet: true"), "section 'Participant handout'", "worksheet is true"),
    ],
)
def test_each_front_matter_rule_names_its_field(change, field, message):
    text = GOOD_EXERCISE.format(slug="quiet").replace(*change)
    with pytest.raises(Exception) as raised:
        parse_exercise(text, "quiet.md", "quiet")
    assert any(p.field == field and message in p.message for p in raised.value.problems), raised.value.problems


def test_minutes_override_outside_the_exercise_range(runner, library_dir):
    path = library_dir / "templates" / "short-evening.yaml"
    path.write_text(GOOD_TEMPLATE.replace("  - exercise: quiet\n  - break", "  - exercise: quiet\n    minutes: 30\n  - break"))
    code, output = check(runner, library_dir)
    assert code == 1
    assert "items[1].minutes: 30 is outside quiet's range of 3 to 8" in output


def test_library_module_runs_without_flask(tmp_path):
    shutil.copytree(SHIPPED, tmp_path / "copy")
    library, problems = load_library(tmp_path / "copy")
    assert problems == []
    assert len(library.exercises) >= 32
