"""Two app servers behind nginx, round-robin, on one PostgreSQL and one Redis: a burst of phones.

    .venv/bin/python bench/scale_out.py                     # 3,000 phones over 20 s
    .venv/bin/python bench/scale_out.py --phones 6000 --window 30

The layout of docs/deploy.md ("Two app servers") on loopback, as tests/test_scale_out.py starts it:
two gunicorn nodes sharing the secret key, the database and Redis, each with its own instance
folder and workers, and nginx in front. The phones load the form and send it as in
bench/submissions.py, through nginx. Reported with the goal (0 errors, 0 lost, both servers
serving): errors, accepted submits, rows stored, submits each node served. The baseline, measured
in the same run: the same burst sent to one node directly, with the two nodes' workers together,
so the ratio says what the second server and nginx cost or give on this one machine (two
servers on one box add no cores: their point is a second box).
The last line is the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import servers  # noqa: E402
from bench.submissions import Setup, room_of_phones  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own (the tests use 14 and 15)
WORKERS_PER_NODE = 2


def served_submits(server: servers.Server, code: str) -> int:
    return sum(1 for line in server.log().splitlines() if f'"POST /r/{code} ' in line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=3000)
    parser.add_argument("--window", type=float, default=20.0, help="seconds over which the phones arrive")
    parser.add_argument("--threads", type=int, default=48, help="load generator threads")
    args = parser.parse_args()
    if not servers.nginx_available():
        raise SystemExit("nginx is not installed (.ci/system-deps.sh test installs it)")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # rate-limit counters of an earlier run
    workdir = Path(tempfile.mkdtemp(prefix="bench-scale-out-"))
    setup = Setup("postgresql", workdir)
    started: list[servers.Server] = []
    figures: dict = {}
    try:
        from facilitator.library import shipped

        with setup.app.app_context():
            feelings = [word for words in shipped.library().feelings().values() for word in words]
        common = {**setup.env, "FACILITATOR_REDIS_URL": REDIS_URL, "FACILITATOR_PROXY_FIX_HOPS": "1"}
        nodes = []
        for name in ("a", "b"):
            env = {**common, "FACILITATOR_INSTANCE_PATH": str(workdir / f"instance-{name}")}
            nodes.append(servers.start_gunicorn(env, workdir / f"gunicorn-{name}.log", workers=WORKERS_PER_NODE))
            started.append(nodes[-1])
        nginx = servers.start_nginx([node.port for node in nodes], workdir / "nginx")
        started.append(nginx)
        room, code = room_of_phones(setup, nginx.port, feelings, args.phones, args.window, args.threads)
        room["submits_served_by_node"] = [served_submits(node, code) for node in nodes]
        figures["two_servers"] = room
        print(f"two servers behind nginx: {room}", flush=True)
        print(f"  goal: 0 errors, 0 lost, both servers serving; measured {args.phones:,} phones in {args.window:g} s: "
              f"{room['errors']} errors, {room['lost']} lost, submits served {room['submits_served_by_node']}", flush=True)  # fmt: skip
        for server in reversed(started):
            server.stop()
        started.clear()

        env = {**common, "FACILITATOR_INSTANCE_PATH": str(workdir / "instance-single")}
        single = servers.start_gunicorn(env, workdir / "gunicorn-single.log", workers=WORKERS_PER_NODE * 2)
        started.append(single)
        one, _ = room_of_phones(setup, single.port, feelings, args.phones, args.window, args.threads)
        figures["one_server"] = one
        ratio = round(room["served_phones_per_s"] / one["served_phones_per_s"], 2)
        figures["served_ratio"] = ratio
        print(f"baseline, one server with as many workers: {one}", flush=True)
        print(f"  phones served a second, two servers behind nginx vs one: {room['served_phones_per_s']} vs "
              f"{one['served_phones_per_s']} -> {ratio}x (report: on one machine a second server adds no cores)", flush=True)  # fmt: skip
    finally:
        for server in reversed(started):
            server.stop()
        setup.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({"bench": "scale_out", **figures}))


if __name__ == "__main__":
    main()
