"""Clock times for an agenda: plain functions over plain data, used by the planner, run mode and PDFs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class Timed(Protocol):
    minutes: int
    pin: str  # "" or "HH:MM"


@dataclass(frozen=True)
class Slot:
    """Where one agenda item falls on the clock, in minutes since midnight.

    `gap` is set only for a pinned item: the minutes between where the agenda would naturally
    reach it and its pinned time; positive is slack (a pause before it), negative is an overrun.
    """

    start: int
    end: int
    gap: int | None = None

    @property
    def start_clock(self) -> str:
        return format_clock(self.start)

    @property
    def end_clock(self) -> str:
        return format_clock(self.end)

    @property
    def overrun(self) -> bool:
        return self.gap is not None and self.gap < 0


def parse_clock(value: str) -> int:
    """'19:30' -> 1170; raises ValueError for anything that is not a 24-hour HH:MM time."""
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit()) or len(minutes) != 2:
        raise ValueError(f"{value!r} is not a clock time like 19:30")
    h, m = int(hours), int(minutes)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"{value!r} is not a clock time like 19:30")
    return h * 60 + m


def format_clock(minutes_since_midnight: int) -> str:
    minutes = minutes_since_midnight % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def schedule(start_time: str, items: Sequence[Timed]) -> list[Slot]:
    """Start and end of every item in order; a pinned item starts at its pin, whatever came before."""
    clock = parse_clock(start_time)
    slots = []
    for item in items:
        gap = None
        if item.pin:
            pinned = parse_clock(item.pin)
            while pinned < clock - 12 * 60:  # a pin after midnight in a late (or very long) agenda
                pinned += 24 * 60
            gap = pinned - clock
            clock = pinned
        slots.append(Slot(start=clock, end=clock + item.minutes, gap=gap))
        clock += item.minutes
    return slots


def total_minutes(start_time: str, items: Sequence[Timed]) -> int:
    """Minutes from the start to the end of the last item, pauses before pins included."""
    slots = schedule(start_time, items)
    return slots[-1].end - parse_clock(start_time) if slots else 0
