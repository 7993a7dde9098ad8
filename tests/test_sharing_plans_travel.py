"""Plans that travel: an exported plan carries the author's own exercises, and imports anywhere."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.library import shipped
from facilitator.library.parse import parse_exercise
from facilitator.library.service import save_custom_exercise
from facilitator.models import Exercise
from facilitator.planner import exchange, plans, service
from facilitator.planner.exchange import ImportFailed
from facilitator.planner.models import GroupSession
from tests.conftest import sign_in
from tests.planner_helpers import make_library, shipped_exercise

SECTIONS = {
    "Purpose": "To notice what the week held.", "Steps": "1. **Pair up (10 min).** Each says one thing.",
    "Facilitator script": "Say: take a breath.", "Debrief questions": "- What did you notice?",
    "Safety notes": "Anyone may pass.",
}  # fmt: skip
META = {
    "title": "Weather of the week", "theme": "emotional-literacy", "summary": "A short pairs check-in.",
    "minutes": {"default": 10, "min": 5, "max": 15}, "format": "pairs", "group_size": {"min": 2, "max": 20},
    "intensity": "low", "stage": "opening", "grounding": False, "audience": ["men"], "materials": [],
    "source": "", "licence": "", "worksheet": False,
}  # fmt: skip


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    return {**app_config, "LIBRARY_PATH": str(make_library(tmp_path_factory))}


def _session_using_own_exercise(owner_id: int) -> tuple[GroupSession, Exercise]:
    own = save_custom_exercise(owner_id, META, SECTIONS)
    session = service.create_session(owner_id, service.SessionDetails(title="Our evening"))
    service.add_exercise(session, own)
    service.add_exercise(session, shipped_exercise("closing-one-word"))
    return session, own


def _count(owner_id: int) -> int:
    return db.session.scalar(select(func.count(Exercise.id)).where(Exercise.owner_id == owner_id))


def test_an_export_carries_the_own_exercises_it_uses_as_whole_exercise_files(app, synced, user):
    with app.app_context():
        session, own = _session_using_own_exercise(user.id)
        document = yaml.safe_load(exchange.to_yaml(exchange.session_document(session)))
        assert [entry["file"] for entry in document["exercises"]] == [f"{own.slug}.md"]
        text = document["exercises"][0]["text"]
        assert parse_exercise(text, "embedded").slug == own.slug  # the shape of session_plans/exercises/*.md
        assert "text: |" in exchange.to_yaml(exchange.session_document(session))  # readable, not one quoted line


def test_a_colleague_imports_a_plan_that_uses_the_authors_own_exercise(app, synced, user, other_user):
    with app.app_context():
        session, own = _session_using_own_exercise(user.id)
        text = exchange.to_yaml(exchange.session_document(session))
        imported = plans.import_plan(other_user.id, text, "colleague.yaml", shipped.library())
        copy = imported.items[0].exercise
        assert copy.owner_id == other_user.id and copy.title == own.title and copy.sections == own.sections
        assert imported.items[1].exercise.owner_id is None  # shipped ones stay shipped
        assert _count(other_user.id) == 1
        again = plans.import_plan(other_user.id, text, "colleague.yaml", shipped.library())
        assert again.items[0].exercise.id == copy.id and _count(other_user.id) == 1  # no second copy


def test_an_embedded_exercise_named_like_a_shipped_one_gets_a_slug_that_cannot_clash(app, synced, user, other_user):
    with app.app_context():
        own = save_custom_exercise(user.id, {**META, "title": "Arrival weather report"}, SECTIONS)
        assert own.slug == "arrival-weather-report"  # the author's own shadows the shipped slug at home
        session = service.create_session(user.id, service.SessionDetails(title="Clash"))
        service.add_exercise(session, own)
        text = exchange.to_yaml(exchange.session_document(session))
        imported = plans.import_plan(other_user.id, text, "clash.yaml", shipped.library())
        row = imported.items[0].exercise
        assert row.owner_id == other_user.id and row.slug == "arrival-weather-report-imported"
        assert parse_exercise(row.text, "stored").slug == row.slug  # exports again as itself


def test_a_programme_export_imports_on_another_installation(app, synced, user, make_user, tmp_path, runner):
    with app.app_context():
        session, own = _session_using_own_exercise(user.id)
        text = exchange.to_yaml(exchange.session_document(session))
    plan = tmp_path / "from-elsewhere.yaml"
    plan.write_text(text)
    make_user("zoe")
    result = runner.invoke(args=["sessions", "import", str(plan), "--user", "zoe"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        zoe_rows = db.session.scalars(select(Exercise).join(Exercise.owner).where(Exercise.owner.has(username="zoe"))).all()
        assert [row.title for row in zoe_rows] == [own.title]


def _export_with_broken_exercise(app, user_id: int) -> str:
    with app.app_context():
        session, _ = _session_using_own_exercise(user_id)
        document = exchange.session_document(session)
    document["exercises"][0]["text"] = document["exercises"][0]["text"].replace("intensity: low", "intensity: extreme")
    return exchange.to_yaml(document)


def test_an_import_whose_embedded_exercise_is_invalid_names_it_and_saves_nothing(app, synced, user, other_user, runner, tmp_path):
    text = _export_with_broken_exercise(app, user.id)
    with app.app_context():
        before = (db.session.scalar(select(func.count(GroupSession.id))), _count(other_user.id))
        with pytest.raises(ImportFailed) as failed:
            plans.import_plan(other_user.id, text, "broken.yaml", shipped.library())
        db.session.rollback()
        message = str(failed.value)
        assert "exercises[1]" in message and "intensity" in message and "extreme" in message
        assert (db.session.scalar(select(func.count(GroupSession.id))), _count(other_user.id)) == before
    client = sign_in(app.test_client(), other_user)
    response = client.post("/import", data={"file": (__import__("io").BytesIO(text.encode()), "broken.yaml")},
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422 and "nothing was saved" in response.text and "exercises[1]" in response.text
    bad = tmp_path / "broken.yaml"
    bad.write_text(text)
    result = runner.invoke(args=["sessions", "import", str(bad), "--user", "ben"])
    assert result.exit_code == 1 and "exercises[1]" in result.output and "nothing was saved" in result.output
    with app.app_context():
        assert _count(other_user.id) == 0


@pytest.mark.parametrize("embedded, message", [
    ("exercises: nothing", "must be a list"),
    ("exercises:\n  - file: x.md", "must have text"),
])  # fmt: skip
def test_a_malformed_exercises_list_is_explained(app, synced, user, embedded, message):
    with app.app_context():
        session, _ = _session_using_own_exercise(user.id)
        document = exchange.session_document(session)
        document.pop("exercises")
        text = exchange.to_yaml(document) + embedded + "\n"
        with pytest.raises(ImportFailed) as failed:
            plans.import_plan(user.id, text, "odd.yaml", shipped.library())
        assert message in str(failed.value)


def test_a_saved_template_keeps_its_own_exercises_for_the_next_plan(app, synced, user):
    with app.app_context():
        session, own = _session_using_own_exercise(user.id)
        saved = plans.save_as_template(user.id, exchange.session_document(session), "Mine")
        plan = plans.plan_from_saved(saved, shipped.library(), title="Next week")
        assert plan.items[0].exercise.id == own.id  # the author's own row, not a copy
