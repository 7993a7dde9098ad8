"""Backups that restore: every row of every table survives `flask backup create` then `restore`."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text

from facilitator import create_app
from facilitator.extensions import db
from facilitator.models import User
from facilitator.planner.models import AgendaItem, GroupSession, Programme
from facilitator.reflections.models import (
    ReflectionAnswer,
    ReflectionForm,
    ReflectionQuestion,
    ReflectionResponse,
    UsedSubmitToken,
)
from tests.conftest import PASSWORD, POSTGRES_URL
from tests.factories import make_custom_exercise, make_saved_template


def fill_practice(owner_id: int) -> None:
    """A small practice's worth of everything: exercises, a programme of sessions, a form with answers."""
    exercise = make_custom_exercise(owner_id)
    exercise.title = "Stille Wasser — ein Abend 🌊"
    programme = Programme(owner_id=owner_id, title="Men's group, spring")
    db.session.add(programme)
    for week in range(1, 4):
        session = GroupSession(owner_id=owner_id, programme=programme, title=f"Week {week}", target_minutes=120)
        db.session.add(session)
        db.session.flush()
        for position, minutes in enumerate((10, 35, 20)):
            db.session.add(AgendaItem(session=session, position=position, kind="block", title=f"Part {position}", minutes=minutes))
    make_saved_template(owner_id)
    form = ReflectionForm(owner_id=owner_id, title="After week 1", code=f"AC{owner_id:04d}"[:6], intro="Take your time.")
    db.session.add(form)
    db.session.flush()
    scale = ReflectionQuestion(form_id=form.id, position=0, key="settled", type="scale5", prompt="How settled?")
    words = ReflectionQuestion(form_id=form.id, position=1, key="word", type="word", prompt="One word")
    db.session.add_all([scale, words])
    db.session.flush()
    for number, word in enumerate(["calm", "Ruhe", "‮reversed", "💬", "x" * 2000], start=1):
        response = ReflectionResponse(form_id=form.id, day=date(2026, 3, number))
        db.session.add(response)
        db.session.flush()
        db.session.add(ReflectionAnswer(form_id=form.id, question_id=scale.id, response_id=response.id, number=number))
        db.session.add(ReflectionAnswer(form_id=form.id, question_id=words.id, text=word, released=True))
    db.session.add(UsedSubmitToken(digest=hashlib.sha256(f"once-{owner_id}".encode()).hexdigest(), form_id=form.id))
    db.session.commit()


def every_row(url: str) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, read straight from the database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = MetaData()
            tables.reflect(bind=connection)
            return {
                name: [tuple(row) for row in connection.execute(select(table).order_by(*(table.primary_key.columns or table.columns)))]
                for name, table in tables.tables.items()
            }
    finally:
        engine.dispose()


@pytest.fixture
def empty_database(tmp_path, postgres_schema):
    """The URL of a second, empty database: a new SQLite file, or a new PostgreSQL database holding
    an empty schema of the same name as the test's (pg_dump names the schema in every statement)."""
    if not postgres_schema:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    server = POSTGRES_URL.rsplit("/", 1)[0]
    fresh = create_engine(f"{server}/{name}")
    with fresh.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{postgres_schema}"'))
    fresh.dispose()
    yield f"{server}/{name}?options=-csearch_path%3D{postgres_schema}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def app_on(url: str, instance: Path, monkeypatch, make_tables: bool = False):
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(instance))
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False})
    if make_tables:
        with other.app_context():
            db.create_all()
    return other


def make_backup(runner, out_dir: Path) -> Path:
    result = runner.invoke(args=["backup", "create", "-o", str(out_dir)])
    assert result.exit_code == 0, result.output
    (archive,) = out_dir.glob("facilitator-*.tar")
    return archive


@pytest.fixture
def practice(app, user, other_user):
    with app.app_context():
        fill_practice(user.id)
        fill_practice(other_user.id)


@pytest.mark.parametrize("target", ["brand new", "empty tables from an upgrade"])
def test_backup_round_trips_every_row_into_an_empty_database(
    app, runner, practice, database_url, empty_database, tmp_path, monkeypatch, target
):
    archive = make_backup(runner, tmp_path / "backups")
    before = every_row(database_url)
    assert len(before["reflection_answers"]) == 20 and len(before["agenda_items"]) == 18

    restored = app_on(empty_database, tmp_path / "restored", monkeypatch, make_tables=target != "brand new")
    with restored.app_context():
        db.engine.dispose()
    result = restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "every table's row count matches" in result.output
    assert every_row(empty_database) == before

    client = restored.test_client()
    assert client.post("/login", data={"username": "anna", "password": PASSWORD}).status_code == 302
    with restored.app_context():
        db.engine.dispose()


def test_backup_has_a_manifest_and_a_checksum_that_standard_tools_accept(app, runner, practice, tmp_path):
    archive = make_backup(runner, tmp_path / "backups")
    assert archive.stat().st_mode & 0o777 == 0o600
    checked = subprocess.run(["sha256sum", "-c", archive.name + ".sha256"], cwd=archive.parent, capture_output=True, text=True)
    assert checked.returncode == 0 and "OK" in checked.stdout
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        payload = tar.extractfile(manifest["payload_name"]).read()
    assert names == ["manifest.json", manifest["payload_name"]]
    with app.app_context():
        assert manifest["database"] == db.engine.dialect.name
    assert manifest["tables"]["users"] == 2 and manifest["tables"]["reflection_responses"] == 10
    assert manifest["payload_sha256"] == hashlib.sha256(payload).hexdigest()
    assert manifest["app_version"] and manifest["created"].endswith("Z")
    assert "migration_revision" in manifest
    result = runner.invoke(args=["backup", "verify", str(archive)])
    assert result.exit_code == 0 and "is intact" in result.output


def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(app, runner, practice, database_url, tmp_path):
    archive = make_backup(runner, tmp_path / "backups")
    before = every_row(database_url)
    result = runner.invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 1
    assert "This database is not empty: " in result.output and "users (2 rows)" in result.output
    assert "Nothing was changed" in result.output
    assert every_row(database_url) == before


def rewrite_archive(archive: Path, change) -> None:  # noqa: ANN001
    """Rebuild the tar with `change(name, data) -> (name, data) | None` applied to each member."""
    with tarfile.open(archive) as tar:
        members = [(member.name, tar.extractfile(member).read()) for member in tar.getmembers()]
    with tarfile.open(archive, "w") as tar:
        for name, data in members:
            changed = change(name, data)
            if changed:
                info = tarfile.TarInfo(changed[0])
                info.size = len(changed[1])
                tar.addfile(info, io.BytesIO(changed[1]))


def _flip_last_byte(name: str, data: bytes):
    return (name, data if name == "manifest.json" else data[:-1] + bytes([data[-1] ^ 1]))


def _newer_revision(name: str, data: bytes):
    if name != "manifest.json":
        return name, data
    return name, json.dumps({**json.loads(data), "migration_revision": "ffffffffffff"}).encode()


def _other_database_kind(name: str, data: bytes):
    if name != "manifest.json":
        return name, data
    manifest = json.loads(data)
    return name, json.dumps({**manifest, "database": "postgresql" if manifest["database"] == "sqlite" else "sqlite"}).encode()


def _extra_member(name: str, data: bytes):
    return (name, data) if name != "manifest.json" else ("../../escaped.txt", b"x")


def _no_manifest(name: str, data: bytes):
    return None if name == "manifest.json" else (name, data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_flip_last_byte, "does not match its manifest's checksum"),
        (_newer_revision, "made by a newer facilitator"),
        (_other_database_kind, "This backup is of a"),
        (_extra_member, "has no manifest"),
        (_no_manifest, "has no manifest"),
    ],
)
def test_restore_refuses_a_damaged_or_foreign_backup(
    app, runner, practice, empty_database, tmp_path, monkeypatch, change, message
):
    archive = make_backup(runner, tmp_path / "backups")
    archive.with_name(archive.name + ".sha256").unlink()  # so the inner checks are the ones that speak
    rewrite_archive(archive, change)
    restored = app_on(empty_database, tmp_path / "restored", monkeypatch)
    result = restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "escaped.txt").exists()
    assert every_row(empty_database) == {}
    with restored.app_context():
        db.engine.dispose()


def test_restore_checks_the_archive_against_its_sha256_file(app, runner, practice, tmp_path):
    archive = make_backup(runner, tmp_path / "backups")
    with archive.open("ab") as handle:
        handle.write(b"\0" * 512)
    result = runner.invoke(args=["backup", "verify", str(archive)])
    assert result.exit_code == 1
    assert "is damaged or was changed" in result.output


def test_keep_deletes_all_but_the_newest_backups(app, runner, user, tmp_path):
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    with app.app_context():
        kind = db.engine.dialect.name
    for stamp in ("20260101-000000", "20260102-000000"):
        (out_dir / f"facilitator-{stamp}-{kind}.tar").write_text("old")
        (out_dir / f"facilitator-{stamp}-{kind}.tar.sha256").write_text("old")
    result = runner.invoke(args=["backup", "create", "-o", str(out_dir), "--keep", "2"])
    assert result.exit_code == 0, result.output
    kept = sorted(path.name for path in out_dir.glob("*.tar"))
    assert len(kept) == 2 and kept[0] == f"facilitator-20260102-000000-{kind}.tar"
    assert not (out_dir / f"facilitator-20260101-000000-{kind}.tar.sha256").exists()


def test_backup_of_a_missing_file_says_so(app, runner, tmp_path):
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "nope.tar")])
    assert result.exit_code == 1
    assert "There is no backup file at" in result.output


def test_users_table_survives_with_password_hashes_intact(app, runner, user, database_url, empty_database, tmp_path, monkeypatch):
    archive = make_backup(runner, tmp_path / "backups")
    restored = app_on(empty_database, tmp_path / "restored", monkeypatch)
    assert restored.test_cli_runner().invoke(args=["backup", "restore", str(archive)]).exit_code == 0
    with app.app_context():
        original = db.session.scalar(select(User.password_hash))
    with restored.app_context():
        assert db.session.scalar(select(User.password_hash)) == original
        db.session.remove()
        db.engine.dispose()
