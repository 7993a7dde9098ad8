"""Planner services called directly: clock times after every kind of change, and changes refused whole."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Exercise
from facilitator.planner import review, service
from facilitator.planner.models import AgendaItem, GroupSession
from facilitator.planner.service import PlannerError, SessionDetails


@pytest.fixture
def ctx(app, synced):
    with app.app_context():
        yield


@pytest.fixture
def shipped(ctx):
    def get(slug: str) -> Exercise:
        return db.session.scalar(select(Exercise).where(Exercise.slug == slug, Exercise.owner_id.is_(None)))

    return get


@pytest.fixture
def evening(user, shipped) -> GroupSession:
    """19:00 start: check-in 10, feelings wheel 30, break 10, closing 5."""
    session = service.create_session(user.id, SessionDetails(title="Tuesday group", start_time="19:00", target_minutes=60))
    service.add_exercise(session, shipped("arrival-weather-report"), minutes=10)
    service.add_exercise(session, shipped("feelings-wheel-from-core-to-fine"), minutes=30)
    service.add_break(session, 10, "Tea")
    service.add_exercise(session, shipped("closing-one-word"), minutes=5)
    return session


def clock(session: GroupSession) -> list[str]:
    db.session.expire_all()
    session = db.session.get(GroupSession, session.id)
    return [f"{row.slot.start_clock}-{row.slot.end_clock} {label(row.item)}" for row in review.timeline(session).rows]


def label(item: AgendaItem) -> str:
    return item.exercise.slug if item.exercise else item.title


def test_added_items_follow_each_other_on_the_clock(evening):
    assert clock(evening) == [
        "19:00-19:10 arrival-weather-report",
        "19:10-19:40 feelings-wheel-from-core-to-fine",
        "19:40-19:50 Tea",
        "19:50-19:55 closing-one-word",
    ]


def test_facilitator_adds_break_and_clock_times_shift(evening):
    closing = evening.items[-1]
    service.add_break(evening, 5)
    service.move_item(evening.items[-1], -1)
    assert evening.items[-1] is closing
    assert clock(evening)[-2:] == ["19:50-19:55 Break", "19:55-20:00 closing-one-word"]


def test_reordering_moves_every_later_clock_time(evening):
    ids = [item.id for item in evening.items]
    service.reorder_items(evening, [ids[0], ids[2], ids[1], ids[3]])
    assert clock(evening) == [
        "19:00-19:10 arrival-weather-report",
        "19:10-19:20 Tea",
        "19:20-19:50 feelings-wheel-from-core-to-fine",
        "19:50-19:55 closing-one-word",
    ]


def test_reorder_with_ids_that_are_not_this_agenda_changes_nothing(evening):
    before = clock(evening)
    ids = [item.id for item in evening.items]
    for order in ([*ids, 999], ids[:-1], [ids[0], ids[0], ids[1], ids[2]]):
        with pytest.raises(PlannerError) as error:
            service.reorder_items(evening, order)
        assert error.value.field == "order"
        db.session.rollback()
    assert clock(evening) == before


def test_overriding_minutes_shifts_what_follows(evening):
    wheel = evening.items[1]
    service.update_item(wheel, minutes=40, note="Go slowly tonight.", pin="")
    assert clock(evening)[1:] == [
        "19:10-19:50 feelings-wheel-from-core-to-fine",
        "19:50-20:00 Tea",
        "20:00-20:05 closing-one-word",
    ]
    assert db.session.get(AgendaItem, wheel.id).note == "Go slowly tonight."


@pytest.mark.parametrize("outside", ["below", "above", "zero", "negative", "missing"])
def test_minutes_outside_the_exercises_range_are_refused_and_nothing_changes(evening, outside):
    wheel = evening.items[1]
    low, high = wheel.exercise.min_minutes, wheel.exercise.max_minutes
    minutes = {"below": low - 1, "above": high + 1, "zero": 0, "negative": -5, "missing": None}[outside]
    before = clock(evening)
    with pytest.raises(PlannerError) as error:
        service.update_item(wheel, minutes=minutes, note="changed", pin="19:30")
    assert error.value.field == "minutes"
    if minutes is not None:
        assert f"between {low} and {high} minutes" in error.value.message
    db.session.rollback()
    assert clock(evening) == before
    assert db.session.get(AgendaItem, wheel.id).note == ""


def test_breaks_need_a_minute_and_blocks_may_be_a_heading(evening):
    with pytest.raises(PlannerError):
        service.add_break(evening, 0)
    db.session.rollback()
    block = service.add_block(evening, "Housekeeping", 0)
    assert block.minutes == 0
    with pytest.raises(PlannerError) as error:
        service.add_block(evening, "  ", 5)
    assert error.value.field == "title"


def test_pinning_a_break_leaves_slack_before_it(evening):
    tea = evening.items[2]
    service.update_item(tea, minutes=10, note="", pin="19:45")
    session = db.session.get(GroupSession, evening.id)
    rows = review.timeline(session).rows
    assert rows[2].slot.gap == 5 and rows[2].arrival == "19:40"
    assert clock(evening)[2:] == ["19:45-19:55 Tea", "19:55-20:00 closing-one-word"]


def test_a_pin_the_agenda_cannot_reach_is_refused_with_the_earliest_time(evening):
    tea = evening.items[2]
    with pytest.raises(PlannerError) as error:
        service.update_item(tea, minutes=10, note="", pin="19:30")
    assert error.value.field == "pin"
    assert "19:40" in error.value.message and "10 minutes" in error.value.message
    db.session.rollback()
    assert db.session.get(AgendaItem, tea.id).pin == ""


def test_a_later_change_that_overruns_a_pin_is_kept_and_shown_as_an_overrun(evening):
    tea, wheel = evening.items[2], evening.items[1]
    service.update_item(tea, minutes=10, note="", pin="19:40")
    service.update_item(wheel, minutes=40, note="", pin="")
    plan = review.timeline(db.session.get(GroupSession, evening.id))
    assert [label(row.item) for row in plan.overruns] == ["Tea"]
    assert plan.overruns[0].slot.gap == -10 and plan.overruns[0].arrival == "19:50"


def test_removing_an_item_pulls_the_rest_forward(evening):
    service.remove_item(evening.items[1])
    assert clock(evening) == [
        "19:00-19:10 arrival-weather-report",
        "19:10-19:20 Tea",
        "19:20-19:25 closing-one-word",
    ]
    assert [item.position for item in db.session.get(GroupSession, evening.id).items] == [0, 1, 2]


def test_up_and_down_stop_at_the_ends(evening):
    first, last = evening.items[0], evening.items[-1]
    service.move_item(first, -1)
    service.move_item(last, 1)
    assert evening.items[0] is first and evening.items[-1] is last


def test_totals_warn_when_over_or_well_under_target(evening):
    plan = review.timeline(evening)
    assert (plan.total, plan.target, plan.over_by, plan.under_by) == (55, 60, 0, 0)
    evening.target_minutes = 50
    assert review.timeline(evening).over_by == 5
    evening.target_minutes = 90
    assert review.timeline(evening).under_by == 35


def test_duplicate_copies_the_agenda_and_delete_touches_nothing_else(evening):
    copy = service.duplicate_session(evening)
    assert copy.id != evening.id and copy.title == "Tuesday group (copy)"
    assert [i.minutes for i in copy.items] == [i.minutes for i in evening.items]
    service.delete_session(copy)
    assert clock(evening)[0] == "19:00-19:10 arrival-weather-report"
    assert db.session.scalar(select(db.func.count(AgendaItem.id))) == 4


def test_details_need_a_title_and_a_clock_time(user, ctx):
    with pytest.raises(PlannerError) as error:
        service.create_session(user.id, SessionDetails(title=" "))
    assert error.value.field == "title"
    with pytest.raises(PlannerError) as error:
        service.create_session(user.id, SessionDetails(title="Ok", start_time="7pm"))
    assert error.value.field == "start_time"


def test_dismissed_warning_stays_dismissed_until_restored(evening):
    assert [w.rule for w in review.arc_report(evening).active] == []
    service.remove_item(evening.items[0])
    report = review.arc_report(evening)
    assert [w.key for w in report.active] == ["no-check-in"]
    service.dismiss_warning(evening, "no-check-in")
    assert review.arc_report(evening).active == () and len(review.arc_report(evening).dismissed) == 1
    service.restore_warning(evening, "no-check-in")
    assert [w.key for w in review.arc_report(evening).active] == ["no-check-in"]


def test_slack_before_a_pin_is_not_counted_as_content_after_an_exercise_is_removed(user, shipped):
    """The walkthrough's evening: removing a 30-minute exercise before a 20:30 break left "150 of 90"."""
    session = service.create_session(user.id, SessionDetails(title="Pinned tea", start_time="19:00", target_minutes=90))
    service.add_block(session, "Welcome", 10)
    wheel = service.add_exercise(session, shipped("feelings-wheel-from-core-to-fine"), minutes=30)
    service.add_block(session, "A talk", 30)
    tea = service.add_break(session, 10, "Tea")
    service.update_item(tea, minutes=10, note="", pin="20:30")
    service.add_block(session, "A round", 50)
    service.remove_item(wheel)

    plan = review.timeline(db.session.get(GroupSession, session.id))
    assert (plan.total, plan.slack, plan.span, plan.end_clock) == (100, 50, 150, "21:30")
    assert (plan.over_by, plan.ends_late_by, plan.under_by) == (10, 60, 0)


def test_content_that_fits_but_waits_for_a_late_pin_ends_late_and_says_why(user, shipped):
    session = service.create_session(user.id, SessionDetails(title="Late pin", start_time="19:00", target_minutes=60))
    service.add_block(session, "Welcome", 20)
    closing = service.add_exercise(session, shipped("closing-one-word"), minutes=5)
    service.update_item(closing, minutes=5, note="", pin="20:30")
    plan = review.timeline(db.session.get(GroupSession, session.id))
    assert (plan.total, plan.slack, plan.over_by, plan.ends_late_by) == (25, 70, 0, 35)


def test_a_new_item_goes_straight_after_the_chosen_item_not_after_the_closing(evening, shipped):
    check_in = evening.items[0]
    grounding = service.add_exercise(evening, shipped("grounding-feet-and-breath"), minutes=4, after=check_in)
    service.add_break(evening, 5, "Stretch", after=grounding)
    assert clock(evening) == [
        "19:00-19:10 arrival-weather-report",
        "19:10-19:14 grounding-feet-and-breath",
        "19:14-19:19 Stretch",
        "19:19-19:49 feelings-wheel-from-core-to-fine",
        "19:49-19:59 Tea",
        "19:59-20:04 closing-one-word",
    ]
    assert [item.position for item in db.session.get(GroupSession, evening.id).items] == [0, 1, 2, 3, 4, 5]


def test_inserting_after_an_item_of_another_agenda_is_refused_whole(evening, user, shipped):
    other = service.create_session(user.id, SessionDetails(title="Another"))
    stranger = service.add_block(other, "Elsewhere", 5)
    with pytest.raises(PlannerError) as error:
        service.add_block(evening, "Lost", 5, after=stranger)
    assert error.value.field == "after"
    db.session.rollback()
    assert len(clock(evening)) == 4
