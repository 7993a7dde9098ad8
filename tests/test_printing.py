"""The printing blueprint and its data: what a facilitator downloads for a planned session or programme,
and what `flask printing` prints from library files alone."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from flask import render_template
from pypdf import PdfReader
from sqlalchemy import select

from facilitator import create_app
from facilitator.library import shipped
from facilitator.extensions import db
from facilitator.models import Exercise
from facilitator.planner.models import AgendaItem, GroupSession, Programme
from facilitator.planner.timing import format_clock, parse_clock
from facilitator.printing.data import PrintExercise, session_data, template_data
from facilitator.printing import views as printing_views
from facilitator.reflections.session_links import SessionPoster
from tests.conftest import sign_in
from tests.factories import make_custom_exercise
from tests.test_printing_engine import PAPER_POINTS, assert_page_x_of_y, font_sizes, page_size, page_texts

WORKSHEET_EXERCISES = ("the-feeling-under-the-facts", "feelings-wheel-from-core-to-fine")
LOCAL_SUPPORT = {"name": "Northside Wellbeing Line", "contact": "0800 000 0000", "purpose": "Local support",
                 "checked": "2026-11-20"}  # fmt: skip


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PRACTICE_NAME": "Northside Counselling", "SUPPORT_RESOURCES": [LOCAL_SUPPORT]}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def shipped_exercise(slug: str) -> Exercise:
    return db.session.scalar(select(Exercise).where(Exercise.slug == slug, Exercise.owner_id.is_(None)))


def first_handout_of_kind(*kinds: str) -> str:
    return next(slug for slug, handout in sorted(shipped.library().handouts.items()) if handout.kind in kinds)


def plan_session(owner_id: int, title: str = "Finding the words", programme: Programme | None = None,
                 week: int | None = None, pin: str = "", **fields) -> GroupSession:  # fmt: skip
    """Arrival round, a tea break, then two worksheet exercises (the first with a note, the second maybe pinned)."""
    arrival, first, second = (shipped_exercise(slug) for slug in ("arrival-weather-report", *WORKSHEET_EXERCISES))
    session = GroupSession(owner_id=owner_id, title=title, programme=programme, week_number=week,
                           start_time="19:00", target_minutes=90, **fields)  # fmt: skip
    items = [
        AgendaItem(kind="exercise", exercise=arrival, minutes=10),
        AgendaItem(kind="break", title="Tea", minutes=10),
        AgendaItem(kind="exercise", exercise=first, minutes=25, note="Read **Dev** last tonight."),
        AgendaItem(kind="exercise", exercise=second, minutes=30, pin=pin),
    ]
    for position, item in enumerate(items):
        item.position = position
        session.items.append(item)
    db.session.add(session)
    db.session.commit()
    return session


# --- plain data ------------------------------------------------------------------------------


def test_print_data_gives_each_agenda_line_its_clock_time_and_shifts_for_a_pin(app, user, synced):
    with app.app_context():
        library = shipped.library()
        take_home = first_handout_of_kind("practice", "info")
        session = plan_session(user.id, pin="20:00", take_home=take_home, partner_handouts=["partners-listening"])
        data = session_data(session, library)
    starts = [line.start for line in data.agenda]
    # 19:00 + 10 minutes of arrival + 10 of tea; then 25 minutes; the pinned exercise waits for 20:00.
    assert starts == ["19:00", "19:10", "19:20", "20:00"]
    assert data.agenda[2].end == format_clock(parse_clock("19:20") + 25)
    assert data.end_time == "20:30" and data.total_minutes == 90
    assert [line.pinned for line in data.agenda] == [False, False, False, True]
    assert all(isinstance(line.exercise, PrintExercise) for line in data.agenda if line.kind == "exercise")
    assert [e.slug for e in data.participant_exercises] == list(WORKSHEET_EXERCISES)
    expected_materials = {m.strip().lower() for slug in WORKSHEET_EXERCISES for m in library.exercises[slug].materials}
    assert {m.lower() for m in data.materials} == expected_materials
    assert all(m[0] == m[0].upper() for m in data.materials)
    assert data.take_home.title == library.handouts[take_home].title
    assert [h.slug for h in data.partner_handouts] == ["partners-listening"]


def test_a_shipped_programme_template_becomes_print_data_week_by_week(app):
    with app.app_context():
        library = shipped.library()
    template = next(t for t in library.templates.values() if t.kind == "programme")
    data = template_data(template, library)
    assert [s.title for s in data.sessions] == [spec.title for spec in template.sessions]
    for week, (session, spec) in enumerate(zip(data.sessions, template.sessions, strict=True), start=1):
        assert session.week == week and session.weeks == len(template.sessions)
        assert [e.slug for e in session.exercises] == [i.exercise for i in spec.items if i.kind == "exercise"]
        assert session.agenda[0].start == spec.start_time


def test_programme_pack_bookmarks_name_each_week_once(app):
    """A week titled "Week 2: Finding the words" is bookmarked so, not "Week 2: Week 2: ..."."""
    from dataclasses import replace

    from facilitator.printing import documents

    with app.test_request_context():
        library = shipped.library()
        data = template_data(library.templates["six-week-mens-group"], library)
        untitled = replace(data, sessions=(replace(data.sessions[0], title="Arriving"), *data.sessions[1:]))
        pack = documents.programme_pack(untitled, library, documents.print_options("A4", False))
    labels = [part.label for part in pack.parts]
    assert labels[0] == "Week 1: Arriving"  # a title without its week gets it
    assert labels[1] == data.sessions[1].title and labels[1].startswith("Week 2: ")
    assert not any(label.lower().startswith("week") and label.lower().count("week ") > 1 for label in labels[:6]), labels


# --- downloads -------------------------------------------------------------------------------


@pytest.mark.pdf
def test_facilitator_downloads_the_participant_handout_with_support_on_the_last_page(app, client, user, synced):
    with app.app_context():
        take_home = first_handout_of_kind("practice", "info")
        session_id = plan_session(user.id, date=date(2026, 3, 3), take_home=take_home).id
        library = shipped.library()
    response = sign_in(client, user).get(f"/print/sessions/{session_id}/handout.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="2026-03-03-finding-the-words-handout.pdf"'
    pdf = response.data
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Finding the words: Participant handout"
    assert reader.metadata.author == "Northside Counselling"  # no practice of her own: the app's name
    assert page_size(pdf) == pytest.approx(PAPER_POINTS["A4"], abs=0.5)
    assert_page_x_of_y(pdf)
    text = flat(" ".join(page_texts(pdf)))
    headings = ["Finding the words", "Tuesday 3 March 2026", "Our group agreements".upper(),
                library.exercises[WORKSHEET_EXERCISES[0]].title, library.exercises[WORKSHEET_EXERCISES[1]].title,
                library.handouts[take_home].title, "If you need support"]  # fmt: skip
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions and positions == sorted(positions), dict(zip(headings, positions, strict=True))
    last_page = flat(page_texts(pdf)[-1])
    assert "If you need support" in last_page and "Northside Wellbeing Line" in last_page and "0800 000 0000" in last_page
    assert "Samaritans" not in text  # the practice's own list replaces the defaults


@pytest.mark.pdf
def test_worksheet_follows_the_facilitators_paper_and_the_links_options(app, client, make_user):
    owner = make_user("carl", paper_size="Letter", practice_name="Carl Jensen Therapy")
    with app.app_context():
        exercise = make_custom_exercise(owner.id)
        exercise.sections = {**exercise.sections, "Participant handout": "What did you notice?\n\n[[write 4]]"}
        db.session.commit()
        exercise_id = exercise.id
    sign_in(client, owner)
    letter = client.get(f"/print/exercises/{exercise_id}/worksheet.pdf")
    a4_large = client.get(f"/print/exercises/{exercise_id}/worksheet.pdf?paper=A4&large=1")
    assert page_size(letter.data) == pytest.approx(PAPER_POINTS["Letter"], abs=0.5)
    assert page_size(a4_large.data) == pytest.approx(PAPER_POINTS["A4"], abs=0.5)
    assert PdfReader(io.BytesIO(letter.data)).metadata.author == "Carl Jensen Therapy"
    assert font_sizes(letter.data)["What did you notice?"] < 12 <= 16 <= font_sizes(a4_large.data)["What did you notice?"]
    assert a4_large.headers["Content-Disposition"].endswith('a-private-exercise-worksheet-large-print.pdf"')


def test_an_unknown_paper_size_is_a_bad_request(app, client, user, synced):
    with app.app_context():
        session_id = plan_session(user.id).id
    response = sign_in(client, user).get(f"/print/sessions/{session_id}/run-sheet.pdf?paper=A3")
    assert response.status_code == 400


def test_partner_handouts_are_not_found_for_a_session_without_any(app, client, user, synced):
    with app.app_context():
        session_id = plan_session(user.id).id
    assert sign_in(client, user).get(f"/print/sessions/{session_id}/partners.pdf").status_code == 404


@pytest.mark.pdf
def test_partner_handouts_print_each_on_its_own_pages(app, client, user, synced):
    slugs = ["partners-listening", "partners-emotional-literacy"]
    with app.app_context():
        session_id = plan_session(user.id, partner_handouts=slugs).id
        titles = [shipped.library().handouts[slug].title for slug in slugs]
    pdf = sign_in(client, user).get(f"/print/sessions/{session_id}/partners.pdf").data
    texts = [flat(t) for t in page_texts(pdf)]
    first_of = [next(i for i, t in enumerate(texts) if title in t) for title in titles]
    assert first_of[0] == 0 < first_of[1]
    assert "FOR PARTNERS" in texts[first_of[1]]  # the second starts a fresh page with its own heading


@pytest.mark.pdf
def test_run_sheet_has_clock_times_steps_debrief_safety_materials_and_notes(app, client, user, synced):
    with app.app_context():
        session_id = plan_session(user.id, pin="20:00", room_notes="Room 4 has no flipchart: bring one.").id
        exercise = shipped.library().exercises[WORKSHEET_EXERCISES[0]]
    pdf = sign_in(client, user).get(f"/print/sessions/{session_id}/run-sheet.pdf").data
    text = flat(" ".join(page_texts(pdf)))
    for expected in ("19:00–19:10", "19:10–19:20", "19:20–19:45", "20:00–20:30", "fixed", "Tea",
                     "Room 4 has no flipchart", "Read Dev last tonight.", "STEPS", "DEBRIEF", "SAFETY", "BRING",
                     exercise.steps[0].title, exercise.materials[0][1:]):  # fmt: skip
        assert expected in text, expected
    first_question = exercise.sections["Debrief questions"].splitlines()[0].lstrip("- ").strip()
    assert flat(first_question)[:40] in text
    assert_page_x_of_y(pdf)


@pytest.mark.pdf
def test_programme_pack_holds_every_week_in_order_with_page_numbers_and_posters(app, client, user, synced, monkeypatch):
    with app.app_context():
        programme = Programme(owner_id=user.id, title="Men and feelings")
        db.session.add(programme)
        weeks = [plan_session(user.id, f"Week {n}: session {n}", programme, n, partner_handouts=["partners-listening"])
                 for n in (1, 2)]  # fmt: skip
        programme_id, first_week_id = programme.id, weeks[0].id
        vocabulary_title = shipped.library().handouts["feelings-vocabulary"].title
    url = "https://groups.example.org/r/KM47RX"
    poster = SessionPoster(url, "KM47RX")
    monkeypatch.setattr(printing_views, "session_poster", lambda session_id: poster if session_id == first_week_id else None)
    response = sign_in(client, user).get(f"/print/programmes/{programme_id}/pack.pdf?paper=Letter")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="men-and-feelings-pack.pdf"'
    pdf = response.data
    texts = [flat(t) for t in page_texts(pdf)]
    assert page_size(pdf, len(texts) - 1) == pytest.approx(PAPER_POINTS["Letter"], abs=0.5)
    assert "PROGRAMME PACK" in texts[0]
    # The cover's "starts on page" column points at each week's run sheet.
    for week in (1, 2):
        row = re.search(rf"Week {week}: session {week} .*? (\d+) ", texts[0])
        start = int(row.group(1)) - 1
        assert "RUN SHEET" in texts[start] and f"Week {week}: session {week}" in texts[start]
    order = ["RUN SHEET", "PARTICIPANT HANDOUT", "FOR PARTNERS"]
    firsts = [next(i for i, t in enumerate(texts) if marker in t) for marker in order]
    assert firsts == sorted(firsts)
    poster_pages = [i for i, t in enumerate(texts) if url in t]
    assert len(poster_pages) == 2 and poster_pages[0] < firsts[0] + len(texts) // 2  # poster and card, in week 1
    assert vocabulary_title in texts[-1]
    assert_numbered_within_each_week(texts, wall_sheets=poster_pages)
    assert_tagged_as_one_document(pdf)


def assert_numbered_within_each_week(texts: list[str], wall_sheets=()) -> None:
    """A programme pack numbers pages within each week ("Week 2 · Page 3 of 9"), so a week prints
    and staples as its own set; the cover and the vocabulary sheet are sets of their own."""
    numbers = [re.search(r"(?:Week (\d+) · )?Page (\d+) of (\d+)", text) for text in texts]
    expected_page = 1
    for index, found in enumerate(numbers):
        if index in wall_sheets:
            assert found is None, f"page {index + 1}: a wall sheet has no number"
            expected_page += 1
            continue
        assert found, f"page {index + 1}: footer"
        page, total = int(found.group(2)), int(found.group(3))
        if page == 1:
            expected_page = 1
        assert page == expected_page and page <= total, f"page {index + 1}: {found.group(0)}"
        expected_page += 1


def assert_tagged_as_one_document(pdf: bytes) -> None:
    """The joined pack keeps PDF/UA tagging: one structure tree, every page's marked content mapped."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] and root["/MarkInfo"]["/Marked"] and "/Metadata" in root
    tree = root["/StructTreeRoot"]
    [document] = tree["/K"]
    assert document.get_object()["/S"] == "/Document" and len(document.get_object()["/K"]) >= len(reader.pages)
    nums = tree["/ParentTree"]["/Nums"]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys)) and int(tree["/ParentTreeNextKey"]) == max(keys) + 1
    page_refs = {page.indirect_reference.idnum for page in reader.pages}
    for page in reader.pages:
        key = int(page["/StructParents"])
        elements = nums[keys.index(key) * 2 + 1]
        for element in elements:  # each marked piece of the page belongs to an element on this page
            assert element.get_object().raw_get("/Pg").idnum in page_refs


def test_print_links_offer_every_document_with_paper_and_large_print(app, user, synced):
    with app.app_context():
        session = plan_session(user.id, partner_handouts=["partners-listening"])
        with app.test_request_context():
            from flask_login import login_user

            login_user(db.session.get(type(user), user.id))
            html = render_template("planner/_print_links.html", print_session=session)
    for document in ("handout", "run-sheet", "partners", "pack"):
        assert f'formaction="/print/sessions/{session.id}/{document}.pdf"' in html
    assert re.search(r'<option value="A4" selected', html) and '<label class="check" for="print-large' in html
    assert 'method="get"' in html


# --- flask printing ... ----------------------------------------------------------------------


@pytest.fixture
def offline_app(app_config, tmp_path, monkeypatch):
    """An app whose database cannot even be opened: what the shell commands print needs none."""
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / "instance"))
    unreachable = tmp_path / "no-such-folder" / "db.sqlite3"
    return create_app({**app_config, "DATABASE_URL": f"sqlite:///{unreachable}"})


@pytest.mark.pdf
def test_flask_handouts_pack_prints_a_shipped_session_template_without_a_database(offline_app, tmp_path):
    with offline_app.app_context():
        library = shipped.library()
    template = min((t for t in library.templates.values() if t.kind == "session"),
                   key=lambda t: t.sessions[0].target_minutes)  # fmt: skip
    output = tmp_path / "pack.pdf"
    result = offline_app.test_cli_runner().invoke(
        args=["printing", "pack", "--template", template.slug, "-o", str(output), "--paper", "Letter"]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {output}" in result.output
    texts = [flat(t) for t in page_texts(output.read_bytes())]
    assert "SESSION PACK" in texts[0] and template.sessions[0].title in texts[0]
    # The cover's contents point at the right pages.
    for label, marker in (("Run sheet", "RUN SHEET"), ("Participant handout", "PARTICIPANT HANDOUT")):
        page = int(re.search(rf"{label} .*? page (\d+)", texts[0]).group(1))
        assert marker in texts[page - 1], label
    assert page_size(output.read_bytes()) == pytest.approx(PAPER_POINTS["Letter"], abs=0.5)


def test_flask_handouts_pack_names_the_templates_it_knows(offline_app, tmp_path):
    result = offline_app.test_cli_runner().invoke(args=["printing", "pack", "--template", "nope", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    assert "no template 'nope'" in result.output and "taster-hour" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.pdf
def test_flask_handouts_exercise_previews_a_file_as_its_worksheet(offline_app, tmp_path):
    source = offline_app.config["LIBRARY_PATH"] + f"/exercises/{WORKSHEET_EXERCISES[1]}.md"
    output = tmp_path / "preview.pdf"
    result = offline_app.test_cli_runner().invoke(args=["printing", "exercise", source, "-o", str(output), "--large-print"])
    assert result.exit_code == 0, result.output
    with offline_app.app_context():
        exercise = shipped.library().exercises[WORKSHEET_EXERCISES[1]]
    pdf = output.read_bytes()
    assert PdfReader(io.BytesIO(pdf)).metadata.title == f"{exercise.title}: Worksheet"
    first_prompt = exercise.participant_handout.strip().splitlines()[0][:30]
    assert first_prompt in flat(" ".join(page_texts(pdf)))
    assert_page_x_of_y(pdf)


def test_flask_handouts_exercise_names_each_fault_and_writes_nothing(offline_app, tmp_path):
    broken = tmp_path / "half-written.md"
    broken.write_text("---\nslug: half-written\ntitle: Half written\n---\n\n## Purpose\n\nSoon.\n")
    output = tmp_path / "preview.pdf"
    result = offline_app.test_cli_runner().invoke(args=["printing", "exercise", str(broken), "-o", str(output)])
    assert result.exit_code != 0
    assert f"{broken}: theme: is missing" in result.output and "fix them to preview it" in result.output
    assert not output.exists()
