"""The contact form: a message is stored and e-mailed to the platform admins; a bot filling the
honeypot is thanked and nothing is kept."""

from __future__ import annotations

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from cms.models import ContactPage
from cms.models.contact import HONEYPOT_FIELD

pytestmark = pytest.mark.django_db

MESSAGE = {
    "your_name": "Ada Moreau",
    "e_mail": "ada@northside.example",
    "studio": "Northside Sound, 2 rooms",
    "message": "Can we import four years of sessions?",
}


@pytest.fixture
def contact(site_content):
    return ContactPage.objects.get()


def test_the_form_shows_the_fields_and_a_hidden_honeypot(contact, platform_client):
    html = platform_client.get("/contact/").content.decode()

    for name in ("your_name", "e_mail", "studio", "message"):
        assert f'name="{name}"' in html
    assert '<div class="hp" aria-hidden="true">' in html
    assert f'name="{HONEYPOT_FIELD}"' in html


def test_a_valid_message_is_stored_and_mailed_to_the_platform(contact, platform_client, settings):
    settings.DEFAULT_FROM_EMAIL = "Platform <hello@platform.example>"

    response = platform_client.post("/contact/", MESSAGE)

    assert response.status_code == 200
    assert "Thanks, your message is on its way." in response.content.decode()
    submission = FormSubmission.objects.get(page=contact)
    assert submission.get_data()["message"] == MESSAGE["message"]
    assert HONEYPOT_FIELD not in submission.form_data
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["Platform <hello@platform.example>"]
    assert sent.reply_to == ["ada@northside.example"]
    assert "Message: Can we import four years of sessions?" in sent.body
    assert "Studio: Northside Sound, 2 rooms" in sent.body


def test_messages_go_to_the_platform_admins_when_they_are_configured(
    contact, platform_client, settings
):
    settings.PLATFORM_ADMIN_EMAILS = ["ops@platform.example", "cto@platform.example"]

    platform_client.post("/contact/", MESSAGE)

    assert mail.outbox[0].to == ["ops@platform.example", "cto@platform.example"]


def test_otherwise_they_go_to_the_admins(contact, platform_client, settings):
    settings.ADMINS = [("Ops", "ops@platform.example")]

    platform_client.post("/contact/", MESSAGE)

    assert mail.outbox[0].to == ["ops@platform.example"]


def test_an_address_set_by_the_editors_wins(contact, platform_client):
    contact.to_address = "sales@platform.example"
    contact.save_revision().publish()

    platform_client.post("/contact/", MESSAGE)

    assert mail.outbox[0].to == ["sales@platform.example"]


def test_a_filled_honeypot_is_thanked_but_nothing_is_stored_or_sent(contact, platform_client):
    response = platform_client.post("/contact/", {**MESSAGE, HONEYPOT_FIELD: "http://spam.example"})

    assert response.status_code == 200
    assert "Thanks, your message is on its way." in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []


def test_an_invalid_message_shows_errors_and_stores_nothing(contact, platform_client):
    response = platform_client.post("/contact/", {**MESSAGE, "e_mail": "not-an-address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert mail.outbox == []
