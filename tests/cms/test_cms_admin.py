"""Editors work in the Wagtail admin: snippets are registered, and a page is composed from
StreamField blocks without a developer."""

from __future__ import annotations

import pytest
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import ContentPage, HomePage
from tests.conftest import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["testimonial", "faqentry", "footerlink"])
def test_snippets_are_listed_in_the_cms(model, site_content, editor, platform_client):
    sign_in_verified(platform_client, editor)

    response = platform_client.get(f"/cms/snippets/cms/{model}/")

    assert response.status_code == 200


def test_an_editor_adds_a_page_from_blocks(site_content, editor, platform_client):
    sign_in_verified(platform_client, editor)
    home = HomePage.objects.get()
    data = nested_form_data(
        {
            "title": "Mastering",
            "slug": "mastering",
            "intro": "Loud, but not too loud.",
            "body": streamfield(
                [
                    ("text", rich_text("<p>Stem and stereo mastering.</p>")),
                    (
                        "call_to_action",
                        {
                            "heading": "Book a master",
                            "text": "",
                            "button_label": "Contact us",
                            "button_url": "/contact/",
                            "secondary_label": "",
                            "secondary_url": "",
                        },
                    ),
                ]
            ),
            "action-publish": "publish",
        }
    )

    response = platform_client.post(f"/cms/pages/add/cms/contentpage/{home.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = ContentPage.objects.get(slug="mastering")
    assert page.live
    html = platform_client.get("/mastering/").content.decode()
    assert "Stem and stereo mastering." in html
    assert "Book a master" in html


def test_every_seeded_page_opens_in_the_editor(site_content, editor, platform_client):
    sign_in_verified(platform_client, editor)
    seen = set()

    for page in HomePage.objects.get().get_descendants(inclusive=True).specific():
        if type(page) in seen:
            continue
        seen.add(type(page))
        response = platform_client.get(f"/cms/pages/{page.pk}/edit/")
        assert response.status_code == 200, type(page).__name__

    assert len(seen) == 11  # every page type
