"""The session page in a real browser (issue 17): inserting after an item with mouse and keyboard,
the contents bar, the Print section's own heading, and the bar that counts content, not slack."""

from __future__ import annotations


import pytest
from playwright.sync_api import expect

from facilitator.extensions import db
from facilitator.planner import service
from facilitator.planner.models import GroupSession
from facilitator.planner.service import SessionDetails
from tests.conftest import PASSWORD, screenshot_path
from tests.planner_helpers import make_library, shipped_exercise

pytestmark = pytest.mark.browser



@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


@pytest.fixture
def evening(app, synced, user) -> int:
    """19:00: check-in 10, feelings wheel 30, a talk 30, tea pinned to 20:30, a round 50, closing 5; target 90."""
    with app.app_context():
        session = service.create_session(
            user.id, SessionDetails(title="Tuesday group", start_time="19:00", target_minutes=90, reflection_closing="closing-general"),
        )  # fmt: skip
        service.add_exercise(session, shipped_exercise("arrival-weather-report"), minutes=10)
        service.add_exercise(session, shipped_exercise("feelings-wheel-from-core-to-fine"), minutes=30)
        service.add_block(session, "A talk", 30)
        tea = service.add_break(session, 10, "Tea")
        service.update_item(tea, minutes=10, note="", pin="20:30")
        service.add_block(session, "A round", 50)
        return session.id


def sign_in(page, live_server: str, user) -> None:  # noqa: ANN001
    page.goto(live_server + "/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def agenda_titles(page) -> list[str]:  # noqa: ANN001
    return page.locator("#agenda-list > .agenda-item").evaluate_all("items => items.map(li => li.dataset.title)")


def test_facilitator_inserts_after_the_check_in_by_keyboard_and_the_run_stays_in_order(live_server, page, evening, user):
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/sessions/{evening}")
    expect(page.locator("#insert-point")).to_have_text("New items go at the end.")

    insert = page.get_by_role("link", name="Insert new items after Arrival weather report")
    insert.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#insert-point")).to_contain_text("New items go after “Arrival weather report”.")
    expect(page.locator("#q")).to_be_focused()  # straight on to choosing what to insert
    expect(page.locator("#agenda-list > .is-insert-point")).to_have_attribute("data-title", "Arrival weather report")
    assert page.url.endswith(f"/sessions/{evening}")  # no page load: the script set the place

    page.keyboard.type("feet on the floor")
    page.get_by_role("button", name="Add Feet on the floor, slow breath out").click()
    expect(page.locator("#agenda-list > .agenda-item").nth(1)).to_have_attribute("data-title", "Feet on the floor, slow breath out")
    page.get_by_label("Break title").fill("Stretch")
    page.get_by_label("Break minutes").fill("3")
    page.get_by_role("button", name="Add break").click()
    expect(page.locator("#agenda-list > .agenda-item").nth(2)).to_have_attribute("data-title", "Stretch")
    assert agenda_titles(page)[-1] == "A round"  # nothing landed after the end
    page.screenshot(path=screenshot_path("issue17-insert-after.png"))

    page.locator("#insert-point .insert-at-end").click()
    expect(page.locator("#insert-point")).to_have_text("New items go at the end.")
    page.get_by_label("Block title").fill("Notices")
    page.get_by_role("button", name="Add block").click()
    expect(page.locator("#agenda-list > .agenda-item").last).to_have_attribute("data-title", "Notices")

    page.reload()  # what the browser showed is what was saved
    assert agenda_titles(page) == [
        "Arrival weather report", "Feet on the floor, slow breath out", "Stretch",
        "From core feeling to the finer word", "A talk", "Tea", "A round", "Notices",
    ]  # fmt: skip


def test_the_bar_counts_content_after_an_exercise_before_a_pinned_break_is_removed(live_server, page, evening, user):
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/sessions/{evening}")
    page.get_by_role("button", name="Remove From core feeling to the finer word").click()
    status = page.locator(".time-total")
    expect(status).to_contain_text("100 of 90 min")
    expect(status).to_contain_text("and 50 min of slack waiting for pinned times (not counted above)")
    expect(status).to_contain_text("10 min over the target (ends 21:30, planned 20:30)")
    expect(status).not_to_contain_text("150 of 90")
    status.screenshot(path=screenshot_path("issue17-slack-bar.png"))


def test_the_session_page_has_a_contents_bar_and_print_stands_apart_from_the_reflection_buttons(live_server, page, evening, user):
    sign_in(page, live_server, user)
    page.goto(f"{live_server}/sessions/{evening}")
    bar = page.get_by_role("navigation", name="On this page")
    expect(bar.get_by_role("link")).to_have_text(
        ["Agenda", "Add", "Arc", "For the evening", "Reflection forms", "Print", "Share and keep"]
    )
    bar.get_by_role("link", name="Print").click()
    heading = page.get_by_role("heading", name="Print", level=2)
    expect(heading).to_be_in_viewport()
    bar_box, heading_box = bar.bounding_box(), heading.bounding_box()
    assert bar_box["y"] >= -1 and bar_box["y"] + bar_box["height"] <= heading_box["y"]  # the bar stays, above the heading

    reflection_buttons = page.locator("#reflections .actions").last.bounding_box()
    gap = heading_box["y"] - (reflection_buttons["y"] + reflection_buttons["height"])
    assert gap >= 32, f"the Print heading sits {gap:.0f}px under the reflection buttons"
    page.screenshot(path=screenshot_path("issue17-session-print-section.png"))

    bar.get_by_role("link", name="Share and keep").click()
    expect(page.get_by_role("heading", name="Share and keep", level=2)).to_be_in_viewport()


def test_without_javascript_insert_after_is_a_link_that_sets_the_panel(app, browser, live_server, evening, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, user)
        page.goto(f"{live_server}/sessions/{evening}")
        page.get_by_role("link", name="Insert new items after A talk").click()
        expect(page.locator("#insert-point")).to_contain_text("New items go after “A talk”.")
        page.get_by_label("Block title").fill("A breath")
        page.get_by_label("Block minutes").fill("2")
        page.get_by_role("button", name="Add block").click()
        with app.app_context():
            session = db.session.get(GroupSession, evening)
            assert [i.title for i in session.items if i.kind != "exercise"][:3] == ["A talk", "A breath", "Tea"]
    finally:
        context.close()
