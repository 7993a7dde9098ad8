"""Flask commands: accounts and the library. Every command here appears in docs/cli.md."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import shipped
from .auth import service as accounts
from .exercises.service import sync_library
from .library import load_library

library_group = AppGroup("library", help="Check and load the exercise library in session_plans/.")


@click.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", default="", help="The name shown in the app.")
@click.option("--practice", "practice_name", default="", help="Printed as the author of handouts.")
@click.option("--admin/--no-admin", default=None, help="May add and disable facilitators (default: admin when first).")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(username: str, display_name: str, practice_name: str, admin: bool | None, password: str) -> None:
    """Create a facilitator account from the shell."""
    is_admin = (not accounts.any_user_exists()) if admin is None else admin
    try:
        user = accounts.create_user(
            username, password, display_name=display_name, practice_name=practice_name, is_admin=is_admin
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {'admin ' if user.is_admin else ''}account {user.username!r}.")


@library_group.command("check")
@click.option("--path", default=None, help="Library folder (default: LIBRARY_PATH).")
def library_check(path: str | None) -> None:
    """Validate every library file; exit 1 naming file, field and problem for each fault."""
    root = path or current_app.config["LIBRARY_PATH"]
    library, problems = load_library(root)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(
        f"{len(library.exercises)} exercises, {len(library.handouts)} handouts, "
        f"{len(library.question_sets)} question sets, {len(library.templates)} templates: "
        + (f"{len(problems)} problems" if problems else "all valid")
    )
    if problems:
        sys.exit(1)


@library_group.command("sync")
def library_sync() -> None:
    """Load the shipped exercises into the database; safe to run again and again."""
    root = current_app.config["LIBRARY_PATH"]
    library, problems = shipped.load(root, fresh=True)
    for problem in problems:
        click.echo(f"skipped: {problem}", err=True)
    report = sync_library(library, shipped.exercise_texts(root))
    click.echo(f"Library synced: {report}.")


def register(app: Flask) -> None:
    from .backup_commands import backup_group
    from .planner.cli import sessions_group
    from .printing.commands import handouts_group

    app.cli.add_command(create_user_command)
    app.cli.add_command(library_group)
    app.cli.add_command(backup_group)
    app.cli.add_command(handouts_group)
    app.cli.add_command(sessions_group)
