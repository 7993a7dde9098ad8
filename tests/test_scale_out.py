"""Two app servers that agree: two gunicorn nodes behind nginx (round-robin), one PostgreSQL, one Redis.

The layout of docs/deploy.md ("Two app servers"), on loopback. Node A and node B share the
secret key, the database, Redis and the PDF cache folder, and nothing else: each has its own
instance folder and its own worker processes. Node C stands for a server that does not share the
PDF cache folder. Some steps go to one node by its own port, to say exactly which server did what;
the rest go through nginx, which alternates between A and B.
"""

from __future__ import annotations

import os
import random
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from bench import servers
from bench.submissions import conference_room
from facilitator import create_app
from facilitator.auth import service as accounts
from facilitator.clock import utcnow
from facilitator.extensions import db
from facilitator.library import shipped
from facilitator.models import User
from facilitator.reflections import service
from facilitator.reflections.models import ReflectionResponse
from tests.conftest import PASSWORD, POSTGRES_URL, csrf_token_from
from tests.reflections_helpers import token_from

pytestmark = pytest.mark.slow

SECRET = "two-servers-one-secret"
REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own: the other Redis test uses 15
LOGIN_LIMIT = 3


def _reachable_or_skip() -> None:
    import psycopg
    import redis

    if not servers.nginx_available():
        pytest.skip("nginx is not installed (.ci/system-deps.sh test installs it)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    try:
        psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://", 1), connect_timeout=3).close()
    except psycopg.Error:
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")


@dataclass
class Forms:
    owner: str
    burst: tuple[int, str, dict[str, int]]  # id, code, question id by type
    token: tuple[int, str, int]  # id, code, question id
    closing: tuple[int, str, int]


@dataclass
class Cluster:
    a: servers.Server
    b: servers.Server
    c: servers.Server  # its own PDF cache folder
    nginx: servers.Server
    database_url: str
    shared_cache: Path
    own_cache: Path
    forms: Forms
    feelings: list[str] = field(default_factory=list)

    def count(self, sql: str, **params) -> int:  # noqa: ANN003
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.scalar(text(sql), params)
        finally:
            engine.dispose()

    def responses(self, form_id: int) -> int:
        return self.count("SELECT count(*) FROM reflection_responses WHERE form_id = :f", f=form_id)


def _prepare(database_url: str, instance: Path, password_hash: str) -> tuple[Forms, list[str]]:
    """The tables, a facilitator and three open forms, made in-process before any server starts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FACILITATOR_INSTANCE_PATH", str(instance))
        app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": database_url})
    with app.app_context():
        db.create_all()
        owner = User(username=f"maria-{uuid.uuid4().hex[:6]}", password_hash=password_hash, display_name="Maria")
        db.session.add(owner)
        db.session.commit()
        vocabulary = shipped.library().feelings()
        feelings = [word for words in vocabulary.values() for word in words]

        def open_form(title: str, *fields: service.QuestionFields) -> tuple[int, str, dict[str, int]]:
            form = service.create_form(owner.id, title)
            for question in fields:
                service.add_question(form, question, vocabulary)
            service.open_now(form, utcnow())
            return form.id, form.code, {q.type: q.id for q in form.questions}

        burst = open_form(
            "Full room",
            service.QuestionFields("scale5", "How settled do you feel?", low="Stirred up", high="Settled"),
            service.QuestionFields("feelings", "Which word fits?"),
            service.QuestionFields("single", "What helped most?", choices=("Listening", "Talking", "Quiet")),
            service.QuestionFields("word", "One word for tonight?"),
            service.QuestionFields("long", "Anything to keep thinking about?"),
        )
        token_id, token_code, token_questions = open_form("One tap", service.QuestionFields("short", "One thing you noticed?"))
        closing_id, closing_code, closing_questions = open_form("Closing", service.QuestionFields("short", "Last words?"))
        forms = Forms(owner.username, burst, (token_id, token_code, token_questions["short"]),
                      (closing_id, closing_code, closing_questions["short"]))  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return forms, feelings


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    _reachable_or_skip()
    workdir = tmp_path_factory.mktemp("scale-out")
    schema = f"scale_out_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database_url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    started: list[servers.Server] = []
    try:
        forms, feelings = _prepare(database_url, workdir / "setup", accounts.hash_password(PASSWORD))
        shared_cache, own_cache = workdir / "shared-pdf-cache", workdir / "c-pdf-cache"
        common = {
            "FACILITATOR_DATABASE_URL": database_url, "FACILITATOR_SECRET_KEY": SECRET, "FACILITATOR_REDIS_URL": REDIS_URL,
            "FACILITATOR_PROXY_FIX_HOPS": "1", "FACILITATOR_LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
            # The burst's phones all come from 127.0.0.1: the per-address limits must let them through.
            "FACILITATOR_SUBMIT_RATE_LIMIT": "100000 per minute", "FACILITATOR_FORM_RATE_LIMIT": "100000 per minute",
        }  # fmt: skip
        nodes = {}
        for name, workers, cache in (("a", 2, shared_cache), ("b", 2, shared_cache), ("c", 1, own_cache)):
            env = servers.clean_environment({**common, "FACILITATOR_INSTANCE_PATH": str(workdir / f"instance-{name}"),
                                             "FACILITATOR_PDF_CACHE_DIR": str(cache)})  # fmt: skip
            nodes[name] = servers.start_gunicorn(env, workdir / f"gunicorn-{name}.log", workers=workers)
            started.append(nodes[name])
        nginx = servers.start_nginx([nodes["a"].port, nodes["b"].port], workdir / "nginx")
        started.append(nginx)
        yield Cluster(nodes["a"], nodes["b"], nodes["c"], nginx, database_url, shared_cache, own_cache, forms, feelings)
    finally:
        for server in reversed(started):
            server.stop()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Browser:
    """A facilitator's browser: keeps the cookies it is given, whichever server gave them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def send(self, base: str | int, method: str, path: str, form: dict | None = None, source: str | None = None,
             **headers: str) -> servers.Reply:  # fmt: skip
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        reply = servers.http(base, method, path, form, headers={**({"Cookie": cookie} if cookie else {}), **headers},
                             source=source)  # fmt: skip
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value
        return reply

    def sign_in(self, on: servers.Server, then: servers.Server, username: str, password: str = PASSWORD) -> servers.Reply:
        """The sign-in page loaded from one server, the form sent to the other."""
        token = csrf_token_from(self.send(on.base, "GET", "/login").body)
        return self.send(then.base, "POST", "/login", {"csrf_token": token, "username": username, "password": password})


def served_lines(server: servers.Server, request_line: str) -> int:
    return sum(1 for line in server.log().splitlines() if f'"{request_line}' in line)


def test_nginx_sends_requests_to_both_servers_in_turn(cluster: Cluster):
    # A path of its own (participant lines are logged without their query): no form has this code.
    typed = f"/r/nothing-{uuid.uuid4().hex[:8]}"
    for _ in range(4):
        assert servers.http(cluster.nginx.base, "GET", typed).status == 404  # a kind page, from either
    deadline = time.monotonic() + 10
    while True:  # gunicorn writes its access line after the reply: on a busy machine, a moment later
        after = [served_lines(node, f"GET {typed}") for node in (cluster.a, cluster.b)]
        if sum(after) >= 4 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert after == [2, 2]


def test_a_token_issued_by_one_server_is_accepted_by_the_other_once_and_only_once(cluster: Cluster):
    form_id, code, question_id = cluster.forms.token
    page = servers.http(cluster.a.base, "GET", f"/r/{code}")
    assert page.status == 200
    answers = {"token": token_from(page.body), f"q{question_id}": "the quiet at the start"}
    first = servers.http(cluster.b.base, "POST", f"/r/{code}", answers)
    assert first.status == 303 and first.headers["Location"].endswith(f"/r/{code}/thanks")
    # Send pressed again, on either server: the same thank-you, and nothing stored twice.
    for node in (cluster.a, cluster.b):
        again = servers.http(node.base, "POST", f"/r/{code}", answers)
        assert again.status == 303 and again.headers["Location"].endswith(f"/r/{code}/thanks")
    assert cluster.responses(form_id) == 1


def test_a_facilitator_signed_in_on_one_server_stays_signed_in_on_the_other(cluster: Cluster):
    maria = Browser()
    assert maria.sign_in(on=cluster.a, then=cluster.b, username=cluster.forms.owner).status == 302
    for node in (cluster.a, cluster.b, cluster.nginx, cluster.nginx):
        page = maria.send(node.base, "GET", "/reflections/")
        assert page.status == 200, (node.name, page.status)
        assert "Maria" in page.body and "One tap" in page.body


def test_a_form_closed_on_one_server_refuses_submits_on_the_other_at_once(cluster: Cluster):
    form_id, code, question_id = cluster.forms.closing
    phones = [servers.http(cluster.b.base, "GET", f"/r/{code}") for _ in range(4)]  # every worker of B has the form
    assert {phone.status for phone in phones} == {200}
    maria = Browser()
    assert maria.sign_in(on=cluster.a, then=cluster.a, username=cluster.forms.owner).status == 302
    token = csrf_token_from(maria.send(cluster.a.base, "GET", f"/reflections/{form_id}").body)
    assert maria.send(cluster.a.base, "POST", f"/reflections/{form_id}/close", {"csrf_token": token}).status == 302
    for phone in phones:
        sent = servers.http(cluster.b.base, "POST", f"/r/{code}", {"token": token_from(phone.body), f"q{question_id}": "late"})
        assert sent.status == 410 and "closed" in sent.body
    assert servers.http(cluster.b.base, "GET", f"/r/{code}").status == 410
    assert cluster.responses(form_id) == 0


def test_sign_in_limits_are_counted_once_for_both_servers(cluster: Cluster):
    """Wrong passwords from one address, sent to A and B in turn as nginx would pass them on."""
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
    guesser = Browser()
    token = csrf_token_from(guesser.send(cluster.a.base, "GET", "/login").body)
    wrong = {"csrf_token": token, "username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "not the password"}
    statuses = [
        guesser.send(node.base, "POST", "/login", wrong, **{"X-Forwarded-For": address}).status
        for node in (cluster.a, cluster.b, cluster.a, cluster.b, cluster.a)
    ]
    assert statuses == [401] * LOGIN_LIMIT + [429] * (5 - LOGIN_LIMIT)
    # And through nginx itself, from that address: refused whichever server answers.
    for _ in range(2):
        assert guesser.send(cluster.nginx.base, "POST", "/login", wrong, source=address).status == 429


def pdf_files(folder: Path) -> dict[str, int]:
    """The cached PDFs of a folder by name, with the inode each file has: a new render makes a new file."""
    return {entry.name: entry.stat().st_ino for entry in folder.glob("*.pdf")} if folder.exists() else {}


def test_a_pdf_rendered_on_one_server_is_served_by_the_other_from_the_shared_cache(cluster: Cluster):
    maria = Browser()
    assert maria.sign_in(on=cluster.a, then=cluster.a, username=cluster.forms.owner).status == 302
    before = pdf_files(cluster.shared_cache)
    first = maria.send(cluster.a.base, "GET", "/print/vocabulary.pdf?paper=Letter")
    assert first.status == 200 and first.body.startswith("%PDF")
    rendered = pdf_files(cluster.shared_cache)
    assert len(rendered) == len(before) + 1
    for _ in range(2):  # both workers of B
        again = maria.send(cluster.b.base, "GET", "/print/vocabulary.pdf?paper=Letter")
        assert again.status == 200 and again.body == first.body
    assert pdf_files(cluster.shared_cache) == rendered  # same files, same inodes: no second render

    # A server with a cache folder of its own renders the document once for itself, then serves its copy.
    assert pdf_files(cluster.own_cache) == {}
    own = maria.send(cluster.c.base, "GET", "/print/vocabulary.pdf?paper=Letter")
    assert own.status == 200 and own.body.startswith("%PDF")
    once = pdf_files(cluster.own_cache)
    assert len(once) == 1
    assert maria.send(cluster.c.base, "GET", "/print/vocabulary.pdf?paper=Letter").status == 200
    assert pdf_files(cluster.own_cache) == once


def test_a_burst_of_3000_phones_spread_over_both_servers_loses_nothing(cluster: Cluster):
    form_id, code, questions = cluster.forms.burst
    posts = f"POST /r/{code} "
    room = conference_room(cluster.nginx.port, code, questions, cluster.feelings, phones=3000, window=20, threads=48)
    stored = cluster.responses(form_id)
    served = [served_lines(node, posts) for node in (cluster.a, cluster.b)]
    print(f"\nscale-out burst: {room}, stored {stored}, submits served by A and B: {served}")
    assert room["errors"] == 0, room["first_errors"]
    assert room["accepted"] == 3000 and stored == 3000
    assert sum(served) == 3000 and min(served) >= 1000  # round-robin: each server took its share
