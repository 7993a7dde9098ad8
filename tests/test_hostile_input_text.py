"""Hostile text that is stored on purpose: HTML and script in every text field, Markdown links to
file:, javascript: and data:, and Unicode edge cases. It must come out inert on every page, in
PDFs and in CSV, and what is refused must leave every table as it was.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Exercise, User
from facilitator.planner.models import GroupSession
from facilitator.reflections.models import ReflectionAnswer
from tests.conftest import PASSWORD, sign_in
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, question_ids
from tests.test_hostile_input import practice, unchanged  # noqa: F401  (fixture)

SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)>"
RAW_MARKUP = re.compile(r"<script>alert|<img src=x|onerror=alert\(2\)(?!&gt;)")
RTL_ZERO_WIDTH_EMOJI = "Week \u202egnirts\u202c \u200bone\u200d 🧔🏽\u200d♂️💬"
LONG_WORD = "a" * 10_000


class FormReader(HTMLParser):
    """The fields of every POST form on a page: {action: {name: [values]}}, and which are free text."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.text_fields: dict[str, list[str]] = {}
        self._action = None
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = dict(attrs)
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._action = a.get("action") or ""
            self.forms.setdefault(self._action, {})
            self.text_fields.setdefault(self._action, [])
        if self._action is None:
            return
        fields, name = self.forms[self._action], a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                fields.setdefault(name, []).append(a.get("value", ""))
            if kind in ("text", "search"):
                self.text_fields[self._action].append(name)
        elif tag == "select" and name:
            self._select = name
            fields[name] = []
        elif tag == "option" and self._select and ("selected" in a or not self.forms[self._action][self._select]):
            self.forms[self._action][self._select] = [a.get("value", "")]
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = [""]
            self.text_fields[self._action].append(name)

    def handle_data(self, data):  # noqa: ANN001
        if self._textarea and self._action is not None:
            self.forms[self._action][self._textarea][0] += data

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def fill_text_fields(client, page: str, action_part: str, value: str, skip: tuple[str, ...] = (), **fixed: str):
    """Load `page`, put `value` in every free-text field of the form posting to `action_part` (but
    those named in `skip`, and those given in `fixed`, which get that value), and send it."""
    reader = FormReader()
    reader.feed(client.get(page).text)
    candidates = [a for a in reader.forms if action_part in (a or page) and a != "/logout"]
    action = action_part if action_part in candidates else candidates[0]  # the exact form when several match
    fields = reader.forms[action]
    for name in reader.text_fields[action]:
        if not any(part in name for part in skip):
            fields[name] = [value]
    fields.update({name: [text] for name, text in fixed.items()})
    return client.post(action or page, data=fields)


class LinkReader(HTMLParser):
    """Every real href and src on a page (escaped text that only looks like a link is not one)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ARG002
        self.links += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]


def links_in(html: str) -> list[str]:
    reader = LinkReader()
    reader.feed(html)
    return reader.links


DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|data|file|vbscript):", re.IGNORECASE)


def assert_inert(html: str, where: str) -> None:
    assert not RAW_MARKUP.search(html), f"raw markup from a text field on {where}"
    assert not [link for link in links_in(html) if DANGEROUS_SCHEME.match(link)], where


# --- HTML and script in every facilitator text field -------------------------------------------


# (page with the form, part of its action, fields to leave alone because they have a syntax)
FACILITATOR_FORMS = [
    ("/sessions/{session_id}/details", "/details", ("start_time",)),
    ("/programmes/{programme_id}/details", "/details", ()),
    ("/sessions/{session_id}", "/items/{item_id}", ("pin",)),
    ("/sessions/{session_id}", "/items/block", ()),
    ("/sessions/{session_id}/save-template", "/save-template", ()),
    ("/exercises/{exercise_id}/edit", "/edit", ("steps",)),
    ("/reflections/{form_id}", "/settings", ()),
    ("/reflections/{form_id}/questions/new", "/questions/new", ("key", "choices")),
    ("/account", "", ("password",)),
    ("/admin/facilitators", "/admin/facilitators", ("username", "password")),
]
# Fields a form cannot be sent without, given plain values so the rest of it is tested.
REQUIRED_PLAIN = {"/admin/facilitators": {"username": "carol", "password": "long enough password"}}
PAGES_SHOWING_TEXT = [
    "/sessions/", "/sessions/{session_id}", "/sessions/{session_id}/run", "/programmes/", "/programmes/{programme_id}",
    "/exercises/{exercise_id}", "/exercises/?mine=1", "/templates/", "/reflections/", "/reflections/{form_id}",
    "/reflections/{form_id}/results", "/reflections/{form_id}/wall", "/account", "/admin/facilitators",
]  # fmt: skip


def test_script_in_every_facilitator_text_field_is_stored_as_typed_and_shown_inert(app, signed_in, practice):
    filled = 0
    for page, action, skip in FACILITATOR_FORMS:
        fixed = REQUIRED_PLAIN.get(page, {})
        response = fill_text_fields(signed_in, page.format(**practice), action.format(**practice), SCRIPT, skip, **fixed)
        assert response.status_code in (302, 303), f"{page}: {response.status_code}"
        filled += 1
    with app.app_context():
        assert db.session.get(GroupSession, practice["session_id"]).title == SCRIPT
        assert db.session.get(Exercise, practice["exercise_id"]).summary == SCRIPT
        assert db.session.get(User, 1).display_name == SCRIPT
    for page in PAGES_SHOWING_TEXT:
        response = signed_in.get(page.format(**practice))
        assert response.status_code == 200, page
        assert_inert(response.text, page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in signed_in.get(f"/sessions/{practice['session_id']}").text
    assert filled == len(FACILITATOR_FORMS)


@pytest.mark.pdf
def test_script_in_text_prints_as_text_in_pdfs_with_no_javascript(app, signed_in, practice):
    fill_text_fields(signed_in, f"/sessions/{practice['session_id']}/details", "/details", SCRIPT, ("start_time",))
    fill_text_fields(signed_in, f"/exercises/{practice['exercise_id']}/edit", "/edit", SCRIPT, ("steps",))
    for path in (f"/print/sessions/{practice['session_id']}/run-sheet.pdf", f"/print/exercises/{practice['exercise_id']}/worksheet.pdf"):
        response = signed_in.get(path)
        assert response.status_code == 200, path
        assert b"/JavaScript" not in response.data and b"/JS " not in response.data
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        assert "<script>alert(1)</script>" in " ".join(text.split()), path


# --- participants' answers -------------------------------------------------------------------------


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "=1+1"]


def test_script_and_formulas_in_answers_are_inert_on_results_and_in_csv(app, signed_in, client, practice, user):
    form_id = make_form(app, user.id, ALL_KINDS[5:8], title="Words")
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for text in [SCRIPT, *FORMULAS]:
        assert answer(client, code, {ids["short"]: text, ids["long"]: text + "\n" + SCRIPT}).status_code == 303
    page = signed_in.get(f"/reflections/{form_id}/results")
    assert page.status_code == 200
    assert_inert(page.text, "results")
    assert "&lt;script&gt;" in page.text
    exported = signed_in.get(f"/reflections/{form_id}/results.csv")
    assert exported.status_code == 200
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert exported.headers["X-Content-Type-Options"] == "nosniff"
    cells = [cell for row in csv.reader(io.StringIO(exported.text)) for cell in row]
    for formula in FORMULAS:
        assert "'" + formula in cells and formula not in cells


# --- Markdown links ---------------------------------------------------------------------------------

HOSTILE_MARKDOWN = (
    "[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
    "[c](file:///etc/passwd) <file:///etc/passwd> ![i](file:///etc/passwd) [d](JaVaScRiPt:alert(1)) "
    '[e](java&#x09;script:alert(1)) <a href="javascript:alert(3)">raw</a> [ok](https://example.org/help)'
)


def test_markdown_links_to_file_javascript_and_data_are_dropped_from_pages(app, signed_in, practice):
    response = fill_text_fields(signed_in, f"/exercises/{practice['exercise_id']}/edit", "/edit", HOSTILE_MARKDOWN,
                                ("steps", "title", "summary", "materials", "source", "licence"))  # fmt: skip
    assert response.status_code == 302
    page = signed_in.get(f"/exercises/{practice['exercise_id']}").text
    assert not [link for link in links_in(page) if DANGEROUS_SCHEME.match(link)]
    assert "https://example.org/help" in links_in(page)


@pytest.mark.pdf
def test_markdown_links_to_file_javascript_and_data_never_reach_a_pdf(app, signed_in, practice):
    fill_text_fields(signed_in, f"/exercises/{practice['exercise_id']}/edit", "/edit", HOSTILE_MARKDOWN,
                     ("steps", "title", "summary", "materials", "source", "licence"))  # fmt: skip
    pdf = signed_in.get(f"/print/exercises/{practice['exercise_id']}/worksheet.pdf")
    assert pdf.status_code == 200
    uris = [
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in PdfReader(io.BytesIO(pdf.data)).pages
        for annotation in page.get("/Annots") or []
    ]
    assert not [uri for uri in uris if re.match(r"\s*(javascript|data|file):", uri, re.IGNORECASE)], uris
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "root:x:0:0" not in text


# --- Unicode edge cases -----------------------------------------------------------------------------


def test_rtl_override_zero_width_and_emoji_in_a_title_are_kept_exactly(app, signed_in, practice):
    response = fill_text_fields(signed_in, f"/sessions/{practice['session_id']}/details", "/details",
                                RTL_ZERO_WIDTH_EMOJI, ("start_time", "theme", "summary", "room_notes"))  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(GroupSession, practice["session_id"]).title == RTL_ZERO_WIDTH_EMOJI
    assert RTL_ZERO_WIDTH_EMOJI in signed_in.get(f"/sessions/{practice['session_id']}").text


@pytest.mark.parametrize(
    ("username", "status"),
    [("an\u200bna", 401), ("\u202eanna", 401), ("ａｎｎａ", 401), ("anna\u0000", 400)],
    ids=["zero-width", "rtl-override", "full-width", "nul"],
)
def test_look_alike_usernames_do_not_sign_in_as_someone_else(app, client, user, username, status):
    with unchanged(app):
        response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == status
    assert client.get("/sessions/").status_code == 302


@pytest.mark.parametrize(
    ("username", "status"), [("an\u200bna", 422), ("\u202eanna", 422), ("ａｎｎａ", 422), ("anna\u0000", 400)]
)
def test_admin_cannot_add_a_look_alike_username(app, signed_in, username, status):
    with unchanged(app):
        response = signed_in.post("/admin/facilitators", data={"username": username, "password": "long enough password"})
    assert response.status_code == status


def test_a_ten_thousand_character_word_is_refused_where_answers_are_short(app, client, practice):
    with unchanged(app):
        response = answer(client, practice["code"], {practice["questions"]["long"]: LONG_WORD})
    assert response.status_code == 422
    assert "under 3000 characters" in response.text
    assert LONG_WORD in response.text  # kept in the box, so the participant can shorten it


def test_a_ten_thousand_character_title_is_refused_beside_the_field(app, signed_in, practice):
    with unchanged(app):
        response = fill_text_fields(signed_in, f"/sessions/{practice['session_id']}/details", "/details", LONG_WORD,
                                    ("start_time", "theme", "summary", "room_notes"))  # fmt: skip
    assert response.status_code == 422


def test_a_nul_character_in_a_facilitator_form_is_a_malformed_request(app, signed_in, practice):
    """PostgreSQL cannot store NUL; refusing it everywhere keeps SQLite and PostgreSQL alike."""
    with unchanged(app):
        response = fill_text_fields(signed_in, f"/sessions/{practice['session_id']}/details", "/details", "Week\x00 1",
                                    ("start_time", "theme", "summary", "room_notes"))  # fmt: skip
    assert response.status_code == 400


def test_a_nul_character_in_an_answer_is_removed_and_the_answer_kept(app, client, practice):
    assert answer(client, practice["code"], {practice["questions"]["short"]: "ca\x00lm"}).status_code == 303
    with app.app_context():
        stored = db.session.scalars(select(ReflectionAnswer.text).where(ReflectionAnswer.question_id == practice["questions"]["short"])).all()
    assert stored == ["calm"]


def test_emoji_zero_width_and_rtl_answers_are_stored_once_as_sent(app, client, practice):
    sent = "🫂 \u202eyppah\u202c and\u200b calm"
    assert answer(client, practice["code"], {practice["questions"]["short"]: sent}).status_code == 303
    with app.app_context():
        stored = db.session.scalars(select(ReflectionAnswer.text).where(ReflectionAnswer.question_id == practice["questions"]["short"])).all()
    assert stored == [sent]


@pytest.mark.pdf
def test_a_ten_thousand_character_word_in_an_exercise_prints_without_breaking_the_page(app, signed_in, practice):
    response = fill_text_fields(signed_in, f"/exercises/{practice['exercise_id']}/edit", "/edit", LONG_WORD,
                                ("steps", "title", "summary", "materials", "source", "licence", "purpose", "debrief"),
                                debrief="- What was it like?", safety="Anyone may pass.")  # fmt: skip
    assert response.status_code == 302
    assert signed_in.get(f"/exercises/{practice['exercise_id']}").status_code == 200
    pdf = signed_in.get(f"/print/exercises/{practice['exercise_id']}/worksheet.pdf")
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.data))
    assert 1 <= len(reader.pages) <= 20
