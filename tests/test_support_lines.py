"""The practice's support and crisis lines, kept in the app by an admin, shown to participants and printed."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from facilitator import support
from facilitator.clock import today
from facilitator.extensions import db
from facilitator.models import SupportLine
from facilitator.support_presets import PRESETS
from tests.conftest import PASSWORD, sign_in
from tests.reflections_helpers import answer, form_code, make_form, question_ids

LINE = {"new-name": "Northside Men's Line", "new-contact": "Call 0800 111 2222, weekdays 9 to 5",
        "new-purpose": "Local support for men.", "new-checked": "2026-11-01", "new-source": "https://northside.example/"}  # fmt: skip


def _lines(app) -> list[SupportLine]:
    with app.app_context():
        return [(line.name, line.contact) for line in support.practice_lines()]


def test_every_preset_line_names_its_source_and_the_day_it_was_checked():
    assert set(PRESETS) == {"uk", "ie", "us", "ca", "au", "nz"}
    for code, preset in PRESETS.items():
        assert preset.lines[0].name == "Emergency services", code
        for line in preset.lines:
            assert urlparse(line.source).scheme == "https" and urlparse(line.source).netloc, (code, line.name)
            assert date.fromisoformat(line.checked) <= today(), (code, line.name)
            assert line.name and line.contact and line.purpose
    assert any("116 123" in line.contact for line in PRESETS["uk"].lines)
    assert any("116 123" in line.contact for line in PRESETS["ie"].lines)
    assert any("988" in line.contact for line in PRESETS["us"].lines)
    assert any("988" in line.contact for line in PRESETS["ca"].lines)
    assert any("13 11 14" in line.contact for line in PRESETS["au"].lines)
    assert any("1737" in line.contact for line in PRESETS["nz"].lines)


def test_first_run_setup_starts_the_list_from_the_chosen_countrys_preset(app, client):
    response = client.post("/setup", data={
        "username": "anna", "password": PASSWORD, "confirm": PASSWORD, "paper_size": "A4", "support_country": "ie",
    })  # fmt: skip
    assert response.status_code == 302
    names = [name for name, _ in _lines(app)]
    assert names == [line.name for line in PRESETS["ie"].lines]


def test_setup_without_a_country_keeps_the_configured_or_general_list(app, client):
    client.post("/setup", data={"username": "anna", "password": PASSWORD, "confirm": PASSWORD, "paper_size": "A4"})
    assert _lines(app) == []
    with app.test_request_context():
        assert support.uses_default_support()
        assert support.support_resources() == support.default_support_resources()


def test_admin_adds_edits_checks_and_removes_a_line(app, signed_in):
    assert "keeps no lines here yet" in signed_in.get("/admin/support-lines").text
    assert signed_in.post("/admin/support-lines/save", data=LINE).status_code == 302
    assert _lines(app) == [("Northside Men's Line", "Call 0800 111 2222, weekdays 9 to 5")]
    with app.app_context():
        line_id = support.practice_lines()[0].id
    edited = {f"line-{line_id}-{k[4:]}": v for k, v in LINE.items()} | {"line_id": line_id, f"line-{line_id}-contact": "Call 0800 333 4444"}
    assert signed_in.post("/admin/support-lines/save", data=edited).status_code == 302
    assert _lines(app) == [("Northside Men's Line", "Call 0800 333 4444")]
    assert signed_in.post("/admin/support-lines/checked", data={"line_id": line_id}).status_code == 302
    with app.app_context():
        assert support.practice_lines()[0].checked == today()
    assert signed_in.post("/admin/support-lines/remove", data={"line_id": line_id}).status_code == 302
    assert _lines(app) == []
    assert signed_in.post("/admin/support-lines/remove", data={"line_id": line_id}).status_code == 404


def test_a_line_without_a_contact_or_date_is_refused_beside_its_field_and_nothing_changes(app, signed_in):
    signed_in.post("/admin/support-lines/save", data=LINE)
    for broken in ({"new-contact": ""}, {"new-checked": ""}, {"new-name": " "}, {"new-checked": "not a date"}):
        response = signed_in.post("/admin/support-lines/save", data=LINE | broken)
        assert response.status_code == 422
        assert 'class="error"' in response.text
    assert len(_lines(app)) == 1


def test_a_preset_replaces_existing_lines_only_when_the_admin_ticks_replace(app, signed_in):
    signed_in.post("/admin/support-lines/save", data=LINE)
    refused = signed_in.post("/admin/support-lines/preset", data={"country": "au"})
    assert refused.status_code == 422 and "Tick this to replace" in refused.text
    assert len(_lines(app)) == 1
    assert signed_in.post("/admin/support-lines/preset", data={"country": "au", "replace": "y"}).status_code == 302
    assert [n for n, _ in _lines(app)] == [line.name for line in PRESETS["au"].lines]
    assert signed_in.post("/admin/support-lines/preset", data={"country": "xx", "replace": "y"}).status_code == 422


def test_lines_not_checked_for_twelve_months_are_flagged_to_the_admin(app, signed_in):
    old = (today() - timedelta(days=400)).isoformat()
    signed_in.post("/admin/support-lines/save", data=LINE | {"new-checked": old})
    signed_in.post("/admin/support-lines/save", data=LINE | {"new-name": "Fresh line"})
    page = signed_in.get("/admin/support-lines").text
    assert "1 line not checked for over 12 months" in page and "check again" in page
    assert "1 support line not checked for over 12 months" in signed_in.get("/admin/facilitators").text


def test_participants_thank_you_page_shows_the_practices_lines(app, client, user, signed_in):
    signed_in.post("/admin/support-lines/save", data=LINE)
    form_id = make_form(app, user.id)
    ids = question_ids(app, form_id)
    phone = app.test_client()
    response = answer(phone, form_code(app, form_id), {next(iter(ids.values())): "calm"}, follow_redirects=True)
    assert "Northside Men&#39;s Line" in response.text and "0800 111 2222" in response.text
    assert "Samaritans" not in response.text


@pytest.mark.pdf
def test_every_handout_prints_the_practices_lines(app, user, synced, signed_in):
    from tests.test_printing import plan_session

    signed_in.post("/admin/support-lines/preset", data={"country": "nz"})
    with app.app_context():
        session_id = plan_session(user.id).id
    pdf = signed_in.get(f"/print/sessions/{session_id}/handout.pdf").data
    last_page = re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[-1].extract_text())
    assert "If you need support" in last_page and "1737" in last_page and "0508 828 865" in last_page
    assert "Samaritans" not in last_page


def test_config_stays_the_fallback_until_the_practice_keeps_lines(app):
    with app.test_request_context():
        app.config["SUPPORT_RESOURCES"] = [{"name": "Configured line", "contact": "0800 000 0000"}]
        assert [r.name for r in support.support_resources()] == ["Configured line"]
        support.save_line(support.LineFields("Kept line", "0800 999 9999", "", today()))
        assert [r.name for r in support.support_resources()] == ["Kept line"]
        assert not support.uses_default_support()
