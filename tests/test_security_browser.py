"""In a real browser, the Content-Security-Policy blocks nothing our own pages need."""

from __future__ import annotations

import pytest

from facilitator.extensions import db
from tests.conftest import PASSWORD
from tests.factories import make_item
from tests.reflections_helpers import form_code, make_form

pytestmark = pytest.mark.browser


def watch_for_violations(page) -> list[str]:  # noqa: ANN001
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_no_page_breaks_the_content_security_policy(app, live_server, page, phone, user):
    with app.app_context():
        session_id = make_item(user.id).session_id
        db.session.commit()
    form_id = make_form(app, user.id, session_id=session_id)
    code = form_code(app, form_id)

    problems = watch_for_violations(page)
    page.goto(f"{live_server}/login")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    for path in ("/sessions/", f"/sessions/{session_id}", f"/sessions/{session_id}/run", "/exercises/",
                 f"/reflections/{form_id}", f"/reflections/{form_id}/wall", "/admin/facilitators", "/account"):  # fmt: skip
        response = page.goto(live_server + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert problems == []

    participant_problems = watch_for_violations(phone)
    response = phone.goto(f"{live_server}/r/{code}")
    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    phone.wait_for_load_state("networkidle")
    assert participant_problems == []
