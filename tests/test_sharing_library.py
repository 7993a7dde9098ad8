"""A practice library: an own exercise shared with the whole practice (read, plan with, copy) or kept private."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.models import Exercise
from tests.conftest import sign_in
from tests.factories import make_custom_exercise, make_session


def _exercise_of(app, owner_id: int) -> int:
    with app.app_context():
        exercise = make_custom_exercise(owner_id)
        db.session.commit()
        return exercise.id


def test_an_own_exercise_is_private_until_its_author_shares_it_with_the_practice(app, make_user):
    author, colleague = make_user("olive", display_name="Olive"), make_user("colin")
    exercise_id = _exercise_of(app, author.id)
    colleague_client = sign_in(app.test_client(), colleague)
    assert colleague_client.get(f"/exercises/{exercise_id}").status_code == 404
    assert "A private exercise" not in colleague_client.get("/exercises/").text

    author_client = sign_in(app.test_client(), author)
    assert "Private: only you can see it." in author_client.get(f"/exercises/{exercise_id}").text
    assert author_client.post(f"/exercises/{exercise_id}/share", data={"shared": "1"}).status_code == 302

    listed = colleague_client.get("/exercises/").text
    assert "A private exercise" in listed and "by Olive" in listed
    page = colleague_client.get(f"/exercises/{exercise_id}")
    assert page.status_code == 200 and "Shared with the practice by <strong>Olive</strong>" in page.text
    assert "Share with the practice" not in page.text and "Make private" not in page.text
    assert colleague_client.get(f"/exercises/{exercise_id}/fork").status_code == 200  # copy it
    assert colleague_client.get(f"/print/exercises/{exercise_id}/worksheet.pdf").status_code == 200


def test_only_the_author_changes_sharing_or_edits_a_shared_exercise(app, make_user):
    author, colleague = make_user("olive"), make_user("colin")
    exercise_id = _exercise_of(app, author.id)
    sign_in(app.test_client(), author).post(f"/exercises/{exercise_id}/share", data={"shared": "1"})
    client = sign_in(app.test_client(), colleague)
    assert client.post(f"/exercises/{exercise_id}/share", data={"shared": "0"}).status_code == 404
    assert client.get(f"/exercises/{exercise_id}/edit").status_code == 404
    assert client.post(f"/exercises/{exercise_id}/archive").status_code == 404
    with app.app_context():
        assert db.session.get(Exercise, exercise_id).shared


def test_a_colleague_plans_with_a_shared_exercise_and_keeps_it_when_made_private(app, make_user):
    author, colleague = make_user("olive"), make_user("colin")
    exercise_id = _exercise_of(app, author.id)
    with app.app_context():
        session_id = make_session(colleague.id).id
        db.session.commit()
    client = sign_in(app.test_client(), colleague)
    refused = client.post(f"/sessions/{session_id}/items/exercise", data={"exercise_id": exercise_id})
    assert refused.status_code == 400 and "not in your library" in refused.text
    author_client = sign_in(app.test_client(), author)
    author_client.post(f"/exercises/{exercise_id}/share", data={"shared": "1"})
    assert client.post(f"/sessions/{session_id}/items/exercise", data={"exercise_id": exercise_id}).status_code == 302
    author_client.post(f"/exercises/{exercise_id}/share", data={"shared": "0"})
    page = client.get(f"/sessions/{session_id}").text
    assert "A private exercise" in page  # the agenda keeps it
    assert client.get(f"/exercises/{exercise_id}").status_code == 404  # but the library no longer offers it
