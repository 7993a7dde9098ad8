"""Room mode for real: the room listener bound to a loopback alias (127.0.0.2) stands in for the
laptop's Wi-Fi address. No test traffic goes to a real network address."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator import room
from facilitator.reflections import service
from tests.conftest import sign_in
from tests.reflections_helpers import form_code, make_set_form
from tests.test_room import facilitator_rules, sample_path

ROOM_HOST = "127.0.0.2"  # all of 127.0.0.0/8 is this machine: a second address, as a laptop's Wi-Fi one
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture
def room_listener(app) -> Iterator[room.RoomListener]:
    listener = room.start_room_listener(app, ROOM_HOST, 0)
    yield room.listening(app)
    room.stop_room_listener(app, listener)


def ask(listener: room.RoomListener, method: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(listener.host, listener.port, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def raw_request(listener: room.RoomListener, request_bytes: bytes) -> bytes:
    """A request line and headers exactly as written, for tricks http.client would tidy away."""
    with socket.create_connection((listener.host, listener.port), timeout=10) as conn:
        conn.sendall(request_bytes)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def test_every_facilitator_route_asked_on_the_room_listener_answers_404(app, client, user, room_listener):
    """Every route in the URL map, every method, even with a signed-in facilitator's cookie."""
    sign_in(client, user)
    cookie = client.get_cookie("session")
    headers = {"Cookie": f"session={cookie.value}"} if cookie else {}
    checked = 0
    for rule in facilitator_rules(app):
        path = sample_path(app, rule)
        for method in sorted(rule.methods - {"OPTIONS"}):
            response = ask(room_listener, method, path, headers)
            assert response.status == 404, f"{method} {path} ({rule.endpoint}) answered {response.status}"
            assert response.getheader("Set-Cookie") is None
            checked += 1
    assert checked > 60
    assert ask(room_listener, "GET", "/join").status == 200
    assert ask(room_listener, "GET", "/static/css/public.css").status == 200


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET http://127.0.0.1:5000/reflections/ HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nConnection: close\r\n\r\n",
        b"GET /reflections/ HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nConnection: close\r\n\r\n",
        b"GET /reflections/ HTTP/1.0\r\n\r\n",
        b"GET //reflections/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /join/../reflections/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /r/../login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /%72eflections/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /join HTTP/1.1\r\nHost: x\r\nX-Original-URL: /reflections/\r\nX-Forwarded-Prefix: /admin\r\n\r\n"
        b"GET /reflections/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",  # a second request on the same connection
        b"GET /static/js/wall.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    ],
)
def test_no_request_line_or_header_trick_reaches_a_facilitator_page(app, user, room_listener, request_bytes):
    answer = raw_request(room_listener, request_bytes)
    statuses = re.findall(rb"HTTP/1\.[01] (\d{3}) ", answer)
    assert statuses and statuses[-1] == b"404", answer[-600:]
    assert b"Sign in" not in answer and b"Reflections</a>" not in answer


@pytest.mark.pdf
def test_the_poster_and_table_card_lead_phones_to_the_room_address(app, client, user, synced, room_listener, tmp_path):
    form_id = make_set_form(app, user.id, "closing-weekly")
    code = form_code(app, form_id)
    sign_in(client, user)
    page = client.get(f"/reflections/{form_id}").text
    assert f"{room_listener.url}/r/{code}" in page and "room mode is on" in page
    poster = client.get(f"/reflections/{form_id}/poster.pdf")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    (tmp_path / "poster.pdf").write_bytes(poster.data)
    from tests.test_reflections_browser import decode_qr

    assert decode_qr(tmp_path / "poster.pdf", tmp_path) == [f"http://{ROOM_HOST}:{room_listener.port}/r/{code}"]
    card = client.get(f"/reflections/{form_id}/poster.pdf?variant=card")
    (tmp_path / "card").mkdir()
    (tmp_path / "card" / "card.pdf").write_bytes(card.data)
    assert f"{room_listener.url}/r/{code}" in decode_qr(tmp_path / "card" / "card.pdf", tmp_path / "card")


@pytest.mark.pdf
@pytest.mark.browser
def test_a_phone_scans_the_poster_on_the_room_wifi_and_sends_its_answers(app, client, user, synced, room_listener, phone, tmp_path):
    from tests.test_reflections_browser import decode_qr

    form_id = make_set_form(app, user.id, "closing-weekly")
    sign_in(client, user)
    (tmp_path / "poster.pdf").write_bytes(client.get(f"/reflections/{form_id}/poster.pdf").data)
    [url] = decode_qr(tmp_path / "poster.pdf", tmp_path)
    assert url.startswith(f"http://{ROOM_HOST}:")
    phone.goto(url)
    phone.get_by_text("Before you start:").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("group", name="How settled do you feel right now?").get_by_role("radio", name="4").tap()
    phone.get_by_label("Is there anything from tonight").fill("Being heard helped.")
    phone.get_by_role("button", name="Send my answers").tap()
    phone.get_by_role("heading", name="Thank you").wait_for()
    assert phone.url.startswith(f"http://{ROOM_HOST}:")
    with app.app_context():
        assert service.response_counts([form_id]).get(form_id) == 1
    # The same phone cannot wander into the facilitator's pages on the room address.
    assert phone.goto(f"http://{ROOM_HOST}:{room_listener.port}/reflections/{form_id}").status == 404


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_make_runs_command_binds_facilitator_pages_to_127_0_0_1_only_and_the_room_to_its_address(tmp_path):
    """`flask start` as `make run` runs it: one line for phones, then the address to open."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACILITATOR_")}
    room_port, own_port = free_port(ROOM_HOST), free_port("127.0.0.1")
    env.update(
        FACILITATOR_INSTANCE_PATH=str(tmp_path / "instance"), FACILITATOR_ROOM_HOST=ROOM_HOST,
        FACILITATOR_ROOM_PORT=str(room_port), FACILITATOR_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )  # fmt: skip
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    server = subprocess.Popen(
        [*flask, "start", "--port", str(own_port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        lines = [server.stdout.readline().strip() for _ in range(2)]
        assert lines[0] == f"Phones on this Wi-Fi: http://{ROOM_HOST}:{room_port}/join (the poster's QR code leads there; plain http, no https)."
        assert lines[1].startswith(f"Open http://127.0.0.1:{own_port} in your browser")
        deadline = time.monotonic() + 10
        while refused("127.0.0.1", own_port) and time.monotonic() < deadline:
            time.sleep(0.1)
        listener = room.RoomListener(ROOM_HOST, room_port)
        assert ask(listener, "GET", "/join").status == 200
        assert ask(listener, "GET", "/").status == 404
        assert ask(room.RoomListener("127.0.0.1", own_port), "GET", "/").status == 302  # the facilitator's side
        assert refused(ROOM_HOST, own_port), "facilitator pages must not listen on the room address"
        assert refused("127.0.0.1", room_port), "the room listener binds its own address only"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
