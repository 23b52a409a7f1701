from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from studio.admin.base import AuditedModelAdmin, LargeTablePaginator
from studio.admin.client_history import client_datasets_for
from studio.admin.money import MoneyVisibilityMixin
from studio.admin.site import studio_admin_site
from studio.admin.transfer import TransferMixin
from studio.models import Client
from studio.money import money_format
from studio.resources import ClientResource
from studio.selectors.clients import client_ledger, client_totals
from studio.selectors.settings import studio_settings_get


@admin.register(Client, site=studio_admin_site)
class ClientAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [ClientResource]
    list_display = ["name", "artist_name", "kind", "email", "phone", "country", "no_show_badge"]
    list_filter = ["kind", "terms"]
    search_fields = ["name", "artist_name", "email", "phone"]
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    readonly_fields = ["no_show_count", "created_at"]
    change_form_template = "studio/admin/client_change_form.html"
    fieldsets = [
        (None, {"fields": ["kind", "name", "artist_name", "tags"]}),
        (_("Contact"), {"fields": ["email", "phone", "address", "country"]}),
        (_("Billing"), {"fields": ["vat_number", "terms"]}),
        (_("Notes"), {"fields": ["notes", "no_show_count", "created_at"]}),
    ]

    def get_changeform_datasets(self, request):
        # The history tabs belong to an existing client's page, not to the add form.
        if getattr(request, "resolver_match", None) and "object_id" in (
            request.resolver_match.kwargs or {}
        ):
            return client_datasets_for(request)
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        client = self.get_object(request, object_id)
        if client is not None:
            extra_context = {**(extra_context or {}), "memory": self._memory(request, client)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _memory(self, request, client: Client) -> dict:
        """The summary above a client's form: their sessions and, for staff who see money,
        what they were billed, paid and still owe."""
        now = timezone.now()
        totals = client_totals(client=client, now=now)
        memory = {"totals": totals}
        if self.can_see_money(request):
            currency = studio_settings_get().currency
            ledger = client_ledger(client=client, today=timezone.localdate(), currency=currency)
            memory["ledger"] = ledger
            memory["money"] = {
                "booked": money_format(totals.booked_value, currency),
                "invoiced": money_format(ledger.invoiced, currency),
                "paid": money_format(ledger.paid, currency),
                "balance": money_format(ledger.balance, currency),
                "overdue": money_format(ledger.overdue, currency),
            }
        return memory

    @display(description=_("No-shows"), label={"0": "success"})
    def no_show_badge(self, obj: Client):
        return str(obj.no_show_count) if obj.no_show_count else "—"
