"""The print options on a planned session's page, driven in a real browser without JavaScript tricks:
one GET form whose document buttons carry the chosen paper and large print to the download."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.test_printing_engine import PAPER_POINTS, font_sizes, page_size
from tests.test_printing import plan_session

pytestmark = [pytest.mark.browser, pytest.mark.pdf]


def test_facilitator_picks_letter_and_large_print_and_downloads_the_handout(app, live_server, page, user, synced,
                                                                            tmp_path: Path):  # fmt: skip
    with app.app_context():
        session_id = plan_session(user.id).id
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/sessions/{session_id}")

    form = page.locator("form.print-form")
    assert form.get_by_label("Paper").input_value() == "A4"  # the facilitator's setting
    form.get_by_label("Paper").select_option("Letter")
    form.get_by_label("Large print (16 pt text)").check()
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "print-options.png"), full_page=True)
    with page.expect_download() as download_info:
        form.get_by_role("button", name="Participant handout").click()
    download = download_info.value
    assert download.suggested_filename == "finding-the-words-handout-large-print.pdf"
    pdf = Path(download.path()).read_bytes()
    assert page_size(pdf) == pytest.approx(PAPER_POINTS["Letter"], abs=0.5)
    sizes = font_sizes(pdf)
    assert sizes["Finding the words"] > sizes[next(t for t in sizes if t.startswith("Thank you for coming"))] >= 16
