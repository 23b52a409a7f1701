"""Every surface answers with a Content-Security-Policy that lets no injected script run: scripts
from our own origin or carrying the response's nonce, never 'unsafe-inline' outside the CMS
editor, and 'unsafe-eval' only where Unfold's Alpine.js needs it."""

from __future__ import annotations

import re
import secrets
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.template import engines
from django.test import Client as HttpClient
from django.test import RequestFactory
from django_tenants.utils import schema_context

from cms.services import HOME_CONTENT, home_page_ensure
from siteconf.csp import PathPolicyMiddleware
from tests.config.test_settings import python
from tests.conftest import PLATFORM_HOST, STUDIO_A, forget_media_root, sign_in_verified

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
OUR_TEMPLATES = [
    path
    for folder in ("site", "studio", "portal", "cms")
    for path in (ROOT / folder).rglob("*.html")
]
# A script element with one of these types is data the browser never runs.
DATA_TYPES = {"application/json", "application/ld+json", "text/template"}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


class InlineScripts(HTMLParser):
    """The attributes of every <script> without src that the browser would run."""

    def __init__(self):
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        runs = (attributes.get("type") or "").lower() not in DATA_TYPES
        if tag == "script" and "src" not in attributes and runs:
            self.found.append(attributes)


@pytest.fixture
def surfaces(studio_a, settings, tmp_path):
    """One signed-in page of each surface, as (name, client, path)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    forget_media_root()
    home_page_ensure(content_file=HOME_CONTENT, hostname="localhost", port=80)
    operator = User.objects.create_superuser(
        "op@platform.example", "op@platform.example", "op-Passw0rd!"
    )
    platform = sign_in_verified(HttpClient(HTTP_HOST=PLATFORM_HOST), operator)
    studio = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        studio.force_login(User.objects.get(email=STUDIO_A.owner_email))
    return {
        "studio admin": (studio, "/admin/"),
        "calendar": (studio, "/admin/calendar/"),
        "portal": (studio, "/"),
        "platform admin": (platform, "/admin/"),
        "cms": (platform, "/cms/"),
        "marketing page": (HttpClient(HTTP_HOST=PLATFORM_HOST), "/"),
        "sign-up": (HttpClient(HTTP_HOST=PLATFORM_HOST), "/signup/"),
    }


def fetch(surfaces, name):
    client, path = surfaces[name]
    response = client.get(path)
    assert response.status_code == 200, (name, response.status_code)
    return response


@pytest.mark.parametrize(
    "name",
    ["studio admin", "calendar", "portal", "platform admin", "cms", "marketing page", "sign-up"],
)
def test_every_surface_sends_the_policy(surfaces, name):
    directives = policy(fetch(surfaces, name))

    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert "'self'" in directives["form-action"]
    assert "'self'" in directives["script-src"]
    assert "*" not in directives["script-src"]


@pytest.mark.parametrize(
    "name", ["studio admin", "calendar", "portal", "platform admin", "marketing page", "sign-up"]
)
def test_no_inline_script_may_run_outside_the_cms(surfaces, name):
    directives = policy(fetch(surfaces, name))

    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("name", ["portal", "marketing page", "sign-up"])
def test_only_the_admins_evaluate_strings(surfaces, name):
    assert "'unsafe-eval'" not in policy(fetch(surfaces, name))["script-src"]
    assert "'unsafe-eval'" in policy(fetch(surfaces, "studio admin"))["script-src"]


def test_the_cms_editor_may_frame_its_own_preview(surfaces):
    directives = policy(fetch(surfaces, "cms"))

    assert directives["frame-ancestors"] == ["'self'"]
    # Nonces would switch 'unsafe-inline' off, and Wagtail's inline scripts with it.
    assert not any(source.startswith("'nonce-") for source in directives["script-src"])


@pytest.mark.parametrize(
    "name", ["studio admin", "calendar", "portal", "platform admin", "marketing page", "sign-up"]
)
def test_inline_scripts_on_our_pages_carry_the_nonce(surfaces, name):
    response = fetch(surfaces, name)
    nonces = {
        source[len("'nonce-") : -1]
        for source in policy(response)["script-src"]
        if source.startswith("'nonce-")
    }
    parser = InlineScripts()
    parser.feed(response.content.decode())

    unsigned = [attrs for attrs in parser.found if attrs.get("nonce") not in nonces]
    assert unsigned == []


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_a_template_that_uses_the_nonce_gets_it_into_the_header(path):
    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')

    def view(request):
        return HttpResponse(template.render({}, request))

    request = RequestFactory().get(path)
    response = PathPolicyMiddleware(view)(request)

    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]


def test_a_cms_preview_takes_the_editors_policy():
    """Wagtail renders a preview through a stand-in request for the page's own address; the
    answer is framed in the editor, so it must allow that frame."""

    def view(request):
        return HttpResponse("preview")

    request = RequestFactory().get("/blog/a-post/")
    request.is_dummy = True
    previewed = policy(PathPolicyMiddleware(view)(request))
    public = policy(PathPolicyMiddleware(view)(RequestFactory().get("/blog/a-post/")))

    assert previewed["frame-ancestors"] == ["'self'"]
    assert public["frame-ancestors"] == ["'none'"]


def test_our_templates_have_no_inline_event_handlers_or_script_urls():
    handler = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in OUR_TEMPLATES
        if handler.search(text := path.read_text(encoding="utf-8")) or "javascript:" in text
    ]
    assert OUR_TEMPLATES and offenders == []


def test_report_only_sends_the_same_policy_without_enforcing_it():
    done = python(
        "from siteconf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY is None, "
        "s.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['object-src'])",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        CSP_REPORT_ONLY="1",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "[\"'none'\"]"]
