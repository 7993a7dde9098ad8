"""Reflection submissions under load, served by gunicorn on 127.0.0.1, on SQLite and on PostgreSQL.

    .venv/bin/python bench/submissions.py                       # both databases, the goals' sizes
    .venv/bin/python bench/submissions.py --db sqlite --phones 600 --window 10 --sustain 3 --rounds 1
    .venv/bin/python bench/submissions.py --db postgresql --parts throughput --worker-class gthread --worker-threads 4

For each database, in one run:
1. A conference room: --phones simulated phones (default: the goal, 30,000 on SQLite and 15,000
   on PostgreSQL), arriving evenly over --window seconds, each loading the form as a browser does
   (GET, a redirect to the form's address with its one-time token, GET) and sending its answers
   (POST). Reported: errors, accepted submits, rows in the database (lost = accepted - rows),
   p50/p99 latency (the load counts both GETs), when the last phone was done, phones served a
   second against those arriving, how late phones started because every generator thread was
   still busy (the queue the latencies leave out), and the load generator's share of the cores.
2. Sustained submit throughput with --clients concurrent clients, against two baselines served
   by a bare Flask app under gunicorn with the same settings (facilitator/gunicorn_conf.py) on
   the same database: an endpoint inserting one row, and an endpoint inserting the rows one
   submit writes (the spent token, the response, five answers) in one transaction. The three
   take turns for --rounds rounds of --sustain seconds; reported are the medians and ratios:
   against the one-row insert (the goal), against the same rows (how much is our overhead).
3. The results page of a form with 10,000 responses (five questions each) against the bare
   aggregate SQL query it rests on, both in-process: medians and their ratio.

Each figure prints with its goal. --worker-class, --worker-threads and --workers try other
gunicorn settings for both our app and the baselines; --k sets k (MIN_RESPONSES) for the run, and
one out of reach measures submits without any release; --parts runs some figures only.
The load generator is threads with http.client on the same machine, bounded in count and time.
The submit rate limit is raised for the run. Figures print as they come, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import servers  # noqa: E402

POSTGRES = os.environ.get("FACILITATOR_BENCH_POSTGRES", "postgresql+psycopg://127.0.0.1:5432/test")
SECRET = "bench-secret"
WORDS = ("tired", "calm", "hopeful", "stuck", "lighter", "heard", "restless", "grateful")
TEXTS = ("It helped to hear that others feel the same.", "I want to try the pause this week.",
         "Harder than I thought to say it out loud.", "Nothing much tonight.")  # fmt: skip


# --- the baseline app (imported by gunicorn as bench.submissions:bare_app()) ------------------------


def bare_app():  # noqa: ANN201
    """Bare Flask, same database and engine settings as the app, two endpoints, no form lookup,
    validation, limiter or template: /insert writes one row; /insert-submit writes the rows one
    submit writes (the spent token, the response, one answer per field sent) in one transaction,
    with the same Core statements."""
    import hashlib

    from flask import Flask, redirect, request
    from sqlalchemy import create_engine

    from facilitator import config, tune_engine
    from facilitator.reflections.models import ReflectionAnswer, ReflectionResponse, UsedSubmitToken

    settings = config.load_settings(Path(os.environ["FACILITATOR_INSTANCE_PATH"]))
    url = settings["DATABASE_URL"]
    engine = create_engine(url, **config.engine_options(url, settings))
    tune_engine(engine, settings)
    table = bare_table()
    tokens, responses, answers = UsedSubmitToken.__table__, ReflectionResponse.__table__, ReflectionAnswer.__table__
    app = Flask("bare")

    @app.post("/insert")
    def insert_one():
        with engine.begin() as connection:
            connection.execute(table.insert().values(id=uuid.uuid4().hex, day=date.today(), text=request.form.get("text", "")))
        return redirect("/done", 303)

    @app.post("/insert-submit/<int:form_id>")
    def insert_submit(form_id: int):
        response_id = uuid.uuid4().hex
        rows = [
            {"id": uuid.uuid4().hex, "form_id": form_id, "question_id": int(name[1:]), "response_id": None,
             "number": int(value) if value.isdigit() else None, "text": "" if value.isdigit() else value,
             "released": False, "approved": False}  # fmt: skip
            for name, value in request.form.items() if name.startswith("q")
        ]
        digest = hashlib.sha256(request.form.get("token", "").encode()).hexdigest()
        with engine.begin() as connection:
            connection.execute(tokens.insert(), [{"digest": digest, "form_id": form_id}])
            connection.execute(responses.insert(), [{"id": response_id, "form_id": form_id, "day": date.today()}])
            connection.execute(answers.insert(), rows)
        return redirect("/done", 303)

    return app


def bare_table():  # noqa: ANN201
    from sqlalchemy import Column, Date, MetaData, String, Table, Text

    return Table("bench_bare", MetaData(), Column("id", String(32), primary_key=True), Column("day", Date), Column("text", Text))


# --- setting up a database ---------------------------------------------------------------------------


class Setup:
    """An instance folder, a database with the app's tables, a facilitator and an open form."""

    def __init__(self, kind: str, workdir: Path, k: int = 0):
        self.kind = kind
        self.instance = workdir / f"instance-{kind}"
        self.instance.mkdir()
        self.schema = ""
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            self.schema = f"bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            self._postgres(f'CREATE SCHEMA "{self.schema}"')
            self.url = f"{POSTGRES}?options=-csearch_path%3D{self.schema}"
        self.env = servers.clean_environment({
            "FACILITATOR_INSTANCE_PATH": str(self.instance), "FACILITATOR_DATABASE_URL": self.url,
            "FACILITATOR_SECRET_KEY": SECRET, "FACILITATOR_SUBMIT_RATE_LIMIT": "1000000 per minute",
            # Every simulated phone comes from 127.0.0.1: the per-address limits are raised for the run.
            "FACILITATOR_FORM_RATE_LIMIT": "1000000 per minute",
            **({"FACILITATOR_MIN_RESPONSES": str(k)} if k else {}),
        })  # fmt: skip
        self.app = self._make_app()

    def _postgres(self, statement: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(POSTGRES)
        with engine.begin() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def _make_app(self):  # noqa: ANN202
        os.environ["FACILITATOR_INSTANCE_PATH"] = str(self.instance)
        from facilitator import create_app
        from facilitator.extensions import db

        app = create_app({"DATABASE_URL": self.url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            db.create_all()
            bare_table().create(db.engine)
        return app

    def make_form(self, title: str) -> tuple[int, str, dict[str, int], int]:
        """An open form with a scale, a feelings picker, a choice, a word and a long text."""
        from facilitator.library import shipped
        from facilitator.clock import utcnow
        from facilitator.extensions import db
        from facilitator.models import User
        from facilitator.reflections import service

        with self.app.app_context():
            user = db.session.scalar(db.select(User)) or User(username="bench", password_hash="x", display_name="Bench")
            db.session.add(user)
            db.session.commit()
            form = service.create_form(user.id, title)
            for fields in (
                service.QuestionFields("scale5", "How settled do you feel?", low="Stirred up", high="Settled"),
                service.QuestionFields("feelings", "Which word fits?"),
                service.QuestionFields("single", "What helped most?", choices=("Listening", "Talking", "Quiet")),
                service.QuestionFields("word", "One word for tonight?"),
                service.QuestionFields("long", "Anything to keep thinking about?"),
            ):
                service.add_question(form, fields, shipped.library().feelings())
            service.open_now(form, utcnow())
            return form.id, form.code, {q.type: q.id for q in form.questions}, user.id

    def count(self, sql: str, **params) -> int:  # noqa: ANN003
        from sqlalchemy import text

        from facilitator.extensions import db

        with self.app.app_context():
            return db.session.scalar(text(sql), params)

    def close(self) -> None:
        from facilitator.extensions import db

        with self.app.app_context():
            db.engine.dispose()
        if self.schema:
            self._postgres(f'DROP SCHEMA "{self.schema}" CASCADE')


# --- gunicorn (started and stopped as bench/servers.py does it for the tests too) ------------------------


def start_gunicorn(setup: Setup, target: str, log_path: Path, workers: int, extra: list[str]) -> tuple[subprocess.Popen, int]:
    try:
        server = servers.start_gunicorn(setup.env, log_path, target=target, workers=workers, extra_args=extra,
                                        ready_path="/join" if target == "app:app" else "/missing")  # fmt: skip
    except RuntimeError as error:
        raise SystemExit(str(error)) from None
    return server.process, server.port


def stop_gunicorn(process: subprocess.Popen) -> None:
    servers.stop(process)


def request(port: int, method: str, path: str, body: str | None = None, timeout: float = 30) -> tuple[int, str]:
    reply = servers.http(port, method, path, body, timeout=timeout)
    return reply.status, reply.body


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- 1. a conference room ------------------------------------------------------------------------------


def answers_body(token: str, questions: dict[str, int], feelings: list[str], rng: random.Random) -> str:
    return urllib.parse.urlencode({
        "token": token, f"q{questions['scale5']}": str(rng.randint(1, 5)),
        f"q{questions['feelings']}": rng.choice(feelings), f"q{questions['single']}": rng.choice(["Listening", "Talking", "Quiet"]),
        f"q{questions['word']}": rng.choice(WORDS), f"q{questions['long']}": rng.choice(TEXTS),
    })  # fmt: skip


def load_form(port: int, code: str) -> tuple[int, str]:
    """As a phone's browser loads the form: the form's address answers with a redirect to the form
    at an address holding its own token (so Back after Send knows it was sent), then the page."""
    reply = servers.http(port, "GET", f"/r/{code}", headers={"Sec-Fetch-Mode": "navigate"})
    if reply.status == 303:
        location = urllib.parse.urlsplit(reply.headers["Location"])
        reply = servers.http(port, "GET", f"{location.path}?{location.query}", headers={"Sec-Fetch-Mode": "navigate"})
    return reply.status, reply.body


def conference_room(port: int, code: str, questions: dict[str, int], feelings: list[str], phones: int,
                    window: float, threads: int) -> dict:  # fmt: skip
    """Each phone starts at its moment in the window, loads the form and sends it; nothing retries."""
    results: list[tuple[str, float, float, int]] = []  # (kind, latency, finished at, status)
    lock = threading.Lock()
    next_phone = iter(range(phones))
    start = time.monotonic() + 0.5

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        while True:
            with lock:
                phone = next(next_phone, None)
            if phone is None:
                return
            due = start + phone * window / phones
            time.sleep(max(0.0, due - time.monotonic()))
            mine = []
            try:
                began = time.monotonic()
                mine.append(("late", began - due, began - start, 0))
                status, page = load_form(port, code)
                mine.append(("get", time.monotonic() - began, time.monotonic() - start, status))
                token = re.search(r'name="token" value="([^"]+)"', page).group(1)
                began = time.monotonic()
                status, _ = request(port, "POST", f"/r/{code}", answers_body(token, questions, feelings, rng))
                mine.append(("post", time.monotonic() - began, time.monotonic() - start, status))
            except Exception as error:  # noqa: BLE001  (an error is a figure here, not a crash)
                mine.append(("error", 0.0, time.monotonic() - start, repr(error)))
            with lock:
                results.extend(mine)

    generator_cpu = time.process_time()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=window + 300)
    generator_cpu = time.process_time() - generator_cpu
    gets = [r for r in results if r[0] == "get"]
    late = [r[1] for r in results if r[0] == "late"]
    posts = [r for r in results if r[0] == "post"]
    errors = [r for r in results if r[0] == "error" or (r[0] == "get" and r[3] != 200) or (r[0] == "post" and r[3] != 303)]
    last_finished = max((r[2] for r in results), default=0)
    return {
        "phones": phones, "window_s": window, "errors": len(errors), "accepted": sum(1 for r in posts if r[3] == 303),
        "get_p50_ms": round(percentile([r[1] for r in gets], 0.5) * 1000, 1),
        "get_p99_ms": round(percentile([r[1] for r in gets], 0.99) * 1000, 1),
        "submit_p50_ms": round(percentile([r[1] for r in posts], 0.5) * 1000, 1),
        "submit_p99_ms": round(percentile([r[1] for r in posts], 0.99) * 1000, 1),
        "last_finished_s": round(last_finished, 1),
        # A phone starts late when every generator thread is still busy with earlier phones: then the
        # server is serving fewer phones a second than arrive, and the latencies above leave out the queue.
        "served_phones_per_s": round(len(posts) / (last_finished or 1), 1),
        "start_late_p50_s": round(percentile(late, 0.5), 2), "start_late_max_s": round(max(late, default=0), 2),
        # The phones are simulated on the same cores: this is the share of them the simulation took.
        "generator_cpu_share": round(generator_cpu / ((last_finished or 1) * (os.cpu_count() or 1)), 2),
        "first_errors": [str(r[3]) for r in errors[:3]],
    }  # fmt: skip


def room_of_phones(setup: Setup, port: int, feelings: list[str], phones: int, window: float, threads: int) -> tuple[dict, str]:
    """A fresh open form and a room of phones sending it through `port`: the room's figures with the
    rows stored and lost, and the form's code."""
    form_id, code, questions, _ = setup.make_form("Conference room")
    room = conference_room(port, code, questions, feelings, phones, window, threads)
    room["rows"] = setup.count("SELECT count(*) FROM reflection_responses WHERE form_id = :f", f=form_id)
    room["lost"] = room["accepted"] - room["rows"]
    return room, code


def server_times(log_path: Path, request_line: str) -> dict:
    """The submits' time inside gunicorn (its access log's %(M)s), beside the phones' own latency:
    what the phones wait for beyond it is queueing for a worker and the shared machine."""
    times = [int(found.group(1)) for line in log_path.read_text(errors="replace").splitlines()
             if request_line in line and (found := re.search(r" (\d+)ms ", line))]  # fmt: skip
    return {"server_submit_p50_ms": percentile(times, 0.5), "server_submit_p99_ms": percentile(times, 0.99)}


# --- 2. sustained throughput ---------------------------------------------------------------------------


def sustained(port: int, path: str, bodies: list[str], clients: int, seconds: float) -> dict:
    """Closed loop: each client sends its next body as soon as the last one is answered."""
    done, failed = [0], [0]
    lock = threading.Lock()
    supply = iter(bodies)
    stop_at = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < stop_at:
            with lock:
                body = next(supply, None)
            if body is None:
                return
            try:
                status, _ = request(port, "POST", path, body)
            except OSError:
                status = 0
            with lock:
                (done if status == 303 else failed)[0] += 1

    pool = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - began
    return {"per_s": round(done[0] / elapsed, 1), "done": done[0], "failed": failed[0]}


# --- 3. the results page at 10,000 responses -------------------------------------------------------------


def seed_responses(setup: Setup, form_id: int, questions: dict[str, int], feelings: list[str], count: int) -> None:
    from sqlalchemy import insert

    from facilitator.extensions import db
    from facilitator.reflections.models import ReflectionAnswer, ReflectionResponse, random_id

    rng = random.Random(7)
    with setup.app.app_context():
        for start in range(0, count, 2000):
            responses, answers = [], []
            for _ in range(min(2000, count - start)):
                response_id = random_id()
                responses.append({"id": response_id, "form_id": form_id, "day": date.today(), "released": True})
                values = {"scale5": (rng.randint(1, 5), ""), "feelings": (None, rng.choice(feelings)),
                          "single": (None, rng.choice(["Listening", "Talking", "Quiet"])),
                          "word": (None, rng.choice(WORDS)), "long": (None, f"{rng.choice(TEXTS)} ({rng.random():.6f})")}  # fmt: skip
                for kind, (number, text) in values.items():
                    answers.append({"id": random_id(), "form_id": form_id, "question_id": questions[kind], "number": number,
                                    "text": text, "released": True, "response_id": None})  # fmt: skip
            db.session.execute(insert(ReflectionResponse), responses)
            db.session.execute(insert(ReflectionAnswer), answers)
            db.session.commit()


def median_seconds(action, repeat: int) -> float:  # noqa: ANN001
    action()  # warm: templates compiled, caches filled, the database's pages read once
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def results_page(setup: Setup, form_id: int, user_id: int, repeat: int) -> dict:
    from sqlalchemy import text

    from facilitator.extensions import db
    from facilitator.models import User

    client = setup.app.test_client()
    with setup.app.app_context():
        user = db.session.get(User, user_id)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    def page() -> None:
        response = client.get(f"/reflections/{form_id}/results")
        assert response.status_code == 200 and "10000 answers" in response.text, response.status_code

    aggregate = text(
        "SELECT question_id, number, text, count(*) FROM reflection_answers "
        "WHERE form_id = :form_id AND released GROUP BY question_id, number, text"
    )

    def bare() -> None:
        with setup.app.app_context():
            db.session.execute(aggregate, {"form_id": form_id}).all()

    page_s, sql_s = median_seconds(page, repeat), median_seconds(bare, repeat)
    return {"page_median_ms": round(page_s * 1000, 1), "sql_median_ms": round(sql_s * 1000, 1), "ratio": round(page_s / sql_s, 2)}


# --- one database, all three figures -----------------------------------------------------------------------


GOAL_PHONES = {"sqlite": 30_000, "postgresql": 15_000}  # in 60 s on one 2-core box (issue 18)
GOAL_SUBMIT_P99_MS = {"sqlite": 1000, "postgresql": 250}
GOAL_THROUGHPUT = 0.6  # sustained submits against the bare one-row insert, at least
GOAL_RESULTS = 1.0  # the results page against the bare aggregate query, at most


def gunicorn_args(args: argparse.Namespace) -> list[str]:
    extra = ["--max-requests", "0"] if args.keep_workers else []
    if args.worker_class:
        extra += ["--worker-class", args.worker_class]
    if args.worker_threads:
        extra += ["--threads", str(args.worker_threads)]
    return extra


def throughput_rounds(setup: Setup, ours_port: int, bare_port: int, feelings: list[str], args: argparse.Namespace) -> dict:
    """Our submit, the bare one-row insert and the bare same-rows insert, taking turns for
    --rounds rounds of --sustain seconds each, so a noisy neighbour weighs on all three alike."""
    from facilitator.reflections.submissions import issue_token

    sustain_id, sustain_code, sustain_questions, _ = setup.make_form("Sustained")
    bare_id, _, bare_questions, _ = setup.make_form("Bare submit rows")
    rng = random.Random(3)
    ours_bodies = iter([answers_body(issue_token(SECRET, sustain_id), sustain_questions, feelings, rng) for _ in range(args.tokens)])
    rows_bodies = iter([answers_body(uuid.uuid4().hex, bare_questions, feelings, rng) for _ in range(args.tokens)])
    one_row_bodies = iter([urllib.parse.urlencode({"text": t}) for t in TEXTS * (args.tokens // 4)])
    rounds = []
    for _ in range(args.rounds):
        ours = sustained(ours_port, f"/r/{sustain_code}", ours_bodies, args.clients, args.sustain)
        one_row = sustained(bare_port, "/insert", one_row_bodies, args.clients, args.sustain)
        same_rows = sustained(bare_port, f"/insert-submit/{bare_id}", rows_bodies, args.clients, args.sustain)
        rounds.append((ours, one_row, same_rows))
    done = sum(ours["done"] for ours, _, _ in rounds)
    rows = setup.count("SELECT count(*) FROM reflection_responses WHERE form_id = :f", f=sustain_id)

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    return {
        "ours_per_s": median([o["per_s"] for o, _, _ in rounds]),
        "bare_one_row_per_s": median([b["per_s"] for _, b, _ in rounds]),
        "bare_same_rows_per_s": median([r["per_s"] for _, _, r in rounds]),
        "ratio": median([o["per_s"] / b["per_s"] for o, b, _ in rounds]),
        "ratio_same_rows": median([o["per_s"] / r["per_s"] for o, _, r in rounds]),
        "ratios_by_round": [round(o["per_s"] / b["per_s"], 2) for o, b, _ in rounds],
        "failed": sum(o["failed"] + b["failed"] + r["failed"] for o, b, r in rounds), "ours_lost": done - rows,
        "clients": args.clients, "rounds": args.rounds,
    }  # fmt: skip


def run(kind: str, args: argparse.Namespace, workdir: Path) -> dict:
    from facilitator import config, gunicorn_conf
    from facilitator.library import shipped

    print(f"\n== {kind} ==", flush=True)
    setup = Setup(kind, workdir, args.k)
    figures: dict = {}
    try:
        workers = args.workers or gunicorn_conf.default_workers()
        figures["server"] = {"workers": workers, "worker_class": args.worker_class or "sync", "threads": args.worker_threads or 1, "k": args.k or config.DEFAULTS["MIN_RESPONSES"]}
        with setup.app.app_context():
            feelings = [word for words in shipped.library().feelings().values() for word in words]
        extra = gunicorn_args(args)
        process, port = start_gunicorn(setup, "app:app", workdir / f"gunicorn-{kind}.log", workers, extra)
        bare_process = None
        try:
            if "room" in args.parts:
                phones = args.phones or GOAL_PHONES[kind]
                room, code = room_of_phones(setup, port, feelings, phones, args.window, args.threads)
                room.update(server_times(workdir / f"gunicorn-{kind}.log", f"POST /r/{code} "))
                figures["conference_room"] = room
                print(f"conference room: {room}", flush=True)
                print(f"  goal: {GOAL_PHONES[kind]:,} phones in 60 s, 0 errors, 0 lost, submit p99 < "
                      f"{GOAL_SUBMIT_P99_MS[kind]} ms; measured {phones:,} in {args.window:g} s: {room['errors']} errors, "
                      f"{room['lost']} lost, p99 {room['submit_p99_ms']} ms, last phone done at {room['last_finished_s']} s "
                      f"({room['served_phones_per_s']} phones a second served against {phones / args.window:.0f} arriving; "
                      f"a phone started up to {room['start_late_max_s']} s after its time)",
                      flush=True)  # fmt: skip
            if "throughput" in args.parts:
                bare_process, bare_port = start_gunicorn(setup, "bench.submissions:bare_app()",
                                                         workdir / f"gunicorn-bare-{kind}.log", workers, extra)  # fmt: skip
                throughput = throughput_rounds(setup, port, bare_port, feelings, args)
                figures["throughput"] = throughput
                print(f"sustained submits: {throughput}", flush=True)
                print(f"  goal: >= {GOAL_THROUGHPUT}x the bare one-row insert; measured {throughput['ratio']}x "
                      f"(and {throughput['ratio_same_rows']}x the bare insert of the same rows)", flush=True)
        finally:
            stop_gunicorn(process)
            if bare_process is not None:
                stop_gunicorn(bare_process)
        if "results" in args.parts:
            big_id, _, big_questions, user_id = setup.make_form("Ten thousand")
            seed_responses(setup, big_id, big_questions, feelings, 10_000)
            page = results_page(setup, big_id, user_id, args.repeat)
            figures["results_10k"] = page
            print(f"results page, 10,000 responses: {page}", flush=True)
            print(f"  goal: <= {GOAL_RESULTS}x the bare aggregate query; measured {page['ratio']}x", flush=True)
        return figures
    finally:
        setup.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--phones", type=int, default=0, help="phones in the room (default: the goal, 30,000 on "
                        "SQLite, 15,000 on PostgreSQL)")
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the phones arrive")
    parser.add_argument("--threads", type=int, default=64, help="load generator threads for the room")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients for sustained throughput")
    parser.add_argument("--sustain", type=float, default=5.0, help="seconds of sustained submits, each side, each round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of sustained submits; the medians are reported")
    parser.add_argument("--tokens", type=int, default=40_000, help="most submits one sustained run may send")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn_conf's rule)")
    parser.add_argument("--worker-class", default="", help="gunicorn worker class (default: gunicorn_conf's, sync)")
    parser.add_argument("--worker-threads", type=int, default=0, help="threads per worker, for --worker-class gthread")
    parser.add_argument("--parts", nargs="+", choices=("room", "throughput", "results"), default=["room", "throughput", "results"])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--k", type=int, default=0, help="the servers' MIN_RESPONSES (default: the app's, 3); one out of "
                        "reach, like 1000000000, measures submits without any release of a group")
    parser.add_argument("--keep-workers", action="store_true",
                        help="no worker recycling (--max-requests 0), to tell its cost apart from the rest")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    figures = {}
    try:
        for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
            figures[kind] = run(kind, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({"bench": "submissions", **figures}))


if __name__ == "__main__":
    main()
