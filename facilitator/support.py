"""Where participants can turn for help: printed on the last page of handouts and shown after reflections.

The practice's own list lives in the database (support_lines), edited by an admin at
/admin/support-lines and started from a country preset at first-run setup. Until an admin saves
one, SUPPORT_RESOURCES in instance/config.toml is used, and without that the general defaults
below. docs/configuration.md and docs/sharing.md say how to verify the lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import time
import weakref
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import SupportLine

FIELDS = ("name", "contact", "purpose", "checked")
LOCALISE_NOTE = (
    "These are general defaults. Replace them with services local to your group: "
    "set SUPPORT_RESOURCES in instance/config.toml (see docs/printing.md)."
)
CHECKED = "2026-11-24"


@dataclass(frozen=True)
class SupportResource:
    name: str  # who: "Samaritans (UK and Ireland)"
    contact: str  # how to reach them: "Call 116 123, free, day or night"
    purpose: str  # what for, in the participant's words
    checked: str  # when someone last checked the number works, ISO date


def default_support_resources() -> list[SupportResource]:
    """A short list that holds in most English-speaking places; always localise it."""
    return [
        SupportResource(
            "Emergency services",
            "Call 999 or 112 (UK and Ireland), 911 (US and Canada), 112 (EU), 000 (Australia)",
            "If you or someone else is in immediate danger or has been hurt.",
            CHECKED,
        ),
        SupportResource(
            "Samaritans (UK and Ireland)",
            "Call 116 123, free, day or night; email jo@samaritans.org",
            "Someone to talk to about anything that is troubling you, however big or small.",
            CHECKED,
        ),
        SupportResource(
            "988 Suicide & Crisis Lifeline (US)",
            "Call or text 988; chat at 988lifeline.org",
            "Free, confidential support in a crisis or emotional distress, 24 hours a day.",
            CHECKED,
        ),
        SupportResource(
            "Your GP or family doctor",
            "Through your surgery or practice",
            "Help with low mood, anxiety, sleep, drinking or stress, and referral to talking therapies.",
            CHECKED,
        ),
        SupportResource(
            "Relationship counselling",
            "Relate (UK): relate.org.uk; elsewhere ask your doctor or your facilitator for a local couples therapist",
            "Support for couples, and for one partner alone, when things between you feel stuck.",
            CHECKED,
        ),
    ]


def support_resources(config: Mapping | None = None) -> list[SupportResource]:
    """The practice's list: the lines an admin keeps in the app, else SUPPORT_RESOURCES, else the defaults.

    Given a `config` explicitly (the start-up check), only the configured list is read. Raises
    ValueError naming the entry and field when the configured list is malformed, so a wrong phone
    number format is caught at start-up rather than on a printed page.
    """
    if config is None:
        kept = practice_resources()
        if kept:
            return kept
    return configured_resources(current_app.config if config is None else config)


def configured_resources_or_defaults() -> list[SupportResource]:
    """What participants see when the practice keeps no lines in the app."""
    return configured_resources(current_app.config)


def configured_resources(config: Mapping) -> list[SupportResource]:
    """SUPPORT_RESOURCES from the config, or the defaults when none is set."""
    configured = config.get("SUPPORT_RESOURCES") or []
    if not configured:
        return default_support_resources()
    if not isinstance(configured, list):
        raise ValueError("SUPPORT_RESOURCES must be a list of tables ([[SUPPORT_RESOURCES]] in config.toml)")
    return [_resource_from(entry, number) for number, entry in enumerate(configured, start=1)]


def uses_default_support(config: Mapping | None = None) -> bool:
    """True while neither the practice's lines nor SUPPORT_RESOURCES replace the general defaults."""
    if config is None and has_app_context() and practice_resources():
        return False
    config = current_app.config if config is None else config
    return not config.get("SUPPORT_RESOURCES")


def _resource_from(entry: object, number: int) -> SupportResource:
    where = f"SUPPORT_RESOURCES entry {number}"
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where} must be a table with {', '.join(FIELDS)}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise ValueError(f"{where} has unknown keys {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    values = {}
    for name in FIELDS:
        value = entry.get(name, "")
        if isinstance(value, date):
            value = value.isoformat()  # TOML reads checked = 2026-11-24 as a date
        if not isinstance(value, str):
            raise ValueError(f"{where}: {name} must be text, not {value!r}")
        values[name] = value.strip()
    for name in ("name", "contact"):
        if not values[name]:
            raise ValueError(f"{where}: {name} is missing")
    return SupportResource(**values)


# --- the practice's own lines, kept in the database -----------------------------------------

STALE_AFTER = timedelta(days=365)


def practice_lines() -> list[SupportLine]:
    return list(db.session.scalars(select(SupportLine).order_by(SupportLine.position, SupportLine.id)))


CACHE_SECONDS = 30.0
# Per app (tests make many), dropped with it.
_cached_lines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def practice_resources() -> list[SupportResource]:
    """The lines an admin keeps in the app, as handouts and the thank-you page show them ([] when none).

    Every participant's form page shows them, so each worker keeps them for CACHE_SECONDS; a save
    clears this worker's copy at once, and the others' within that time.
    """
    app = current_app._get_current_object()  # noqa: SLF001  (the app itself, as the cache key)
    cached = _cached_lines.get(app)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return list(cached[1])
    try:
        lines = practice_lines()
    except SQLAlchemyError:
        # No database (`flask handouts` previews files without one) or none yet: the config's list.
        db.session.rollback()
        return []
    found = [SupportResource(line.name, line.contact, line.purpose, line.checked.isoformat()) for line in lines]
    _cached_lines[app] = (now + CACHE_SECONDS, tuple(found))
    return found


def _forget_cached_lines() -> None:
    _cached_lines.pop(current_app._get_current_object(), None)  # noqa: SLF001


def stale_lines(today: date) -> list[SupportLine]:
    """Lines nobody has checked for more than 12 months: a number that stopped working is worse than none."""
    return [line for line in practice_lines() if today - line.checked > STALE_AFTER]


class SupportLineError(ValueError):
    """A line that cannot be saved; `field` names the form field the message belongs beside."""

    def __init__(self, message: str, field: str = "name"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LineFields:
    name: str
    contact: str
    purpose: str
    checked: date
    source: str = ""


def save_line(fields: LineFields, line_id: int | None = None) -> SupportLine:
    """Add a line at the end of the list, or change the line `line_id`; LookupError when it is gone."""
    if not fields.name.strip():
        raise SupportLineError("Give the line a name participants will recognise.", "name")
    if not fields.contact.strip():
        raise SupportLineError("Say how to reach them: a number, a text code or an address.", "contact")
    if line_id is None:
        last = db.session.scalar(select(func.max(SupportLine.position)))
        line = SupportLine(position=(last or 0) + 1)
        db.session.add(line)
    else:
        line = db.session.get(SupportLine, line_id)
        if line is None:
            raise LookupError(line_id)
    line.name, line.contact, line.purpose = fields.name.strip(), fields.contact.strip(), fields.purpose.strip()
    line.checked, line.source = fields.checked, fields.source.strip()
    db.session.commit()
    _forget_cached_lines()
    return line


def mark_checked(line_id: int, today: date) -> SupportLine:
    line = db.session.get(SupportLine, line_id)
    if line is None:
        raise LookupError(line_id)
    line.checked = today
    db.session.commit()
    _forget_cached_lines()
    return line


def remove_line(line_id: int) -> SupportLine:
    line = db.session.get(SupportLine, line_id)
    if line is None:
        raise LookupError(line_id)
    db.session.delete(line)
    db.session.commit()
    _forget_cached_lines()
    return line


def apply_preset(country: str) -> list[SupportLine]:
    """Replace the practice's lines with a country's preset (in one commit, so a failure keeps the old list)."""
    from .support_presets import PRESETS

    preset = PRESETS.get(country)
    if preset is None:
        raise SupportLineError(f"There is no preset for {country!r}.", "country")
    for line in practice_lines():
        db.session.delete(line)
    lines = [
        SupportLine(position=n, name=p.name, contact=p.contact, purpose=p.purpose, checked=date.fromisoformat(p.checked), source=p.source)
        for n, p in enumerate(preset.lines, start=1)
    ]  # fmt: skip
    db.session.add_all(lines)
    db.session.commit()
    _forget_cached_lines()
    return lines
