"""What every public page shares: the header's links and the footer built from snippets."""

from __future__ import annotations

import pytest

from cms.models import FooterLink

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/pricing/", "/help/", "/blog/", "/legal/terms/"])
def test_every_page_has_the_header_links(path, site_content, platform_client):
    html = platform_client.get(path).content.decode()

    for href in ("/features/", "/pricing/", "/help/", "/blog/", "/contact/"):
        assert f'href="{href}"' in html
    assert '<a class="nav-demo" href="/demo/">Try the demo</a>' in html
    assert '<a href="/sign-in/">Sign in</a>' in html
    assert 'href="/signup/">Start free trial</a>' in html


def test_the_footer_is_built_from_footer_link_snippets(site_content, platform_client):
    FooterLink.objects.create(label="Status page", url="https://status.example", column="company")

    html = platform_client.get("/faq/").content.decode()

    assert '<a href="https://status.example">Status page</a>' in html
    assert '<a href="/legal/privacy/">Privacy policy</a>' in html
    assert html.index("<h2>Product</h2>") < html.index("<h2>Legal</h2>")


def test_a_deleted_footer_link_disappears(site_content, platform_client):
    FooterLink.objects.filter(label="Privacy policy").delete()

    html = platform_client.get("/faq/").content.decode()

    assert "Privacy policy" not in html
