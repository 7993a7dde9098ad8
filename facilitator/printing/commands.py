"""`flask printing ...`: print from the shell, without a database session."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..library import shipped
from .engine import PAPER_SIZES
from ..library.files import LibraryError
from ..library.parse import parse_exercise
from . import documents
from .data import exercise_data

printing_group = AppGroup("printing", help="Render handouts to PDF from library files.")

paper_option = click.option(
    "--paper", type=click.Choice(PAPER_SIZES), default=None, help="Paper size (default: PAPER_SIZE)."
)
large_option = click.option("--large-print", is_flag=True, help="Body text at 16.5 pt.")
output_option = click.option(
    "-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the PDF.",
)  # fmt: skip


def _options(paper: str | None, large_print: bool):  # noqa: ANN202
    return documents.print_options(paper or current_app.config["PAPER_SIZE"], large_print)


def _write(output: Path, pdf: bytes) -> None:
    output.write_bytes(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KB).")


@printing_group.command("pack")
@click.option("--template", "slug", required=True, help="Slug of a template in session_plans/templates/.")
@output_option
@paper_option
@large_option
def pack_command(slug: str, output: Path, paper: str | None, large_print: bool) -> None:
    """Render a shipped template's session or programme pack."""
    library = shipped.library()
    template = library.templates.get(slug)
    if template is None:
        known = ", ".join(sorted(library.templates)) or "none"
        raise click.ClickException(f"no template {slug!r}; known templates: {known}")
    _write(output, documents.template_pack_pdf(template, library, _options(paper, large_print)))


@printing_group.command("exercise")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@output_option
@paper_option
@large_option
def exercise_command(path: Path, output: Path, paper: str | None, large_print: bool) -> None:
    """Preview one exercise file as its printed worksheet while you write it."""
    try:
        exercise = parse_exercise(path.read_text(encoding="utf-8"), path, path.stem)
    except LibraryError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{path} has {len(error.problems)} problem(s); fix them to preview it") from None
    _write(output, documents.worksheet_pdf(exercise_data(exercise), _options(paper, large_print)))

