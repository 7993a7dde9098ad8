"""The library in a real browser (issue 17): ranked search, the exercise page's actions, a draft copy."""

from __future__ import annotations


import pytest
from playwright.sync_api import expect

from facilitator.planner import service as planner
from tests.conftest import PASSWORD, screenshot_path

pytestmark = pytest.mark.browser



def sign_in(page, live_server: str, user) -> None:  # noqa: ANN001
    page.goto(live_server + "/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_searching_couple_shows_title_and_summary_matches_first(live_server, page, synced, user):
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/exercises/")
    page.get_by_label("Search").fill("couple")
    page.get_by_role("button", name="Filter").click()
    strong = page.locator(".search-strong .card")
    expect(strong.first).to_be_in_viewport()
    for title in strong.locator("h2, h3").all_inner_texts()[:1]:
        assert "couple" in title.lower()
    more = page.get_by_role("heading", name="Mentioned in the text")
    assert more.bounding_box()["y"] > strong.last.bounding_box()["y"]
    page.screenshot(path=screenshot_path("issue17-library-search-couple.png"))


def test_an_exercise_page_offers_add_to_a_session_and_print_worksheet_above_the_fold(app, live_server, page, synced, user):
    with app.app_context():
        planner.create_session(user.id, planner.SessionDetails(title="Tuesday group"))
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/exercises/")
    page.get_by_role("link", name="One word to leave with").first.click()
    expect(page.get_by_role("link", name="Print worksheet")).to_be_in_viewport()
    page.get_by_role("link", name="Add to a session").click()
    expect(page.get_by_label("One of your sessions")).to_be_in_viewport()
    page.screenshot(path=screenshot_path("issue17-exercise-add-to-session.png"))
    page.get_by_role("button", name="at the end").click()
    expect(page.locator(".agenda-item").first).to_have_attribute("data-title", "One word to leave with")

    page.goto(f"{live_server}/exercises/")
    page.get_by_role("link", name="One word to leave with").first.click()
    page.get_by_role("link", name="Make my own copy").click()
    expect(page.get_by_text("This is a draft")).to_be_visible()
    page.get_by_label("Minutes", exact=True).fill("3")
    page.get_by_role("button", name="Save my copy").click()
    advice = page.locator("#steps-error")
    expect(advice).to_contain_text("The steps add up to 5 minutes, but the exercise lasts 3: take 2 minutes off the steps")
    advice.scroll_into_view_if_needed()
    expect(page.get_by_label("Scale the step minutes to fit")).to_be_in_viewport()
    page.screenshot(path=screenshot_path("issue17-fork-steps-advice.png"))
    page.get_by_role("link", name="Cancel").click()
    page.goto(f"{live_server}/exercises/?mine=1")
    expect(page.get_by_text("No exercise matches these filters.")).to_be_visible()
