import re
from pathlib import Path

import pytest

from facilitator import create_app
from facilitator.config import DEFAULTS, load_settings

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_defaults_put_sqlite_in_the_instance_folder(tmp_path):
    settings = load_settings(tmp_path, environ={})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'facilitator.sqlite3'}"
    assert settings["MIN_RESPONSES"] == 3
    assert settings["PAPER_SIZE"] == "A4"


def test_config_toml_overrides_defaults_and_environment_overrides_both(tmp_path):
    (tmp_path / "config.toml").write_text('PRACTICE_NAME = "Riverside Counselling"\nMIN_RESPONSES = 5\n')
    settings = load_settings(tmp_path, environ={})
    assert settings["PRACTICE_NAME"] == "Riverside Counselling"
    assert settings["MIN_RESPONSES"] == 5
    settings = load_settings(tmp_path, environ={"FACILITATOR_MIN_RESPONSES": "7", "FACILITATOR_PRACTICE_NAME": "Env"})
    assert settings["MIN_RESPONSES"] == 7
    assert settings["PRACTICE_NAME"] == "Env"


def test_results_threshold_never_drops_below_three(tmp_path):
    assert load_settings(tmp_path, environ={"FACILITATOR_MIN_RESPONSES": "1"})["MIN_RESPONSES"] == 3


@pytest.mark.parametrize(
    ("toml", "environ", "message"),
    [
        ("NOT_A_SETTING = 1\n", {}, "unknown settings NOT_A_SETTING"),
        ("", {"FACILITATOR_MIN_RESPONSES": "many"}, "must be a whole number"),
        ('PAPER_SIZE = "A5"\n', {}, "PAPER_SIZE must be A4 or Letter"),
    ],
)
def test_bad_settings_are_named_clearly(tmp_path, toml, environ, message):
    (tmp_path / "config.toml").write_text(toml)
    with pytest.raises(ValueError, match=message):
        load_settings(tmp_path, environ=environ)


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FACILITATOR_SECRET_KEY", raising=False)
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first = create_app({"DATABASE_URL": database})
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    second = create_app({"DATABASE_URL": database})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 64


def test_factory_uses_the_database_url_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FACILITATOR_DATABASE_URL", "postgresql://db.example/facilitator")
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.example/facilitator"


def test_session_cookie_is_httponly_and_lax_and_secure_behind_https(tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path))
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    plain = create_app({"DATABASE_URL": database, "SECRET_KEY": "x"})
    assert plain.config["SESSION_COOKIE_HTTPONLY"] is True
    assert plain.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.setenv("FACILITATOR_PUBLIC_BASE_URL", "https://groups.example.org")
    secure = create_app({"DATABASE_URL": database, "SECRET_KEY": "x"})
    assert secure.config["SESSION_COOKIE_SECURE"] is True


def test_every_setting_is_documented_and_every_documented_setting_exists():
    text = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)`", text, flags=re.MULTILINE))
    assert documented == set(DEFAULTS) | {"SECRET_KEY"}
    for name in DEFAULTS:
        assert f"FACILITATOR_{name}" in text or name == "SUPPORT_RESOURCES"

