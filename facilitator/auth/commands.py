"""`flask create-user`: an account from the shell (documented in docs/cli.md)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from . import service as accounts


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
