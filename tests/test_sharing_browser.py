"""Two facilitators, two browsers: one plans a programme and shares it, the other co-facilitates it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, screenshot_path
from tests.planner_helpers import make_library

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


def _signed_in(browser, live_server: str, username: str):  # noqa: ANN001, ANN202
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return context, page


def test_two_facilitators_plan_print_and_run_one_programme_each_from_their_own_account(
    browser, live_server, synced, make_user
):
    make_user("olive", display_name="Olive")
    make_user("colin", display_name="Colin")
    olive_context, olive = _signed_in(browser, live_server, "olive")
    colin_context, colin = _signed_in(browser, live_server, "colin")
    try:
        # Olive starts a programme from a template and shares it with Colin as co-facilitator.
        olive.goto(live_server + "/programmes/new")
        olive.get_by_label("Start from").select_option("shipped:test-three-weeks")
        olive.get_by_role("button", name="Create programme").click()
        programme_url = olive.url
        olive.get_by_role("link", name="Share with a colleague…").click()
        olive.get_by_label("Colleague's username").fill("colin")
        olive.get_by_label("Co-facilitator: edit, print, run its reflection forms").check()
        olive.get_by_role("button", name="Share").click()
        expect(olive.locator(".share-table")).to_contain_text("Colin")
        olive.screenshot(path=screenshot_path("sharing-owner.png"), full_page=True)

        # Colin finds it under "Shared with me", plans week 1 and prints its run sheet.
        colin.goto(live_server + "/sessions/")
        shared = colin.locator(".shared-with-me")
        expect(shared).to_contain_text("Olive")
        colin.screenshot(path=screenshot_path("sharing-shared-with-me.png"), full_page=True)
        shared.get_by_role("link", name="Three test weeks").click()
        expect(colin.locator(".shared-notice")).to_contain_text("co-facilitator")
        colin.get_by_role("link", name="Arriving", exact=True).click()
        expect(colin.locator(".shared-notice")).to_contain_text("Olive shared this session with you")
        colin.locator("form.add-form").first.get_by_role("button", name="Add break").click()
        expect(colin.locator(".agenda-item.kind-break")).to_have_count(1)
        week_url = colin.url.split("#")[0].split("?")[0]
        with colin.expect_download() as download:
            colin.get_by_role("button", name="Run sheet").click()
        assert download.value.suggested_filename.endswith("run-sheet.pdf")
        colin.screenshot(path=screenshot_path("sharing-cofacilitator-week.png"), full_page=True)

        # Olive sees Colin's break in her own plan; then stops sharing, and Colin's next click finds nothing.
        olive.goto(week_url)
        expect(olive.locator(".agenda-item.kind-break")).to_have_count(1)
        olive.goto(programme_url)
        olive.get_by_role("link", name="Share with a colleague…").click()
        olive.get_by_role("button", name="Stop sharing with colin").click()
        expect(olive.get_by_text("Nobody else yet")).to_be_visible()
        colin.reload()
        expect(colin.get_by_role("heading", name="Page not found")).to_be_visible()
        colin.goto(live_server + "/sessions/")
        expect(colin.locator(".shared-with-me")).to_have_count(0)
    finally:
        olive_context.close()
        colin_context.close()
