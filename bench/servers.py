"""Real servers on loopback for bench/ and tests/: gunicorn nodes and an nginx in front of them.

One way to start and stop them, used by bench/submissions.py and the serving, crash, anonymity and
scale-out tests. Nothing here imports facilitator, so the bare baseline apps of the bench start
the same way as the app. Every server runs in its own session (process group): a stop ends the
master and its workers together, and a test that fails half-way leaves nothing running.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(settings: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any FACILITATOR_* setting or worker count, plus `settings`:
    a server sees exactly what its caller chose, never what the caller's shell happened to export."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FACILITATOR_") and key != "WEB_CONCURRENCY"}
    env.update(settings or {})
    return env


# --- one request ------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: Message
    body: str


def http(
    base: str | int, method: str, path: str, form: Mapping | str | None = None, headers: Mapping[str, str] | None = None,
    timeout: float = 30, source: str | None = None,
) -> Reply:  # fmt: skip
    """One request, no redirects followed. `base` is a URL or a loopback port; `form` a dict (encoded
    here) or an encoded body; `source` a loopback address to send from (127.x.y.z), which nginx
    passes on as the client's address."""
    if isinstance(base, int):
        host, port = "127.0.0.1", base
    else:
        parsed = urllib.parse.urlsplit(base)
        host, port = parsed.hostname, parsed.port
    connection = HTTPConnection(host, port, timeout=timeout, source_address=(source, 0) if source else None)
    try:
        body = urllib.parse.urlencode(form, doseq=True) if isinstance(form, Mapping) else form
        sent = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        connection.request(method, path, body=body, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        return Reply(response.status, response.msg, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


# --- a server process ---------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    workdir: Path | None = None
    name: str = "server"
    extra: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        stop(self.process)


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to the server's whole process group (gunicorn finishes requests in flight), then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_serving(process: subprocess.Popen, port: int, path: str, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                http(port, "GET", path, timeout=2)
                return
            except OSError:
                time.sleep(0.1)
    except BaseException:  # Ctrl-C while waiting: the caller never gets the process to stop
        stop(process)
        raise
    stop(process)
    raise RuntimeError(f"{log_path.name}: the server did not start:\n{log_path.read_text(errors='replace')[-4000:]}")


def start_gunicorn(
    env: Mapping[str, str], log_path: Path, *, target: str = "app:app", workers: int = 2, extra_args: Sequence[str] = (),
    ready_path: str = "/login", timeout: float = 60, port: int | None = None,
) -> Server:  # fmt: skip
    """`gunicorn -c python:facilitator.gunicorn_conf TARGET` on 127.0.0.1, with `env` (see
    clean_environment) plus the bind address and worker count; returns once `ready_path` answers."""
    port = port or free_port()
    env = {**env, "FACILITATOR_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    with log_path.open("w") as log:  # the child keeps its own copy of the file descriptor
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "python:facilitator.gunicorn_conf", *extra_args, target],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    _wait_until_serving(process, port, ready_path, log_path, timeout)
    return Server(process, port, log_path, name=target)


def migrate(env: Mapping[str, str]) -> None:
    """`flask db upgrade`, once, before any worker starts (as `make serve` and the systemd unit do)."""
    subprocess.run([str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=dict(env), check=True,
                   capture_output=True)  # fmt: skip


# --- nginx in front -------------------------------------------------------------------------------------

NGINX_CONF = """\
# Written by bench/servers.py: the layout of docs/deploy.md ("Two app servers"), on loopback, without TLS.
{user}worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 1m;
    upstream facilitator {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://facilitator;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_set_header X-Forwarded-Port $server_port;
            proxy_read_timeout 130s;
            proxy_buffering on;
        }}
    }}
}}
"""


def nginx_available() -> bool:
    return Path(NGINX).exists()


def start_nginx(upstream_ports: Sequence[int], workdir: Path, timeout: float = 20) -> Server:
    """nginx on a free loopback port, sending requests round-robin to `upstream_ports`."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(
        # As root, nginx's workers would switch to `nobody`, who cannot write the temp folders here.
        user="user root;\n" if os.geteuid() == 0 else "", dir=workdir, port=port,
        servers="\n".join(f"        server 127.0.0.1:{upstream};" for upstream in upstream_ports),
    ))  # fmt: skip
    log_path = workdir / "error.log"
    with (workdir / "nginx.out").open("w") as out:
        process = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    _wait_until_serving(process, port, "/join", log_path, timeout)
    return Server(process, port, log_path, workdir=workdir, name="nginx")
