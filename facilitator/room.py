"""Room mode: phones on the room's Wi-Fi reach the participant pages on this laptop.

`make run` runs `flask start`: the facilitator's pages on 127.0.0.1 (this computer only) and, when
no PUBLIC_BASE_URL is set, a second listener on ROOM_HOST:ROOM_PORT that answers the participant
pages (/r/..., /join, their stylesheet and the icon) and 404 to everything else, whoever asks.

Two locks, so no request can reach a facilitator page through the room listener:
`ParticipantsOnly` routes each request with the app's own URL map before the app sees it and
answers 404 itself unless the route is a participant one; and `refuse_outside_the_room` checks
the route the app really dispatched, for requests the gate has marked, before any hook or view.
Host headers, absolute request lines and forwarded headers change neither decision: routing here
depends on the path alone, and the gate deletes every forwarded header first.

Both listeners are waitress: a multi-threaded server that reads each request in full before a
thread handles it, so a phone on weak Wi-Fi never holds a thread (gunicorn's sync workers need
nginx in front for that), and it runs in-process beside the facilitator listener on any OS.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import click
from flask import Flask, abort, current_app, request
from flask.cli import with_appcontext
from flask.signals import request_started
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from werkzeug.exceptions import HTTPException

# The only blueprint the room may reach, and the only static files its pages link to.
ROOM_BLUEPRINTS = ("reflections_public",)
ROOM_STATIC_FILES = ("css/public.css", "favicon.svg")
# Set by the gate on every request it lets through; a client cannot set WSGI environ keys.
ROOM_MARK = "facilitator.room_listener"
EXTENSION = "facilitator.room"
PROBLEM = "facilitator.room_problem"
FACILITATOR_HOST = "127.0.0.1"
# Addresses in the documentation ranges (RFC 5737, RFC 3849): no route exists to them but the
# default one, so connecting a UDP socket there picks the default route's interface address.
# connect() on a UDP socket sends nothing: it only asks the kernel for a route.
ROUTE_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))

NOT_HERE_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nothing here</title><link rel="stylesheet" href="/static/css/public.css"></head>
<body><main id="main"><h1>Nothing here</h1>
<p>To answer a reflection, scan the code on the poster, or type the code from the poster here:</p>
<p><a href="/join" class="button-link">Type the code</a></p></main></body></html>
"""
NOT_HERE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(NOT_HERE_PAGE))),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'"),
    ("Referrer-Policy", "same-origin"),
]


def detect_room_host(make_socket: Callable[..., Any] = socket.socket) -> str | None:
    """The address of the interface that carries the default route, or None when there is none.

    Asks the kernel which source address it would use for a far-away destination; no packet is sent.
    """
    for family, probe in ROUTE_PROBES:
        try:
            with make_socket(family, socket.SOCK_DGRAM) as probe_socket:
                probe_socket.connect((probe, 9))
                address = probe_socket.getsockname()[0]
        except OSError:
            continue
        if usable_room_host(address):
            return address
    return None


def usable_room_host(address: str) -> bool:
    """A concrete address phones could be sent to: not empty, not a wildcard, not this machine alone."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not (parsed.is_unspecified or parsed.is_loopback or parsed.is_link_local)


def base_url(host: str, port: int) -> str:
    """http://host:port as a phone types it: IPv6 in brackets, no :80."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}" if port == 80 else f"http://{shown}:{port}"


def is_room_path(app: Flask, environ: dict) -> bool:
    """True when the app would route this request to a participant page or the room's static files."""
    try:
        adapter = app.create_url_adapter(app.request_class(environ))
        rule, values = adapter.match(return_rule=True)  # type: ignore[union-attr]
    except HTTPException:  # not found, wrong method, or a redirect (to a path we would judge anew)
        return False
    return allowed_endpoint(rule.endpoint, values)


def allowed_endpoint(endpoint: str | None, values: dict | None) -> bool:
    if endpoint == "static":
        return (values or {}).get("filename") in ROOM_STATIC_FILES
    return bool(endpoint) and endpoint.rpartition(".")[0] in ROOM_BLUEPRINTS


class ParticipantsOnly:
    """WSGI gate for the room listener: participant pages pass, everything else is a 404 page."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        # Phones talk to this listener directly: any forwarded header is a client's invention.
        for key in [k for k in environ if k.startswith(("HTTP_X_FORWARDED", "HTTP_FORWARDED", "HTTP_X_REAL"))]:
            del environ[key]
        if not is_room_path(self.app, environ):
            start_response("404 Not Found", list(NOT_HERE_HEADERS))
            return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [NOT_HERE_PAGE]
        environ[ROOM_MARK] = True
        return self.app(environ, start_response)


def refuse_outside_the_room(sender: Flask, **_extra: Any) -> None:
    """Second lock: a request from the room listener that the app routed anywhere but a
    participant page stops here, before the app's hooks and views run."""
    if request.environ.get(ROOM_MARK) and not allowed_endpoint(request.endpoint, request.view_args):
        abort(404)


@dataclass(frozen=True)
class RoomListener:
    """The running room listener: where phones reach it."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return base_url(self.host, self.port)


def listening(app: Flask) -> RoomListener | None:
    """The room listener serving this app in this process, if any (`flask run` alone has none)."""
    return app.extensions.get(EXTENSION)


def start_problem(app: Flask) -> str:
    """Why `flask start` could not start the room listener ("" when it did, or never tried)."""
    return app.extensions.get(PROBLEM, "")


class Listener:
    """A waitress server in a background thread, stopped by `stop()`."""

    def __init__(self, server: BaseWSGIServer | MultiSocketServer) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.run, name="waitress", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        return str(self.server.effective_host), int(self.server.effective_port)

    def start(self) -> Listener:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.task_dispatcher.shutdown(timeout=5)
        for channel in list(self.server._map.values()):
            channel.close()
        self.thread.join(timeout=5)


def make_server(wsgi_app: Callable, host: str, port: int) -> BaseWSGIServer:
    server = create_server(
        wsgi_app, host=host, port=port, threads=8, ident="facilitator", clear_untrusted_proxy_headers=True,
        channel_timeout=60, expose_tracebacks=False,
    )  # fmt: skip
    assert isinstance(server, BaseWSGIServer)
    return server


def start_room_listener(app: Flask, host: str, port: int) -> Listener:
    """Serve the participant pages on host:port and make the QR codes point there."""
    request_started.connect(refuse_outside_the_room, weak=False)  # once per process; it checks the mark
    listener = Listener(make_server(ParticipantsOnly(app), host, port))
    bound_host, bound_port = listener.address
    app.extensions[EXTENSION] = RoomListener(bound_host, bound_port)
    return listener.start()


def stop_room_listener(app: Flask, listener: Listener) -> None:
    app.extensions.pop(EXTENSION, None)
    listener.stop()


def room_host(app: Flask) -> str | None:
    """ROOM_HOST when set, else the default route's address, detected now."""
    return app.config.get("ROOM_HOST") or detect_room_host()


@click.command("start")
@click.option("--port", default=5000, show_default=True, help="Port for your pages on this computer.")
@with_appcontext
def start_command(port: int) -> None:
    """Serve on this computer: your pages on 127.0.0.1, the participants' on the room's Wi-Fi (make run)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        server = make_server(app, FACILITATOR_HOST, port)
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {base_url(FACILITATOR_HOST, port)} ({error.strerror or error}). Is facilitator "
            "already running? Open that address, or stop the other one first."
        ) from None
    click.echo(phones_line(app, start_room_if_possible(app)))
    click.echo(f"Open {base_url(FACILITATOR_HOST, port)} in your browser (only this computer can). Ctrl+C stops.")
    try:
        server.run()
    finally:
        server.task_dispatcher.shutdown(timeout=5)


@dataclass(frozen=True)
class RoomStart:
    """What became of room mode at start: running, not wanted, or not possible and why."""

    listener: Listener | None = None
    problem: str = ""


def start_room_if_possible(app: Flask) -> RoomStart:
    """Room mode unless PUBLIC_BASE_URL is set; a failure is kept for the form page to explain."""
    if app.config.get("PUBLIC_BASE_URL"):
        return RoomStart()
    host = room_host(app)
    port = int(app.config["ROOM_PORT"])
    if not host:
        started = RoomStart(problem="this computer is on no network")
    else:
        try:
            started = RoomStart(start_room_listener(app, host, port))
        except OSError as error:
            started = RoomStart(problem=f"it could not listen on {base_url(host, port)} ({error.strerror or error})")
    if started.problem:
        app.extensions[PROBLEM] = started.problem
    return started


def phones_line(app: Flask, started: RoomStart) -> str:
    """The one line `make run` prints about the address phones will use."""
    if app.config.get("PUBLIC_BASE_URL"):
        return f"Phones: {app.config['PUBLIC_BASE_URL'].rstrip('/')}/join (PUBLIC_BASE_URL)."
    room = listening(app)
    if room:
        return f"Phones on this Wi-Fi: {room.url}/join (the poster's QR code leads there; plain http, no https)."
    return (
        f"Phones cannot reach this computer: {started.problem}. Join the room's Wi-Fi or a phone's hotspot and "
        "start again, or set FACILITATOR_ROOM_HOST / FACILITATOR_ROOM_PORT (docs/configuration.md)."
    )
