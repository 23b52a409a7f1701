"""The back office sidebar, grouped by the studio's work rather than by Django app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from studio.resources import RESOURCES
from studio.views.imports import can_import


def _can(perm: str):
    return lambda request: request.user.has_perm(perm)


def _item(title, icon, url_name, perm):
    return {"title": title, "icon": icon, "link": reverse(url_name), "permission": _can(perm)}


def sidebar(request) -> list[dict]:
    return [
        {
            "title": _("Studio"),
            "items": [
                {"title": _("Today"), "icon": "today", "link": reverse("admin:index")},
                _item(_("Calendar"), "calendar_month", "admin:calendar", "studio.view_session"),
                _item(
                    _("Sessions"), "event", "admin:studio_session_changelist", "studio.view_session"
                ),
                _item(
                    _("Clients"), "groups", "admin:studio_client_changelist", "studio.view_client"
                ),
            ],
        },
        {
            "title": _("Projects"),
            "items": [
                _item(_("Board"), "view_kanban", "admin:project_board", "studio.view_project"),
                _item(
                    _("Projects"),
                    "album",
                    "admin:studio_project_changelist",
                    "studio.view_project",
                ),
                _item(
                    _("Stages"),
                    "view_column",
                    "admin:studio_projectstage_changelist",
                    "studio.view_projectstage",
                ),
            ],
        },
        {
            "title": _("Money"),
            "items": [
                _item(
                    _("Quotes"),
                    "request_quote",
                    "admin:studio_quote_changelist",
                    "studio.view_quote",
                ),
                _item(
                    _("Invoices"),
                    "receipt_long",
                    "admin:studio_invoice_changelist",
                    "studio.view_invoice",
                ),
                _item(
                    _("Payments"),
                    "payments",
                    "admin:studio_payment_changelist",
                    "studio.view_payment",
                ),
                _item(
                    _("Credit notes"),
                    "undo",
                    "admin:studio_creditnote_changelist",
                    "studio.view_creditnote",
                ),
                _item(
                    _("Receivables"), "hourglass_bottom", "admin:receivables", "studio.view_invoice"
                ),
                _item(
                    _("Contracts"),
                    "contract",
                    "admin:studio_contract_changelist",
                    "studio.view_contract",
                ),
            ],
        },
        {
            "title": _("Rooms and gear"),
            "items": [
                _item(
                    _("Rooms"), "meeting_room", "admin:studio_room_changelist", "studio.view_room"
                ),
                _item(
                    _("Equipment"),
                    "mic",
                    "admin:studio_equipment_changelist",
                    "studio.view_equipment",
                ),
            ],
        },
        {
            "title": _("Staff"),
            "items": [
                _item(
                    _("Engineers"),
                    "headphones",
                    "admin:studio_engineer_changelist",
                    "studio.view_engineer",
                ),
                _item(_("Staff accounts"), "badge", "admin:auth_user_changelist", "auth.view_user"),
                _item(
                    _("Roles"), "shield_person", "admin:auth_group_changelist", "auth.view_group"
                ),
                _item(
                    _("Locked sign-ins"),
                    "lock_person",
                    "admin:axes_accessattempt_changelist",
                    "axes.view_accessattempt",
                ),
            ],
        },
        {
            "title": _("Settings"),
            "items": [
                _item(
                    _("Studio settings"),
                    "settings",
                    "admin:studio_studiosettings_changelist",
                    "studio.view_studiosettings",
                ),
                _item(
                    _("Online payments"),
                    "credit_card",
                    "admin:online_payments",
                    "studio.view_studiosettings",
                ),
                _item(
                    _("Custom domains"),
                    "language",
                    "admin:custom_domains",
                    "studio.change_studiosettings",
                ),
                # Every staff member sees the studio's plan; only its owner changes it.
                {
                    "title": _("Subscription"),
                    "icon": "workspace_premium",
                    "link": reverse("admin:subscription"),
                },
                {
                    "title": _("Import data"),
                    "icon": "upload_file",
                    "link": reverse("admin:studio_import_index"),
                    "permission": lambda request: any(
                        can_import(request.user, key) for key in RESOURCES
                    ),
                },
                _item(
                    _("E-mail templates"),
                    "mail",
                    "admin:studio_emailtemplate_changelist",
                    "studio.view_emailtemplate",
                ),
                _item(
                    _("Contract templates"),
                    "description",
                    "admin:studio_contracttemplate_changelist",
                    "studio.view_contracttemplate",
                ),
                _item(
                    _("Mailbox"),
                    "outgoing_mail",
                    "admin:studio_outgoingemail_changelist",
                    "studio.view_outgoingemail",
                ),
                _item(
                    _("Audit trail"),
                    "history",
                    "admin:studio_auditentry_changelist",
                    "studio.view_auditentry",
                ),
                # Never "active": its path, "/", is a prefix of every admin page.
                {
                    "title": _("Studio page"),
                    "icon": "storefront",
                    "link": "/",
                    "active": False,
                },
            ],
        },
    ]
