"""The planner in a real browser: template, drag-and-drop with live clock times, then run mode offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.planner_helpers import EVENING_STARTS, make_library

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


def drag(page, handle, target) -> None:  # noqa: ANN001
    """Press on a drag handle and let go over the lower half of the target item."""
    start, box = handle.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(start["x"] + 5, box["y"] + box["height"] * (0.5 + step * 0.08))
    page.mouse.up()


def test_facilitator_builds_from_template_drags_an_item_and_runs_the_session(live_server, page, synced, user):
    page.goto(live_server + "/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("link", name="New session").first.click()
    page.get_by_label("Start from").select_option("shipped:test-evening")
    page.get_by_role("button", name="Create session").click()
    starts = page.locator(".item-start")
    expect(starts).to_have_text(EVENING_STARTS)

    items = page.locator(".agenda-item")
    welcome = items.nth(0).locator(".item-title").inner_text().strip()
    drag(page, items.nth(0).locator(".drag-handle"), items.nth(1))
    expect(starts).to_have_text(["19:00", "19:10", *EVENING_STARTS[2:]])
    expect(items.nth(1).locator(".item-title")).to_have_text(welcome)

    page.reload()  # the new order was saved, not just drawn
    expect(starts).to_have_text(["19:00", "19:10", *EVENING_STARTS[2:]])

    titles = [t.strip() for t in items.locator(".item-title").all_inner_texts()]
    page.get_by_role("link", name="Run mode").click()
    current = page.locator(".run-item.is-current")
    expect(current.locator(".run-item-title")).to_have_text(titles[0])
    expect(page.locator("#run-next-up")).to_contain_text(f"Next: {titles[1]}")
    page.context.set_offline(True)  # from here on the page must not need the network
    page.keyboard.press("Space")  # starts the clock
    expect(current.locator(".run-remaining")).to_have_text("10:00")
    expect(page.locator("#run-drift")).to_have_text("On plan")
    page.keyboard.press("ArrowRight")
    expect(current.locator(".run-item-title")).to_have_text(titles[1])
    expect(page.locator("#run-next-up")).to_contain_text(f"Next: {titles[2]}")
    page.get_by_role("button", name="← Back").click()
    expect(current.locator(".run-item-title")).to_have_text(titles[0])
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(current.locator(".run-item-title")).to_have_text(titles[2])
    expect(current.locator(".run-step-title").first).to_be_visible()
    expect(page.locator(".run-item:visible")).to_have_count(1)


def test_planner_pages_have_no_axe_violations(app, live_server, page, synced, user):
    from axe_playwright_python.sync_playwright import Axe

    from facilitator.library import shipped
    from facilitator.extensions import db
    from facilitator.planner import plans

    with app.app_context():
        library = shipped.library()
        session_id = plans.plan_from_shipped(user.id, library.templates["test-evening"], library).id
        programme_id = plans.plan_from_shipped(user.id, library.templates["test-three-weeks"], library).id
        db.session.remove()
    page.goto(live_server + "/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    found = {}
    for path in (f"/sessions/{session_id}", f"/sessions/{session_id}/run", f"/sessions/{session_id}/details",
                 "/sessions/", f"/programmes/{programme_id}", "/import"):  # fmt: skip
        page.goto(live_server + path)
        violations = Axe().run(page).response["violations"]
        found[path] = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations]
    assert found == {path: [] for path in found}
