"""localstripe, the offline Stripe, for `make run`, `make test` and the benchmark.

localstripe (PyPI, GPL) is a development and test tool only: it is started here when no
STRIPE_SECRET_KEY is configured and never ships in a deployment, and nothing imports it.

One server per process tree, on a free local port, started with `--from-scratch`. localstripe
keeps its state in one fixed file, /tmp/localstripe.pickle, and writes it after every change;
we accept that file as shared scratch: every server we start ignores it on start
(`--from-scratch`) and keeps its own state in memory, so two checkouts or two engineers on the
same machine never see each other's customers or intents. A server this process tree already
started (its address in STRIPE_API_BASE) is reused when it answers: the test command starts
one, and the test fixture that finds it uses it instead of starting a second.

This module must not import Django: the dev launcher runs it before there are settings.
"""

from __future__ import annotations

import atexit
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# What the offline keys look like: test-mode prefixes, so nothing mistakes them for live ones.
OFFLINE_SECRET_KEY = "sk_test_offline_localstripe"
OFFLINE_PUBLISHABLE_KEY = "pk_test_offline_localstripe"
START_SECONDS = 20


class LocalStripeError(RuntimeError):
    pass


@dataclass
class Server:
    base: str  # http://127.0.0.1:<port>
    webhook_secret: str
    process: subprocess.Popen | None = None  # None: reused, not ours to stop
    log: str = ""  # its output, kept only while it runs (and when it failed to start)

    def env(self) -> dict[str, str]:
        """The variables settings read to talk to this server (see settings' Stripe section)."""
        return {
            "STRIPE_API_BASE": self.base,
            "STRIPE_JS_URL": f"{self.base}/js.stripe.com/v3/",
            "STRIPE_SECRET_KEY": OFFLINE_SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": OFFLINE_PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": self.webhook_secret,
        }

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.log:
            Path(self.log).unlink(missing_ok=True)


def answers(base: str, timeout: float = 1.0) -> bool:
    """Whether a localstripe answers at `base` (its fake Stripe.js needs no key)."""
    try:
        with urllib.request.urlopen(f"{base}/js.stripe.com/v3/", timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start() -> Server:
    """Start a localstripe on a free port, wait until it answers, stop it when we exit."""
    port = _free_port()
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open for the child's lifetime
        prefix=f"localstripe-{port}-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    server = Server(
        base=f"http://127.0.0.1:{port}",
        webhook_secret="whsec_offline_" + secrets.token_hex(16),
        process=process,
        log=log.name,
    )
    atexit.register(server.stop)
    deadline = time.monotonic() + START_SECONDS
    while not answers(server.base, timeout=0.5):
        if process.poll() is not None:
            raise LocalStripeError(
                f"localstripe exited with code {process.returncode}; see {log.name}. "
                "Is it installed (pip install -e '.[dev]')?"
            )
        if time.monotonic() > deadline:
            server.stop()
            raise LocalStripeError(f"localstripe did not answer within {START_SECONDS} s.")
        time.sleep(0.1)
    return server


def ensure(environ: dict[str, str] | None = None) -> Server:
    """The localstripe named by STRIPE_API_BASE in `environ` if it answers, else a new one."""
    environ = os.environ if environ is None else environ
    base = environ.get("STRIPE_API_BASE", "").strip().rstrip("/")
    if base and answers(base):
        return Server(base=base, webhook_secret=environ.get("STRIPE_WEBHOOK_SECRET", ""))
    return start()


def webhook_register(server: Server, url: str, *, endpoint_id: str = "platform") -> None:
    """Have localstripe post its events, signed with the server's secret, to `url`."""
    data = urllib.parse.urlencode({"url": url, "secret": server.webhook_secret}).encode()
    request = urllib.request.Request(
        f"{server.base}/_config/webhooks/{endpoint_id}",
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {OFFLINE_SECRET_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        if response.status != 200:
            raise LocalStripeError(f"localstripe refused the webhook endpoint ({response.status}).")
