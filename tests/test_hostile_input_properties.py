"""Property-based tests (hypothesis): the clock timing service and the participant form parser
hold their promises for any input, not only for the examples we thought of."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from facilitator.planner.timing import format_clock, parse_clock, schedule, total_minutes
from facilitator.reflections.submissions import CONTROL_CHARACTERS, TEXT_LIMITS, clean_text, normalise_word, read_answers
from facilitator.reflections.form_cache import QuestionSpec

DAY = 24 * 60


@dataclass
class Item:
    minutes: int
    pin: str = ""


clock_times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))
minutes = st.integers(min_value=0, max_value=240)
unpinned_agendas = st.lists(st.builds(Item, minutes), max_size=30)
agendas = st.lists(st.builds(Item, minutes, st.one_of(st.just(""), clock_times)), max_size=30)


# --- the timing service -------------------------------------------------------------------------


@given(clock_times)
def test_a_clock_time_survives_parsing_and_formatting(time):
    assert format_clock(parse_clock(time)) == time
    assert 0 <= parse_clock(time) < DAY


@given(st.text(max_size=12))
def test_parse_clock_refuses_anything_else_with_a_value_error_only(text):
    try:
        value = parse_clock(text)
    except ValueError:
        return
    assert 0 <= value < DAY
    hours, _, mins = text.strip().partition(":")
    assert len(mins) == 2 and int(hours) * 60 + int(mins) == value


@given(clock_times, unpinned_agendas)
def test_without_pins_each_item_starts_where_the_last_ended(start, items):
    slots = schedule(start, items)
    assert len(slots) == len(items)
    clock = parse_clock(start)
    for item, slot in zip(items, slots, strict=True):
        assert (slot.start, slot.end, slot.gap) == (clock, clock + item.minutes, None)
        clock = slot.end
    assert total_minutes(start, items) == sum(item.minutes for item in items)


@given(clock_times, agendas)
def test_pinned_items_start_at_their_pin_and_the_gap_is_the_difference(start, items):
    slots = schedule(start, items)
    reached = parse_clock(start)
    for item, slot in zip(items, slots, strict=True):
        assert slot.end - slot.start == item.minutes  # an item never grows or shrinks
        if item.pin:
            assert format_clock(slot.start) == item.pin
            assert slot.gap == slot.start - reached
            assert slot.overrun == (slot.gap < 0)
            if reached <= DAY + 12 * 60:
                # Up to noon of the next day, a pin is never read as more than half a day in the
                # past. (Past that, schedule() wraps only once: a multi-day agenda, not planned here.)
                assert -12 * 60 <= slot.gap
        else:
            assert slot.start == reached and slot.gap is None
        reached = slot.end
    expected = slots[-1].end - parse_clock(start) if slots else 0
    assert total_minutes(start, items) == expected
    assert expected == sum(i.minutes for i in items) + sum(s.gap for s in slots if s.gap is not None)


# --- the participant form parser -----------------------------------------------------------------

CHOICES = ("Listening", "Talking", "Quiet", "Être là")
FEELINGS = ("calm", "angry", "tender", "ashamed")
QUESTION_TYPES = ("scale5", "scale10", "single", "multi", "feelings", "word", "short", "long")


def questions() -> list[QuestionSpec]:
    return [
        QuestionSpec(id=number, type=kind, prompt=kind, low="", high="", linked=False,
                     choices=CHOICES if kind in ("single", "multi") else (),
                     vocabulary={"Calm": FEELINGS} if kind == "feelings" else {},
                     feeling_words=frozenset(FEELINGS) if kind == "feelings" else frozenset())  # fmt: skip
        for number, kind in enumerate(QUESTION_TYPES, start=1)
    ]


def field_name(question: QuestionSpec) -> str:
    return f"q{question.id}"


sent_values = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=4000),
    st.sampled_from([*CHOICES, *FEELINGS, "3", "0", "10", "-1", "11", "³", "٣", "1e3", "", " ", "\x00", "\u202e"]),
    st.integers(-10**20, 10**20).map(str),
)
submissions = st.dictionaries(
    st.one_of(st.sampled_from([f"q{n}" for n in range(1, 9)]), st.text(max_size=8)),
    st.lists(sent_values, max_size=4),
    max_size=10,
)


@settings(max_examples=150, deadline=None)
@given(submissions)
def test_form_parser_never_fails_and_keeps_every_value_within_its_question(fields):
    asked = questions()
    read = read_answers(asked, fields)
    by_id = {question.id: question for question in asked}
    assert set(read.values) | set(read.errors) <= set(by_id)
    assert not set(read.values) & set(read.errors)
    for question_id, (number, text) in read.values.items():
        question = by_id[question_id]
        assert any(value.strip() for value in fields.get(field_name(question), []))  # blank is skipped
        if question.type in ("scale5", "scale10"):
            assert number in question.scale_values and text == ""
        elif question.type == "single":
            assert text in CHOICES
        elif question.type == "multi":
            assert set(text.split("\n")) <= set(CHOICES)
        elif question.type == "feelings":
            assert text in FEELINGS
        else:
            assert len(text) <= TEXT_LIMITS[question.type]
            assert not CONTROL_CHARACTERS.search(text)
    for message in read.errors.values():
        assert message and "Traceback" not in message


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
@example('"\n0')  # a quote, a line break, a word: once normalised to " 0", not "0"
def test_cleaning_text_twice_changes_nothing_more(text):
    assert clean_text(clean_text(text)) == clean_text(text)
    assert normalise_word(normalise_word(text)) == normalise_word(text)


@settings(max_examples=100, deadline=None)
@given(submissions)
def test_what_the_parser_keeps_reads_back_the_same_and_is_never_empty(fields):
    """An answer shown back to the participant (a form re-rendered for one mistake) is read as before."""
    asked = questions()
    first = read_answers(asked, fields)
    assert all(number is not None or text for number, text in first.values.values())
    echoed = {}
    for question in asked:
        if question.id in first.values:
            number, text = first.values[question.id]
            if number is not None:
                echoed[field_name(question)] = [str(number)]
            else:
                echoed[field_name(question)] = text.split("\n") if question.type == "multi" else [text]
    again = read_answers(asked, echoed)
    assert again.values == first.values and not again.errors
