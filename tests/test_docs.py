"""Every documented thing exists and every existing thing is documented (after Datasette)."""

import re
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
BUILT_IN = {"run", "shell", "routes", "db"}  # Flask's and Flask-Migrate's own commands


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        if not prefix and name in BUILT_IN:
            continue
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            paths += command_paths(command, path + " ")
        else:
            paths.append(path)
    return paths


def test_every_cli_command_is_in_docs_cli_md(app):
    documented = (ROOT / "docs" / "cli.md").read_text()
    commands = command_paths(app.cli)
    assert "library check" in commands
    missing = [c for c in commands if f"`flask {c}" not in documented]
    assert not missing, f"document these in docs/cli.md: {missing}"


def test_every_documented_command_exists(app):
    documented = set(re.findall(r"^\| `flask ([a-z][a-z -]*?)(?: [A-Z\[]|`)", (ROOT / "docs" / "cli.md").read_text(), re.M))
    commands = set(command_paths(app.cli)) | {"db upgrade"}
    assert documented, "docs/cli.md lists no commands"
    assert documented <= commands, f"docs/cli.md names commands that do not exist: {documented - commands}"


def test_readme_links_only_to_docs_that_exist():
    readme = (ROOT / "README.md").read_text()
    for link in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / link).exists(), f"README links to missing {link}"
