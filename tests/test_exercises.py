"""Browsing the library, reading an exercise, writing and forking one's own."""

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import Exercise
from tests.conftest import sign_in

pytestmark = pytest.mark.usefixtures("synced")

CUSTOM = {
    "title": "Walking and talking",
    "theme": "listening",
    "summary": "Pairs walk the corridor and take turns listening.",
    "minutes": "20", "min_minutes": "15", "max_minutes": "30",
    "format": "pairs", "group_min": "2", "group_max": "16",
    "intensity": "low", "stage": "working", "audience": ["men", "mixed"],
    "materials": "timer, cards",
    "purpose": "To practise listening while side by side.",
    "steps": "1. **Pair up (5 min).** Find a partner.\n2. **Walk (15 min).** Take turns.",
    "facilitator_script": '"Walk slowly."',
    "debrief": "- What was it like?",
    "safety": "Anyone may stay seated.",
}  # fmt: skip


def exercise_count(app, **where) -> int:
    with app.app_context():
        query = select(func.count(Exercise.id))
        for name, value in where.items():
            query = query.where(getattr(Exercise, name) == value)
        return db.session.scalar(query)


def test_library_lists_shipped_exercises_with_their_tags(signed_in):
    page = signed_in.get("/exercises/")
    assert page.status_code == 200
    assert "Exercise library" in page.text
    assert "From core feeling to the finer word" in page.text


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("theme=emotional-literacy", "From core feeling to the finer word", "Five things you can see"),
        ("intensity=high", "What opening up has cost me", "One word to leave with"),
        ("stage=closing", "One word to leave with", "The box we were handed"),
        ("format=triads", "Listening in threes", "One word to leave with"),
        ("max_minutes=6", "Feet on the floor", "The box we were handed"),
        ("q=iceberg", "What sits under the anger", "The box we were handed"),
    ],
)
def test_facilitator_filters_and_searches_the_library(signed_in, query, present, absent):
    page = signed_in.get(f"/exercises/?{query}")
    assert present in page.text
    assert absent not in page.text


def test_a_search_with_no_match_says_so_kindly(signed_in):
    page = signed_in.get("/exercises/?q=zzzyzzy%25")
    assert page.status_code == 200
    assert "No exercise matches these filters." in page.text


def test_facilitator_opens_an_exercise_as_a_readable_page(app, signed_in):
    with app.app_context():
        exercise_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "the-box-we-were-handed"))
    page = signed_in.get(f"/exercises/{exercise_id}")
    assert page.status_code == 200
    for heading in ("Purpose", "Steps", "Facilitator script", "Debrief questions", "Safety notes"):
        assert f"<h2>{heading}</h2>" in page.text


def test_facilitator_writes_their_own_exercise(app, signed_in):
    response = signed_in.post("/exercises/new", data=CUSTOM)
    assert response.status_code == 302, response.text
    page = signed_in.get(response.location)
    assert "Walking and talking" in page.text
    assert exercise_count(app, title="Walking and talking") == 1


def test_custom_exercise_steps_must_add_up_and_nothing_is_saved(app, signed_in):
    response = signed_in.post("/exercises/new", data={**CUSTOM, "minutes": "25"})
    assert response.status_code == 422
    assert "The steps add up to 20 minutes, but the exercise lasts 25: add 5 minutes to the steps" in response.text
    assert "Walking and talking" in response.text  # the form keeps what was typed
    assert exercise_count(app, title="Walking and talking") == 0


def test_wrong_types_and_missing_fields_are_explained(app, signed_in):
    response = signed_in.post("/exercises/new", data={**CUSTOM, "minutes": "twenty", "title": ""})
    assert response.status_code == 422
    assert "Give the exercise a title." in response.text
    assert "Not a valid integer value." in response.text or "Enter a number of minutes." in response.text
    assert exercise_count(app, owner_id=None) > 0 and exercise_count(app, title="Walking and talking") == 0


def test_script_tags_in_a_custom_exercise_are_rendered_inert(app, signed_in):
    hostile = {**CUSTOM, "purpose": '<script>alert("x")</script> <img src=x onerror="alert(1)"> [click](javascript:alert(1))'}
    response = signed_in.post("/exercises/new", data=hostile)
    page = signed_in.get(response.location)
    assert "<script>alert" not in page.text
    assert "<img" not in page.text  # the tag survives only as escaped text
    assert 'href="javascript:' not in page.text
    assert "&lt;script&gt;" in page.text


def test_forking_a_shipped_exercise_makes_a_private_editable_copy(app, signed_in, other_user):
    with app.app_context():
        original = db.session.scalar(select(Exercise).where(Exercise.slug == "closing-one-word"))
        original_id, original_text = original.id, original.text
    draft = signed_in.get(f"/exercises/{original_id}/fork")
    assert draft.status_code == 200 and "One word to leave with (my version)" in draft.text
    form = {**CUSTOM, "title": "My one word"}
    response = signed_in.post(f"/exercises/{original_id}/fork", data=form)
    assert response.status_code == 302
    copy_id = int(response.location.rsplit("/", 1)[-1])
    with app.app_context():
        assert db.session.get(Exercise, original_id).text == original_text
        copy = db.session.get(Exercise, copy_id)
        assert (copy.title, copy.forked_from) == ("My one word", "closing-one-word")
    other = sign_in(app.test_client(), other_user)
    assert other.get(f"/exercises/{copy_id}").status_code == 404
    assert "My one word" not in other.get("/exercises/").text


def test_a_copy_is_a_draft_until_saved_so_cancel_leaves_nothing(app, signed_in):
    with app.app_context():
        original_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word"))
    before = exercise_count(app)
    draft = signed_in.get(f"/exercises/{original_id}/fork")
    assert "nothing is in your library until you press “Save my copy”" in draft.text
    assert f'href="/exercises/{original_id}">Cancel</a>' in draft.text
    assert exercise_count(app) == before  # opening the copy stored nothing
    assert "(my version)" not in signed_in.get("/exercises/?mine=1").text
    refused = signed_in.post(f"/exercises/{original_id}/fork", data={**CUSTOM, "safety": ""})
    assert refused.status_code == 422 and exercise_count(app) == before  # nor does a copy that cannot be saved


def test_changing_a_copys_minutes_explains_which_steps_to_shorten_in_plain_words(app, signed_in):
    with app.app_context():
        original_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word"))
    response = signed_in.post(f"/exercises/{original_id}/fork", data={**CUSTOM, "minutes": "16"})
    assert response.status_code == 422
    assert ("The steps add up to 20 minutes, but the exercise lasts 16: take 4 minutes off the steps "
            "(the longest are “Walk” (15 min) and “Pair up” (5 min)), or tick “Scale the step minutes to fit”") in response.text
    assert "minutes.default" not in response.text and "section &#39;Steps&#39;" not in response.text
    assert 'name="scale_steps"' in response.text


def test_ticking_scale_fits_the_steps_to_the_new_minutes(app, signed_in):
    with app.app_context():
        original_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word"))
    response = signed_in.post(f"/exercises/{original_id}/fork", data={**CUSTOM, "minutes": "16", "scale_steps": "y"})
    assert response.status_code == 302, response.text
    with app.app_context():
        copy = db.session.get(Exercise, int(response.location.rsplit("/", 1)[-1]))
        assert copy.minutes == 16
        assert "**Pair up (4 min).**" in copy.sections["Steps"] and "**Walk (12 min).**" in copy.sections["Steps"]


def test_a_bad_edit_keeps_the_saved_version(app, signed_in):
    created = signed_in.post("/exercises/new", data=CUSTOM)
    exercise_id = int(created.location.rsplit("/", 1)[-1])
    response = signed_in.post(f"/exercises/{exercise_id}/edit", data={**CUSTOM, "title": "Renamed", "safety": ""})
    assert response.status_code == 422
    assert "Write something under “Safety notes”; every exercise needs it." in response.text
    with app.app_context():
        assert db.session.get(Exercise, exercise_id).title == "Walking and talking"


def test_removing_a_custom_exercise_hides_it(app, signed_in):
    created = signed_in.post("/exercises/new", data=CUSTOM)
    exercise_id = int(created.location.rsplit("/", 1)[-1])
    assert signed_in.post(f"/exercises/{exercise_id}/archive").status_code == 302
    assert f'href="/exercises/{exercise_id}"' not in signed_in.get("/exercises/").text
    assert signed_in.get(f"/exercises/{exercise_id}").status_code == 200  # kept for sessions using it


def test_shipped_exercises_cannot_be_edited_or_removed(app, signed_in):
    with app.app_context():
        shipped_id = db.session.scalar(select(Exercise.id).where(Exercise.owner_id.is_(None)).limit(1))
    assert signed_in.get(f"/exercises/{shipped_id}/edit").status_code == 404
    assert signed_in.post(f"/exercises/{shipped_id}/archive").status_code == 404


def test_facilitator_adds_an_exercise_to_one_of_their_sessions_from_its_page(app, signed_in, user, other_user):
    from facilitator.planner import service as planner
    from facilitator.planner.models import GroupSession

    with app.app_context():
        exercise_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word"))
        mine = planner.create_session(user.id, planner.SessionDetails(title="Tuesday group")).id
        theirs = planner.create_session(other_user.id, planner.SessionDetails(title="Ben's group")).id
    page = signed_in.get(f"/exercises/{exercise_id}")
    assert 'href="#add-to-session">Add to a session</a>' in page.text
    assert f'<option value="{mine}">Tuesday group</option>' in page.text and "Ben&#39;s group" not in page.text

    response = signed_in.post("/sessions/add-exercise", data={"exercise_id": exercise_id, "session_id": mine})
    assert response.status_code == 302 and f"/sessions/{mine}#item-" in response.location
    assert "Added “One word to leave with” at the end of “Tuesday group”" in signed_in.get(response.location).text
    assert signed_in.post("/sessions/add-exercise", data={"exercise_id": exercise_id, "session_id": theirs}).status_code == 404
    with app.app_context():
        assert [i.exercise_id for i in db.session.get(GroupSession, mine).items] == [exercise_id]
        assert db.session.get(GroupSession, theirs).items == []


def test_an_exercise_page_without_sessions_says_how_to_start_one(app, signed_in):
    with app.app_context():
        exercise_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word"))
    page = signed_in.get(f"/exercises/{exercise_id}")
    assert "You have no sessions yet." in page.text and 'href="/sessions/new"' in page.text


@pytest.mark.pdf
def test_print_worksheet_on_an_exercise_page_downloads_its_pdf(app, signed_in):
    with app.app_context():
        exercise_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word"))
    page = signed_in.get(f"/exercises/{exercise_id}")
    href = f"/print/exercises/{exercise_id}/worksheet.pdf"
    assert f'href="{href}">Print worksheet</a>' in page.text
    pdf = signed_in.get(href)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
