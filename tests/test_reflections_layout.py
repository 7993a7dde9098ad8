"""Reflections as people see them: the session page's form buttons, the phone's first screen, the
trends chart and the moderation boxes, in a real browser with screenshots kept (tests/conftest.py, SCREENSHOTS)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.planner.models import GroupSession, Programme
from facilitator.reflections import charts
from facilitator.reflections.models import ReflectionForm
from facilitator.reflections.service import QuestionFields
from tests.conftest import sign_in, screenshot_path
from tests.reflections_helpers import answer, form_code, make_form, make_set_form, make_week, question_ids
from tests.test_reflections_browser import sign_in_with_the_browser

def shot(page, name: str) -> None:
    """Keep a screenshot to compare by eye."""
    page.screenshot(path=screenshot_path(name), full_page=False)


def plan_session_with_closing(app, owner_id: int) -> int:
    with app.app_context():
        session = GroupSession(owner_id=owner_id, title="Week 2: anger and hurt", reflection_closing="closing-weekly")
        db.session.add(session)
        db.session.commit()
        return session.id


def closing_forms(app, session_id: int) -> list[ReflectionForm]:
    with app.app_context():
        forms = db.session.scalars(select(ReflectionForm).where(ReflectionForm.session_id == session_id)).all()
        return [(form.id, form.code) for form in forms]


# --- 13: one closing form, and the page says which code the poster carries --------------------


def test_after_making_the_closing_form_the_session_page_offers_to_open_it_not_a_second(app, client, user, synced):
    session_id = plan_session_with_closing(app, user.id)
    signed_in = sign_in(client, user)
    page = signed_in.get(f"/sessions/{session_id}").text
    assert "Create the closing reflection form" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    made = signed_in.post("/reflections/new", data={
        "csrf_token": token, "session_id": session_id, "question_set": "closing-weekly", "title": "Week 2: closing",
    })  # fmt: skip
    assert made.status_code == 302
    [(form_id, code)] = closing_forms(app, session_id)
    page = signed_in.get(f"/sessions/{session_id}").text
    assert "Create the closing reflection form" not in page
    assert f'href="/reflections/{form_id}">Open the closing reflection form</a>' in page
    poster_note = re.sub(r"\s+", " ", re.search(r'<p class="poster-code-note">(.*?)</p>', page, re.S).group(1))
    assert "carry code" in poster_note and code[:3] in poster_note and code[3:] in poster_note


@pytest.mark.browser
def test_the_session_page_names_the_posters_code_beside_its_forms(app, live_server, page, user, synced):
    session_id = plan_session_with_closing(app, user.id)
    form_id = make_set_form(app, user.id, "closing-weekly", session_id=session_id)
    code = form_code(app, form_id)
    sign_in_with_the_browser(page, live_server)
    page.goto(f"{live_server}/sessions/{session_id}")
    note = page.locator(".poster-code-note")
    assert "code " + code[:3] + " " + code[3:] in note.inner_text()
    assert page.get_by_role("link", name="Open the closing reflection form").count() == 1
    assert page.get_by_role("button", name="Create the closing reflection form").count() == 0
    note.scroll_into_view_if_needed()
    shot(page, "reflections-session-forms.png")


# --- 14: on a phone the first question is on the first screen ---------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("scripts", [True, False])
def test_on_a_small_phone_the_first_question_is_on_the_first_screen(app, live_server, browser, user, scripts):
    form_id = make_form(app, user.id)
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True,
                                  java_script_enabled=scripts)  # fmt: skip
    phone = context.new_page()
    phone.goto(f"{live_server}/r/{form_code(app, form_id)}")
    first = phone.locator("fieldset.q, .q").first
    box = first.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + 80 <= 667, box  # its prompt and first row of answers
    # The short note links to the full details, which are still on the page.
    phone.get_by_role("link", name="What is kept and who sees it").click()
    details = phone.get_by_role("heading", name="About your answers")
    assert details.is_visible() and "Who sees them" in phone.locator("#about-your-answers").inner_text()
    if scripts:
        phone.evaluate("window.scrollTo(0, 0)")
        shot(phone, "reflections-phone-first-screen.png")
    context.close()


# --- 15: the trends chart and the moderation boxes ------------------------------------------


def test_trend_chart_labels_stay_inside_the_drawing():
    for labels in (["Week 1", "Week 2", "Week 3"], ["Week 1", "Week 12"], ["Week 3"]):
        svg = charts.trend_chart([(label, 5.0) for label in labels], 1, 5)
        width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
        for x, text in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="middle" font-size="14"[^>]*>([^<]+)<', svg):
            half = charts._text_width(text, 14) / 2
            assert float(x) - half >= 0 and float(x) + half <= width, (text, x)
        values = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*font-size="15" font-weight="bold"', svg)]
        assert min(values) >= 15  # the top value's number is not cut off above


@pytest.mark.browser
def test_the_last_weeks_label_is_drawn_whole_on_the_trends_chart(app, live_server, page, client, user, synced):
    with app.app_context():
        programme = Programme(owner_id=user.id, title="Six Thursdays")
        db.session.add(programme)
        db.session.commit()
        programme_id = programme.id
    for week in (1, 2, 3):
        form_id = make_set_form(app, user.id, "closing-weekly", session_id=make_week(app, user.id, programme_id, week))
        ids, code = question_ids(app, form_id), form_code(app, form_id)
        for settled in (3, 4, 5):
            assert answer(client, code, {ids["settled"]: str(settled)}).status_code == 303
    sign_in_with_the_browser(page, live_server)
    page.goto(f"{live_server}/reflections/programmes/{programme_id}/trends")
    chart = page.locator("svg.trend-chart").first
    svg_box = chart.bounding_box()
    label = chart.locator("text", has_text="Week 3").first
    label_box = label.bounding_box()
    assert label_box["x"] + label_box["width"] <= svg_box["x"] + svg_box["width"] + 0.5
    # The browser's own measure of the text agrees with the room the chart left for it.
    assert chart.evaluate("svg => [...svg.querySelectorAll('text')].every(t => { const b = t.getBBox(); "
                          "return b.x >= 0 && b.x + b.width <= svg.viewBox.baseVal.width && b.y >= 0; })")  # fmt: skip
    chart.scroll_into_view_if_needed()
    shot(page, "reflections-trends-chart.png")


@pytest.mark.browser
def test_a_two_line_question_sits_inside_its_box_on_moderate(app, live_server, page, client, user):
    long_prompt = ("Is there anything from tonight that you would like to keep thinking about this week, "
                   "or that you would like the group to come back to next time we meet?")  # fmt: skip
    form_id = make_form(app, user.id, kinds=(QuestionFields("short", long_prompt),))
    question = question_ids(app, form_id)["short"]
    for n in range(3):
        answer(client, form_code(app, form_id), {question: f"thought {n}"})
    page.set_viewport_size({"width": 760, "height": 900})
    sign_in_with_the_browser(page, live_server)
    page.goto(f"{live_server}/reflections/{form_id}/moderate")
    fieldset = page.locator("form.moderation fieldset").first
    legend = fieldset.locator("legend")
    box, text = fieldset.bounding_box(), legend.bounding_box()
    assert text["height"] > 30  # it does wrap at this width
    assert text["y"] >= box["y"] + 1 and text["x"] >= box["x"] + 1  # below the top border, inside the left one
    assert text["x"] + text["width"] <= box["x"] + box["width"] - 1
    fieldset.scroll_into_view_if_needed()
    shot(page, "reflections-moderate-two-line.png")
