"""Where participants reach a form: the address in its QR code, poster and code page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for


def reachable_only_here(url: str) -> bool:
    """True for an address only this computer can open (a phone in the room cannot)."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def participant_base_url() -> str:
    """PUBLIC_BASE_URL when set, else the address this request came in on."""
    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def participant_url(code: str) -> str:
    """The address a form's QR code and poster lead to."""
    return participant_base_url() + url_for("reflections_public.form", code=code)
