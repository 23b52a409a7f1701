"""Settings fail closed: with nothing set there is no DEBUG and no key, so they refuse to load;
the dev launcher is what turns development on; production settings pass `check --deploy`."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from siteconf import devserver

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "PLATFORM_DOMAIN": "studios.example.com",
}
SHOWN = ["DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
SHOWN += ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def bare_environment(**env: str) -> dict[str, str]:
    """This process's environment without what the launcher adds or a deploy would set."""
    dropped = ("DJANGO_", "SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return {**base, **env}


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=bare_environment(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_with(**env: str) -> dict:
    done = python(
        "import json; from siteconf import settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {SHOWN!r}}}))",
        **env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_with_nothing_set_the_settings_refuse_to_load():
    done = python("import siteconf.settings")

    assert done.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in done.stderr


def test_debug_is_off_unless_asked_for():
    values = settings_with(DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] > 0
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def test_every_https_switch_can_be_turned_off_from_the_environment():
    values = settings_with(
        **PRODUCTION,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
    )

    assert not values["SECURE_SSL_REDIRECT"] and not values["SECURE_HSTS_SECONDS"]
    assert not values["SESSION_COOKIE_SECURE"] and not values["CSRF_COOKIE_SECURE"]


def test_development_speaks_plain_http():
    values = settings_with(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="dev-key-for-this-test")

    assert values["DEBUG"] is True
    assert not values["SECURE_SSL_REDIRECT"] and not values["SECURE_HSTS_SECONDS"]
    assert not values["SESSION_COOKIE_SECURE"] and not values["CSRF_COOKIE_SECURE"]


@pytest.fixture
def launcher(monkeypatch, tmp_path):
    """The dev launcher, with its key file in a temporary folder and no database to start."""
    for name in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(devserver, "DEV_SECRET_KEY_FILE", tmp_path / ".dev-secret-key")
    monkeypatch.setattr(devserver, "database_url", lambda: "postgres://nobody@/nothing")
    return devserver


def test_the_dev_launcher_turns_debug_on_with_a_key_of_this_checkout(launcher):
    env = launcher._dev_env()

    assert env["DJANGO_DEBUG"] == "1"
    assert env["DJANGO_SECRET_KEY"].startswith("dev-") and len(env["DJANGO_SECRET_KEY"]) > 50
    assert launcher.DEV_SECRET_KEY_FILE.read_text().strip() == env["DJANGO_SECRET_KEY"]
    # The next start reuses it, so sessions survive a restart.
    assert launcher._dev_env()["DJANGO_SECRET_KEY"] == env["DJANGO_SECRET_KEY"]


def test_the_dev_launcher_gives_no_key_when_debug_is_turned_off(launcher, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "0")

    env = launcher._dev_env()

    assert env["DJANGO_DEBUG"] == "0"
    assert "DJANGO_SECRET_KEY" not in env
    assert not launcher.DEV_SECRET_KEY_FILE.exists()


def test_check_deploy_is_clean_under_production_settings():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=bare_environment(**PRODUCTION),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
