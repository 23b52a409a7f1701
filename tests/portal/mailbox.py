"""Reading portal links out of the e-mails the tests sent."""

from __future__ import annotations

import re

from django.core import mail

LINK = re.compile(r"https?://(?P<host>[^/\s]+)(?P<path>/link/[^\s]+)")


def link_in(message) -> str:
    """The path (with its query) of the portal link in an e-mail."""
    found = LINK.search(message.body)
    assert found, message.body
    return found.group("path")


def last_link() -> str:
    assert mail.outbox, "no e-mail was sent"
    return link_in(mail.outbox[-1])
