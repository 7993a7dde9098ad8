"""`flask library sync`: idempotent, updates edited files, hides removed ones without breaking sessions."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from facilitator.extensions import db
from facilitator.models import Exercise
from facilitator.planner.models import AgendaItem, GroupSession

SHIPPED = Path(__file__).resolve().parent.parent / "session_plans"


@pytest.fixture
def app_config(app_config, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(SHIPPED, library)
    return {**app_config, "LIBRARY_PATH": str(library)}


def shipped_rows(app) -> dict[str, Exercise]:
    with app.app_context():
        rows = db.session.scalars(select(Exercise).where(Exercise.owner_id.is_(None))).all()
        return {row.slug: (row.title, row.hidden, row.content_hash, row.id) for row in rows}


def test_sync_loads_every_shipped_exercise_and_rerunning_changes_nothing(app, runner):
    first = runner.invoke(args=["library", "sync"])
    assert first.exit_code == 0, first.output
    count = len(list((Path(app.config["LIBRARY_PATH"]) / "exercises").glob("*.md")))
    assert f"{count} added, 0 updated, 0 hidden, 0 unchanged" in first.output
    before = shipped_rows(app)
    second = runner.invoke(args=["library", "sync"])
    assert f"0 added, 0 updated, 0 hidden, {count} unchanged" in second.output
    assert shipped_rows(app) == before


def test_an_edited_file_updates_its_exercise_in_place(app, runner):
    runner.invoke(args=["library", "sync"])
    path = Path(app.config["LIBRARY_PATH"]) / "exercises" / "closing-one-word.md"
    before = shipped_rows(app)["closing-one-word"]
    text = path.read_text()
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(title_line, "title: One word to take home"))
    result = runner.invoke(args=["library", "sync"])
    assert "0 added, 1 updated, 0 hidden" in result.output
    after = shipped_rows(app)["closing-one-word"]
    assert after[0] == "One word to take home"
    assert after[3] == before[3]  # same row: sessions keep pointing at it


def test_a_removed_file_hides_its_exercise_but_sessions_keep_it(app, runner, user):
    runner.invoke(args=["library", "sync"])
    with app.app_context():
        exercise = db.session.scalar(select(Exercise).where(Exercise.slug == "closing-one-word"))
        session = GroupSession(owner_id=user.id, title="Tuesday group", target_minutes=60)
        session.items.append(AgendaItem(position=0, kind="exercise", exercise=exercise, minutes=exercise.minutes))
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    (Path(app.config["LIBRARY_PATH"]) / "exercises" / "closing-one-word.md").unlink()
    result = runner.invoke(args=["library", "sync"])
    assert "1 hidden" in result.output
    with app.app_context():
        session = db.session.get(GroupSession, session_id)
        assert session.items[0].exercise.slug == "closing-one-word"
        assert session.items[0].exercise.hidden is True
        assert db.session.scalar(select(func.count(AgendaItem.id))) == 1


def test_a_broken_file_keeps_the_last_good_version(app, runner):
    runner.invoke(args=["library", "sync"])
    path = Path(app.config["LIBRARY_PATH"]) / "exercises" / "closing-one-word.md"
    path.write_text(path.read_text().replace("intensity: low", "intensity: unbearable"))
    result = runner.invoke(args=["library", "sync"])
    assert "skipped:" in result.output and "intensity" in result.output
    assert shipped_rows(app)["closing-one-word"][1] is False  # not hidden


def test_a_restored_file_shows_again(app, runner):
    runner.invoke(args=["library", "sync"])
    path = Path(app.config["LIBRARY_PATH"]) / "exercises" / "closing-one-word.md"
    text = path.read_text()
    path.unlink()
    runner.invoke(args=["library", "sync"])
    path.write_text(text)
    result = runner.invoke(args=["library", "sync"])
    assert "1 updated" in result.output
    assert shipped_rows(app)["closing-one-word"][1] is False
