"""In a real browser: scan the poster's QR code and answer on a phone; axe-core on every participant page."""

from __future__ import annotations

import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.reflections import service
from facilitator.reflections.models import ReflectionAnswer, ReflectionForm
from tests.conftest import PASSWORD, sign_in
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, make_set_form, question_ids

pytestmark = pytest.mark.browser


def decode_qr(pdf_path, tmp_path) -> list[str]:
    """What a phone camera would read off the printed poster: rasterise the PDF, then decode."""
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "poster")], check=True)
    image = next(tmp_path.glob("poster*.png"))
    found = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True)
    return found.stdout.split()


@pytest.mark.pdf
def test_participant_scans_the_poster_and_answers_on_a_small_phone(app, live_server, client, phone, user, synced, tmp_path):
    app.config["PUBLIC_BASE_URL"] = live_server
    form_id = make_set_form(app, user.id, "closing-weekly")
    code = form_code(app, form_id)
    sign_in(client, user)
    poster = client.get(f"/reflections/{form_id}/poster.pdf")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    (tmp_path / "poster.pdf").write_bytes(poster.data)
    urls = decode_qr(tmp_path / "poster.pdf", tmp_path)
    assert urls == [f"{live_server}/r/{code}"]

    phone.goto(urls[0])
    phone.get_by_text("Before you start:").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the screen
    phone.get_by_role("group", name="How settled do you feel right now?").get_by_role("radio", name="4").tap()
    feelings = phone.get_by_role("group", name="Pick the word that comes closest")
    feelings.locator("summary", has_text="Peaceful").tap()  # the core feeling opens to its finer words
    feelings.get_by_role("radio", name="relaxed").tap()
    phone.get_by_label("Is there anything from tonight").fill("Saying it out loud helped.")
    phone.get_by_role("button", name="Send my answers").tap()
    phone.get_by_role("heading", name="Thank you").wait_for()
    assert phone.get_by_text("Samaritans").count() >= 1
    with app.app_context():
        stored = sorted((a.number or 0, a.text) for a in db.session.scalars(select(ReflectionAnswer)))
    assert stored == [(0, "Saying it out loud helped."), (0, "relaxed"), (4, "")]


def test_a_participant_can_change_his_mind_without_javascript(app, live_server, browser, user):
    """Tap a choice, then "No answer": nothing is stored for it, and it all works with scripts off at 320 px."""
    form_id = make_form(app, user.id)
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/r/{form_code(app, form_id)}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # fits the narrowest phone
    group = page.get_by_role("group", name="How settled do you feel?")
    group.get_by_role("radio", name="2").click()
    group.get_by_role("radio", name="No answer").click()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    context.close()
    with app.app_context():
        assert db.session.scalars(select(ReflectionAnswer)).all() == []


def sign_in_with_the_browser(page, live_server: str) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def axe_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


def test_participant_pages_have_no_axe_violations(app, live_server, phone, client, user, synced):
    form_id = make_form(app, user.id, kinds=ALL_KINDS)
    set_form_id = make_set_form(app, user.id, "closing-weekly")
    closed_id = make_form(app, user.id, kinds=ALL_KINDS[:1])
    with app.app_context():
        service.close_now(db.session.get(ReflectionForm, closed_id), utcnow())
    code = form_code(app, form_id)
    ids = question_ids(app, form_id)
    pages = {
        "join": "/join", "join with a wrong code": "/join?code=zz", "form": f"/r/{code}",
        "feelings form": f"/r/{form_code(app, set_form_id)}", "thank you": f"/r/{code}/thanks",
        "closed": f"/r/{form_code(app, closed_id)}", "unknown": "/r/AAAAAA",
        "not open": f"/r/{form_code(app, make_form(app, user.id, opened=False))}",
    }  # fmt: skip
    found = {}
    for name, path in pages.items():
        phone.goto(live_server + path)
        found[name] = axe_violations(phone)
    # The form again, re-shown with a message beside a question (rendered by the server, then loaded).
    html = answer(client, code, {ids["scale5"]: "9"}).text
    phone.set_content(html.replace('href="/static', f'href="{live_server}/static'))
    found["form with an error"] = axe_violations(phone)
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_facilitator_reflection_pages_have_no_axe_violations(app, live_server, page, client, user):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for n in range(3):
        answer(client, code, {ids["scale5"]: "3", ids["word"]: "calm", ids["short"]: f"note {n}", ids["feelings"]: "calm"})
    sign_in_with_the_browser(page, live_server)
    found = {}
    for path in ("/reflections/", f"/reflections/{form_id}", f"/reflections/{form_id}/results",
                 f"/reflections/{form_id}/moderate", f"/reflections/{form_id}/wall", "/reflections/new",
                 f"/reflections/{form_id}/questions/new"):  # fmt: skip
        page.goto(live_server + path)
        found[path] = axe_violations(page)
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_live_wall_refreshes_by_polling_when_answers_arrive(app, live_server, page, client, user):
    form_id = make_form(app, user.id, kinds=ALL_KINDS[:1])
    code, question = form_code(app, form_id), question_ids(app, form_id)["scale5"]
    sign_in_with_the_browser(page, live_server)
    page.goto(f"{live_server}/reflections/{form_id}/wall")
    assert page.get_by_text("Waiting for at least 3 answers").is_visible()
    for _ in range(3):
        answer(client, code, {question: "5"})
    page.locator("svg.column-chart").wait_for(timeout=15_000)  # no reload: wall.js fetched the panels
    assert "5: 3 people" in page.locator("svg.column-chart").get_attribute("aria-label")
