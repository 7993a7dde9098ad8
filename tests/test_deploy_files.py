"""The proxy files in deploy/ are the ones docs/deploy.md shows, and their own tools accept them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DOCS = (ROOT / "docs" / "deploy.md").read_text()


@pytest.mark.parametrize(("language", "filename"), [("caddy", "Caddyfile"), ("nginx", "nginx.conf")])
def test_docs_show_each_deploy_file_as_it_is(language, filename):
    shown = f"```{language}\n{(DEPLOY / filename).read_text()}```\n"
    assert shown in DOCS, f"docs/deploy.md must show deploy/{filename} unchanged in a {language} block"


def test_both_proxies_refuse_large_bodies_and_log_no_participant_address():
    caddy = (DEPLOY / "Caddyfile").read_text()
    assert "max_size 1MiB" in caddy and not re.search(r"^\s*log\b", caddy, flags=re.M)
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "client_max_body_size 1m;" in nginx and "facilitator_anonymous if=$facilitator_log_anonymous" in nginx


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=60, **options)


@pytest.mark.slow
def test_caddy_accepts_the_site_file():
    result = run(["caddy", "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")])
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr
    formatted = run(["caddy", "fmt", str(DEPLOY / "Caddyfile")])
    assert formatted.stdout == (DEPLOY / "Caddyfile").read_text(), "run `caddy fmt --overwrite deploy/Caddyfile`"


@pytest.mark.slow
def test_nginx_accepts_the_site_file(tmp_path):
    """`nginx -t` on the file inside a minimal main config; certificate and log paths point into tmp."""
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    made = run([
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=groups.example.org",
        "-keyout", str(key), "-out", str(cert),
    ])  # fmt: skip
    assert made.returncode == 0, made.stderr
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/groups.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/groups.example.org/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    assert "/etc/letsencrypt" not in site and "/var/log" not in site
    (tmp_path / "facilitator.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {tmp_path}/facilitator.conf;\n}}\n"
    )
    result = run(["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(main)])
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr
