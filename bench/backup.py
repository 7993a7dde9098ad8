"""Backup and restore time for 10,000 participant responses, against the database's own tools.

    .venv/bin/python bench/backup.py                 # SQLite: against sqlite3 .backup / .restore
    .venv/bin/python bench/backup.py --postgresql    # the local PostgreSQL: against pg_dump / pg_restore

Both sides run in the same process on the same data; each figure is the median of --repeat runs.
A ratio of 1.5 means `flask backup` takes one and a half times as long as the bare tool (it also
counts every table, writes a manifest and checksums, and checks the row counts after a restore).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facilitator import create_app  # noqa: E402
from facilitator.backup import create_backup, known_revisions, restore_backup  # noqa: E402
from facilitator.extensions import db  # noqa: E402
from facilitator.models import User  # noqa: E402
from facilitator.reflections.models import (  # noqa: E402
    ReflectionAnswer,
    ReflectionForm,
    ReflectionQuestion,
    ReflectionResponse,
    random_id,
)

RESPONSES = 10_000
QUESTIONS = ("scale5", "scale10", "word", "short", "long")
POSTGRES_SERVER = os.environ.get("FACILITATOR_BENCH_POSTGRES", "postgresql+psycopg://127.0.0.1:5432")


def fill(app) -> int:  # noqa: ANN001
    """10,000 responses of five answers each to one form; returns the number of rows written."""
    with app.app_context():
        db.create_all()
        user = User(username="bench", password_hash="x")
        db.session.add(user)
        db.session.flush()
        form = ReflectionForm(owner_id=user.id, title="Bench", code="ACEFHJ")
        db.session.add(form)
        db.session.flush()
        questions = [ReflectionQuestion(form_id=form.id, position=i, key=kind, type=kind, prompt=kind)
                     for i, kind in enumerate(QUESTIONS)]  # fmt: skip
        db.session.add_all(questions)
        db.session.flush()
        responses, answers = [], []
        for number in range(RESPONSES):
            response_id = random_id()
            responses.append({"id": response_id, "form_id": form.id, "day": date(2026, 1 + number % 12, 1 + number % 28)})
            for question in questions:
                answers.append({
                    "id": random_id(), "form_id": form.id, "question_id": question.id, "response_id": response_id,
                    "number": number % 5 + 1 if question.type.startswith("scale") else None,
                    "text": "" if question.type.startswith("scale") else f"answer {number} to {question.key} " * 3,
                    "released": True,
                })  # fmt: skip
        db.session.execute(insert(ReflectionResponse), responses)
        db.session.execute(insert(ReflectionAnswer), answers)
        db.session.commit()
        return len(responses) + len(answers) + len(questions) + 2


def timed(action) -> float:  # noqa: ANN001
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class SQLiteSide:
    def __init__(self, work: Path):
        self.work = work

    def source_url(self) -> str:
        return f"sqlite:///{self.work / 'source.sqlite3'}"

    def empty_url(self) -> str:
        return f"sqlite:///{self.work / f'empty-{uuid.uuid4().hex[:6]}.sqlite3'}"

    def native_backup(self, target: Path) -> None:
        subprocess.run(["sqlite3", str(self.work / "source.sqlite3"), f".backup '{target}'"], check=True)

    def native_restore(self, dump: Path, url: str) -> None:
        subprocess.run(["sqlite3", url.removeprefix("sqlite:///"), f".restore '{dump}'"], check=True)

    def drop(self, url: str) -> None:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


class PostgreSQLSide:
    def __init__(self, work: Path):
        self.work = work
        self.admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        self.source = self._new_database()

    def _new_database(self) -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return name

    def source_url(self) -> str:
        return f"{POSTGRES_SERVER}/{self.source}"

    def empty_url(self) -> str:
        return f"{POSTGRES_SERVER}/{self._new_database()}"

    def _libpq(self, url: str) -> list[str]:
        return [f"--dbname={url.replace('postgresql+psycopg://', 'postgresql://')}"]

    def native_backup(self, target: Path) -> None:
        subprocess.run(["pg_dump", "--format=custom", f"--file={target}", *self._libpq(self.source_url())], check=True)

    def native_restore(self, dump: Path, url: str) -> None:
        subprocess.run(["pg_restore", "--no-owner", "--single-transaction", *self._libpq(url), str(dump)], check=True)

    def drop(self, url: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


def app_for(url: str, instance: Path):  # noqa: ANN201
    os.environ["FACILITATOR_INSTANCE_PATH"] = str(instance)
    return create_app({"SECRET_KEY": "bench", "DATABASE_URL": url})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", action="store_true", help="measure the local PostgreSQL instead of SQLite")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    side = PostgreSQLSide(work) if options.postgresql else SQLiteSide(work)
    try:
        source = app_for(side.source_url(), work / "instance")
        rows = fill(source)
        ours_backup, native_backup, ours_restore, native_restore = [], [], [], []
        with source.app_context():
            revisions = known_revisions(source.extensions["migrate"].directory)
            for run in range(options.repeat):
                out = work / f"ours-{run}"
                archive_holder: list[Path] = []
                ours_backup.append(timed(lambda: archive_holder.append(create_backup(db.engine, out)[0])))
                dump = work / f"native-{run}.dump"
                native_backup.append(timed(lambda: side.native_backup(dump)))

                target = side.empty_url()
                restored = app_for(target, work / f"instance-{run}")
                with restored.app_context():
                    ours_restore.append(timed(lambda: restore_backup(db.engine, archive_holder[0], revisions)))
                    db.engine.dispose()
                side.drop(target)
                target = side.empty_url()
                native_restore.append(timed(lambda: side.native_restore(dump, target)))
                side.drop(target)
            db.engine.dispose()
        size = archive_holder[0].stat().st_size
        kind = "PostgreSQL (pg_dump/pg_restore)" if options.postgresql else "SQLite (sqlite3 .backup/.restore)"
        print(f"{RESPONSES:,} responses, {rows:,} rows; backup archive {size / 1e6:.1f} MB; baseline: {kind}")
        for label, ours, native in (("backup", ours_backup, native_backup), ("restore", ours_restore, native_restore)):
            mine, theirs = statistics.median(ours), statistics.median(native)
            print(f"{label:8} flask backup {mine:6.2f} s   native {theirs:6.2f} s   ratio {mine / theirs:5.2f}")
    finally:
        if options.postgresql:
            side.drop(side.source_url())
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
