"""Sharing a session or a programme with a colleague: the owner's page, the colleague's view, bad input."""

from __future__ import annotations

import re
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import Share
from facilitator.planner.models import AgendaItem, GroupSession
from tests.conftest import sign_in
from tests.factories import make_session, make_shared_plan


def _session_of(app, owner_id: int) -> int:
    with app.app_context():
        session = make_session(owner_id)
        db.session.commit()
        return session.id


def _share_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Share.id)))


def test_owner_shares_a_session_and_the_colleague_finds_it_under_shared_with_me(app, make_user):
    owner, colleague = make_user("olive", display_name="Olive"), make_user("colin", display_name="Colin")
    session_id = _session_of(app, owner.id)
    owner_client = sign_in(app.test_client(), owner)
    page = owner_client.get(f"/sessions/{session_id}/sharing")
    assert page.status_code == 200 and "Nobody else yet" in page.text

    response = owner_client.post(f"/sessions/{session_id}/sharing", data={"username": "COLIN", "role": "cofacilitator"})
    assert response.status_code == 302
    listed = owner_client.get(f"/sessions/{session_id}/sharing").text
    assert "Colin" in listed and "Co-facilitator" in listed

    colleague_client = sign_in(app.test_client(), colleague)
    sessions = colleague_client.get("/sessions/").text
    assert "Shared with me" in sessions and "Private session" in sessions and "Olive" in sessions
    assert "Shared with me" not in owner_client.get("/sessions/").text  # the owner's list is only hers
    page = colleague_client.get(f"/sessions/{session_id}").text
    assert "Olive shared this session with you as" in page and "Add to the agenda" in page
    assert "Share with a colleague" not in page and "Delete…" not in page


def test_a_co_facilitator_edits_the_agenda_of_the_owners_session(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    session_id = _session_of(app, owner.id)
    sign_in(app.test_client(), owner).post(f"/sessions/{session_id}/sharing", data={"username": "colin", "role": "cofacilitator"})
    client = sign_in(app.test_client(), colleague)
    response = client.post(f"/sessions/{session_id}/items/block", data={"block-title": "Welcome", "block-minutes": "5"})
    assert response.status_code == 302
    with app.app_context():
        session = db.session.get(GroupSession, session_id)
        assert [item.title for item in session.items] == ["Welcome"]
        assert session.owner_id == owner.id  # still hers


def test_a_viewer_reads_and_prints_but_posting_to_an_edit_route_is_refused_and_changes_nothing(app, make_user):
    owner, viewer = make_user("olive"), make_user("vera")
    with app.app_context():
        ids = make_shared_plan(owner.id, None, viewer.id)
    client = sign_in(app.test_client(), viewer)
    page = client.get(f"/sessions/{ids['session_id']}")
    assert page.status_code == 200
    assert "as\n  <strong>viewer</strong>" in page.text or "<strong>viewer</strong>" in page.text
    assert "Add to the agenda" not in page.text and "Reflection forms" not in page.text
    assert client.get(f"/programmes/{ids['programme_id']}").status_code == 200
    refused = client.post(f"/sessions/{ids['session_id']}/items/{ids['item_id']}/remove")
    assert refused.status_code == 403
    assert client.post(f"/sessions/{ids['session_id']}/items/block", data={"block-title": "X", "block-minutes": "5"}).status_code == 403
    with app.app_context():
        assert len(db.session.scalars(select(AgendaItem).where(AgendaItem.session_id == ids["session_id"])).all()) == 2


def test_a_programme_share_covers_its_weeks_but_a_session_share_does_not_open_its_programme(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    with app.app_context():
        ids = make_shared_plan(owner.id, None, None)
        db.session.add(Share(session_id=ids["session_id"], user_id=colleague.id, role="viewer"))
        db.session.commit()
    client = sign_in(app.test_client(), colleague)
    assert client.get(f"/sessions/{ids['session_id']}").status_code == 200
    assert client.get(f"/programmes/{ids['programme_id']}").status_code == 404


def test_only_the_owner_shares_deletes_or_changes_sharing(app, make_user):
    owner, colleague, third = make_user("olive"), make_user("colin"), make_user("tom")
    with app.app_context():
        ids = make_shared_plan(owner.id, colleague.id, None)
    client = sign_in(app.test_client(), colleague)
    assert client.get(f"/programmes/{ids['programme_id']}/sharing").status_code == 403
    assert client.post(f"/programmes/{ids['programme_id']}/sharing", data={"username": "tom", "role": "viewer"}).status_code == 403
    assert client.post(f"/programmes/{ids['programme_id']}/delete").status_code == 403
    assert client.post(f"/sessions/{ids['session_id']}/delete").status_code == 403
    assert client.post(f"/reflections/{ids['form_id']}/delete").status_code == 403
    assert _share_count(app) == 1
    assert sign_in(app.test_client(), third).get(f"/programmes/{ids['programme_id']}/sharing").status_code == 404


def test_sharing_with_an_unknown_or_disabled_account_or_yourself_says_why_and_keeps_existing_shares(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    make_user("dora", is_disabled=True)
    session_id = _session_of(app, owner.id)
    client = sign_in(app.test_client(), owner)
    client.post(f"/sessions/{session_id}/sharing", data={"username": "colin", "role": "viewer"})
    for username in ("nobody", "dora"):
        response = client.post(f"/sessions/{session_id}/sharing", data={"username": username, "role": "viewer"})
        assert response.status_code == 422
        assert f"No active colleague signs in as &#39;{username}&#39; here" in response.text
    unknown, disabled = (client.post(f"/sessions/{session_id}/sharing", data={"username": u, "role": "viewer"}).text for u in ("nobody", "dora"))
    # A disabled account looks like none. The CSRF tokens carry the second they were made: not compared.
    assert without_csrf_tokens(unknown.replace("nobody", "X")) == without_csrf_tokens(disabled.replace("dora", "X"))
    response = client.post(f"/sessions/{session_id}/sharing", data={"username": "olive", "role": "viewer"})
    assert response.status_code == 422 and "This is already yours" in response.text
    response = client.post(f"/sessions/{session_id}/sharing", data={"username": "colin", "role": "owner"})
    assert response.status_code == 422
    response = client.post(f"/sessions/{session_id}/sharing", data={"username": "", "role": "viewer"})
    assert response.status_code == 422 and "Enter the username" in response.text
    assert _share_count(app) == 1  # colin's share is untouched
    assert sign_in(app.test_client(), colleague).get(f"/sessions/{session_id}").status_code == 200


def test_sharing_again_changes_the_role_and_stopping_ends_it(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    session_id = _session_of(app, owner.id)
    client = sign_in(app.test_client(), owner)
    colleague_client = sign_in(app.test_client(), colleague)
    client.post(f"/sessions/{session_id}/sharing", data={"username": "colin", "role": "viewer"})
    assert colleague_client.get(f"/sessions/{session_id}/details").status_code == 403
    client.post(f"/sessions/{session_id}/sharing", data={"username": "colin", "role": "cofacilitator"})
    assert colleague_client.get(f"/sessions/{session_id}/details").status_code == 200
    assert _share_count(app) == 1
    client.post(f"/sessions/{session_id}/sharing/stop", data={"username": "colin"})
    assert colleague_client.get(f"/sessions/{session_id}").status_code == 404
    assert "Shared with me" not in colleague_client.get("/sessions/").text


def test_deleting_a_shared_session_deletes_its_shares_so_a_reused_id_grants_nothing(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    session_id = _session_of(app, owner.id)
    client = sign_in(app.test_client(), owner)
    client.post(f"/sessions/{session_id}/sharing", data={"username": "colin", "role": "cofacilitator"})
    assert client.post(f"/sessions/{session_id}/delete").status_code == 302
    assert _share_count(app) == 0


def test_a_co_facilitator_runs_the_form_of_a_shared_week_and_sees_results_under_the_same_threshold(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    with app.app_context():
        ids = make_shared_plan(owner.id, colleague.id, None)
    client = sign_in(app.test_client(), colleague)
    page = client.get(f"/sessions/{ids['session_id']}").text
    assert "Week one reflection" in page
    assert client.post(f"/reflections/{ids['form_id']}/open", follow_redirects=True).status_code == 200
    owner_results = sign_in(app.test_client(), owner).get(f"/reflections/{ids['form_id']}/results").text
    colleague_results = client.get(f"/reflections/{ids['form_id']}/results").text
    assert _main(colleague_results) == _main(owner_results)  # same page, same k, nothing more for anyone


def _main(html: str) -> str:
    """The page's content without the header, which names who is signed in."""
    return html[html.index("<main") : html.index("</main>")]


def test_a_shared_plan_names_the_owners_private_exercise_without_linking_to_its_library_page(app, make_user):
    owner, colleague = make_user("olive"), make_user("colin")
    with app.app_context():
        from tests.factories import make_custom_exercise

        ids = make_shared_plan(owner.id, colleague.id, None)
        exercise = make_custom_exercise(owner.id)
        db.session.add(AgendaItem(session_id=ids["session_id"], position=2, kind="exercise", exercise=exercise, minutes=10))
        db.session.commit()
        exercise_id = exercise.id
    page = sign_in(app.test_client(), colleague).get(f"/sessions/{ids['session_id']}").text
    assert "A private exercise" in page and f"/exercises/{exercise_id}" not in page
    assert f"/exercises/{exercise_id}" in sign_in(app.test_client(), owner).get(f"/sessions/{ids['session_id']}").text


def without_csrf_tokens(page: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', page)
