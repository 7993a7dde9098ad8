"""The clinical review's findings (issue 15), kept fixed: screening, partner sheets, the arc of the
six weeks, honest confidentiality, language, and a check-in that compares groups, not people."""

import re
from pathlib import Path

import pytest

from facilitator.library.parse import load_library

ROOT = Path(__file__).resolve().parent.parent / "session_plans"
CONTACT_LINE = "**To contact the service yourself:** ______________________________"
WRITING_ROUTE = re.compile(r"prefer not to write|draw|say it|think it|in your head", re.I)


@pytest.fixture(scope="module")
def library():
    library, problems = load_library(ROOT)
    assert problems == []
    return library


def _partner_sheets(library):
    return [h for h in library.handouts.values() if h.kind == "partners" or h.slug == "responding-to-a-first-disclosure"]


def test_every_partner_sheet_opens_with_the_partners_safety_and_a_way_to_reach_the_service(library):
    sheets = _partner_sheets(library)
    assert len(sheets) >= 9
    for sheet in sheets:
        first_section = re.search(r"^## (.+)$", sheet.body, re.M).group(1)
        assert first_section == "First, your safety", sheet.slug
        safety = sheet.body.split("## First, your safety", 1)[1].split("\n## ", 1)[0]
        assert CONTACT_LINE in safety, sheet.slug
        assert re.search(r"afraid|frightened|unsafe", safety), sheet.slug


def test_partner_sheets_offer_invitations_not_rules(library):
    for sheet in _partner_sheets(library):
        assert not re.search(r"^## What (not to do|to avoid)", sheet.body, re.M), sheet.slug
        assert not re.search(r"^- (\*\*)?(Don't|Do not|Never|No )", sheet.body, re.M), sheet.slug


def test_confidentiality_promises_only_what_it_can_keep():
    for path in ROOT.rglob("*"):
        if path.is_file():
            assert "always try to talk to you first" not in path.read_text(), path.name
    agreements = (ROOT / "exercises" / "group-agreements-together.md").read_text()
    assert "where it is safe to" in agreements.lower()
    assert "not a guarantee" in agreements


def test_a_mens_group_starts_from_an_intake_conversation(library):
    for slug in ("intake-interview-guide", "about-the-mens-group"):
        assert library.handouts[slug].kind == "info"
    guide = library.handouts["intake-interview-guide"].body.lower()
    assert "perpetrator" in guide and "co-facilitator is **required**" in guide
    first = library.templates["six-week-mens-group"].sessions[0].items[0]
    assert first.kind == "block" and first.minutes == 0
    # The note names the sheets as a therapist sees them printed, and where to print them; never a file name.
    note = " ".join(first.note.split())
    for slug in ("intake-interview-guide", "about-the-mens-group"):
        assert library.handouts[slug].title in note and slug not in note
    assert "Sheets to print" in note


def test_the_six_weeks_keep_the_deep_work_late_and_end_well(library):
    weeks = library.templates["six-week-mens-group"].sessions
    exercises = library.exercises
    for number, week in enumerate(weeks, start=1):
        chosen = [exercises[i.exercise] for i in week.items if i.kind == "exercise"]
        if number <= len(weeks) // 2:
            assert all(e.intensity != "high" for e in chosen), f"week {number}"
        themes = [e.theme for e in chosen]
        assert not any(a == b == "provider-role" for a, b in zip(themes, themes[1:])), f"week {number}"
    last = weeks[-1]
    ending = sum(i.minutes or exercises[i.exercise].minutes for i in last.items if i.kind == "exercise" and exercises[i.exercise].stage == "closing")
    assert ending * 2 >= last.target_minutes
    assert "six-week-follow-up-evening" in library.templates


def test_the_aims_check_in_is_asked_first_and_last_with_the_same_keys_and_says_what_it_is(library):
    check_in = library.question_sets["programme-aims-check-in"]
    assert "not a validated" in (check_in.title + " " + check_in.intro).lower()
    assert all(q.type == "scale5" for q in check_in.questions)
    weeks = library.templates["six-week-mens-group"].sessions
    assert weeks[0].reflection_opening == weeks[-1].reflection_opening == "programme-aims-check-in"


def test_heavy_hidden_items_are_never_practice_material(library):
    practice = library.handouts["practice-week-4"].body
    assert "fairly heavy" not in practice and "not practice material" in practice
    inventory = library.exercises["what-i-carry-a-load-inventory"].sections["Steps"]
    assert "not practice material" in inventory


def test_touch_choices_go_privately_to_the_facilitator(library):
    steps = library.exercises["hands-and-presence-for-couples"].sections["Steps"]
    assert "same moment" not in steps and "slip" in steps


def test_every_worksheet_offers_a_way_round_writing(library):
    missing = [e.slug for e in library.exercises.values() if e.worksheet and not WRITING_ROUTE.search(e.participant_handout)]
    assert not missing


def test_mixed_and_couples_exercises_do_not_call_every_participant_he(library):
    for exercise in library.exercises.values():
        if set(exercise.audience) & {"mixed", "couples"}:
            for name in ("Steps", "Safety notes"):
                text = exercise.sections[name]
                assert not re.search(r"\beach man\b|\b(him|himself)\b", text, re.I), f"{exercise.slug}: {name}"


MISSING_THEMES = {
    "mapping-the-pursue-withdraw-cycle": "Johnson",
    "flooding-and-a-proper-time-out": "Gottman",
    "it-makes-sense-that-validation": "Linehan",
    "what-sex-and-desire-carry": "Basson",
    "what-stops-us-asking-for-help": "Addis",
    "two-loads-both-counted": "Daminger",
    "keeping-it-going-after-the-group": "Marlatt",
}


@pytest.mark.parametrize("slug", sorted(MISSING_THEMES))
def test_each_missing_theme_has_a_named_exercise(library, slug):
    exercise = library.exercises[slug]
    assert MISSING_THEMES[slug] in exercise.source and exercise.licence
    assert exercise.intensity != "high"
    assert len(exercise.steps) >= 4
