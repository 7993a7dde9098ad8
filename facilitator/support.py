"""Where participants can turn for help: printed on the last page of handouts and shown after reflections.

The defaults are widely available services; a practice replaces them with local ones through
SUPPORT_RESOURCES in instance/config.toml (a list of tables with name, contact, purpose, checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask import current_app

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
    """The practice's list from SUPPORT_RESOURCES, or the defaults when none is set.

    Raises ValueError naming the entry and field when the configured list is malformed, so a
    wrong phone number format is caught at start-up rather than on a printed page.
    """
    config = current_app.config if config is None else config
    configured = config.get("SUPPORT_RESOURCES") or []
    if not configured:
        return default_support_resources()
    if not isinstance(configured, list):
        raise ValueError("SUPPORT_RESOURCES must be a list of tables ([[SUPPORT_RESOURCES]] in config.toml)")
    return [_resource_from(entry, number) for number, entry in enumerate(configured, start=1)]


def uses_default_support(config: Mapping | None = None) -> bool:
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
