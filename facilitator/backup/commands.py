"""`flask backup create|verify|restore`: the commands around facilitator/backup/archive.py (docs/backup.md)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .archive import BackupError, Manifest, create_backup, known_revisions, read_backup, restore_backup
from ..extensions import db


backup_group = AppGroup("backup", help="Make, check and restore backups of the database.")


def _summary(manifest: Manifest) -> str:
    return (f"{manifest.database} database of {manifest.created}, facilitator {manifest.app_version}, "
            f"migration {manifest.migration_revision or 'none'}: {manifest.total_rows} rows in {len(manifest.tables)} tables")  # fmt: skip


@backup_group.command("create")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the backup (default: instance/backups).")  # fmt: skip
@click.option("--keep", type=click.IntRange(min=1), default=None, help="Then delete all but the newest N backups there.")
def backup_create(out_dir: Path | None, keep: int | None) -> None:
    """Write a consistent snapshot of the database, its manifest and checksum."""
    out_dir = out_dir or Path(current_app.instance_path) / "backups"
    try:
        archive, manifest = create_backup(db.engine, out_dir)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {archive} ({archive.stat().st_size:,} bytes): {_summary(manifest)}.")
    if keep:
        old = sorted(out_dir.glob(f"facilitator-*-{manifest.database}.tar"))[:-keep]
        for path in old:
            path.unlink()
            path.with_name(path.name + ".sha256").unlink(missing_ok=True)
        if old:
            click.echo(f"Deleted {len(old)} older backups, kept the newest {keep}.")


@backup_group.command("verify")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_verify(archive: Path) -> None:
    """Check a backup's checksums and manifest without restoring it."""
    with tempfile.TemporaryDirectory(prefix="facilitator-verify-") as work:
        try:
            manifest, _ = read_backup(archive, Path(work))
        except BackupError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{archive.name} is intact: {_summary(manifest)}.")


@backup_group.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup_restore(archive: Path) -> None:
    """Restore a backup into this app's database, which must be empty. Stop the server first."""
    try:
        manifest = restore_backup(db.engine, archive, known_revisions(current_app.extensions["migrate"].directory))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {_summary(manifest)}; every table's row count matches. Run `flask db upgrade` next.")
