"""Settings: defaults, then instance/config.toml, then FACILITATOR_* environment variables."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Every setting, its default and what it is for; docs/configuration.md lists the same names
# and tests/test_config.py checks that the two agree.
DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": "",  # empty: sqlite:///<instance>/facilitator.sqlite3
    "REDIS_URL": "",  # empty: in-memory rate limits, one process only
    "LIBRARY_PATH": str(PROJECT_ROOT / "session_plans"),
    "PRACTICE_NAME": "",
    "PUBLIC_BASE_URL": "",  # e.g. https://groups.example.org; empty: room mode under `make run` (room.py)
    "ROOM_HOST": "",  # room mode's address for phones; empty: the default route's address, found at start
    "ROOM_PORT": 5001,  # room mode's port for phones (participant pages only)
    "PAPER_SIZE": "A4",  # default for new facilitators: A4 or Letter
    "MIN_RESPONSES": 3,  # results hidden below this count (never below 3)
    "PROXY_FIX_HOPS": 0,  # number of trusted reverse proxies in front of the app
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "PDF_CACHE_DIR": "",  # empty: <instance>/pdf-cache
    "PRINT_WORKERS": -1,  # processes rendering PDFs in the background; -1: one per core (0 under TESTING); 0: in the request
    "SUBMIT_RATE_LIMIT": "300 per minute",  # per form and address: a whole room may share one Wi-Fi
    # Fresh form pages (one-time tokens) per form and address: 300 phones on one venue Wi-Fi joining
    # over 40 s pass, 200 tokens in 2 s never do (docs/privacy.md, "Throttles").
    "FORM_RATE_LIMIT": "90 per 10 seconds; 1200 per 10 minutes",
    "CODE_GUESS_RATE_LIMIT": "60 per minute; 300 per hour",  # wrong codes per address, at /join or /r/CODE
    "LOGIN_RATE_LIMIT": "10 per minute",
    "SUPPORT_RESOURCES": [],  # empty: the documented defaults in facilitator/support.py
    "SQLITE_BUSY_TIMEOUT_MS": 10000,
    "DATABASE_POOL_SIZE": 2,  # PostgreSQL connections kept per worker (docs/deploy.md has the sum)
    "DATABASE_MAX_OVERFLOW": 1,  # extra connections a worker may open for a moment
    "DATABASE_PING_AFTER_IDLE_SECONDS": 10,  # a PostgreSQL connection idle this long is checked before use
}
INTEGER_SETTINGS = {name for name, value in DEFAULTS.items() if isinstance(value, int)}


# Below three, a facilitator who knows two of the people who answered can work out the third.
MIN_RESPONSES_FLOOR = 3


def min_responses(configured: object) -> int:
    """k, the fewest people whose answers are shown together: the setting, never below the floor."""
    return max(MIN_RESPONSES_FLOOR, int(configured))


def load_settings(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Merge defaults, the optional config.toml and FACILITATOR_* variables, later ones winning."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    toml_path = instance_path / "config.toml"
    if toml_path.exists():
        with toml_path.open("rb") as handle:
            from_file = tomllib.load(handle)
        unknown = sorted(set(from_file) - set(DEFAULTS) - {"SECRET_KEY"})
        if unknown:
            raise ValueError(f"{toml_path}: unknown settings {', '.join(unknown)}; see docs/configuration.md")
        settings.update(from_file)
    for name in [*DEFAULTS, "SECRET_KEY"]:
        value = environ.get(f"FACILITATOR_{name}")
        if value is None:
            continue
        if name in INTEGER_SETTINGS:
            try:
                settings[name] = int(value)
            except ValueError:
                raise ValueError(f"FACILITATOR_{name} must be a whole number, not {value!r}") from None
        elif name == "SUPPORT_RESOURCES":
            raise ValueError("SUPPORT_RESOURCES is a list: set it in instance/config.toml")
        else:
            settings[name] = value
    settings["MIN_RESPONSES"] = min_responses(settings["MIN_RESPONSES"])
    if settings["PAPER_SIZE"] not in ("A4", "Letter"):
        raise ValueError(f"PAPER_SIZE must be A4 or Letter, not {settings['PAPER_SIZE']!r}")
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{instance_path / 'facilitator.sqlite3'}"
    if not settings["PDF_CACHE_DIR"]:
        settings["PDF_CACHE_DIR"] = str(instance_path / "pdf-cache")
    return settings


def engine_options(database_uri: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Pool sizes for PostgreSQL (workers x (pool + overflow) must fit max_connections); SQLite needs none."""
    if not database_uri.startswith("postgresql"):
        return {}
    return {
        "pool_size": int(settings["DATABASE_POOL_SIZE"]),
        "max_overflow": int(settings["DATABASE_MAX_OVERFLOW"]),
        "pool_recycle": 1800,
    }


def instance_secret_key(instance_path: Path) -> str:
    """Read the secret key kept in the instance folder, writing a new one on first run."""
    key_path = instance_path / "secret_key"
    if key_path.exists():
        return key_path.read_text().strip()
    key = secrets.token_hex(32)
    # Create with owner-only permissions; O_EXCL makes a racing second worker read, not overwrite.
    try:
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
