"""`flask sessions ...`: plan files from the shell (documented in docs/cli.md and docs/planner.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..library import shipped
from ..extensions import db
from ..models import User
from .exchange import ImportFailed
from .plans import import_plan

sessions_group = AppGroup("sessions", help="Import session and programme plans.")


def _owner(username: str | None) -> User:
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"There is no facilitator called {username!r}.")
        return user
    users = list(db.session.scalars(select(User).limit(2)))
    if len(users) != 1:
        raise click.ClickException("Name the facilitator who will own the plan with --user USERNAME.")
    return users[0]


@sessions_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", default=None, help="Owner of the imported plan (default: the only account).")
def import_command(file: Path, username: str | None) -> None:
    """Import a session or programme YAML file; on any problem, list them all and save nothing."""
    owner = _owner(username)
    try:
        plan = import_plan(owner.id, file.read_bytes(), str(file), shipped.library())
    except ImportFailed as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.ClickException(f"{file} was not imported; nothing was saved.") from None
    kind = "programme" if hasattr(plan, "sessions") else "session"
    click.echo(f"Imported {kind} {plan.title!r} (id {plan.id}) for {owner.username}.")
