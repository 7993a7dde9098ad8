"""The programme pack without the wait: rendered in the background after an edit, weeks in parallel
processes, served from the cache on the first click; a "preparing" page while a render runs.

Every wait here has a deadline (pytest-timeout is not installed), and the runner is stopped with a
bounded shutdown after each test, so a broken runner fails these tests instead of hanging the suite."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.extensions import db
from facilitator.planner.models import GroupSession, Programme
from facilitator.printing import jobs
from tests.conftest import sign_in
from tests.test_printing import plan_session

pytestmark = [pytest.mark.pdf, pytest.mark.slow]


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PRINT_WORKERS": 2}


@pytest.fixture(autouse=True)
def quick_settle(app, monkeypatch):
    """Edits settle after 0.1 s here; the runner stops (bounded) before the app and its database go."""
    monkeypatch.setattr(jobs, "SETTLE_SECONDS", 0.1)
    yield
    started = time.monotonic()
    jobs.shutdown(seconds=20)
    assert time.monotonic() - started < 30, "the print runner did not stop"


def make_programme(app, owner_id: int, weeks: int = 2) -> tuple[int, list[int]]:
    with app.app_context():
        programme = Programme(owner_id=owner_id, title="Men and feelings")
        db.session.add(programme)
        sessions = [plan_session(owner_id, f"Week {n}: session {n}", programme, n) for n in range(1, weeks + 1)]
        return programme.id, [s.id for s in sessions]


def wait_until(check, seconds: float = 90, what: str = "the background render finished") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.2)


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_after_an_edit_the_pack_renders_in_the_background_and_the_first_click_is_under_a_second(app, client, user, synced):
    programme_id, (first_week, _) = make_programme(app, user.id)
    signed_in = sign_in(client, user)
    url = f"/print/programmes/{programme_id}/pack.pdf"
    wait_until(jobs.idle, what="the render after planning")
    assert signed_in.get(url).status_code == 200  # rendered before anyone asked
    with app.app_context():  # the facilitator renames week 1: a commit, nothing else
        db.session.get(GroupSession, first_week).title = "Week 1: arriving"
        db.session.commit()
    time.sleep(jobs.SETTLE_SECONDS)
    wait_until(jobs.idle, what="the render after the edit")
    started = time.perf_counter()
    response = signed_in.get(url)
    waited = time.perf_counter() - started
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "Week 1: arriving" in text_of(response.data)
    assert waited < 1.0, f"first click after the edit waited {waited:.2f} s"


def test_a_click_while_the_pack_renders_shows_a_page_that_turns_into_the_download(app, client, user, synced):
    programme_id, _ = make_programme(app, user.id, weeks=3)
    wait_until(jobs.idle, what="the render after planning")
    signed_in = sign_in(client, user)
    # Letter: not the owner's paper, so nothing has rendered it in the background yet.
    url = f"/print/programmes/{programme_id}/pack.pdf?paper=Letter"
    status_url = f"/print/programmes/{programme_id}/pack-status?paper=Letter"
    first = signed_in.get(url)
    assert first.status_code == 202 and first.headers["Cache-Control"] == "no-store"
    page = first.text
    assert "Preparing your programme pack" in page and "no need to click again" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # without JavaScript
    assert f'data-status-url="{status_url}"' in page and "js/preparing.js" in page  # with it
    assert f'data-download-url="{url}"' in page
    assert signed_in.get(status_url).json == {"ready": False}
    again = signed_in.get(url)  # a second click does not start a second render
    assert again.status_code in (200, 202) and len(jobs._running) <= 1
    wait_until(lambda: signed_in.get(status_url).json["ready"])
    done = signed_in.get(url)
    assert done.status_code == 200 and done.headers["Content-Disposition"].endswith('-pack.pdf"')
    assert len(PdfReader(io.BytesIO(done.data)).pages) > 3


def test_a_pack_another_process_is_rendering_is_not_rendered_twice(app, client, user, synced):
    """Gunicorn workers (or servers sharing PDF_CACHE_DIR) agree through the lock file beside the PDF."""
    programme_id, _ = make_programme(app, user.id)
    wait_until(jobs.idle, what="the render after planning")
    signed_in = sign_in(client, user)
    url = f"/print/programmes/{programme_id}/pack.pdf?paper=Letter"
    with app.test_request_context(url):
        from flask_login import login_user

        login_user(user)
        from facilitator.printing.views import _programme_pack

        _, pack = _programme_pack(programme_id)
    lock = Path(app.config["PDF_CACHE_DIR"]) / f"{pack.key}.rendering"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.touch()  # another worker took it a moment ago
    response = signed_in.get(url)
    assert response.status_code == 202 and not jobs._running  # waits for the other worker
    assert signed_in.get(url.replace("pack.pdf", "pack-status")).json == {"ready": False}
    assert not jobs._running
    old = time.time() - jobs.STALE_LOCK_SECONDS - 1
    os.utime(lock, (old, old))  # that worker died mid-render: the next look takes over
    assert signed_in.get(url.replace("pack.pdf", "pack-status")).json == {"ready": False}
    assert jobs._running
    wait_until(lambda: signed_in.get(url.replace("pack.pdf", "pack-status")).json["ready"])
    assert not lock.exists()


def test_a_forked_worker_starts_its_own_runner(app):
    """Gunicorn forks workers from a preloaded app: a child must not use its parent's pool or thread."""
    with app.test_request_context():
        jobs.render_many(["<p>one</p>", "<p>two</p>"], app.static_folder)  # the parent's pool exists
    assert jobs._pool is not None
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through its exit code)
        os._exit(0 if jobs._pool is None and jobs._thread is None and not jobs._running else 1)
    deadline = time.monotonic() + 20
    while (done := os.waitpid(child, os.WNOHANG))[0] == 0:
        assert time.monotonic() < deadline, "the forked child did not exit"
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(done[1]) == 0


def test_tests_render_in_the_request_unless_they_ask_for_workers(app):
    app.config["PRINT_WORKERS"] = -1  # the default: one per core, but none under TESTING
    assert jobs.workers(app) == 0
    app.config["TESTING"] = False
    assert jobs.workers(app) == (os.cpu_count() or 1)
    app.config["TESTING"] = True
