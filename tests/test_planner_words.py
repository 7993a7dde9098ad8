"""Every word a therapist reads on the planner and library pages is theirs, not the code's (issue 17.9):
no slugs, field paths like minutes.default, setting names or config files."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import Exercise
from tests.planner_helpers import make_library, start_test_evening

JARGON = re.compile(
    r"\bslugs?\b|minutes\.(default|min|max)|group_size|PUBLIC_BASE_URL|SUPPORT_RESOURCES|config\.toml|trend name"
    r"|front matter|section '|\bYAML\b",
    re.IGNORECASE,
)

OWN = {
    "title": "Walking and talking", "theme": "listening", "summary": "Pairs walk and take turns listening.",
    "minutes": "20", "min_minutes": "15", "max_minutes": "30", "format": "pairs", "group_min": "2", "group_max": "16",
    "intensity": "low", "stage": "working", "audience": ["men"], "materials": "",
    "purpose": "To listen.", "steps": "1. **Pair up (5 min).** Find a partner.\n2. **Walk (15 min).** Take turns.",
    "facilitator_script": '"Slowly."', "debrief": "- How was it?", "safety": "Anyone may sit.",
}  # fmt: skip


class VisibleText(HTMLParser):
    """The text a person sees or hears: element text plus titles, labels and placeholders, not scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag) -> None:  # noqa: ANN001
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data) -> None:  # noqa: ANN001
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def jargon_in(text: str) -> list[str]:
    return sorted({match.group(0) for match in JARGON.finditer(text)})


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


@pytest.fixture
def evening(app, synced, signed_in) -> int:
    return start_test_evening(signed_in)


@pytest.fixture
def original(app, synced) -> int:
    with app.app_context():
        return db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word", Exercise.owner_id.is_(None)))


def test_the_session_programme_and_library_pages_speak_plainly(signed_in, evening, original):
    programme = signed_in.post("/programmes/new", data={"source": "shipped:test-three-weeks", "date": "2031-03-04"})
    copy = signed_in.post(f"/exercises/{original}/fork", data=OWN)
    pages = {
        "session": f"/sessions/{evening}", "programme": programme.location, "library": "/exercises/",
        "search": "/exercises/?q=couple", "exercise": f"/exercises/{original}", "copy page": copy.location,
        "copy draft": f"/exercises/{original}/fork", "write your own": "/exercises/new",
    }  # fmt: skip
    for name, url in pages.items():
        page = signed_in.get(url)
        assert page.status_code == 200, name
        assert jargon_in(visible(page.text)) == [], f"{name} ({url})"
    assert "Your version of “One word to leave with”" in visible(signed_in.get(copy.location).text)


@pytest.mark.parametrize(
    ("change", "plain"),
    [
        ({"minutes": "25"}, "The steps add up to 20 minutes, but the exercise lasts 25: add 5 minutes to the steps"),
        ({"minutes": "12", "min_minutes": "15"}, "The minutes (12) must lie between the shortest (15) and the longest (30)."),
        ({"group_min": "9", "group_max": "4"}, "Fewest people (9) is more than most people (4)."),
        ({"source": "A book"}, "You named where it is adapted from; say what its terms are"),
        ({"steps": "Just talk for a while."}, "Write each step on its own numbered line"),
        ({"worksheet": "y"}, "You ticked writing boxes"),
        ({"title": "x" * 81}, "Field cannot be longer than 80 characters."),
    ],
)
def test_problems_on_the_write_your_own_page_are_in_a_therapists_words(signed_in, original, change, plain):
    for url in ("/exercises/new", f"/exercises/{original}/fork"):
        response = signed_in.post(url, data={**OWN, **change})
        assert response.status_code == 422
        text = visible(response.text)
        assert plain in text, url
        assert jargon_in(text) == [], url


@pytest.mark.pdf
def test_the_run_sheet_names_no_setting_or_file(signed_in, evening):
    pdf = signed_in.get(f"/print/sessions/{evening}/run-sheet.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Support list on the participant handout" in text  # the tests' app uses the general defaults
    assert jargon_in(text) == []
