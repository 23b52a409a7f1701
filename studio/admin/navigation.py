"""The back office sidebar, grouped by the studio's work rather than by Django app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def sidebar(request) -> list[dict]:
    return [
        {
            "title": _("Studio"),
            "items": [
                {"title": _("Today"), "icon": "today", "link": reverse("admin:index")},
                {"title": _("Client portal"), "icon": "storefront", "link": "/"},
            ],
        },
        {
            "title": _("Staff"),
            "items": [
                {
                    "title": _("Staff accounts"),
                    "icon": "badge",
                    "link": reverse("admin:auth_user_changelist"),
                    "permission": lambda request: request.user.has_perm("auth.view_user"),
                },
                {
                    "title": _("Roles"),
                    "icon": "shield_person",
                    "link": reverse("admin:auth_group_changelist"),
                    "permission": lambda request: request.user.has_perm("auth.view_group"),
                },
            ],
        },
    ]
