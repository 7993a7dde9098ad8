"""Anonymity, as a tested feature: what a submit leaves behind in the database and in the logs.

The participant sends his answers with everything a phone sends: an address, a user agent, a
cookie, a forwarded-for header. None of it may be found afterwards, in any table or log.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import DateTime, event, inspect, select, text

from facilitator.clock import today
from facilitator.extensions import db
from facilitator.reflections.models import ReflectionAnswer, ReflectionQuestion, ReflectionResponse
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, question_ids, token_from

ADDRESS = "203.0.113.77"
USER_AGENT = "ZZPhone/9.9 (Linux; Android 14; SM-ZZ123)"
COOKIE = "tracker=cookie-zz-4242"
TRACES = (ADDRESS, "ZZPhone", "SM-ZZ123", "cookie-zz-4242", "198.51.100.99")
PHONE = {
    "environ_base": {"REMOTE_ADDR": ADDRESS},
    "headers": {"User-Agent": USER_AGENT, "Cookie": COOKIE, "X-Forwarded-For": "198.51.100.99"},
}


def submit_everything(app, client, form_id: int, **request) -> None:  # noqa: ANN003
    ids = question_ids(app, form_id)
    sent = {ids["scale5"]: "3", ids["single"]: "Talking", ids["feelings"]: "calm", ids["word"]: "tired",
            ids["short"]: "a short note", ids["long"]: "a longer note"}  # fmt: skip
    assert answer(client, form_code(app, form_id), sent, **request).status_code == 303


def every_row_as_text(app) -> str:
    with app.app_context():
        with db.engine.connect() as connection:
            return "\n".join(
                repr(row) for table in db.metadata.sorted_tables for row in connection.execute(table.select())
            )


def test_database_after_a_submit_holds_no_address_user_agent_or_cookie(app, client, user):
    form_id = make_form(app, user.id)
    for _ in range(3):
        submit_everything(app, client, form_id, **PHONE)
    client.get(f"/r/{form_code(app, form_id)}/thanks", **PHONE)
    rows = every_row_as_text(app)
    assert "a short note" in rows  # the search does see the answers
    for trace in TRACES:
        assert trace not in rows
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            files = b"".join(p.read_bytes() for p in Path(db.engine.url.database).parent.glob("test.sqlite3*"))
            assert b"a short note" in files
            for trace in TRACES:
                assert trace.encode() not in files  # nor anywhere in the file or its write-ahead log


def test_answer_and_response_tables_keep_the_day_but_no_time(app, client, user):
    form_id = make_form(app, user.id)
    submit_everything(app, client, form_id)
    with app.app_context():
        for table in ("reflection_responses", "reflection_answers", "reflection_used_tokens"):
            columns = inspect(db.engine).get_columns(table)
            assert not [c["name"] for c in columns if isinstance(c["type"], DateTime)], table
            assert not {"ip", "address", "user_agent", "cookie", "device", "created_at"} & {c["name"] for c in columns}
        assert db.session.scalar(select(ReflectionResponse)).day == today()


def test_unlinked_answers_carry_nothing_that_ties_them_to_each_other(app, client, user):
    form_id = make_form(app, user.id)  # hand-written questions: unlinked unless chosen
    linked_id = make_form(app, user.id, kinds=ALL_KINDS[:1] + ALL_KINDS[4:6])
    with app.app_context():
        for question in db.session.scalars(select(ReflectionQuestion).where(ReflectionQuestion.form_id == linked_id)):
            question.linked = question.type != "word"
        db.session.commit()
    submit_everything(app, client, form_id)
    ids = question_ids(app, linked_id)
    answer(client, form_code(app, linked_id), {ids["scale5"]: "2", ids["feelings"]: "hurt", ids["word"]: "tired"})
    with app.app_context():
        unlinked = list(db.session.scalars(select(ReflectionAnswer).where(ReflectionAnswer.form_id == form_id)))
        assert len(unlinked) == 6
        assert {a.response_id for a in unlinked} == {None}
        assert all(re.fullmatch(r"[0-9a-f]{32}", a.id) for a in unlinked)  # random, not a sequence
        linked = {a.text or a.number: a.response_id for a in db.session.scalars(select(ReflectionAnswer).where(ReflectionAnswer.form_id == linked_id))}
        assert linked[2] == linked["hurt"] is not None
        assert linked["tired"] is None
        if db.engine.dialect.name == "sqlite":
            for table in ("reflection_answers", "reflection_responses"):
                with pytest.raises(Exception, match="rowid"):
                    db.session.execute(text(f"SELECT rowid FROM {table}")).all()
                db.session.rollback()


def test_released_answers_are_rewritten_with_new_ids_so_arrival_order_is_gone(app, client, user, signed_in):
    form_id = make_form(app, user.id, kinds=ALL_KINDS[6:7])
    ids = question_ids(app, form_id)
    for number in range(2):
        answer(client, form_code(app, form_id), {ids["short"]: f"note {number}"})
    with app.app_context():
        before = set(db.session.scalars(select(ReflectionAnswer.id)))
    answer(client, form_code(app, form_id), {ids["short"]: "note 2"})  # the third person completes a group
    with app.app_context():
        after = {a.id: a for a in db.session.scalars(select(ReflectionAnswer))}
    assert len(after) == 3 and not before & set(after)
    assert all(a.released for a in after.values())


def test_werkzeug_access_log_of_participant_pages_has_no_client_address(app, live_server, user, tmp_path):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    log_file = tmp_path / "access.log"
    handler = logging.FileHandler(log_file)
    logging.getLogger("werkzeug").addHandler(handler)
    try:
        headers = {"User-Agent": USER_AGENT, "Cookie": COOKIE}
        with urllib.request.urlopen(urllib.request.Request(f"{live_server}/r/{code}", headers=headers)) as page:
            token = token_from(page.read().decode())
        with urllib.request.urlopen(urllib.request.Request(f"{live_server}/r/{code}?t={token}", headers=headers)):
            pass  # where a browser's Back lands: the token must not reach the log
        body = urllib.parse.urlencode({"token": token, f"q{ids['word']}": "calm"}).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{live_server}/r/{code}", body, headers=headers)) as sent:
            assert sent.status == 200 and sent.url.endswith("/thanks")
    finally:
        logging.getLogger("werkzeug").removeHandler(handler)
        handler.close()
    lines = log_file.read_text().splitlines()
    assert any(f"POST /r/{code}" in line for line in lines), lines
    for line in lines:
        assert "127.0.0.1" not in line and "ZZPhone" not in line and "cookie-zz" not in line, line
        assert token not in line and "?t=" not in line, line
        assert not re.search(r"\d\d:\d\d:\d\d", line), f"the time of day is in the log: {line}"


def test_sqlite_writers_take_the_lock_before_writing(app, client, user):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("BEGIN IMMEDIATE is how SQLite writers avoid 'database is locked'")
        statements: list[str] = []

        @event.listens_for(db.engine, "connect")
        def trace(dbapi_connection, _record):  # noqa: ANN001
            dbapi_connection.set_trace_callback(statements.append)

        db.engine.dispose()  # new connections, now traced
    form_id = make_form(app, user.id)
    submit_everything(app, client, form_id)
    inserts = [i for i, s in enumerate(statements) if s.startswith("INSERT INTO reflection_responses")]
    assert inserts
    begin = max(i for i, s in enumerate(statements[: inserts[0]]) if s.startswith("BEGIN"))
    assert statements[begin] == "BEGIN IMMEDIATE"


def test_parallel_submits_and_result_views_lose_nothing(app, user, signed_in):
    """Eight phones and a wall at once, on the same database: every response arrives, none fails."""
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    failures: list[str] = []

    def phone(number: int) -> None:
        client = app.test_client()
        for round_ in range(12):
            response = answer(client, code, {ids["scale10"]: str(round_ % 11), ids["short"]: f"p{number} r{round_}"})
            if response.status_code != 303:
                failures.append(f"{response.status_code}: {response.text[:200]}")

    def wall() -> None:
        for _ in range(12):
            response = signed_in.get(f"/reflections/{form_id}/wall/panels")
            if response.status_code != 200:
                failures.append(f"wall {response.status_code}")

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(8)] + [threading.Thread(target=wall)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ReflectionResponse)) == 96
        assert db.session.scalar(select(db.func.count()).select_from(ReflectionAnswer)) == 192


@pytest.mark.slow
def test_gunicorn_access_log_of_a_submit_has_no_address_or_user_agent(app, user, database_url, tmp_path):
    from http.client import HTTPConnection

    from tests.test_serving import start_gunicorn, stop_gunicorn

    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    settings = {"FACILITATOR_DATABASE_URL": database_url, "FACILITATOR_SECRET_KEY": "gunicorn-test"}
    process, base = start_gunicorn(tmp_path / "instance", 1, tmp_path / "gunicorn.log", settings, migrate=False)

    def request(method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=10)
        headers = {"User-Agent": USER_AGENT, "Cookie": COOKIE, "Referer": f"{base}/join"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        result = response.status, response.read().decode()
        connection.close()
        return result

    try:
        status, page = request("GET", f"/r/{code}")
        assert status == 200
        token = token_from(page)
        # A browser's Back lands on /r/CODE?t=TOKEN: the log must not keep the token either.
        assert request("GET", f"/r/{code}?t={token}")[0] == 200
        body = urllib.parse.urlencode({"token": token, f"q{ids['word']}": "calm"})
        assert request("POST", f"/r/{code}", body)[0] == 303
    finally:
        stop_gunicorn(process)
    lines = [line for line in (tmp_path / "gunicorn.log").read_text().splitlines() if f"/r/{code}" in line]
    assert len(lines) == 3, lines
    for line in lines:
        assert line.startswith("- ") and token not in line and "?t=" not in line
        assert "127.0.0.1" not in line and "ZZPhone" not in line and "cookie-zz" not in line
        assert not re.search(r"\d\d:\d\d:\d\d", line), f"the time of day is in the log: {line}"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ReflectionResponse)) == 1
