import re

import pytest

pytestmark = pytest.mark.browser


def test_newcomer_sets_up_signs_in_filters_and_opens_an_exercise(live_server, page, synced, tmp_path):
    page.goto(live_server + "/")
    assert page.url.endswith("/setup")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Your name").fill("Maria")
    page.get_by_label("Password", exact=True).fill("a sentence for a password")
    page.get_by_label("Password again").fill("a sentence for a password")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Sessions", exact=True).wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("a sentence for a password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_role("heading", name="Exercise library").wait_for()
    assert page.get_by_role("link", name="Library").get_attribute("aria-current") == "page"
    assert page.get_by_role("link", name="Sessions").get_attribute("aria-current") is None

    all_count = int(re.match(r"\d+", page.locator(".count").inner_text()).group())
    page.get_by_label("Theme").select_option("emotional-literacy")
    page.get_by_role("button", name="Filter").click()
    filtered = int(re.match(r"\d+", page.locator(".count").inner_text()).group())
    assert 0 < filtered < all_count
    cards = page.locator(".exercise-card")
    assert cards.count() == filtered
    for tag in cards.locator(".meta").all_inner_texts():
        assert "Emotional literacy" in tag
    page.screenshot(path=str(tmp_path / "library.png"), full_page=True)

    title = cards.first.locator("h3").inner_text()
    cards.first.locator("h3 a").click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    assert page.get_by_role("heading", name="Safety notes").is_visible()
    assert page.get_by_role("heading", name="Steps").is_visible()
