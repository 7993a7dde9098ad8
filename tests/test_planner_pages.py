"""The planner through the plain test client: what a facilitator without JavaScript does and sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import Exercise
from facilitator.planner.models import AgendaItem, GroupSession
from tests.factories import make_custom_exercise
from tests.planner_helpers import EVENING_STARTS, clock_starts, make_library, shipped_exercise, start_test_evening


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


@pytest.fixture
def evening(app, synced, signed_in) -> int:
    return start_test_evening(signed_in)


def items_of(app, session_id: int) -> list[AgendaItem]:
    with app.app_context():
        session = db.session.get(GroupSession, session_id)
        return [(i.id, i.minutes, i.pin, i.note, i.position) for i in session.items]


def test_facilitator_builds_a_session_from_a_template_and_sees_the_clock(signed_in, evening):
    page = signed_in.get(f"/sessions/{evening}")
    assert page.status_code == 200
    assert clock_starts(page.text) == EVENING_STARTS
    assert "A test evening" in page.text and "Keep the tissues near." in page.text
    assert "91 of 100 min" in page.text and "fits the target" in page.text
    assert "9 min of slack waiting for pinned times (not counted above)" in page.text
    assert "9 min of slack before this pinned time" in page.text
    assert "Accepted by the template (1)" in page.text and "quiet walk" in page.text
    assert 'class="warning" id=' not in page.text  # no open arc warnings


def test_no_js_reorder_with_up_and_down_buttons_moves_the_clock(app, signed_in, evening):
    ids = [row[0] for row in items_of(app, evening)]
    response = signed_in.post(f"/sessions/{evening}/items/{ids[0]}/move", data={"direction": "down"})
    assert response.status_code == 302 and response.location.endswith(f"/sessions/{evening}#item-{ids[0]}")
    page = signed_in.get(f"/sessions/{evening}")
    assert clock_starts(page.text)[:3] == ["19:00", "19:10", "19:15"]
    assert [row[0] for row in items_of(app, evening)][:2] == [ids[1], ids[0]]
    signed_in.post(f"/sessions/{evening}/items/{ids[0]}/move", data={"direction": "up"})
    assert [row[0] for row in items_of(app, evening)] == ids


def test_drag_and_drop_posts_the_order_and_gets_the_agenda_back(app, signed_in, evening):
    ids = [row[0] for row in items_of(app, evening)]
    order = [ids[1], ids[0], *ids[2:]]
    response = signed_in.post(
        f"/sessions/{evening}/order", data={"order": ",".join(map(str, order))}, headers={"X-Requested-With": "planner"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="agenda-list"' in response.text
    assert clock_starts(response.text)[:3] == ["19:00", "19:10", "19:15"]
    assert [row[0] for row in items_of(app, evening)] == order


@pytest.mark.parametrize("order", ["1,2", "x,y", "", "99999"])
def test_a_mismatched_order_is_refused_and_the_agenda_stays(app, signed_in, evening, order):
    before = items_of(app, evening)
    response = signed_in.post(f"/sessions/{evening}/order", data={"order": order})
    assert response.status_code == 400
    assert "nothing changed" in response.text
    assert items_of(app, evening) == before


@pytest.mark.parametrize(("minutes", "message"), [
    ("39", "takes between 40 and 60 minutes; 39 is outside that"),
    ("0", "takes between 40 and 60 minutes; 0 is outside that"),
    ("-5", "takes between 40 and 60 minutes; -5 is outside that"),
    ("", "Enter a number of minutes."),
    ("forty", "Enter a whole number of minutes."),
])  # fmt: skip
def test_minutes_outside_the_range_get_a_message_at_the_field_and_nothing_changes(app, signed_in, evening, minutes, message):
    before = items_of(app, evening)
    item_id = before[2][0]
    response = signed_in.post(
        f"/sessions/{evening}/items/{item_id}",
        data={f"item-{item_id}-minutes": minutes, f"item-{item_id}-pin": "", f"item-{item_id}-note": "changed"},
    )
    assert response.status_code == 422
    assert f'id="item-{item_id}-minutes-error"' in response.text and message in response.text
    assert f'<details class="item-edit" open>' in response.text
    assert items_of(app, evening) == before
    assert clock_starts(response.text) == EVENING_STARTS


def test_overriding_minutes_and_adding_a_note_moves_what_follows(app, signed_in, evening):
    item_id = items_of(app, evening)[2][0]
    response = signed_in.post(
        f"/sessions/{evening}/items/{item_id}",
        data={f"item-{item_id}-minutes": "50", f"item-{item_id}-pin": "", f"item-{item_id}-note": "Slow down."},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert clock_starts(response.text)[3:] == ["20:05", "20:15", "20:19", "20:35"]
    assert "4 min of slack" in response.text and "Slow down." in response.text


def test_a_pin_the_agenda_cannot_reach_is_refused_at_the_field(app, signed_in, evening):
    before = items_of(app, evening)
    tea = before[3][0]
    response = signed_in.post(
        f"/sessions/{evening}/items/{tea}",
        data={f"item-{tea}-minutes": "10", f"item-{tea}-pin": "19:45", f"item-{tea}-note": "", f"item-{tea}-title": "Tea"},
    )
    assert response.status_code == 422
    assert f'id="item-{tea}-pin-error"' in response.text
    assert "reaches this item at 20:00 at the earliest, 15 minutes after 19:45" in response.text
    assert items_of(app, evening) == before


def test_a_later_change_that_overruns_a_pin_shows_a_clear_overrun(app, signed_in, evening):
    item_id = items_of(app, evening)[2][0]
    signed_in.post(f"/sessions/{evening}/items/{item_id}", data={f"item-{item_id}-minutes": "60", f"item-{item_id}-pin": ""})
    page = signed_in.get(f"/sessions/{evening}")
    assert "only reaches it at 20:41: 6 min over" in page.text
    assert "Overrun: the agenda reaches this at 20:41, 6 min after its pinned 20:35" in page.text
    assert "has-overrun" in page.text


def test_facilitator_adds_an_exercise_a_break_and_a_block(app, signed_in, evening):
    with app.app_context():
        feet = shipped_exercise("grounding-five-senses").id
    assert signed_in.post(f"/sessions/{evening}/items/exercise", data={"exercise_id": feet}).status_code == 302
    assert signed_in.post(f"/sessions/{evening}/items/break", data={"break-minutes": "15", "break-title": "Stretch"}).status_code == 302
    assert signed_in.post(f"/sessions/{evening}/items/block", data={"block-title": "Notices", "block-minutes": "0"}).status_code == 302
    page = signed_in.get(f"/sessions/{evening}")
    assert clock_starts(page.text)[-3:] == ["20:40", "20:45", "21:00"]
    assert "⚠ 11 min over the target (ends 21:00, planned 20:40)" in page.text  # 111 min of content, 9 of slack


@pytest.mark.parametrize(("url", "data", "field", "message"), [
    ("break", {"break-minutes": "0", "break-title": ""}, "break-minutes", "Number must be between 1 and 240."),
    ("break", {"break-minutes": "-3"}, "break-minutes", "Number must be between 1 and 240."),
    ("block", {"block-title": "", "block-minutes": "5"}, "block-title", "Name the block."),
    ("block", {"block-title": "Talk", "block-minutes": "999"}, "block-minutes", "Number must be between 0 and 240."),
])  # fmt: skip
def test_bad_breaks_and_blocks_are_refused_beside_the_field(app, signed_in, evening, url, data, field, message):
    before = items_of(app, evening)
    response = signed_in.post(f"/sessions/{evening}/items/{url}", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message in response.text
    assert items_of(app, evening) == before


def test_hidden_and_other_facilitators_exercises_cannot_be_added(app, signed_in, evening, other_user):
    with app.app_context():
        theirs = make_custom_exercise(other_user.id).id
        hidden = shipped_exercise("grounding-five-senses")
        hidden.hidden = True
        db.session.commit()
        hidden_id = hidden.id
    before = items_of(app, evening)
    for exercise_id in (theirs, hidden_id, 999999):
        response = signed_in.post(f"/sessions/{evening}/items/exercise", data={"exercise_id": exercise_id})
        assert response.status_code == 400
    assert items_of(app, evening) == before
    page = signed_in.get(f"/sessions/{evening}")
    assert 'name="exercise_id" value="%d"' % hidden_id not in page.text


def test_the_add_panel_searches_shipped_and_own_exercises(app, signed_in, evening, user):
    with app.app_context():
        mine = make_custom_exercise(user.id)
        mine.title = "Zebra crossing check-in"
        db.session.commit()
        mine_id = mine.id
    page = signed_in.get(f"/sessions/{evening}?q=zebra")
    assert f'name="exercise_id" value="{mine_id}"' in page.text
    assert page.text.count('name="exercise_id"') == 1
    page = signed_in.get(f"/sessions/{evening}?stage=closing")
    with app.app_context():
        closings = db.session.scalar(select(func.count(Exercise.id)).where(Exercise.stage == "closing", Exercise.hidden.is_(False), Exercise.owner_id.is_(None)))
    assert page.text.count('name="exercise_id"') == closings


def test_removing_an_item_pulls_the_rest_forward(app, signed_in, evening):
    welcome = items_of(app, evening)[0][0]
    signed_in.post(f"/sessions/{evening}/items/{welcome}/remove")
    page = signed_in.get(f"/sessions/{evening}")
    assert clock_starts(page.text)[:3] == ["19:00", "19:10", "19:55"]
    assert "Removed “Welcome”" in page.text


def test_facilitator_dismisses_an_arc_warning_for_this_session_and_brings_it_back(app, signed_in, evening):
    check_in = items_of(app, evening)[1][0]
    signed_in.post(f"/sessions/{evening}/items/{check_in}/remove")
    page = signed_in.get(f"/sessions/{evening}")
    assert "This session has no check-in" in page.text
    assert "comes before any check-in" in page.text and "Why it matters:" in page.text
    signed_in.post(f"/sessions/{evening}/warnings", data={"key": "no-check-in"})
    page = signed_in.get(f"/sessions/{evening}")
    assert 'id="warning-no-check-in"' not in page.text and "Dismissed (1)" in page.text
    signed_in.post(f"/sessions/{evening}/warnings", data={"key": "no-check-in", "action": "restore"})
    assert 'id="warning-no-check-in"' in signed_in.get(f"/sessions/{evening}").text


def test_details_are_edited_with_messages_beside_bad_fields(app, signed_in, evening):
    form = {"title": "Tuesday", "start_time": "7pm", "target_minutes": "0", "audience": "men", "group_size": "",
            "reflection_opening": "", "reflection_closing": "", "take_home": ""}  # fmt: skip
    response = signed_in.post(f"/sessions/{evening}/details", data=form)
    assert response.status_code == 422
    assert 'id="start_time-error"' in response.text and 'id="target_minutes-error"' in response.text
    with app.app_context():
        assert db.session.get(GroupSession, evening).title == "A test evening"
    form.update(start_time="18:30", target_minutes="110", group_size="2", partner_handouts=["partners-listening"])
    assert signed_in.post(f"/sessions/{evening}/details", data=form).status_code == 302
    page = signed_in.get(f"/sessions/{evening}")
    assert clock_starts(page.text)[0] == "18:30"
    assert "this group expects 2" in page.text  # the triads exercise no longer fits


def test_duplicate_archive_and_delete_with_confirmation(app, signed_in, evening):
    copy = int(signed_in.post(f"/sessions/{evening}/duplicate").location.split("/")[-2])
    assert copy != evening
    assert clock_starts(signed_in.get(f"/sessions/{copy}").text) == EVENING_STARTS
    signed_in.post(f"/sessions/{copy}/archive")
    assert ">A test evening (copy)</a>" not in signed_in.get("/sessions/").text
    assert ">A test evening (copy)</a>" in signed_in.get("/sessions/?archived=1").text
    confirm = signed_in.get(f"/sessions/{copy}/delete")
    assert confirm.status_code == 200 and "Other sessions are not touched" in confirm.text
    assert signed_in.post(f"/sessions/{copy}/delete").status_code == 302
    assert signed_in.get(f"/sessions/{copy}").status_code == 404
    assert clock_starts(signed_in.get(f"/sessions/{evening}").text) == EVENING_STARTS


def test_the_sessions_list_groups_by_date_and_flags_what_needs_a_look(signed_in, evening):
    signed_in.post("/sessions/new", data={"source": "blank", "title": "Undated blank"})
    page = signed_in.get("/sessions/")
    assert "Coming up" in page.text and "Not dated yet" in page.text
    assert "A test evening" in page.text and "Undated blank" in page.text


def test_a_blank_session_needs_a_title(signed_in, synced):
    response = signed_in.post("/sessions/new", data={"source": "blank", "title": ""})
    assert response.status_code == 422 and "Give the blank session a title." in response.text
    response = signed_in.post("/sessions/new", data={"source": "shipped:no-such-template"})
    assert response.status_code == 422


def test_run_mode_is_a_readable_page_that_needs_nothing_more_from_the_network(app, signed_in, evening):
    page = signed_in.get(f"/sessions/{evening}/run")
    assert page.status_code == 200
    assert page.text.count('class="run-item ') == 7
    assert "Keep the tissues near." in page.text and "Safety notes" in page.text
    assert 'class="run-steps"' in page.text
    scripts = [line for line in page.text.splitlines() if "<script" in line]
    assert len(scripts) == 1 and "js/runmode.js" in scripts[0]
    source = (Path(app.static_folder) / "js" / "runmode.js").read_text(encoding="utf-8")
    assert "fetch(" not in source and "XMLHttpRequest" not in source


def test_facilitator_removes_an_item_by_mistake_and_puts_it_back_in_its_place(app, synced, signed_in, user):
    from sqlalchemy import select

    from facilitator.extensions import db
    from facilitator.models import Exercise
    from facilitator.planner import service
    from facilitator.planner.models import GroupSession

    with app.app_context():
        session = GroupSession(owner_id=user.id, title="Tuesday", target_minutes=60, start_time="19:00")
        db.session.add(session)
        db.session.commit()
        exercise = db.session.scalar(select(Exercise).where(Exercise.slug == "closing-one-word"))
        service.add_break(session, 10, "Tea")
        item = service.add_exercise(session, exercise, minutes=6, note="Keep it brisk")
        service.add_block(session, "Housekeeping", 5)
        session_id, item_id = session.id, item.id
    removed = signed_in.post(f"/sessions/{session_id}/items/{item_id}/remove")
    assert removed.status_code == 302
    page = signed_in.get(f"/sessions/{session_id}").text
    assert "Put it back" in page
    put_back = signed_in.post(f"/sessions/{session_id}/items/put-back", follow_redirects=True)
    assert "is back in its place" in put_back.text
    with app.app_context():
        items = db.session.get(GroupSession, session_id).items
        assert [(i.kind, i.minutes, i.note) for i in items] == [
            ("break", 10, ""), ("exercise", 6, "Keep it brisk"), ("block", 5, ""),
        ]  # fmt: skip
    assert "Put it back" not in signed_in.get(f"/sessions/{session_id}").text
    again = signed_in.post(f"/sessions/{session_id}/items/put-back", follow_redirects=True)
    assert "There is nothing to put back." in again.text


def test_removing_the_long_exercise_before_a_pinned_closing_shows_content_and_slack_apart(app, signed_in, evening):
    deep = items_of(app, evening)[2][0]
    signed_in.post(f"/sessions/{evening}/items/{deep}/remove")
    page = signed_in.get(f"/sessions/{evening}")
    assert "46 of 100 min" in page.text and "100 of 100 min" not in page.text
    assert "and 54 min of slack waiting for pinned times (not counted above)" in page.text
    assert "54 min short of the target" in page.text and "fits the target" not in page.text


def test_without_javascript_insert_after_puts_new_items_in_place_and_keeps_the_run_in_order(app, signed_in, evening):
    ids = [row[0] for row in items_of(app, evening)]
    page = signed_in.get(f"/sessions/{evening}")
    assert f'href="/sessions/{evening}?after={ids[1]}#add"' in page.text  # "Insert after" on the check-in
    chosen = signed_in.get(f"/sessions/{evening}?after={ids[1]}")
    assert "New items go after “Arrival weather report”." in chosen.text
    assert chosen.text.count(f'name="after" value="{ids[1]}"') == chosen.text.count('name="exercise_id"') + 2

    with app.app_context():
        feet = shipped_exercise("grounding-feet-and-breath").id
    response = signed_in.post(f"/sessions/{evening}/items/exercise", data={"exercise_id": feet, "after": ids[1]})
    added = items_of(app, evening)[2][0]
    assert response.status_code == 302 and response.location.endswith(f"/sessions/{evening}?after={added}#item-{added}")
    signed_in.post(f"/sessions/{evening}/items/break", data={"break-minutes": "5", "break-title": "Stretch", "after": added})
    page = signed_in.get(f"/sessions/{evening}")
    titles = re.findall(r'data-title="([^"]+)"', page.text)
    assert titles[:5] == ["Welcome", "Arrival weather report", "Feet on the floor, slow breath out", "Stretch",
                          "What opening up has cost me, and what it gave me"]  # fmt: skip
    assert titles[-1] == "One word to leave with"  # the closing stays last


def test_an_insert_point_that_is_not_on_this_agenda_means_the_end(app, signed_in, evening):
    response = signed_in.post(f"/sessions/{evening}/items/block", data={"block-title": "Notices", "block-minutes": "0", "after": "999999"})
    assert response.status_code == 302
    assert items_of(app, evening)[-1][4] == 7
