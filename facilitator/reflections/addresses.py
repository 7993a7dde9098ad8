"""Where participants reach a form: the address in its QR code, poster, table card and code page.

The one place that decides it: the practice's server (PUBLIC_BASE_URL) when set; else the room
listener (room mode, facilitator/room.py) when this process runs one; else the address the
facilitator's own request came in on, which under `flask run` only this computer can open.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request, url_for

from .. import room


def reachable_only_here(url: str) -> bool:
    """True for an address only this computer can open (a phone in the room cannot)."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def participant_base_url() -> str:
    """PUBLIC_BASE_URL when set, else the room listener's address, else this request's own."""
    public = current_app.config.get("PUBLIC_BASE_URL")
    if public:
        return public.rstrip("/")
    listener = room.listening(current_app)
    if listener:
        return listener.url
    return request.host_url.rstrip("/")


def participant_url(code: str) -> str:
    """The address a form's QR code and poster lead to."""
    return participant_base_url() + url_for("reflections_public.form", code=code)


@dataclass(frozen=True)
class Reachability:
    """What the form page tells the facilitator about who can open the QR code's address."""

    url: str
    way: str  # "server" (PUBLIC_BASE_URL), "room" (room mode), "this_computer" or "request"
    only_here: bool
    room_problem: str  # why room mode is not running, when `flask start` tried and could not
    room_port: int

    @property
    def room_on(self) -> bool:
        return self.way == "room"

    @property
    def https(self) -> bool:
        return self.url.startswith("https://")

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


def reachability(url: str) -> Reachability:
    """How phones reach `url` (a participant_url), for the form page to say plainly."""
    if current_app.config.get("PUBLIC_BASE_URL"):
        way = "server"
    elif room.listening(current_app):
        way = "room"
    else:
        way = "this_computer" if reachable_only_here(url) else "request"
    return Reachability(
        url=url, way=way, only_here=reachable_only_here(url), room_problem=room.start_problem(current_app),
        room_port=int(current_app.config.get("ROOM_PORT") or 0),
    )  # fmt: skip
