"""The shipped library for the running app: loaded from LIBRARY_PATH, reloaded when a file changes."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from .library import Library, Problem, load_library

_cache: dict[str, tuple[tuple, Library, list[Problem]]] = {}


def _signature(root: Path) -> tuple:
    return tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(root.glob("*/*"))
        if p.suffix in (".md", ".yaml")
    )


def load(root: Path | str) -> tuple[Library, list[Problem]]:
    """The library at `root` with its problems, parsed again only when a file changed."""
    root = Path(root)
    signature = _signature(root)
    cached = _cache.get(str(root))
    if cached is None or cached[0] != signature:
        library, problems = load_library(root)
        cached = (signature, library, problems)
        _cache[str(root)] = cached
    return cached[1], cached[2]


def library() -> Library:
    """The app's shipped library (files with problems are left out; `flask library check` names them)."""
    return load(current_app.config["LIBRARY_PATH"])[0]


def exercise_texts(root: Path | str) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(root, "exercises").glob("*.md"))}
