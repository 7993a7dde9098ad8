"""Shipped handout sheets printed on their own (the intake guide, the information sheet for a man
thinking of joining, partner and practice sheets), and what a participant's plan leaves out."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from facilitator.extensions import db
from facilitator.library import shipped
from facilitator.planner.models import AgendaItem, GroupSession
from tests.conftest import sign_in
from tests.test_printing_engine import PAPER_POINTS, page_size, page_texts

INTAKE_SHEETS = ("intake-interview-guide", "about-the-mens-group")
INTAKE_NOTE = "Before this week: an intake conversation with each man"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.pdf
@pytest.mark.parametrize("slug", INTAKE_SHEETS)
def test_a_therapist_prints_the_intake_guide_and_the_information_sheet(app, client, user, slug):
    with app.app_context():
        sheet = shipped.library().handouts[slug]
    response = sign_in(client, user).get(f"/print/handouts/{slug}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{slug}.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == sheet.title
    text = flat(" ".join(page_texts(response.data)))
    first_section = re.search(r"^## +(.+)$", sheet.body, re.M).group(1)
    assert sheet.title in text and first_section in text


@pytest.mark.pdf
def test_a_sheet_takes_the_same_print_options_as_every_download(app, client, user):
    signed = sign_in(client, user)
    regular = signed.get("/print/handouts/about-the-mens-group.pdf?paper=Letter")
    large = signed.get("/print/handouts/about-the-mens-group.pdf?paper=Letter&large=1")
    assert page_size(regular.data) == pytest.approx(PAPER_POINTS["Letter"], abs=0.5)
    assert 'filename="about-the-mens-group-large-print.pdf"' in large.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(large.data)).pages) > len(PdfReader(io.BytesIO(regular.data)).pages)
    assert signed.get("/print/handouts/about-the-mens-group.pdf?paper=A5").status_code == 400


@pytest.mark.pdf
def test_the_vocabulary_sheet_prints_through_the_same_address(app, client, user):
    response = sign_in(client, user).get("/print/handouts/feelings-vocabulary.pdf")
    assert response.status_code == 200
    with app.app_context():
        assert PdfReader(io.BytesIO(response.data)).metadata.title == shipped.library().handouts["feelings-vocabulary"].title


def test_an_unknown_sheet_is_not_found(client, user):
    assert sign_in(client, user).get("/print/handouts/no-such-sheet.pdf").status_code == 404


def test_a_sheet_needs_sign_in(client, user):
    response = client.get("/print/handouts/intake-interview-guide.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_templates_page_lists_the_sheets_to_print_intake_first(app, client, user):
    page = sign_in(client, user).get("/templates/").text
    assert "<title>Templates" in page and page.count("Sheets to print") == 1
    with app.app_context():
        handouts = shipped.library().handouts
    section = page[page.index("Sheets to print"):]
    positions = [section.index(handouts[slug].title) for slug in INTAKE_SHEETS]
    assert positions == sorted(positions)
    for slug, handout in handouts.items():
        assert f'formaction="/print/handouts/{slug}.pdf"' in section, slug
        assert section.index(handout.title) >= positions[-1] or slug in INTAKE_SHEETS, slug
    assert 'name="paper"' in section and 'name="large"' in section


@pytest.mark.pdf
def test_the_participant_plan_leaves_out_the_facilitators_zero_minute_notes(app, client, user):
    """Week 1 of the six-week group opens with 'Before this week: an intake conversation with each
    man' at 0 minutes: the men's plan never shows it, the run sheet still does."""
    with app.app_context():
        session = GroupSession(owner_id=user.id, title="Arriving", start_time="19:00", target_minutes=90)
        for position, (title, minutes) in enumerate([(INTAKE_NOTE, 0), ("Welcome and housekeeping", 10),
                                                     ("Tea", 10), ("Closing round", 15)]):  # fmt: skip
            session.items.append(AgendaItem(kind="block", title=title, minutes=minutes, position=position,
                                            note="Use the intake guide." if not minutes else ""))  # fmt: skip
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    signed = sign_in(client, user)
    handout = flat(" ".join(page_texts(signed.get(f"/print/sessions/{session_id}/handout.pdf").data)))
    assert "Welcome and housekeeping" in handout and "Closing round" in handout
    assert "intake conversation" not in handout
    run_sheet = flat(" ".join(page_texts(signed.get(f"/print/sessions/{session_id}/run-sheet.pdf").data)))
    assert INTAKE_NOTE in run_sheet and "Welcome and housekeeping" in run_sheet

