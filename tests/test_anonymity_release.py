"""Anonymity against a curious facilitator (issue 12): each "cannot" in docs/privacy.md's threat model.

The facilitator here does what a curious one would: opens the results after every submission,
closes and reopens the form to send answers of his own, replays a participant's page, downloads
the PDF, reads the database file and its write-ahead log, and watches for cookies.
"""

from __future__ import annotations

import csv
import io
import threading
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from facilitator import clock
from facilitator.extensions import db
from facilitator.reflections.models import ReflectionAnswer, ReflectionForm, ReflectionResponse
from tests.conftest import PASSWORD
from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, make_set_form, question_ids, token_from

K = 3


def send(client, code: str, answers: dict) -> None:
    response = answer(client, code, answers)
    assert response.status_code == 303, response.text[:300]


def csv_rows(signed_in, form_id: int) -> list[dict[str, str]]:
    body = signed_in.get(f"/reflections/{form_id}/results.csv").text.lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(body)))


def people_in(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Each person label of the CSV with the answers it carries, by question key."""
    people: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["person"]:
            people.setdefault(row["person"], {})[row["question_key"]] = row["answer"]
    return people


def count(app, model, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def feeling_words(app, form_id: int) -> list[str]:
    with app.app_context():
        form = db.session.get(ReflectionForm, form_id)
        vocabulary = next(q.vocabulary for q in form.questions if q.type == "feelings")
        return [word for words in vocabulary.values() for word in words]


# --- 1. whole responses, released in groups of at least k people ---------------------------------


def test_seven_people_and_results_after_each_send_never_single_out_the_newest(app, client, signed_in, user, synced):
    form_id = make_set_form(app, user.id, "closing-general")
    ids = question_ids(app, form_id)
    words = feeling_words(app, form_id)
    choices = ["A new word for a feeling", "A question to think about", "Something to try"]
    people = []
    for number in range(7):
        person = {"settled": str(number % 5 + 1), "feeling-word": words[number], "took-away": choices[number % 3]}
        if number == 4:
            del person["feeling-word"]  # person 5 skips the feelings question
        people.append(person)
    for sent, person in enumerate(people, start=1):
        send(client, form_code(app, form_id), {ids[key]: value for key, value in person.items()})
        assert signed_in.get(f"/reflections/{form_id}/results").status_code == 200
        rows = csv_rows(signed_in, form_id)
        shown_keys = {row["question_key"] for row in rows}
        labelled = people_in(rows)
        assert len(labelled) in (0, 3, 6), (sent, labelled)  # whole groups of k people, never one more
        for label, carried in labelled.items():
            whole = [{k: v for k, v in p.items() if k in shown_keys} for p in people[:sent]]
            assert carried in whole, f"after person {sent}, {label} carries part of a response: {carried}"
    assert len(people_in(csv_rows(signed_in, form_id))) == 6  # the 7th waits, all of him
    assert words[6] not in signed_in.get(f"/reflections/{form_id}/results").text


def test_unlinked_answers_are_released_with_the_same_people_and_never_linked(app, client, signed_in, user):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[0], ALL_KINDS[5]))  # a scale and one word
    with app.app_context():
        form = db.session.get(ReflectionForm, form_id)
        form.questions[0].linked = True
        db.session.commit()
    ids = question_ids(app, form_id)
    for number, word in enumerate(("apple", "birch", "cedar", "damson")):
        send(client, form_code(app, form_id), {ids["scale5"]: str(number + 1), ids["word"]: word})
    rows = csv_rows(signed_in, form_id)
    words = sorted(row["answer"] for row in rows if row["question_key"] != "how-settled-do-you-feel")
    assert words == ["apple", "birch", "cedar"]  # the same three people as the scale, the 4th waits
    assert all(row["person"] == "" for row in rows if row["answer"] in words)


# --- 2. close is final for what it holds back -------------------------------------------------------


def test_close_reopen_and_k_minus_1_answers_of_his_own_never_release_the_held_answer(app, client, signed_in, user):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[0], ALL_KINDS[5]))
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for word in ("steady", "tired", "calm", "ashamed"):  # the 4th person's word waits for a group
        send(client, code, {ids["scale5"]: "3", ids["word"]: word})
    closed = signed_in.post(f"/reflections/{form_id}/close", follow_redirects=True)
    assert closed.status_code == 200
    page = signed_in.get(f"/reflections/{form_id}/results").text
    assert "deleted" in page and "will appear" not in page and "appear once" not in page
    assert count(app, ReflectionAnswer, text="ashamed") == 0  # deleted at close, not kept for later
    signed_in.post(f"/reflections/{form_id}/open")
    for word in ("mine", "alsomine"):  # k - 1 answers of his own
        send(client, code, {ids["word"]: word})
    send(client, code, {ids["word"]: "someone"})  # and one real person completes a group
    outputs = [signed_in.get(f"/reflections/{form_id}/results").text, signed_in.get(f"/reflections/{form_id}/results.csv").text,
               signed_in.get(f"/reflections/{form_id}/wall/panels").text, signed_in.get(f"/reflections/{form_id}/moderate").text]  # fmt: skip
    assert "mine" in outputs[1]  # the new round was released ...
    assert not [o for o in outputs if "ashamed" in o]  # ... and the answer held at close never is


def test_a_spent_token_replayed_after_close_and_reopen_or_after_delete_stores_nothing(app, client, signed_in, user):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[5],))
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    token = token_from(client.get(f"/r/{code}").text)
    assert answer(client, code, {ids["word"]: "first"}, token=token).status_code == 303
    signed_in.post(f"/reflections/{form_id}/close")
    signed_in.post(f"/reflections/{form_id}/open")
    answer(client, code, {ids["word"]: "replayed"}, token=token)
    assert count(app, ReflectionAnswer, text="replayed") == 0
    signed_in.post(f"/reflections/{form_id}/delete-answers")
    answer(client, code, {ids["word"]: "replayed"}, token=token)
    assert count(app, ReflectionAnswer, text="replayed") == 0
    assert count(app, ReflectionResponse, form_id=form_id) == 0


def test_a_token_expires_after_a_few_hours(app, client, user, monkeypatch):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[5],))
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    token = token_from(client.get(f"/r/{code}").text)
    later = clock.utcnow() + timedelta(hours=5)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    late = answer(client, code, {ids["word"]: "late"}, token=token)
    assert late.status_code == 400 and "expired" in late.text and 'value="late"' in late.text
    assert count(app, ReflectionResponse, form_id=form_id) == 0


# --- 3. caches ------------------------------------------------------------------------------------


@pytest.mark.pdf
def test_results_pdf_is_never_cached_so_nothing_remains_after_delete(app, client, signed_in, user):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[6],))
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for note in ("one note", "two note", "three note"):
        send(client, code, {ids["short"]: note})
    pdf = signed_in.get(f"/reflections/{form_id}/results.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    signed_in.post(f"/reflections/{form_id}/delete-answers")
    cache = Path(app.config["PDF_CACHE_DIR"])
    assert not (list(cache.glob("*.pdf")) if cache.exists() else [])


# --- 4. no order on disk ------------------------------------------------------------------------


def test_sqlite_file_and_wal_after_a_release_hold_no_arrival_order(app, client, user):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the SQLite file itself; PostgreSQL is test_postgresql_release_rows_share_one_transaction")
        database = Path(db.engine.url.database)
    app.config["MIN_RESPONSES"] = 30
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[0], ALL_KINDS[6]))
    with app.app_context():
        db.session.get(ReflectionForm, form_id).questions[1].linked = True
        db.session.commit()
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    markers = [f"arrival-marker-{n:02d}" for n in range(30)]
    for marker in markers[:29]:
        send(client, code, {ids["scale5"]: "2", ids["short"]: marker})
    with app.app_context():
        held_ids = set(db.session.scalars(select(ReflectionResponse.id))) | set(db.session.scalars(select(ReflectionAnswer.id)))
    send(client, code, {ids["scale5"]: "2", ids["short"]: markers[29]})
    assert count(app, ReflectionResponse, released=True) == 30
    wal = database.with_name(database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the write-ahead log still holds the submits"
    data = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for marker in markers:
        assert data.count(marker.encode()) == 1, marker  # no stale copy of a row written before the release
    for old in held_ids:
        assert old.encode() not in data  # the ids rows had while waiting are gone
    with app.app_context():
        rows = db.session.execute(text("SELECT name, pageno FROM dbstat WHERE name LIKE 'reflection_%' ORDER BY pageno")).all()
    assert rows  # dbstat can read the pages: an attacker's tool of choice
    order = sorted(range(30), key=lambda n: data.index(markers[n].encode()))
    assert order != list(range(30)) and order != list(range(29, -1, -1)), "the file lists answers in arrival order"


def test_postgresql_release_rows_share_one_transaction_and_get_fresh_ids(app, client, user):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("xmin is PostgreSQL's transaction stamp")
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[0], ALL_KINDS[6]))
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for number in range(2):
        send(client, code, {ids["scale5"]: "2", ids["short"]: f"note {number}"})
    with app.app_context():
        held = set(db.session.scalars(select(ReflectionAnswer.id)))
        stamps = set(db.session.scalars(text("SELECT xmin::text FROM reflection_answers")))
        assert len(stamps) == 2  # while waiting, each send is its own transaction (a residual risk)
    send(client, code, {ids["scale5"]: "2", ids["short"]: "note 2"})
    with app.app_context():
        assert not held & set(db.session.scalars(select(ReflectionAnswer.id)))
        for table in ("reflection_answers", "reflection_responses"):
            assert len(set(db.session.scalars(text(f"SELECT xmin::text FROM {table}")))) == 1, table


# --- 5. the waiting counter ---------------------------------------------------------------------


def test_the_waiting_note_counts_people_coarsely_and_is_honest_after_close(app, client, signed_in, user):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    send(client, code, {ids["word"]: "calm", ids["scale5"]: "2", ids["short"]: "x"})
    send(client, code, {ids["word"]: "tired"})
    page = signed_in.get(f"/reflections/{form_id}/results").text
    assert "fewer than 3 people" in page
    assert "4 more answers" not in page and "answers are waiting" not in page
    signed_in.post(f"/reflections/{form_id}/close")
    page = signed_in.get(f"/reflections/{form_id}/results").text
    assert "were deleted when the form closed" in page and "fewer than 3 people" in page
    assert "will appear" not in page and "appear once" not in page


# --- 6. no cookie on participant routes ------------------------------------------------------------


def test_no_participant_route_sets_a_cookie_even_with_a_remember_me_cookie_sent(app, client, user):
    signed = client.post("/login", data={"username": "anna", "password": PASSWORD, "remember": "y"})
    assert signed.status_code == 302 and client.get_cookie("remember_token")
    client.delete_cookie("session")  # a new browser session: only the remember-me cookie is sent
    open_code = form_code(app, make_form(app, user.id))
    draft_code = form_code(app, make_form(app, user.id, opened=False))
    closed_id = make_form(app, user.id, kinds=(ALL_KINDS[5],))
    with app.app_context():
        from facilitator.reflections import service

        service.close_now(db.session.get(ReflectionForm, closed_id), clock.utcnow())
    token = token_from(client.get(f"/r/{open_code}").text)
    responses = {
        "join": client.get("/join"), "join bad": client.get("/join?code=xx"), "join unknown": client.get("/join?code=AAAAAA"),
        "join found": client.get(f"/join?code={open_code}"), "form": client.get(f"/r/{open_code}"),
        "form navigated": client.get(f"/r/{open_code}", headers={"Sec-Fetch-Mode": "navigate"}),
        "form lower": client.get(f"/r/{open_code.lower()}"), "draft": client.get(f"/r/{draft_code}"),
        "closed": client.get(f"/r/{form_code(app, closed_id)}"), "unknown": client.get("/r/AAAAAA"),
        "no route": client.get("/r/AAAAAA/nothing/here"), "send": client.post(f"/r/{open_code}", data={"token": token}),
        "send again": client.post(f"/r/{open_code}", data={"token": token}),
        "bad token": client.post(f"/r/{open_code}", data={"token": "forged"}),
        "thanks": client.get(f"/r/{open_code}/thanks"), "spent page": client.get(f"/r/{open_code}?t={token}"),
        "wrong method": client.delete(f"/r/{open_code}"),
    }  # fmt: skip
    for name, response in responses.items():
        assert response.headers.getlist("Set-Cookie") == [], f"{name} ({response.status_code}) sets a cookie"
        assert response.headers.get("Cache-Control") == "no-store", name


# --- 7. throttles and draft codes ------------------------------------------------------------------


@pytest.fixture
def limits_on(app_config):
    app_config["RATELIMIT_ENABLED"] = True


def test_200_tokens_in_two_seconds_from_one_address_are_refused_but_others_pass(limits_on, app, client, user):
    code = form_code(app, make_form(app, user.id))
    other = form_code(app, make_form(app, user.id))
    statuses = Counter(client.get(f"/r/{code}").status_code for _ in range(200))
    assert statuses[429] > 0 and statuses[200] <= 180, statuses
    assert client.get(f"/r/{code}", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200
    assert client.get(f"/r/{other}").status_code == 200  # per form: another form in the venue is not held up


def test_300_code_guesses_in_two_seconds_are_refused(limits_on, app, client, user):
    guesses = [f"/join?code=AAA{a}{b}{c}" for a in "ACE" for b in "FHJKMNPRTV" for c in "WXY3479ACEF"][:300]
    statuses = Counter(client.get(guess).status_code for guess in guesses)
    assert statuses[429] > 0 and statuses[404] <= 120, statuses
    statuses = Counter(client.get(f"/r/AAA{c}{d}W").status_code for c in "CEFHJKMNPR" for d in "TVWXY34")
    assert statuses[429] > 0 and statuses[404] == 0, statuses  # a code in the form's address counts as a guess too


def test_the_limits_let_a_venue_of_300_phones_on_one_address_through(app):
    """The numbers, against fixed windows at their worst alignment: 300 phones over 40 s pass,
    each loading the form twice; 200 loads inside 2 s never do."""
    from limits import parse_many

    def passes(times: list[float], setting: str) -> bool:
        for item in parse_many(setting):
            window = item.get_expiry()
            for offset in (0.0, 0.5, 1.0, window / 2):
                per_window = Counter(int((t + offset) // window) for t in times)
                if max(per_window.values()) > item.amount:
                    return False
        return True

    setting = app.config["FORM_RATE_LIMIT"]
    venue = sorted([n * 40 / 300 for n in range(300)] + [300 + n * 2 for n in range(300)])
    assert passes(venue, setting)
    assert not passes([n * 2 / 200 for n in range(200)], setting)
    assert not passes([n * 2 / 300 for n in range(300)], app.config["CODE_GUESS_RATE_LIMIT"])


def test_a_draft_forms_code_shows_nothing_of_it(app, client, make_user):
    owner = make_user("carl", display_name="Carl Facilitator")
    form_id = make_form(app, owner.id, opened=False, title="Men's group week 3 secret title")
    code = form_code(app, form_id)
    for page in (client.get(f"/r/{code}"), client.get(f"/join?code={code}")):
        assert page.status_code == 404
        assert "secret title" not in page.text and "Carl" not in page.text
    with app.app_context():
        from facilitator.reflections import service

        service.schedule(db.session.get(ReflectionForm, form_id), clock.utcnow() + timedelta(hours=1), None)
    later = client.get(f"/r/{code}")
    assert later.status_code == 403 and "not open yet" in later.text
    assert "secret title" not in later.text and "Carl" not in later.text


# --- 8. Back after sending --------------------------------------------------------------------------


def test_back_after_send_returns_to_a_page_that_says_the_answers_are_in(app, client, user):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[5],))
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    navigate = {"Sec-Fetch-Mode": "navigate"}
    first = client.get(f"/r/{code}", headers=navigate)
    assert first.status_code == 303 and "?t=" in first.headers["Location"]
    page = client.get(first.headers["Location"], headers=navigate)
    assert page.status_code == 200
    answer(client, code, {ids["word"]: "calm"}, token=token_from(page.text))
    back = client.get(first.headers["Location"], headers=navigate)
    assert back.status_code == 200 and "Your answers are already in" in back.text
    assert 'name="token"' not in back.text
    assert count(app, ReflectionResponse, form_id=form_id) == 1


@pytest.mark.browser
def test_a_phone_pressing_back_after_sending_sees_its_answers_are_in(app, live_server, phone, user):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[5],))
    code = form_code(app, form_id)
    phone.goto(f"{live_server}/r/{code}")
    phone.fill("input[type=text]", "calm")
    phone.click("button.send")
    phone.wait_for_url("**/thanks")
    phone.go_back()
    assert "Your answers are already in" in phone.content()
    assert phone.locator("button.send").count() == 0
    assert count(app, ReflectionResponse, form_id=form_id) == 1
    assert phone.context.cookies() == []


# --- issue 11, item 5: a GET never writes -------------------------------------------------------


def test_results_wall_csv_answers_and_moderation_pages_never_write(app, client, signed_in, user):
    form_id = make_form(app, user.id)
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for word in ("calm", "tired", "steady", "proud"):
        send(client, code, {ids["word"]: word, ids["short"]: word})
    with app.app_context():
        db.session.execute(text("UPDATE reflection_answers SET released = false"))
        db.session.execute(text("UPDATE reflection_responses SET released = false"))
        db.session.commit()
    writes: list[str] = []
    with app.app_context():
        engine = db.engine

    def watch(_conn, _cursor, statement, *_args):  # noqa: ANN001
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        for path in ("results", "results.csv", "wall", "wall/panels", "moderate", f"results/{ids['short']}"):
            assert signed_in.get(f"/reflections/{form_id}/{path}").status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert not writes, writes[:2]


# --- adversarial concurrency ------------------------------------------------------------------------


@pytest.mark.slow
def test_forty_phones_sending_at_once_never_release_a_group_under_k(app, live_server, user, signed_in):
    form_id = make_form(app, user.id, kinds=(ALL_KINDS[0], ALL_KINDS[2]))
    with app.app_context():
        for question in db.session.get(ReflectionForm, form_id).questions:
            question.linked = True
        db.session.commit()
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    tokens = []
    for _ in range(40):
        with urllib.request.urlopen(f"{live_server}/r/{code}") as page:
            tokens.append(token_from(page.read().decode()))
    start, failures, seen = threading.Barrier(41), [], []

    def phone(number: int) -> None:
        body = urllib.parse.urlencode({"token": tokens[number], f"q{ids['scale5']}": str(number % 5 + 1),
                                       f"q{ids['single']}": ("Listening", "Talking", "Quiet")[number % 3]}).encode()  # fmt: skip
        start.wait()
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{live_server}/r/{code}", body)) as sent:
                assert sent.url.endswith("/thanks")
        except Exception as error:  # noqa: BLE001
            failures.append(repr(error))

    def facilitator() -> None:
        start.wait()
        for _ in range(15):
            seen.append(len(people_in(csv_rows(signed_in, form_id))))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(40)] + [threading.Thread(target=facilitator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:3]
    assert all(people % K == 0 for people in seen), seen
    assert count(app, ReflectionResponse, form_id=form_id, released=True) == 39
    assert count(app, ReflectionResponse, form_id=form_id, released=False) == 1
    assert len(people_in(csv_rows(signed_in, form_id))) == 39
