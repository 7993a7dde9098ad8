"""Oversized plan files: an import is held to the planner's own limits (items, weeks) before anything
is built, quickly and with a clear message, from the web form and from `flask sessions import`
(a 440 KB file of 40,000 breaks used to import in 11.6 s and make a 130 MB session page)."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.planner.models import AgendaItem, GroupSession, Programme
from facilitator.planner.programmes import MAX_WEEKS
from facilitator.planner.service import MAX_ITEMS


def session_file(breaks: int) -> str:
    head = "slug: many-breaks\ntitle: Many breaks\nkind: session\naudience: men\ntarget_minutes: 720\nstart_time: '09:00'\nitems:\n"
    return head + "- break: 1\n" * breaks  # 440 KB for 40,000, as the attacker's file was


def programme_file(weeks: int) -> str:
    week = "  - title: Week\n    target_minutes: 60\n    start_time: '19:00'\n    items:\n      - break: 5\n"
    return "slug: long-run\ntitle: Long run\nkind: programme\naudience: men\nweeks:\n" + week * weeks


def stored(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (GroupSession, Programme, AgendaItem))


def upload(client, text: str):
    data = {"file": (io.BytesIO(text.encode()), "plan.yaml")}
    return client.post("/import", data=data, content_type="multipart/form-data")


def test_forty_thousand_breaks_are_refused_fast_with_a_clear_message(app, signed_in, synced):
    text = session_file(40_000)
    assert len(text) > 400_000
    started = time.perf_counter()
    response = upload(signed_in, text)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert f"at most {MAX_ITEMS} items" in response.text
    assert "nothing was saved" in response.text
    assert elapsed < 2, f"took {elapsed:.1f} s"
    assert stored(app) == (0, 0, 0)


def test_the_command_line_import_holds_the_same_limit(app, runner, user, synced, tmp_path):
    plan = tmp_path / "many.yaml"
    plan.write_text(session_file(40_000))
    started = time.perf_counter()
    result = runner.invoke(args=["sessions", "import", str(plan), "--user", "anna"])
    assert time.perf_counter() - started < 2
    assert result.exit_code == 1
    assert f"at most {MAX_ITEMS} items" in result.output
    assert "nothing was saved" in result.output
    assert stored(app) == (0, 0, 0)


@pytest.mark.parametrize(("items", "status"), [(MAX_ITEMS, 302), (MAX_ITEMS + 1, 422)])
def test_an_agenda_may_hold_as_many_items_as_the_planner_allows_and_no_more(app, signed_in, synced, items, status):
    response = upload(signed_in, session_file(items))
    assert response.status_code == status
    assert stored(app)[2] == (items if status == 302 else 0)


@pytest.mark.parametrize(("weeks", "status"), [(MAX_WEEKS, 302), (MAX_WEEKS + 1, 422), (5_000, 422)])
def test_a_programme_may_hold_as_many_weeks_as_the_planner_allows_and_no_more(app, signed_in, synced, weeks, status):
    response = upload(signed_in, programme_file(weeks))
    assert response.status_code == status
    if status == 422:
        assert f"at most {MAX_WEEKS} weeks" in response.text
        assert stored(app) == (0, 0, 0)


def test_a_note_longer_than_the_planner_allows_is_refused(app, signed_in, synced):
    text = session_file(1) + "  note: " + "x" * 2001 + "\n"
    response = upload(signed_in, text)
    assert response.status_code == 422
    assert "items[1].note" in response.text
    assert stored(app) == (0, 0, 0)


def test_a_mapping_of_forty_thousand_keys_is_refused_fast(app, signed_in, synced):
    text = session_file(1) + "".join(f"k{number}: 1\n" for number in range(40_000))
    started = time.perf_counter()
    response = upload(signed_in, text)
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    assert stored(app) == (0, 0, 0)
