"""Shared helpers for the planner tests (no tests here): a library with templates of the tests' own.

The shipped exercises, handouts and question sets are linked into a temporary LIBRARY_PATH beside
templates written here, so the tests know every clock time in advance whatever the shipped
templates say.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Exercise
from facilitator.planner.models import AgendaItem, GroupSession, Programme

SHIPPED = Path(__file__).resolve().parent.parent / "session_plans"

# 19:00 welcome 5 · 19:05 check-in 10 · 19:15 high 45 · 20:00 tea 10 · 20:10 grounding 4
# · 20:14 what stays 12 · 20:35 closing 5 (pinned; 9 minutes of slack) · ends 20:40
EVENING = """\
slug: test-evening
title: A test evening
kind: session
audience: men
summary: An evening the tests know by heart.
group_size: 8
target_minutes: 100
start_time: "19:00"
reflection: {opening: opening-general, closing: closing-general}
take_home: feelings-vocabulary
partner_handouts: [partners-listening]
accepted_warnings:
  - rule: high-before-break
    why: The break is a quiet walk that is part of the debrief.
items:
  - block: Welcome
    minutes: 5
  - exercise: arrival-weather-report
    minutes: 10
  - exercise: what-opening-up-cost-and-gave-me
    minutes: 45
    note: Keep the tissues near.
  - break: 10
    title: Tea
  - exercise: grounding-feet-and-breath
    minutes: 4
  - exercise: what-stays-with-me
    minutes: 12
  - exercise: closing-one-word
    minutes: 5
    pin: "20:35"
"""
EVENING_STARTS = ["19:00", "19:05", "19:15", "20:00", "20:10", "20:14", "20:35"]

THREE_WEEKS = """\
slug: test-three-weeks
title: Three test weeks
kind: programme
audience: men
summary: Three short weeks.
group_size: 6
weeks:
  - title: Arriving
    theme: Arriving safely
    target_minutes: 60
    start_time: "18:30"
    items:
      - exercise: arrival-weather-report
      - exercise: the-feeling-under-the-facts
      - exercise: closing-one-word
  - title: Going deeper
    theme: What it costs
    target_minutes: 90
    start_time: "18:30"
    items:
      - exercise: arrival-weather-report
      - exercise: what-opening-up-cost-and-gave-me
      - exercise: grounding-name-the-room
      - exercise: closing-one-word
  - title: Ending well
    target_minutes: 60
    start_time: "18:30"
    items:
      - exercise: arrival-weather-report
      - break: 5
      - exercise: what-stays-with-me
"""


def make_library(tmp_path_factory) -> Path:  # noqa: ANN001
    """A library folder with the shipped files and the tests' two templates, made once per test run
    (the app caches a parsed library by folder, so every planner test shares one parse)."""
    root = tmp_path_factory.getbasetemp() / "planner-library"
    if root.exists():
        return root
    (root / "templates").mkdir(parents=True)
    for name in ("exercises", "handouts", "questions"):
        (root / name).symlink_to(SHIPPED / name, target_is_directory=True)
    (root / "templates" / "test-evening.yaml").write_text(EVENING)
    (root / "templates" / "test-three-weeks.yaml").write_text(THREE_WEEKS)
    return root


def shipped_exercise(slug: str) -> Exercise:
    return db.session.scalar(select(Exercise).where(Exercise.slug == slug, Exercise.owner_id.is_(None)))


def clock_starts(html: str) -> list[str]:
    """The start times shown on the agenda page, in order."""
    return re.findall(r'<time class="item-start">(\d\d:\d\d)</time>', html)


def item_plan(item: AgendaItem) -> tuple:
    return (item.kind, item.exercise.slug if item.exercise else "", item.title, item.minutes, item.note, item.pin)


def session_plan(session: GroupSession) -> dict:
    """Everything a plan file carries about a session (dates, room notes and dismissals stay home)."""
    return {
        "title": session.title, "theme": session.theme, "summary": session.summary, "target_minutes": session.target_minutes,
        "start_time": session.start_time, "audience": session.audience, "group_size": session.group_size,
        "reflection": (session.reflection_opening, session.reflection_closing), "take_home": session.take_home,
        "partner_handouts": list(session.partner_handouts), "accepted_warnings": list(session.accepted_warnings),
        "items": [item_plan(item) for item in session.items],
    }  # fmt: skip


def programme_plan(programme: Programme) -> dict:
    weeks = []
    for week in programme.sessions:
        plan = session_plan(week)
        weeks.append({**plan, "week_number": week.week_number})
    return {"title": programme.title, "audience": programme.audience, "summary": programme.summary,
            "group_size": programme.group_size, "weeks": weeks}  # fmt: skip


def start_test_evening(client) -> int:  # noqa: ANN001
    """The id of a session made from the tests' evening template through the new-session form."""
    response = client.post("/sessions/new", data={"source": "shipped:test-evening", "title": "", "date": "2031-05-06"})
    assert response.status_code == 302
    return int(response.location.rsplit("/", 1)[1])
