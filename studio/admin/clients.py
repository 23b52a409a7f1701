from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from studio.admin.base import AuditedModelAdmin, LargeTablePaginator
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Client, Session
from studio.money import money_format
from studio.resources import ClientResource
from studio.selectors.clients import client_totals
from studio.selectors.settings import studio_settings_get


class ClientSessionInline(TabularInline):
    """The client's latest sessions, read-only (sessions are changed from their own page)."""

    model = Session
    fields = ["start", "room", "status", "price"]
    readonly_fields = fields
    ordering = ["-start"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("sessions (latest 20)")

    def get_queryset(self, request):
        ids = super().get_queryset(request).order_by("-start").values_list("pk", flat=True)[:20]
        return super().get_queryset(request).filter(pk__in=list(ids)).select_related("room")

    def get_fields(self, request, obj=None):
        if request.user.has_perm("studio.view_money"):
            return self.fields
        return [f for f in self.fields if f != "price"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


@admin.register(Client, site=studio_admin_site)
class ClientAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [ClientResource]
    list_display = ["name", "artist_name", "kind", "email", "phone", "country", "no_show_badge"]
    list_filter = ["kind", "terms"]
    search_fields = ["name", "artist_name", "email", "phone"]
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    inlines = [ClientSessionInline]
    readonly_fields = ["totals", "booked_value", "no_show_count", "created_at"]
    money_fields = ("booked_value",)
    fieldsets = [
        (None, {"fields": ["kind", "name", "artist_name", "tags"]}),
        (_("Contact"), {"fields": ["email", "phone", "address", "country"]}),
        (_("Billing"), {"fields": ["vat_number", "terms"]}),
        (
            _("History"),
            {"fields": ["totals", "booked_value", "no_show_count", "notes", "created_at"]},
        ),
    ]

    @display(description=_("No-shows"), label={"0": "success"})
    def no_show_badge(self, obj: Client):
        return str(obj.no_show_count) if obj.no_show_count else "—"

    @display(description=_("Totals"))
    def totals(self, obj: Client):
        if not obj.pk:
            return "—"
        totals = client_totals(client=obj, now=timezone.now())
        parts = [
            _("%(n)s sessions") % {"n": totals.sessions},
            _("%(n)s completed") % {"n": totals.completed},
            _("%(n)s cancelled") % {"n": totals.cancelled},
            _("%(n)s no-shows") % {"n": totals.no_shows},
        ]
        last = (
            timezone.localtime(totals.last_session).strftime("%d %b %Y")
            if totals.last_session
            else "—"
        )
        upcoming = (
            timezone.localtime(totals.next_session).strftime("%d %b %Y %H:%M")
            if totals.next_session
            else "—"
        )
        return format_html(
            "{}<br>{} {} · {} {}",
            " · ".join(str(p) for p in parts),
            _("Last:"),
            last,
            _("Next:"),
            upcoming,
        )

    @display(description=_("Booked value"))
    def booked_value(self, obj: Client):
        if not obj.pk:
            return "—"
        totals = client_totals(client=obj, now=timezone.now())
        return money_format(totals.booked_value, studio_settings_get().currency)
