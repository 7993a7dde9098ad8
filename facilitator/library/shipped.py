"""The shipped library for the running app: loaded from LIBRARY_PATH, reloaded when a file changes."""

from __future__ import annotations

import time
from pathlib import Path

from flask import current_app

from .files import Library, Problem
from .parse import load_library

_cache: dict[str, tuple[tuple, Library, list[Problem]]] = {}
_last_checked: dict[str, float] = {}
# Looking for edited files costs a stat of every file (~5 ms); once a second is plenty for a
# facilitator editing an exercise, and keeps it off every request.
RECHECK_SECONDS = 1.0


def _signature(root: Path) -> tuple:
    stats = ((p, p.stat()) for p in sorted(root.glob("*/*")) if p.suffix in (".md", ".yaml"))
    return tuple((str(p), stat.st_mtime_ns, stat.st_size) for p, stat in stats)


def load(root: Path | str, *, fresh: bool = False) -> tuple[Library, list[Problem]]:
    """The library at `root` with its problems, parsed again only when a file changed.

    `fresh` looks for changed files now (commands do); otherwise at most once a second.
    """
    root = Path(root)
    cached = _cache.get(str(root))
    now = time.monotonic()
    if not fresh and cached is not None and now - _last_checked.get(str(root), 0.0) < RECHECK_SECONDS:
        return cached[1], cached[2]
    _last_checked[str(root)] = now
    signature = _signature(root)
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
