"""Property-based tests (hypothesis): the clock timing service holds its promises for any agenda,
not only for the examples we thought of."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.planner.timing import format_clock, parse_clock, schedule, total_minutes

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
