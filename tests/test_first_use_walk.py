"""What a first walk through the app as a therapist and a participant found: words that puzzle,
boxes that sit wrong. Each test repeats the step where it showed."""

from __future__ import annotations

import re
import subprocess

import pytest
from flask import render_template

from facilitator.extensions import db
from facilitator.planner.models import Programme
from tests.conftest import PASSWORD


def _six_week_programme(signed_in) -> int:  # noqa: ANN001
    response = signed_in.post("/programmes/new", data={"source": "shipped:six-week-mens-group", "date": "2031-03-06"})
    assert response.status_code == 302
    return int(response.location.rsplit("/", 1)[1])


def _first_week(app, programme_id: int) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.get(Programme, programme_id).sessions[0].id


def test_the_programme_print_hint_speaks_of_its_one_button(app, synced, signed_in):
    programme_id = _six_week_programme(signed_in)
    page = signed_in.get(f"/programmes/{programme_id}").text
    assert "It downloads a PDF, ready to print" in page and "Each button" not in page
    week = signed_in.get(f"/sessions/{_first_week(app, programme_id)}").text
    assert "Each button downloads a PDF" in week


def test_the_preparing_page_leads_back_to_the_programme(app, synced, signed_in):
    programme_id = _six_week_programme(signed_in)
    with app.app_context(), app.test_request_context(f"/print/programmes/{programme_id}/pack.pdf"):
        programme = db.session.get(Programme, programme_id)
        html = render_template("handouts/preparing.html", programme=programme, download_url="/x", status_url="/y")
    assert f'href="/programmes/{programme_id}">Back to the programme</a>' in html


def test_an_empty_group_size_asks_for_a_number_of_people(signed_in):
    page = signed_in.post("/exercises/new", data={}).text
    assert "Fewest people</a>: Enter a number of people." in page
    assert "This field is required" not in page


def test_six_letters_no_code_uses_read_as_no_such_form(app, client):
    typed = client.get("/join", query_string={"code": "BOSS10"})  # B, O, S, 1 and 0 are never in a code
    assert typed.status_code == 422
    assert "No form has this code" in typed.text and "6 letters and numbers" not in typed.text
    short = client.get("/join", query_string={"code": "KM47"})
    assert "6 letters and numbers" in short.text


def test_trends_name_each_form_once(app, synced, signed_in):
    programme_id = _six_week_programme(signed_in)
    week_id = _first_week(app, programme_id)
    week_title = signed_in.get(f"/sessions/{week_id}").text
    title = re.search(r"<h1>([^<]+)</h1>", week_title).group(1).strip()
    created = signed_in.post("/reflections/new", data={"session_id": week_id, "question_set": "closing-weekly",
                                                       "title": f"{title}: closing"})  # fmt: skip
    assert created.status_code == 302
    trends = signed_in.get(f"/reflections/programmes/{programme_id}/trends").text
    listed = trends.split("Forms in this programme", 1)[1]
    assert listed.count(title) == 1


# --- in a browser: how the boxes sit -------------------------------------------------------------


def _sign_in(page, live_server: str, user) -> None:  # noqa: ANN001
    page.goto(live_server + "/login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_boxes_sit_where_a_reader_expects(app, live_server, page, synced, user):
    _sign_in(page, live_server, user)
    page.set_viewport_size({"width": 1366, "height": 900})

    # A card's own heading starts at the card's top, not a heading's margin below it.
    page.goto(live_server + "/account")
    card = page.locator(".card").first.bounding_box()
    heading = page.locator(".card h2").first.bounding_box()
    assert heading["y"] - card["y"] < 30

    # The library's search hint is read whole.
    page.goto(live_server + "/exercises/")
    search = page.locator("#q")
    fits = search.evaluate("""el => {
        const style = getComputedStyle(el), ctx = document.createElement('canvas').getContext('2d');
        ctx.font = style.font;
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return ctx.measureText(el.placeholder).width <= room; }""")
    assert fits

    # The exercise page's add box does not touch the rule over Purpose.
    page.get_by_role("link", name="The listening walk").click()
    add_box = page.locator("#add-to-session").bounding_box()
    purpose = page.locator(".section-purpose").bounding_box()
    assert purpose["y"] - (add_box["y"] + add_box["height"]) >= 16

    # On a programme, the share buttons stand clear of the print hint.
    page.goto(live_server + "/programmes/new")
    page.get_by_label("Start from").select_option("shipped:six-week-mens-group")
    page.get_by_role("button", name="Create programme").click()
    hint = page.locator(".print-form .hint").bounding_box()
    share = page.get_by_role("link", name="Share with a colleague").bounding_box()
    assert share["y"] - (hint["y"] + hint["height"]) >= 12

    # A form's questions line up with the page, not indented like a list with no numbers.
    page.get_by_role("link", name=re.compile("^Week 1:")).first.click()
    page.get_by_role("button", name="Create the closing reflection form").click()
    question = page.locator(".question-item").first.bounding_box()
    heading = page.get_by_role("heading", name="Questions", exact=True).bounding_box()
    assert abs(question["x"] - heading["x"]) < 2


@pytest.mark.pdf
def test_the_pack_cover_names_its_page_column_on_one_line(signed_in, tmp_path):
    made = signed_in.post("/programmes/new", data={"source": "blank", "title": "Tuesday men", "weeks": "1"})
    assert made.status_code == 302
    pdf = signed_in.get(made.location.replace("/programmes/", "/print/programmes/") + "/pack.pdf")
    assert pdf.status_code == 200
    (tmp_path / "pack.pdf").write_bytes(pdf.data)
    cover = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(tmp_path / "pack.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    head = next(line for line in cover.splitlines() if "Session" in line and "When" in line)
    assert head.rstrip().endswith("PDF page")
