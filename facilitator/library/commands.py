"""`flask library ...`: check the library files and load them into the database (docs/cli.md)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from . import shipped
from .parse import load_library
from .service import sync_library

library_group = AppGroup("library", help="Check and load the exercise library in session_plans/.")


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
