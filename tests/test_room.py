"""Room mode without a network: finding the laptop's address, the gate in front of the room
listener, what `make run` says, and what the form page tells the facilitator."""

from __future__ import annotations

import errno
import socket

import pytest
from flask import Flask
from werkzeug.routing import Rule
from werkzeug.test import Client

from facilitator import room
from facilitator.config import load_settings
from tests.reflections_helpers import form_code, make_form

# --- the default ROOM_HOST: the default route's address, found without sending anything ---------


class ProbeSocket:
    """A UDP socket that records what it is asked and fails the test if it would send a packet."""

    made: list[tuple[int, int]] = []
    connected: list[tuple] = []

    def __init__(self, family: int, kind: int, source: dict[int, str | OSError]) -> None:
        self.family, self.source = family, source
        ProbeSocket.made.append((family, kind))

    def __enter__(self) -> ProbeSocket:
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def connect(self, address: tuple) -> None:
        ProbeSocket.connected.append(address)
        found = self.source[self.family]
        if isinstance(found, OSError):
            raise found

    def getsockname(self) -> tuple:
        return (self.source[self.family], 40000)

    def send(self, *_args) -> None:
        raise AssertionError("finding the room address must not send a packet")

    sendto = sendall = send


def probing(source: dict[int, str | OSError]):
    ProbeSocket.made, ProbeSocket.connected = [], []
    return lambda family, kind: ProbeSocket(family, kind, source)


def test_room_host_defaults_to_the_address_of_the_default_routes_interface_without_sending_anything():
    found = room.detect_room_host(probing({socket.AF_INET: "192.168.1.23"}))
    assert found == "192.168.1.23"
    assert ProbeSocket.made == [(socket.AF_INET, socket.SOCK_DGRAM)]  # UDP: connect() only picks a route
    # The probe goes to a documentation address (RFC 5737), so only the default route matches it.
    assert ProbeSocket.connected == [("192.0.2.1", 9)]


def test_a_laptop_on_no_network_has_no_room_address():
    unreachable = OSError(errno.ENETUNREACH, "Network is unreachable")
    assert room.detect_room_host(probing({socket.AF_INET: unreachable, socket.AF_INET6: unreachable})) is None


def test_an_ipv6_only_network_gives_its_address_in_brackets():
    unreachable = OSError(errno.ENETUNREACH, "Network is unreachable")
    found = room.detect_room_host(probing({socket.AF_INET: unreachable, socket.AF_INET6: "2001:db8:5::17"}))
    assert found == "2001:db8:5::17"
    assert room.base_url(found, 5001) == "http://[2001:db8:5::17]:5001"


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0", "169.254.10.2", "fe80::1%wlan0", "::1", "", "not an address"])
def test_addresses_phones_could_not_use_are_never_the_room_address(address):
    assert room.detect_room_host(probing({socket.AF_INET: address, socket.AF_INET6: address})) is None


def test_the_room_address_reads_as_a_phone_types_it():
    assert room.base_url("192.168.1.23", 5001) == "http://192.168.1.23:5001"
    assert room.base_url("10.42.0.1", 80) == "http://10.42.0.1"


def test_room_settings_come_from_the_environment(tmp_path):
    settings = load_settings(tmp_path, environ={})
    assert settings["ROOM_HOST"] == "" and settings["ROOM_PORT"] == 5001
    settings = load_settings(tmp_path, environ={"FACILITATOR_ROOM_HOST": "10.42.0.1", "FACILITATOR_ROOM_PORT": "8080"})
    assert settings["ROOM_HOST"] == "10.42.0.1" and settings["ROOM_PORT"] == 8080


# --- the gate: the room listener's app, driven without a socket ------------------------------

GATE_PAGE = b"<title>Nothing here</title>"


def sample_path(app: Flask, rule: Rule) -> str:
    """A concrete URL for any rule: numbers for ids, a word for names."""
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        values[name] = 1 if kind in ("IntegerConverter", "FloatConverter") else "KM47RX" if name == "code" else "x"
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, force_external=False)


def facilitator_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if not room.allowed_endpoint(rule.endpoint, {"filename": ""})]


def test_the_gate_answers_404_to_every_facilitator_route_and_its_own_page_names_no_facilitator_thing(app, user):
    gate = Client(room.ParticipantsOnly(app))
    rules = facilitator_rules(app)
    assert len(rules) > 40 and any(rule.endpoint == "home" for rule in rules)
    for rule in rules:
        path = sample_path(app, rule)
        for method in sorted(rule.methods - {"OPTIONS"}):
            response = gate.open(path, method=method)
            assert response.status_code == 404, f"{method} {path} ({rule.endpoint}) answered {response.status_code}"
            assert GATE_PAGE in response.data or method == "HEAD"  # the gate's page: the app never ran
            assert b"Sign in" not in response.data and "Set-Cookie" not in response.headers


def test_the_gate_lets_through_the_participant_pages_their_stylesheet_and_icon_only(app):
    gate = Client(room.ParticipantsOnly(app))

    def status(path: str) -> int:
        with gate.get(path) as response:  # closes the static file it streams
            return response.status_code

    assert status("/join") == 200
    missing = gate.get("/r/KM47RX")  # the participant's own page for a code that names no form
    assert missing.status_code == 404 and GATE_PAGE not in missing.data
    assert status("/static/css/public.css") == 200 and status("/static/favicon.svg") == 200
    for path in ("/static/css/app.css", "/static/js/planner.js", "/static/css/../js/wall.js", "/static/%2e%2e/room.py"):
        assert status(path) == 404, path


def test_the_second_lock_refuses_a_marked_request_the_app_routes_to_a_facilitator_page(app, user):
    """Even if the gate were fooled, a room request the app dispatches elsewhere stops at 404."""
    room.request_started.connect(room.refuse_outside_the_room, weak=False)
    plain = app.test_client()
    assert plain.get("/reflections/", environ_overrides={room.ROOM_MARK: True}).status_code == 404
    assert plain.get("/setup", environ_overrides={room.ROOM_MARK: True}).status_code == 404
    assert plain.get("/join", environ_overrides={room.ROOM_MARK: True}).status_code == 200
    assert plain.get("/reflections/").status_code in (200, 302)  # unmarked: the facilitator listener's business


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "127.0.0.1:5000"},
        {"Host": "localhost"},
        {"X-Forwarded-Host": "127.0.0.1:5000", "X-Forwarded-Prefix": "/reflections", "X-Forwarded-For": "127.0.0.1"},
        {"X-Original-URL": "/reflections/", "X-Rewrite-URL": "/reflections/"},
        {"Forwarded": "for=127.0.0.1;host=127.0.0.1:5000;proto=https"},
    ],
)
def test_no_header_turns_a_room_request_into_a_facilitator_one(app, user, headers):
    gate, plain = Client(room.ParticipantsOnly(app)), app.test_client()
    for path in ("/", "/reflections/", "/%72eflections/", "/login", "/account", "/admin/facilitators"):
        assert plain.get(path).status_code != 404, path  # a real facilitator page on 127.0.0.1
        assert gate.get(path, headers=headers).status_code == 404, (path, headers)
    assert gate.get("/join", headers=headers).status_code == 200


# --- what `make run` says --------------------------------------------------------------------


def test_make_run_names_the_address_phones_will_use_in_one_line(app):
    app.extensions[room.EXTENSION] = room.RoomListener("192.168.1.23", 5001)
    line = room.phones_line(app, room.RoomStart())
    assert "\n" not in line and "http://192.168.1.23:5001/join" in line and "no https" in line


def test_make_run_says_why_phones_cannot_reach_the_laptop(app, monkeypatch):
    monkeypatch.setattr(room, "detect_room_host", lambda: None)
    started = room.start_room_if_possible(app)
    assert started.listener is None and room.listening(app) is None
    line = room.phones_line(app, started)
    assert "\n" not in line and "on no network" in line and "FACILITATOR_ROOM_HOST" in line
    assert room.start_problem(app) == "this computer is on no network"


def test_with_a_practice_server_make_run_starts_no_room_listener(app):
    app.config["PUBLIC_BASE_URL"] = "https://groups.example.org/"
    started = room.start_room_if_possible(app)
    assert started.listener is None and room.listening(app) is None
    assert room.phones_line(app, started) == "Phones: https://groups.example.org/join (PUBLIC_BASE_URL)."


# --- the form page tells the truth -----------------------------------------------------------


def test_form_page_in_room_mode_shows_the_room_address_and_says_the_wifi_is_not_encrypted(app, signed_in, user):
    form_id = make_form(app, user.id)
    app.extensions[room.EXTENSION] = room.RoomListener("192.168.1.23", 5001)
    page = signed_in.get(f"/reflections/{form_id}").text
    assert f"http://192.168.1.23:5001/r/{form_code(app, form_id)}" in page
    assert "Yes, phones on the same Wi-Fi as this laptop can" in page and "room mode is on" in page
    assert "without encryption (http, not https)" in page and "could read them" in page
    assert "print the poster once this laptop is on the room’s Wi-Fi" in page
    assert "http://127.0.0.1" not in page and "phones in the room cannot open it" not in page


def test_form_page_without_room_mode_says_phones_cannot_open_it_and_why(app, signed_in, user):
    """`flask run` alone: no room listener, so the QR code holds an address only this computer opens."""
    form_id = make_form(app, user.id)
    page = signed_in.get(f"/reflections/{form_id}").text  # http://localhost: this computer only
    assert "phones in the room cannot open it" in page and "only this computer can open" in page
    assert "Room mode is off" in page and "flask run" in page and "Do not print the poster yet" in page
    for way in ("Same Wi-Fi", "Your practice’s server", "A phone’s hotspot"):
        assert way in page
    app.extensions[room.PROBLEM] = "this computer is on no network"
    assert "Room mode could not start: this computer is on no network." in signed_in.get(f"/reflections/{form_id}").text


def test_form_page_on_a_practice_server_names_it_and_keeps_jargon_for_the_it_line(app, signed_in, user):
    form_id = make_form(app, user.id)
    app.config["PUBLIC_BASE_URL"] = "https://groups.example.org"
    page = signed_in.get(f"/reflections/{form_id}").text
    assert "Yes, from any phone with internet" in page and "https://groups.example.org/r/" in page
    status = page.split('class="reach-status"', 1)[1].split("</p>", 1)[0]
    assert "PUBLIC_BASE_URL" not in status and "without encryption" not in status
    assert "Details for your IT person" in page


def test_the_setup_page_shows_the_allowed_username_characters_before_any_rejection(client):
    page = client.get("/setup").text
    assert "Letters, digits, dots (.), hyphens (-), underscores (_) or @; no spaces." in page
