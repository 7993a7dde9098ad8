"""Crash safety: SIGKILL a gunicorn worker in the middle of a burst of participant submissions.

Every submission that got the thank-you redirect must be in the database exactly once; a
submission cut off by the kill may or may not be stored, but never twice, even when the
participant presses Send again with the same page (the same one-time token).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from facilitator import create_app
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.models import User
from facilitator.reflections import service
from facilitator.reflections.models import ReflectionAnswer, ReflectionResponse
from tests.reflections_helpers import token_from
from tests.test_serving import http, start_gunicorn, stop_gunicorn

SUBMISSIONS = 150
CLIENTS = 6
# The participants whose send sets off a kill: every worker, a few milliseconds into that send,
# when it and the other clients' requests are in flight.
KILL_DURING = tuple(SUBMISSIONS * step // 5 for step in range(1, 5))


def worker_pids(master_pid: int) -> set[int]:
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == master_pid:
            pids.add(int(stat.parent.name))
    return pids


def prepare_database(instance: Path, url: str, monkeypatch) -> tuple[str, int]:
    """The tables (as `flask db upgrade` would make them) and one open form with a text question."""
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(instance))
    app = create_app({"SECRET_KEY": "crash-test", "DATABASE_URL": url})
    with app.app_context():
        db.create_all()
        owner = User(username="anna", password_hash="x")
        db.session.add(owner)
        db.session.commit()
        form = service.create_form(owner.id, "Closing round")
        question = service.add_question(form, service.QuestionFields("short", "One thing you noticed?"))
        service.open_now(form, utcnow())
        code, question_id = form.code, question.id
        db.engine.dispose()
    return code, question_id


def send(base: str, path: str, form: dict | None = None):
    """(status, location, body), or None when the connection died with the worker."""
    try:
        status, headers, body = http(base, "POST" if form is not None else "GET", path, form, timeout=30)
    except (OSError, HTTPException):
        return None
    return status, headers.get("Location", ""), body


@pytest.mark.slow
def test_killing_a_worker_mid_burst_loses_no_confirmed_submission_and_stores_none_twice(tmp_path, monkeypatch):
    database = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{database}"
    code, question_id = prepare_database(tmp_path / "instance", url, monkeypatch)
    env = {"FACILITATOR_DATABASE_URL": url, "FACILITATOR_SECRET_KEY": "crash-test",
           "FACILITATOR_SUBMIT_RATE_LIMIT": "100000 per minute"}  # fmt: skip
    process, base = start_gunicorn(tmp_path / "instance", 2, tmp_path / "gunicorn.log", env, migrate=False)
    killed: list[int] = []
    lock = threading.Lock()

    def kill_every_worker() -> None:
        with lock:
            for victim in worker_pids(process.pid):
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

    def participant(number: int) -> dict:
        """Open the form (again, if the page did not load), send, and press Send again if that hung."""
        marker, outcome = f"noticed {number:04d}", {"page_cut": 0, "send_cut": 0, "replies": []}
        page = None
        for _ in range(5):
            page = send(base, f"/r/{code}")
            if page is not None:
                break
            outcome["page_cut"] += 1
        assert page is not None and page[0] == 200, page
        token = token_from(page[2])
        if number in KILL_DURING:
            threading.Timer(0.003, kill_every_worker).start()
        for _ in range(3):
            reply = send(base, f"/r/{code}", {"token": token, f"q{question_id}": marker})
            outcome["replies"].append(reply)
            if reply is not None:
                break
            outcome["send_cut"] += 1
        return {"marker": marker, **outcome}

    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(participant, range(SUBMISSIONS)))
    finally:
        stop_gunicorn(process)

    def confirmed(reply) -> bool:  # noqa: ANN001
        return reply is not None and reply[0] == 303 and reply[1].endswith(f"/r/{code}/thanks")

    first_time = {result["marker"] for result in results if confirmed(result["replies"][0])}
    on_retry = {result["marker"] for result in results if confirmed(result["replies"][-1])} - first_time
    pages_cut = sum(result["page_cut"] for result in results)
    sends_cut = sum(result["send_cut"] for result in results)
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = dict(connection.execute(
            select(ReflectionAnswer.text, func.count()).where(ReflectionAnswer.question_id == question_id).group_by(ReflectionAnswer.text)
        ).all())  # fmt: skip
        responses = connection.scalar(select(func.count()).select_from(ReflectionResponse))
        integrity = connection.execute(text("PRAGMA integrity_check")).scalar()
    engine.dispose()

    print(f"\ncrash test: {len(killed)} SIGKILLs cut {pages_cut} page loads and {sends_cut} sends; {SUBMISSIONS} "
          f"submitted, {len(first_time)} confirmed at once, {len(on_retry)} on a second tap, "
          f"{sum(stored.values())} stored")  # fmt: skip
    assert len(killed) >= len(KILL_DURING)
    assert pages_cut + sends_cut >= 1, "the kills hit no request in flight"
    assert first_time | on_retry <= set(stored), "a confirmed submission is missing"
    assert all(count == 1 for count in stored.values()), "a submission was stored twice"
    assert responses == sum(stored.values())
    assert len(first_time | on_retry) == SUBMISSIONS  # every participant got a thank-you in the end
    assert integrity == "ok"
