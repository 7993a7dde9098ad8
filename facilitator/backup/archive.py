"""Backups that restore: one consistent snapshot of the database, a manifest, and checksums.

An archive is a plain tar file holding `manifest.json` and the database itself: a SQLite file made
with SQLite's online backup API, or a `pg_dump --format=custom` file taken inside one exported
snapshot. `<archive>.sha256` beside it lets `sha256sum -c` check it with no facilitator at hand.
docs/backup.md says how to schedule, copy off the machine and restore.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, Connection, Engine

from ..clock import utcnow

FORMAT = "facilitator-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOAD = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MIGRATIONS_TABLE = "alembic_version"


class BackupError(ValueError):
    """A backup that cannot be made, read or restored; the message says what to do."""


@dataclass(frozen=True)
class Manifest:
    created: str
    database: str
    app_version: str
    migration_revision: str | None
    tables: dict[str, int]
    payload_name: str
    payload_sha256: str
    payload_bytes: int

    def to_json(self) -> str:
        data = {"format": FORMAT, "format_version": FORMAT_VERSION, **self.__dict__}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.pop("format") != FORMAT or data.pop("format_version") != FORMAT_VERSION:
                raise BackupError("This is not a facilitator backup of a version this program reads.")
            return cls(**data)
        except (ValueError, KeyError, TypeError) as error:
            if isinstance(error, BackupError):
                raise
            raise BackupError(f"The manifest in this backup is damaged ({error}).") from None

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows in every table of the connection's schema, by table name, full-text indexes left out."""
    derived = _full_text_indexes(connection)
    names = sorted(n for n in inspect(connection).get_table_names() if not any(n == d or n.startswith(f"{d}_") for d in derived))
    return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in names}


def _full_text_indexes(connection: Connection) -> list[str]:
    """SQLite's virtual tables (the library's FTS5 search index): rebuilt from their source table,
    and their shadow tables hold bookkeeping rows even when the index is empty."""
    if connection.dialect.name != "sqlite":
        return []
    return list(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")))


def migration_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(MIGRATIONS_TABLE):
        return None
    return connection.scalar(text(f"SELECT version_num FROM {MIGRATIONS_TABLE}"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def known_revisions(migrations_directory: str) -> set[str]:
    """Every migration this version of facilitator knows, to refuse backups made by a newer one."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(migrations_directory).walk_revisions()}


def app_version() -> str:
    try:
        return metadata.version("facilitator")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- making a backup -----------------------------------------------------------------------------


def create_backup(engine: Engine, out_dir: Path) -> tuple[Path, Manifest]:
    """Write `facilitator-<time>-<kind>.tar` (mode 600) into out_dir and its .sha256 beside it."""
    kind = engine.dialect.name
    if kind not in PAYLOAD:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}.")
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = utcnow()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as work:
        payload = Path(work) / PAYLOAD[kind]
        if kind == "sqlite":
            tables, revision = _snapshot_sqlite(engine, payload)
        else:
            tables, revision = _dump_postgresql(engine, payload)
        manifest = Manifest(
            created=created.isoformat(timespec="seconds") + "Z", database=kind, app_version=app_version(),
            migration_revision=revision, tables=tables, payload_name=payload.name,
            payload_sha256=sha256_of(payload), payload_bytes=payload.stat().st_size,
        )  # fmt: skip
        archive = out_dir / f"facilitator-{created:%Y%m%d-%H%M%S}-{kind}.tar"
        partial = Path(work) / archive.name
        with tarfile.open(partial, "w") as tar:
            info = tarfile.TarInfo(MANIFEST)
            data = manifest.to_json().encode()
            info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(payload, arcname=payload.name)
        os.chmod(partial, 0o600)
        os.replace(partial, archive)  # never a half-written archive under the final name
    checksum = archive.with_name(archive.name + ".sha256")
    checksum.write_text(f"{sha256_of(archive)}  {archive.name}\n")
    os.chmod(checksum, 0o600)
    return archive, manifest


def _snapshot_sqlite(engine: Engine, target: Path) -> tuple[dict[str, int], str | None]:
    """SQLite's online backup API copies every page inside one read transaction: a consistent copy
    while the server keeps writing."""
    source = sqlite3.connect(engine.url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problems = copy.execute("PRAGMA quick_check").fetchone()[0]
        if problems != "ok":
            raise BackupError(f"The database failed SQLite's check: {problems}")
    finally:
        copy.close()
        source.close()
    snapshot = create_engine(f"sqlite:///{target}")
    try:
        with snapshot.connect() as connection:
            return table_counts(connection), migration_revision(connection)
    finally:
        snapshot.dispose()


def _dump_postgresql(engine: Engine, target: Path) -> tuple[dict[str, int], str | None]:
    """Counts and pg_dump read one exported snapshot, so the manifest describes exactly the dump."""
    pg_dump = _tool("pg_dump")
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        schema = connection.scalar(text("SELECT current_schema()"))
        tables, revision = table_counts(connection), migration_revision(connection)
        command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                   f"--schema={schema}", f"--file={target}"]  # fmt: skip
        _run(command, engine.url)
        connection.rollback()
    return tables, revision


# --- reading and restoring -------------------------------------------------------------------------


def read_backup(archive: Path, work: Path) -> tuple[Manifest, Path]:
    """Check the archive's checksums and manifest; returns the manifest and the unpacked database."""
    if not archive.is_file():
        raise BackupError(f"There is no backup file at {archive}.")
    checksum = archive.with_name(archive.name + ".sha256")
    if checksum.exists():
        expected = checksum.read_text().split()[0] if checksum.read_text().strip() else ""
        if sha256_of(archive) != expected:
            raise BackupError(f"{archive.name} does not match {checksum.name}: the file is damaged or was changed.")
    try:
        with tarfile.open(archive, "r:") as tar:
            members = {member.name: member for member in tar.getmembers()}
            if MANIFEST not in members:
                raise BackupError(f"{archive.name} has no manifest: it is not a facilitator backup.")
            manifest = Manifest.from_json(tar.extractfile(members[MANIFEST]).read())
            if manifest.payload_name not in PAYLOAD.values() or set(members) != {MANIFEST, manifest.payload_name}:
                raise BackupError(f"{archive.name} holds unexpected files: {sorted(members)}.")
            member = members[manifest.payload_name]
            if not member.isfile():
                raise BackupError(f"{archive.name}: {member.name} is not a plain file.")
            payload = work / manifest.payload_name  # a fixed name: nothing in the archive picks a path
            with tar.extractfile(member) as source, payload.open("wb") as handle:
                shutil.copyfileobj(source, handle)
    except tarfile.TarError as error:
        raise BackupError(f"{archive.name} is not a readable backup ({error}).") from None
    if sha256_of(payload) != manifest.payload_sha256:
        raise BackupError(f"The database inside {archive.name} does not match its manifest's checksum.")
    return manifest, payload


def restore_backup(engine: Engine, archive: Path, known_revisions: set[str]) -> Manifest:
    """Restore into this (empty) database after checking the archive; the row counts are checked after."""
    kind = engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="facilitator-restore-") as work:
        manifest, payload = read_backup(archive, Path(work))
        if manifest.database != kind:
            raise BackupError(f"This backup is of a {manifest.database} database; this one is {kind}.")
        if manifest.migration_revision and manifest.migration_revision not in known_revisions:
            raise BackupError(
                f"This backup was made by a newer facilitator (migration {manifest.migration_revision}). "
                "Upgrade facilitator first, then restore."
            )
        _refuse_unless_empty(engine)
        engine.dispose()
        if kind == "sqlite":
            _restore_sqlite(payload, Path(engine.url.database))
        else:
            _restore_postgresql(payload, engine)
    engine.dispose()
    with engine.connect() as connection:
        restored = table_counts(connection)
    if restored != manifest.tables:
        wrong = sorted(name for name in manifest.tables.keys() | restored.keys() if manifest.tables.get(name) != restored.get(name))
        raise BackupError(f"The restore finished but these tables differ from the manifest: {', '.join(wrong)}.")
    return manifest


def _refuse_unless_empty(engine: Engine) -> None:
    with engine.connect() as connection:
        filled = {name: rows for name, rows in table_counts(connection).items() if rows and name != MIGRATIONS_TABLE}
    if filled:
        listed = ", ".join(f"{name} ({rows} rows)" for name, rows in sorted(filled.items()))
        raise BackupError(
            f"This database is not empty: {listed}. Nothing was changed. Restore only into an empty database: "
            "create a new one, point FACILITATOR_DATABASE_URL at it, and run the restore again."
        )


def _restore_sqlite(snapshot: Path, target: Path) -> None:
    source = sqlite3.connect(snapshot)
    destination = sqlite3.connect(target)
    try:
        destination.execute("PRAGMA journal_mode=DELETE")  # WAL refuses a page-size change mid-backup
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump: Path, engine: Engine) -> None:
    """pg_restore in one transaction; --clean drops the empty tables `flask db upgrade` may have made.
    The schema entry itself is left out, so the target's existing schema is used, never dropped."""
    pg_restore = _tool("pg_restore")
    listing = _run([pg_restore, "--list", str(dump)], engine.url).stdout
    kept = [line for line in listing.splitlines() if " SCHEMA " not in line and "COMMENT - SCHEMA" not in line]
    list_file = dump.with_suffix(".list")
    list_file.write_text("\n".join(kept) + "\n")
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--use-list={list_file}", f"--dbname={engine.url.database}", str(dump)], engine.url)  # fmt: skip


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: on Debian, apt-get install postgresql-client.")
    return found


def _run(command: list[str], url: URL) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool with the connection in libpq's variables, so no password shows in `ps`."""
    env = dict(os.environ)
    for variable, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                            ("PGPASSWORD", url.password), ("PGDATABASE", url.database),
                            ("PGOPTIONS", url.query.get("options")), ("PGSSLMODE", url.query.get("sslmode"))):  # fmt: skip
        if value:
            env[variable] = str(value)
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
    return result

