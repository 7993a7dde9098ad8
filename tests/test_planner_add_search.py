"""The session page's add panel finds exercises with the library's ranked full-text search, whether
the facilitator presses Search (no JavaScript) or types (the live list asks the server)."""

from __future__ import annotations

import html
import re

import pytest

from facilitator.extensions import db
from facilitator.library.service import ExerciseFilters, search_exercises
from facilitator.planner.models import GroupSession

pytestmark = pytest.mark.usefixtures("synced")

OPENING_UP = "What opening up has cost me, and what it gave me"


def choice_titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<span class="choice-title">([^<]*)</span>', page)]


@pytest.fixture
def session_id(app, user) -> int:
    with app.app_context():
        session = GroupSession(owner_id=user.id, title="Week 3", start_time="19:00", target_minutes=90)
        db.session.add(session)
        db.session.commit()
        return session.id


def test_opening_up_lists_the_exercise_of_that_title_first(app, user, signed_in, session_id):
    live = signed_in.get(f"/sessions/{session_id}/exercise-choices?q=opening+up")
    assert live.status_code == 200 and live.headers["Cache-Control"] == "no-store"
    assert choice_titles(live.text)[0] == OPENING_UP
    page = signed_in.get(f"/sessions/{session_id}?q=opening+up")
    assert choice_titles(page.text)[0] == OPENING_UP  # pressing Search gives the same order


def test_the_add_panel_lists_what_the_library_page_lists_in_its_order(app, user, signed_in, session_id):
    for q in ("opening", "anger", "listening partner"):
        with app.app_context():
            library = [e.title for e in search_exercises(user.id, ExerciseFilters(q=q)).exercises]
        assert library, q
        live = signed_in.get(f"/sessions/{session_id}/exercise-choices", query_string={"q": q})
        assert choice_titles(live.text) == library, q
        assert f'data-count="{len(library)}"' in live.text


def test_opening_does_not_match_the_stage_name_alone(app, user, signed_in, session_id):
    """'opening' is a stage in every exercise's front matter, which search never reads."""
    live = signed_in.get(f"/sessions/{session_id}/exercise-choices?q=opening")
    with app.app_context():
        from facilitator.library import shipped

        by_title = {e.title: e for e in shipped.library().exercises.values()}
    for title in choice_titles(live.text):
        exercise = by_title[title]
        text = " ".join([exercise.title, exercise.summary, *exercise.sections.values()]).lower()
        assert "open" in text, title


def test_filters_and_the_insert_point_travel_with_the_live_search(app, user, signed_in, session_id):
    live = signed_in.get(f"/sessions/{session_id}/exercise-choices?q=&stage=closing")
    with app.app_context():
        expected = [e.title for e in search_exercises(user.id, ExerciseFilters(stage="closing")).exercises]
    assert choice_titles(live.text) == expected and expected


def test_the_live_list_is_for_those_who_may_edit_the_session(app, client, user, other_user, session_id):
    from tests.conftest import sign_in

    assert sign_in(client, other_user).get(f"/sessions/{session_id}/exercise-choices?q=anger").status_code == 404


@pytest.mark.browser
def test_typing_in_the_add_panel_shows_the_ranked_list_and_adds_from_it(live_server, page, user, session_id):
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    page.goto(live_server + "/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/sessions/{session_id}")
    page.get_by_label("Find an exercise").fill("opening up")
    first = page.locator("#exercise-choices .choice-title").first
    expect(first).to_have_text(OPENING_UP)
    count = page.locator("#exercise-choices li").count()
    expect(page.locator("#exercise-count")).to_have_text(f"{count} exercise" + ("" if count == 1 else "s"))
    page.get_by_role("button", name=f"Add {OPENING_UP}").click()
    expect(page.locator("#agenda .item-title")).to_have_text([OPENING_UP])
