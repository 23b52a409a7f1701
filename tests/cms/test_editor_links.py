"""An address an editor types into a button, a feature card or the footer becomes a link only
when it is a place to go: never javascript: or data:, however it is spelled."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from cms.blocks import CallToActionBlock
from cms.links import link_safe, link_validator
from cms.models import FooterLink


@pytest.mark.parametrize(
    "address",
    ["/pricing/", "#faq", "?q=rooms", "https://example.com/x", "mailto:a@b.example", "tel:+331"],
)
def test_places_to_go_are_links(address):
    link_validator(address)
    assert link_safe(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
        "vbscript:msgbox(1)",
    ],
)
def test_scripts_are_refused_when_saved_and_dropped_when_shown(address):
    with pytest.raises(ValidationError):
        link_validator(address)
    assert link_safe(address) == ""


def test_a_call_to_action_block_refuses_a_script_address():
    block = CallToActionBlock()
    value = block.to_python(
        {"heading": "Book", "button_label": "Go", "button_url": "javascript:alert(1)"}
    )
    with pytest.raises(ValidationError):
        block.clean(value)


def test_a_footer_link_is_checked_and_never_printed_as_a_script():
    evil = FooterLink(label="Evil", url="javascript:alert(1)", column="product")
    with pytest.raises(ValidationError):
        evil.full_clean()
    fine = FooterLink(label="Pricing", url="/pricing/", column="product")
    html = render_to_string("cms/tags/footer_links.html", {"columns": [("Product", [evil, fine])]})
    assert 'href="/pricing/"' in html
    assert "javascript" not in html and "Evil" not in html
