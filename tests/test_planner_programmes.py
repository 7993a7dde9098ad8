"""Programmes: made from a template or by hand, weekly dates, weeks moved and taken out, the overview."""

from __future__ import annotations

import re
from datetime import date

import pytest

from facilitator.extensions import db
from facilitator.planner.models import GroupSession, Programme
from tests.planner_helpers import make_library, shipped_exercise


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


@pytest.fixture
def three_weeks(app, synced, signed_in) -> int:
    response = signed_in.post("/programmes/new", data={"source": "shipped:test-three-weeks", "date": "2031-03-04"})
    assert response.status_code == 302
    return int(response.location.rsplit("/", 1)[1])


def weeks_of(app, programme_id: int) -> list[tuple]:
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        return [(w.week_number, w.title, w.date) for w in programme.sessions]


def test_a_programme_from_a_template_has_its_weeks_dated_a_week_apart(app, three_weeks):
    assert weeks_of(app, three_weeks) == [
        (1, "Arriving", date(2031, 3, 4)), (2, "Going deeper", date(2031, 3, 11)), (3, "Ending well", date(2031, 3, 18)),
    ]  # fmt: skip
    with app.app_context():
        weeks = db.session.get(Programme, three_weeks).sessions
        assert {(w.group_size, w.audience) for w in weeks} == {(6, "men")}


def test_the_overview_shows_week_date_theme_minutes_and_warnings(app, signed_in, three_weeks):
    with app.app_context():
        week_one = sum(shipped_exercise(slug).minutes for slug in ("arrival-weather-report", "the-feeling-under-the-facts", "closing-one-word"))
    assert week_one < 54, "week 1 of the test programme should be more than 10% short of its 60 minutes"
    page = signed_in.get(f"/programmes/{three_weeks}")
    assert page.status_code == 200
    weeks = re.findall(r'<p class="week-number">Week (\d)</p>', page.text)
    assert weeks == ["1", "2", "3"]
    assert "Tue 4 Mar 2031</time>, 18:30" in page.text and "Arriving safely" in page.text
    assert f"{week_one} / 60" in page.text and f"⚠ {60 - week_one} short" in page.text
    assert "This session has no closing exercise" not in page.text
    assert "✓ Arc checked" in page.text


def test_arc_checks_across_weeks_flag_a_high_exercise_moved_into_week_one(app, signed_in, three_weeks):
    with app.app_context():
        deep = db.session.get(Programme, three_weeks).sessions[1].id
    signed_in.post(f"/programmes/{three_weeks}/weeks/{deep}/move", data={"direction": "up"})
    page = signed_in.get(f"/programmes/{three_weeks}")
    assert "in the first session of the programme" in page.text
    session_page = signed_in.get(f"/sessions/{deep}")
    assert 'id="warning-high-in-first-session--what-opening-up-cost-and-gave-me"' in session_page.text


def test_moving_a_week_keeps_the_dates_in_place(app, signed_in, three_weeks):
    with app.app_context():
        last = db.session.get(Programme, three_weeks).sessions[2].id
    signed_in.post(f"/programmes/{three_weeks}/weeks/{last}/move", data={"direction": "up"})
    assert weeks_of(app, three_weeks) == [
        (1, "Arriving", date(2031, 3, 4)), (2, "Ending well", date(2031, 3, 11)), (3, "Going deeper", date(2031, 3, 18)),
    ]  # fmt: skip


def test_adding_a_week_dates_it_a_week_after_the_last(app, signed_in, three_weeks):
    signed_in.post(f"/programmes/{three_weeks}/weeks")
    assert weeks_of(app, three_weeks)[-1] == (4, "Week 4", date(2031, 3, 25))


def test_taking_a_week_out_keeps_it_as_a_session_of_its_own(app, signed_in, three_weeks):
    with app.app_context():
        middle = db.session.get(Programme, three_weeks).sessions[1].id
    response = signed_in.post(f"/programmes/{three_weeks}/weeks/{middle}/remove", follow_redirects=True)
    assert "is out of the programme and kept under Sessions" in response.text
    assert weeks_of(app, three_weeks) == [(1, "Arriving", date(2031, 3, 4)), (2, "Ending well", date(2031, 3, 18))]
    with app.app_context():
        kept = db.session.get(GroupSession, middle)
        assert (kept.programme_id, kept.week_number, len(kept.items)) == (None, None, 4)


def test_new_first_date_redates_every_week_and_group_size_reaches_each_week(app, signed_in, three_weeks):
    form = {"title": "Spring group", "audience": "men", "group_size": "2", "summary": "", "first_date": "2031-04-01"}
    assert signed_in.post(f"/programmes/{three_weeks}/details", data=form).status_code == 302
    assert [w[2] for w in weeks_of(app, three_weeks)] == [date(2031, 4, 1), date(2031, 4, 8), date(2031, 4, 15)]
    page = signed_in.get(f"/programmes/{three_weeks}")
    assert "this group expects 2" in page.text  # the triads exercise in week 2


def test_bad_programme_details_are_shown_beside_the_field(app, signed_in, three_weeks):
    form = {"title": "", "audience": "men", "group_size": "0", "first_date": "someday"}
    response = signed_in.post(f"/programmes/{three_weeks}/details", data=form)
    assert response.status_code == 422
    for field in ("title", "group_size", "first_date"):
        assert f'id="{field}-error"' in response.text
    assert weeks_of(app, three_weeks)[0][2] == date(2031, 3, 4)


def test_a_blank_programme_by_hand(app, synced, signed_in):
    response = signed_in.post("/programmes/new", data={"source": "blank", "title": "Autumn", "weeks": "4", "date": "2031-09-02"})
    assert response.status_code == 302
    programme_id = int(response.location.rsplit("/", 1)[1])
    assert [w[1:] for w in weeks_of(app, programme_id)] == [
        ("Week 1", date(2031, 9, 2)), ("Week 2", date(2031, 9, 9)), ("Week 3", date(2031, 9, 16)), ("Week 4", date(2031, 9, 23)),
    ]  # fmt: skip
    assert signed_in.post("/programmes/new", data={"source": "blank", "title": "Too long", "weeks": "60"}).status_code == 422
    assert signed_in.post("/programmes/new", data={"source": "blank", "title": "", "weeks": "3"}).status_code == 422


def test_deleting_a_week_session_closes_the_gap_in_the_programme(app, signed_in, three_weeks):
    with app.app_context():
        first = db.session.get(Programme, three_weeks).sessions[0].id
    signed_in.post(f"/sessions/{first}/delete")
    assert [w[:2] for w in weeks_of(app, three_weeks)] == [(1, "Going deeper"), (2, "Ending well")]


def test_deleting_a_programme_asks_first_and_takes_its_weeks(app, signed_in, three_weeks):
    confirm = signed_in.get(f"/programmes/{three_weeks}/delete")
    assert "its 3 weekly sessions" in confirm.text
    assert signed_in.post(f"/programmes/{three_weeks}/delete").status_code == 302
    with app.app_context():
        assert db.session.query(GroupSession).count() == 0


def test_duplicate_and_archive_a_programme(app, signed_in, three_weeks):
    response = signed_in.post(f"/programmes/{three_weeks}/duplicate")
    copy = int(response.location.split("/")[-2])
    assert [w[:2] for w in weeks_of(app, copy)] == [w[:2] for w in weeks_of(app, three_weeks)]
    assert all(w[2] is None for w in weeks_of(app, copy))
    signed_in.post(f"/programmes/{copy}/archive")
    assert ">Three test weeks (copy)</a>" not in signed_in.get("/programmes/").text
    assert ">Three test weeks (copy)</a>" in signed_in.get("/programmes/?archived=1").text


def test_save_a_programme_as_my_template_and_start_from_it(app, signed_in, three_weeks):
    signed_in.post(f"/programmes/{three_weeks}/save-template", data={"title": "My three weeks"})
    form = signed_in.get("/programmes/new")
    saved = re.search(r'value="(saved:\d+)">My three weeks', form.text).group(1)
    response = signed_in.post("/programmes/new", data={"source": saved, "date": "2032-01-06"})
    copy = int(response.location.rsplit("/", 1)[1])
    assert [w[1:] for w in weeks_of(app, copy)] == [
        ("Arriving", date(2032, 1, 6)), ("Going deeper", date(2032, 1, 13)), ("Ending well", date(2032, 1, 20)),
    ]  # fmt: skip


def test_a_week_titled_week_3_moved_to_week_1_is_flagged_and_renumbered_on_request(app, signed_in, three_weeks):
    with app.app_context():
        weeks = db.session.get(Programme, three_weeks).sessions
        weeks[0].title, weeks[1].title, weeks[2].title = "Week 1: Arriving", "Going deeper", "week 3 - Ending well"
        db.session.commit()
        last = weeks[2].id
    signed_in.post(f"/programmes/{three_weeks}/weeks/{last}/move", data={"direction": "up"})
    signed_in.post(f"/programmes/{three_weeks}/weeks/{last}/move", data={"direction": "up"})

    page = signed_in.get(f"/programmes/{three_weeks}")
    assert "2 titles name a different week from where they sit now" in page.text
    assert "week 1: “week 3 - Ending well” → “week 1 - Ending well”" in page.text
    assert "week 2: “Week 1: Arriving” → “Week 2: Arriving”" in page.text
    assert "⚠ The title says week 3; this is week 1." in page.text
    assert [t for _, t, _ in weeks_of(app, three_weeks)] == ["week 3 - Ending well", "Week 1: Arriving", "Going deeper"]  # nothing yet

    response = signed_in.post(f"/programmes/{three_weeks}/titles")
    assert response.status_code == 302
    assert "Renumbered 2 titles to match their weeks." in signed_in.get(response.location).text
    assert weeks_of(app, three_weeks) == [
        (1, "week 1 - Ending well", date(2031, 3, 4)), (2, "Week 2: Arriving", date(2031, 3, 11)),
        (3, "Going deeper", date(2031, 3, 18)),
    ]  # fmt: skip
    assert "title-fixes" not in signed_in.get(f"/programmes/{three_weeks}").text


def test_titles_that_only_mention_a_number_later_are_left_alone(app, signed_in, three_weeks):
    with app.app_context():
        weeks = db.session.get(Programme, three_weeks).sessions
        weeks[1].title = "The 3 questions"
        weeks[2].title = "Weekend 3 reunion"
        db.session.commit()
    assert "title-fixes" not in signed_in.get(f"/programmes/{three_weeks}").text
