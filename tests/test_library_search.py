"""Library search ranks with the database's own full-text search (SQLite FTS5, PostgreSQL tsvector),
title above summary above text, and the index keeps step with every way an exercise is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from facilitator.extensions import db
from facilitator.library import service, shipped
from facilitator.library.service import ExerciseFilters, search_exercises
from facilitator.models import Exercise

pytestmark = pytest.mark.usefixtures("synced")

SHIPPED = Path(__file__).resolve().parent.parent / "session_plans"


def own(title: str, summary: str = "Pairs take turns.", purpose: str = "To practise.") -> dict:
    """A valid exercise of one's own, written through the write-your-own page."""
    return {
        "title": title, "theme": "listening", "summary": summary,
        "minutes": "20", "min_minutes": "15", "max_minutes": "30", "format": "pairs", "group_min": "2", "group_max": "16",
        "intensity": "low", "stage": "working", "audience": ["men", "mixed"], "materials": "",
        "purpose": purpose, "steps": "1. **Pair up (5 min).** Find a partner.\n2. **Talk (15 min).** Take turns.",
        "facilitator_script": '"Slowly."', "debrief": "- What was it like?", "safety": "Anyone may pass.",
    }  # fmt: skip


def titles(app, user, q: str) -> list[str]:
    with app.app_context():
        return [e.title for e in search_exercises(user.id, ExerciseFilters(q=q)).exercises]


def write(client, form: dict) -> int:
    response = client.post("/exercises/new", data=form)
    assert response.status_code == 302, response.text
    return int(response.location.rsplit("/", 1)[-1])


def test_couple_lists_title_and_summary_matches_first_and_says_how_many_only_mention_it(app, user, signed_in):
    with app.app_context():
        found = search_exercises(user.id, ExerciseFilters(q="couple"))
        ranked = [(e.id in found.strong, e.title, e.summary) for e in found.exercises]
    strong = [r for r in ranked if r[0]]
    assert strong, "some shipped exercise names couples in its title or summary"
    assert ranked[: len(strong)] == strong  # every title or summary match comes before any text-only one
    assert all("couple" in (title + summary).lower() for _, title, summary in strong)
    assert not any("couple" in (title + summary).lower() for _, title, summary in ranked[len(strong):])
    assert "couples" in ranked[0][1].lower()  # a title match leads

    page = signed_in.get("/exercises/?q=couple")
    assert f"best matches first: {len(strong)} with it in the title or summary" in page.text
    assert f"Mentioned in the text ({len(ranked) - len(strong)})" in page.text
    assert page.text.index(strong[0][1]) < page.text.index("Mentioned in the text")


def test_a_title_match_outranks_a_summary_match_which_outranks_the_text(app, user, signed_in):
    write(signed_in, own("Only in the text", purpose="We practise the quokka stance."))
    write(signed_in, own("Only in the summary", summary="A quokka walk in pairs."))
    write(signed_in, own("The quokka round"))
    assert titles(app, user, "quokka") == ["The quokka round", "Only in the summary", "Only in the text"]
    assert titles(app, user, "QUOKKAS!") == titles(app, user, "quokka")  # case, plurals and punctuation


def test_the_index_follows_writing_editing_forking_removing_and_deleting(app, user, other_user, signed_in):
    exercise_id = write(signed_in, own("The wombat walk"))
    assert titles(app, user, "wombat") == ["The wombat walk"]
    assert titles(app, other_user, "wombat") == []  # private stays private in search too

    assert signed_in.post(f"/exercises/{exercise_id}/edit", data=own("The numbat walk")).status_code == 302
    assert titles(app, user, "wombat") == [] and titles(app, user, "numbat") == ["The numbat walk"]

    with app.app_context():
        original_id = db.session.scalar(select(Exercise.id).where(Exercise.slug == "closing-one-word", Exercise.owner_id.is_(None)))
    forked = signed_in.post(f"/exercises/{original_id}/fork", data=own("My bilby closing"))
    assert forked.status_code == 302, forked.text
    copy_id = int(forked.location.rsplit("/", 1)[-1])
    assert titles(app, user, "bilby") == ["My bilby closing"]

    signed_in.post(f"/exercises/{copy_id}/archive")
    assert titles(app, user, "bilby") == []

    with app.app_context():
        db.session.delete(db.session.get(Exercise, exercise_id))
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            assert db.session.scalar(text("SELECT count(*) FROM exercises_fts WHERE rowid = :id"), {"id": exercise_id}) == 0
    assert titles(app, user, "numbat") == []


def test_an_edited_shipped_file_is_found_by_its_new_words_after_sync(app, user, tmp_path):
    library_path = tmp_path / "library"
    shutil.copytree(SHIPPED, library_path)
    edited = library_path / "exercises" / "closing-one-word.md"
    edited.write_text(edited.read_text().replace("## Purpose\n", "## Purpose\n\nA platypus of a closing. ", 1))
    with app.app_context():
        library, _ = shipped.load(str(library_path))
        report = service.sync_library(library, shipped.exercise_texts(str(library_path)))
        assert report.updated == ["closing-one-word"]
    assert titles(app, user, "platypus") == ["One word to leave with"]


@pytest.mark.parametrize("typed", ['"', "NEAR(", "{title}: x", "a OR b", "x' --", "*", "-couple", "(", "%_\\", "ü ñ 漢字"])
def test_search_syntax_typed_by_a_person_is_only_text(signed_in, typed):
    page = signed_in.get("/exercises/", query_string={"q": typed})
    assert page.status_code == 200


def test_words_that_are_only_in_the_front_matter_are_not_matches(app, user):
    """Every file has a "licence:" line and every exercise for couples says "couples" in its audience line;
    a therapist searching for words means the exercise, not the file's fields."""
    assert titles(app, user, "licence") == []
    assert titles(app, user, "slug") == []


def test_an_upgraded_database_indexes_the_exercises_it_already_had(app, user):
    with app.app_context():
        db.drop_all()
        upgrade(revision="8e4a7319eb3c")  # the revision before the search index
        library, _ = shipped.load(app.config["LIBRARY_PATH"])
        service.sync_library(library, shipped.exercise_texts(app.config["LIBRARY_PATH"]))
        upgrade()
        found = search_exercises(user.id, ExerciseFilters(q="iceberg")).exercises
        assert [e.title for e in found][:1] == ["What sits under the anger"]
        # Leave the database as the fixtures expect it: models' tables, no migration history.
        db.session.remove()  # end the read, or PostgreSQL's DROP INDEX waits for it
        downgrade(revision="base")
        db.create_all()
