"""The emotional-arc rules as a table: for every rule, agendas that must and must not raise it."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.library.files import AcceptedWarning, SessionSpec, TemplateItem
from facilitator.library.parse import load_library
from facilitator.planner import arc
from facilitator.planner.arc import ArcItem

LIBRARY_ROOT = Path(__file__).resolve().parent.parent / "session_plans"


def exercise(slug, intensity="low", stage="working", grounding=False, format="whole-group", minutes=10, group=(1, 30)):
    return dict(kind="exercise", title=slug.replace("-", " "), slug=slug, intensity=intensity, stage=stage,
                grounding=grounding, format=format, group_min=group[0], group_max=group[1], minutes=minutes)  # fmt: skip


def pause(minutes=10):
    return dict(kind="break", title="Break", minutes=minutes)


def block(minutes=5):
    return dict(kind="block", title="Notes", minutes=minutes)


CHECK_IN = exercise("check-in", stage="opening")
CLOSING = exercise("closing-round", stage="closing")
GROUNDING = exercise("feet-and-breath", grounding=True, minutes=5)
HIGH = exercise("story-of-shame", intensity="high", minutes=30)
HIGH_2 = exercise("letter-to-father", intensity="high", minutes=30)
MEDIUM = exercise("feelings-wheel", intensity="medium", minutes=40)
COUPLES = exercise("listening-walk", format="couples", minutes=30)
FOR_COUPLES = dict(exercise("hands-together", format="pairs", minutes=30), audience=("couples",))
ENDING_SHORT = exercise("goodbye-round", stage="closing", minutes=15)
ENDING_LONG = exercise("keeping-it-going", stage="closing", minutes=30)
MEN = {"group_size": 8, "audience": "men"}
COUPLES_EVENING = {"group_size": 12, "audience": "couples"}
WEEK_3_OF_6 = {"week": 3, "weeks": 6}
WEEK_5_OF_6 = {"week": 5, "weeks": 6}
WEEK_6_OF_6 = {"week": 6, "weeks": 6}


def agenda(*entries, start=19 * 60) -> list[ArcItem]:
    """Entries laid end to end on the clock from `start`."""
    items, clock = [], start
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k != "minutes"}
        items.append(ArcItem(start=clock, end=clock + entry["minutes"], **fields))
        clock += entry["minutes"]
    return items


# (rule, why this case, agenda, group size, first session, expected: rule raised?)
CASES = [
    ("high-in-first-session", "high exercise in week 1", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), None, True, True),
    ("high-in-first-session", "same agenda in a later week", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), None, False, False),
    ("high-in-first-session", "week 1 with nothing high", agenda(CHECK_IN, MEDIUM, CLOSING), None, True, False),
    ("high-before-check-in", "high before the opening", agenda(HIGH, CHECK_IN, GROUNDING, CLOSING), None, False, True),
    ("high-before-check-in", "high after the opening", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), None, False, False),
    ("high-before-break", "high straight into a break", agenda(CHECK_IN, HIGH, pause(), MEDIUM, CLOSING), None, False, True),
    ("high-before-break", "grounding between high and break", agenda(CHECK_IN, HIGH, GROUNDING, pause(), CLOSING), None, False, False),
    ("high-at-end", "high is the last thing", agenda(CHECK_IN, MEDIUM, HIGH), None, False, True),
    ("high-at-end", "only a block after high", agenda(CHECK_IN, MEDIUM, HIGH, block()), None, False, True),
    ("high-at-end", "closing after high", agenda(CHECK_IN, HIGH, CLOSING), None, False, False),
    ("high-at-end", "high ends well before the last 15 minutes", agenda(CHECK_IN, HIGH, MEDIUM), None, False, False),
    ("no-check-in", "no opening exercise", agenda(MEDIUM, CLOSING), None, False, True),
    ("no-check-in", "opens with a check-in", agenda(CHECK_IN, MEDIUM, CLOSING), None, False, False),
    ("no-closing", "no closing exercise", agenda(CHECK_IN, MEDIUM), None, False, True),
    ("no-closing", "ends with a closing", agenda(CHECK_IN, MEDIUM, CLOSING), None, False, False),
    ("format-group-size", "triads with two people", agenda(CHECK_IN, exercise("triads", format="triads", group=(3, 18)), CLOSING), 2, False, True),
    ("format-group-size", "triads whose file allows two still need three", agenda(CHECK_IN, exercise("triads", format="triads", group=(2, 18)), CLOSING), 2, False, True),
    ("format-group-size", "pairs for more than it allows", agenda(CHECK_IN, exercise("pairs", format="pairs", group=(2, 12)), CLOSING), 14, False, True),
    ("format-group-size", "pairs with an odd number is fine", agenda(CHECK_IN, exercise("pairs", format="pairs", group=(2, 16)), CLOSING), 7, False, False),
    ("format-group-size", "whole-group is not split", agenda(CHECK_IN, exercise("round", group=(4, 16)), CLOSING), 2, False, False),
    ("format-group-size", "group size not known", agenda(CHECK_IN, exercise("triads", format="triads", group=(3, 18)), CLOSING), None, False, False),
    ("high-back-to-back", "two high in a row", agenda(CHECK_IN, HIGH, HIGH_2, GROUNDING, CLOSING), None, False, True),
    ("high-back-to-back", "a grounding between them", agenda(CHECK_IN, HIGH, GROUNDING, HIGH_2, GROUNDING, CLOSING), None, False, False),
    ("couples-exercise-in-mens-group", "a couples exercise in a men's group", agenda(CHECK_IN, COUPLES, CLOSING), MEN, False, True),
    ("couples-exercise-in-mens-group", "an exercise written only for couples", agenda(CHECK_IN, FOR_COUPLES, CLOSING), MEN, False, True),
    ("couples-exercise-in-mens-group", "the same exercise at a couples' evening", agenda(CHECK_IN, COUPLES, CLOSING), COUPLES_EVENING, False, False),
    ("couples-exercise-in-mens-group", "a pairs exercise in a men's group", agenda(CHECK_IN, exercise("pairs", format="pairs"), CLOSING), MEN, False, False),
    ("high-without-break", "high in 90 minutes with no break", agenda(CHECK_IN, HIGH, MEDIUM, GROUNDING, CLOSING), None, False, True),
    ("high-without-break", "a break before the high exercise", agenda(CHECK_IN, MEDIUM, pause(5), HIGH, GROUNDING, CLOSING), None, False, False),
    ("high-without-break", "high in a 75-minute session", agenda(CHECK_IN, HIGH, exercise("talk", minutes=20), GROUNDING, CLOSING), None, False, False),
    ("high-without-break", "no high in a long session", agenda(CHECK_IN, MEDIUM, MEDIUM, CLOSING), None, False, False),
    ("short-ending", "last week gives 15 of 90 minutes to ending", agenda(CHECK_IN, MEDIUM, pause(), exercise("new-skill", minutes=15), ENDING_SHORT), WEEK_6_OF_6, False, True),
    ("short-ending", "last week gives 30 of 90 minutes to ending", agenda(CHECK_IN, MEDIUM, pause(), ENDING_LONG), WEEK_6_OF_6, False, False),
    ("short-ending", "the same short ending in week 5", agenda(CHECK_IN, MEDIUM, pause(), exercise("new-skill", minutes=15), ENDING_SHORT), WEEK_5_OF_6, False, False),
    ("short-ending", "a one-off session is not a programme's last", agenda(CHECK_IN, MEDIUM, pause(), exercise("new-skill", minutes=15), ENDING_SHORT), None, False, False),
    ("high-in-first-half", "high in week 3 of 6", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), WEEK_3_OF_6, False, True),
    ("high-in-first-half", "high in week 2 of 5", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), {"week": 2, "weeks": 5}, False, True),
    ("high-in-first-half", "high in week 4 of 6", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), {"week": 4, "weeks": 6}, False, False),
    ("high-in-first-half", "week 1 is left to high-in-first-session", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), {"week": 1, "weeks": 6}, True, False),
    ("high-in-first-half", "a one-off session", agenda(CHECK_IN, HIGH, GROUNDING, CLOSING), None, False, False),
]  # fmt: skip


def _context(group_size):
    """A case's group size, or a mapping of check_arc's keyword arguments."""
    return group_size if isinstance(group_size, dict) else {"group_size": group_size}


@pytest.mark.parametrize(("rule", "case", "items", "group_size", "first_session", "expected"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_arc_rule_table(rule, case, items, group_size, first_session, expected):
    warnings = arc.check_arc(items, first_session=first_session, **_context(group_size))
    raised = [w for w in warnings if w.rule == rule]
    assert bool(raised) is expected, f"{case}: {[w.message for w in warnings]}"
    for warning in raised:
        assert warning.message and warning.suggestion and warning.reason
        if warning.item_index is not None:
            assert items[warning.item_index].kind == "exercise"


def test_a_group_of_two_is_told_what_the_facilitator_can_do():
    items = agenda(CHECK_IN, exercise("triads", format="triads", group=(3, 18)), CLOSING)
    (warning,) = [w for w in arc.check_arc(items, group_size=2) if w.rule == "format-group-size"]
    assert "cannot" not in warning.suggestion
    assert "observer" in warning.suggestion and "yourself" in warning.suggestion


def test_the_ending_rule_counts_closing_minutes_against_the_whole_session():
    items = agenda(CHECK_IN, MEDIUM, pause(), exercise("new-skill", minutes=15), ENDING_SHORT)
    (warning,) = arc.check_arc(items, week=6, weeks=6)
    assert warning.rule == "short-ending" and warning.item_index is None
    assert "15 of its 90 minutes" in warning.message and "at least 30 minutes" in warning.suggestion


def test_every_rule_has_a_positive_and_a_negative_case():
    for rule in arc.RULES:
        outcomes = {expected for name, _, _, _, _, expected in CASES if name == rule}
        assert outcomes == {True, False}, f"{rule} needs both a positive and a negative case"


def test_a_well_shaped_session_raises_nothing():
    items = agenda(CHECK_IN, MEDIUM, pause(), HIGH, GROUNDING, CLOSING)
    assert arc.check_arc(items, group_size=8, first_session=False) == []


def test_an_empty_agenda_is_not_checked_yet():
    assert arc.check_arc([], group_size=8) == []
    assert arc.check_arc(agenda(block(), pause())) == []


def test_warnings_point_at_the_item_and_whole_session_ones_come_first():
    items = agenda(MEDIUM, HIGH, pause(), MEDIUM)
    warnings = arc.check_arc(items)
    assert [w.rule for w in warnings][:2] == ["no-check-in", "no-closing"]
    assert {w.rule: w.item_index for w in warnings if w.item_index is not None} == {
        "high-before-check-in": 1, "high-before-break": 1,
    }  # fmt: skip


def test_keys_name_the_exercise_so_a_dismissal_survives_reordering():
    first = arc.check_arc(agenda(CHECK_IN, HIGH, pause(), CLOSING))
    moved = arc.check_arc(agenda(CHECK_IN, MEDIUM, HIGH, pause(), CLOSING))
    assert {w.key for w in first} == {w.key for w in moved} == {"high-before-break:story-of-shame"}


def test_sort_out_separates_accepted_by_rule_and_dismissed_by_key():
    warnings = arc.check_arc(agenda(HIGH, pause(), MEDIUM))
    report = arc.sort_out(
        warnings, dismissed=["no-closing"], accepted={"high-before-break": "The break is the debrief walk."}
    )
    assert [w.rule for w in report.dismissed] == ["no-closing"]
    assert [(w.rule, why) for w, why in report.accepted] == [("high-before-break", "The break is the debrief walk.")]
    assert {w.rule for w in report.active} == {"no-check-in", "high-before-check-in"}
    assert [w.rule for w in report.active_at(0)] == ["high-before-check-in"]


def test_a_template_spec_is_checked_without_a_database():
    library, _ = load_library(LIBRARY_ROOT)
    high = next(e for e in library.exercises.values() if e.intensity == "high")
    opening = next(e for e in library.exercises.values() if e.stage == "opening")
    closing = next(e for e in library.exercises.values() if e.stage == "closing")
    spec = SessionSpec(
        title="Test", theme="", target_minutes=90, start_time="19:00",
        items=(TemplateItem("exercise", exercise=opening.slug), TemplateItem("exercise", exercise=high.slug),
               TemplateItem("break", title="Tea", minutes=10), TemplateItem("exercise", exercise=closing.slug)),
    )  # fmt: skip
    rules = {w.rule for w in arc.arc_warnings_for_spec(spec, library, first_session=True)}
    assert rules == {"high-in-first-session", "high-before-break"}
    accepting = SessionSpec(**{**spec.__dict__, "accepted_warnings": (AcceptedWarning("high-before-break", "why"),)})
    assert {w.rule for w in arc.arc_warnings_for_spec(accepting, library, first_session=False)} == set()
