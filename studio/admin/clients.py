from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from portal.services.accounts import portal_invite
from studio.admin import actions as ui
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
from studio.services.erasure import client_anonymise
from studio.services.errors import StudioError

INVITED = "Invitation sent to {email}."
ANONYMISED = "The client is anonymised. Kept, as the law requires:"
NOTHING_KEPT = "The client is anonymised. Nothing about them had to be kept."


class ErasureFilter(admin.SimpleListFilter):
    """Clients who asked to be deleted and are waiting for it, and those already anonymised."""

    title = _("data deletion")
    parameter_name = "erasure"

    def lookups(self, request, model_admin):
        return [("asked", _("Asked to delete their data")), ("done", _("Anonymised"))]

    def queryset(self, request, queryset):
        if self.value() == "asked":
            return queryset.filter(erasure_requested_at__isnull=False, anonymised_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(anonymised_at__isnull=False)
        return queryset


@admin.register(Client, site=studio_admin_site)
class ClientAdmin(TransferMixin, MoneyVisibilityMixin, AuditedModelAdmin):
    resource_classes = [ClientResource]
    list_display = ["name", "artist_name", "kind", "email", "phone", "country", "no_show_badge"]
    list_filter = ["kind", "terms", ErasureFilter]
    search_fields = ["name", "artist_name", "email", "phone"]
    list_per_page = 50
    show_full_result_count = False
    paginator = LargeTablePaginator
    readonly_fields = ["no_show_count", "created_at"]
    change_form_template = "studio/admin/client_change_form.html"
    actions_detail = ["invite_to_portal", "anonymise"]
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
            extra_context = {
                **(extra_context or {}),
                "memory": self._memory(request, client),
                "portal_accounts": client.portal_accounts.select_related("user"),
            }
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

    def has_invite_to_portal_permission(self, request, object_id=None):
        return self.has_change_permission(request)

    @action(
        description=_("Invite to the portal"),
        url_path="invite-to-portal",
        permissions=["invite_to_portal"],
    )
    def invite_to_portal(self, request, object_id):
        """E-mail the client a link to their portal account (created on the first invitation,
        the same account on the next). The service says why when it cannot."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        client = get_object_or_404(Client, pk=object_id)
        back = ui.change_url(client)
        if request.method == "POST":
            try:
                account = portal_invite(client=client, by=request.user)
            except StudioError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, INVITED.format(email=account.email))
            return redirect(back)
        if not client.email:
            # Said at once: there is nothing to confirm until the client has an address.
            try:
                portal_invite(client=client, by=request.user)
            except StudioError as exc:
                messages.error(request, exc.message)
            return redirect(back)
        return ui.action_page(
            self,
            request,
            client,
            verb=_("Invite to the portal"),
            summary=[
                _(
                    "%(email)s gets an e-mail with a link to %(name)s's portal account, where "
                    "they book sessions and pay deposits. The link works once, for 7 days."
                )
                % {"email": client.email, "name": client}
            ],
            run=lambda data: portal_invite(client=client, by=request.user),
        )

    def has_anonymise_permission(self, request, object_id=None):
        return self.has_delete_permission(request)

    @action(description=_("Anonymise"), url_path="anonymise", permissions=["anonymise"])
    def anonymise(self, request, object_id):
        """Erase the client's personal data where the law allows, after a confirmation page;
        then say what had to be kept."""
        client = get_object_or_404(Client, pk=object_id)

        def done(kept):
            if kept:
                messages.info(request, " ".join([ANONYMISED, *kept]))
            else:
                messages.info(request, NOTHING_KEPT)
            return ui.change_url(client)

        asked = (
            _("%(name)s asked for it on %(date)s.")
            % {"name": client, "date": client.erasure_requested_at.date().isoformat()}
            if client.erasure_requested_at
            else _("The client has not asked for it in the portal.")
        )
        return ui.action_page(
            self,
            request,
            client,
            verb=_("Anonymise"),
            permission="anonymise",
            summary=[
                asked,
                _(
                    "Their name becomes “Anonymised client #%(id)s”; their e-mail, phone, "
                    "address, country, VAT number, tags and notes are cleared, their portal "
                    "account is closed, their session notes, card on file and the e-mails "
                    "sent to them are removed."
                )
                % {"id": client.pk},
                _(
                    "Issued invoices, sent quotes, credit notes, payments and signed contracts "
                    "are kept as they are, as the law requires."
                ),
            ],
            warning=_("This cannot be undone."),
            run=lambda data: client_anonymise(client=client, by=request.user),
            done=done,
        )
