"""How long the agenda page of a 40-item session takes, recomputing clock times and the arc each time.

    .venv/bin/python bench/planner.py [--items 40] [--rounds 40]

Measures, in one run on a throwaway SQLite database:
- request: the whole GET of the session page as a facilitator waits for it (load the session,
  recompute every clock time, the arc and the forms, render);
- baseline: rendering the same page from a context computed once beforehand (timings precomputed);
- recompute: computing that context alone.
The three are timed in turn in every round, so all see the same machine load. Prints one JSON line
with the medians in milliseconds and `ratio`, the median of each round's request/baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(items: int):  # noqa: ANN201
    """An app with the shipped library synced and one session of `items` agenda items."""
    from sqlalchemy import select

    from facilitator import create_app
from facilitator.library import shipped
    from facilitator.library.service import sync_library
    from facilitator.extensions import db
    from facilitator.models import Exercise, User
    from facilitator.planner import service

    folder = tempfile.mkdtemp(prefix="bench-planner-")
    os.environ["FACILITATOR_INSTANCE_PATH"] = folder
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})  # fmt: skip
    with app.app_context():
        db.create_all()
        user = User(username="bench", password_hash="-")
        db.session.add(user)
        db.session.commit()
        library, _ = shipped.load(app.config["LIBRARY_PATH"])
        sync_library(library, shipped.exercise_texts(app.config["LIBRARY_PATH"]))
        exercises = list(db.session.scalars(select(Exercise).order_by(Exercise.slug)))
        session = service.create_session(user.id, service.SessionDetails(title="Long day", start_time="09:00", target_minutes=900, group_size=10))
        for number in range(items):
            if number % 8 == 7:
                service.add_break(session, 10, "Break")
            else:
                exercise = exercises[number % len(exercises)]
                service.add_exercise(session, exercise, note="A note for the facilitator." if number % 3 == 0 else "")
        return app, user.get_id(), session.id


def interleaved(runs: dict, rounds: int) -> dict[str, list[float]]:
    """Time each run once per round, in turn, so that all of them see the same machine load."""
    for run in runs.values():
        run()  # warm the template cache and the database connection
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    from flask import render_template
    from flask_login import login_user

    from facilitator.extensions import db
    from facilitator.models import User
    from facilitator.planner.models import GroupSession
    from facilitator.planner.views_agenda import session_page_context

    app, cookie_id, session_id = build(args.items)
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = cookie_id
        flask_session["_fresh"] = True

    def request_page() -> None:
        response = client.get(f"/sessions/{session_id}")
        assert response.status_code == 200 and response.text.count('class="agenda-item ') == args.items

    with app.test_request_context(f"/sessions/{session_id}"):
        login_user(db.session.scalars(db.select(User)).one())
        session = db.session.get(GroupSession, session_id)
        context = session_page_context(session)  # computed once: the baseline only renders
        times = interleaved({
            "request": request_page,
            "baseline": lambda: render_template("planner/session.html", **context),
            "recompute": lambda: session_page_context(session),
        }, args.rounds)  # fmt: skip

    median = {name: statistics.median(values) for name, values in times.items()}
    ratios = [r / b for r, b in zip(times["request"], times["baseline"])]
    print(json.dumps({
        "bench": "planner_edit_page", "items": args.items, "rounds": args.rounds,
        "request_median_ms": round(median["request"], 2), "baseline_render_median_ms": round(median["baseline"], 2),
        "recompute_median_ms": round(median["recompute"], 2), "ratio": round(statistics.median(ratios), 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
