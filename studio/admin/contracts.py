"""Contracts and their templates: written from a template for a client, sent, signed once."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from studio.admin import actions as ui
from studio.admin.base import ServiceForm, ServiceModelAdmin, ServiceSavesMixin, model_values
from studio.admin.documents import pdf_response
from studio.admin.quotes import PortalFilter, portal_seen
from studio.admin.site import studio_admin_site
from studio.models import Contract, ContractTemplate
from studio.services import contracts
from studio.services.errors import StudioError
from studio.services.lockouts import client_address
from studio.services.portal_documents import portal_views_annotate

STATUS_COLOURS = {"draft": "info", "sent": "warning", "signed": "success", "void": "danger"}


class ContractTemplateForm(forms.ModelForm):
    class Meta:
        model = ContractTemplate
        fields = ["name", "title", "body", "is_active"]

    def clean(self):
        data = super().clean()
        try:
            contracts.contract_template_check(
                title=data.get("title", ""), body=data.get("body", "")
            )
        except StudioError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(ContractTemplate, site=studio_admin_site)
class ContractTemplateAdmin(ServiceSavesMixin, ModelAdmin):
    form = ContractTemplateForm
    list_display = ["name", "title", "is_active"]
    search_fields = ["name", "title"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        names = ", ".join(f"{{{{ {n} }}}}" for n in contracts.CONTRACT_PLACEHOLDERS)
        if "body" in form.base_fields:  # view-only staff get a read-only page without fields
            form.base_fields["body"].help_text = _("Placeholders you can use: %(n)s.") % {
                "n": names
            }
        return form


class ContractCreateForm(ServiceForm):
    class Meta:
        model = Contract
        fields = ["client", "template", "project", "start_date", "end_date", "fee", "currency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].required = True
        self.fields["template"].queryset = ContractTemplate.objects.filter(is_active=True)

    def run_service(self, data):
        return contracts.contract_create(
            client=data["client"],
            template=data["template"],
            project=data.get("project", ""),
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            fee=data.get("fee"),
            currency=data.get("currency") or "EUR",
            by=self.request.user,
        )


class SignedOnPaperForm(forms.Form):
    name = forms.CharField(label=_("Name of the person who signed"), widget=ui.TEXT)


@admin.register(Contract, site=studio_admin_site)
class ContractAdmin(ServiceModelAdmin):
    list_display = ["title", "client", "status_badge", "sent_at", "signed_at", "portal_state"]
    list_filter = ["status", PortalFilter]
    portal_online = Q(signed_via=Contract.SignedVia.PORTAL)
    search_fields = ["title", "client__name", "project"]
    autocomplete_fields = ["client"]
    list_select_related = ["client"]
    actions_detail = ["send", "signed_on_paper", "void", "download_pdf"]
    actions_row = ["download_pdf"]
    SIGNATURE = [
        "signed_name",
        "signed_at",
        "signed_via",
        "signed_ip",
        "signed_user_agent",
        "document_sha256",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ContractCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ContractCreateForm.Meta.fields})]
        sets = [
            (
                None,
                {
                    "fields": [
                        "client",
                        "title",
                        "project",
                        "start_date",
                        "end_date",
                        "fee",
                        "currency",
                        "status",
                        "portal_state",
                        "body" if obj.status == Contract.Status.DRAFT else "text",
                    ]
                },
            )
        ]
        if obj.status == Contract.Status.SIGNED:
            sets.append((_("Signature"), {"fields": self.SIGNATURE}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        frozen = ["client", "status", "portal_state", "text", *self.SIGNATURE]
        if obj.status != Contract.Status.DRAFT:
            frozen += ["title", "project", "start_date", "end_date", "fee", "currency"]
        return frozen

    def save_record(self, request, obj, form, change):
        if change:  # a draft's text edited before sending
            return contracts.contract_draft_update(
                contract=obj, by=request.user, **model_values(form, obj, changed_only=True)
            )
        return super().save_record(request, obj, form, change)

    def delete_record(self, request, obj):
        contracts.contract_delete(contract=obj, by=request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Contract.Status.DRAFT
        )

    def has_change_permission(self, request, obj=None):
        # Sent, signed or void: the page is read-only; its life goes on through the actions.
        if obj is not None and obj.status != Contract.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    @display(description=_("Text"))
    def text(self, obj):
        return format_html(
            '<div style="white-space: pre-line" class="max-w-3xl">{}</div>', obj.body
        )

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def get_queryset(self, request):
        return portal_views_annotate(super().get_queryset(request), "contract")

    @display(description=_("In the portal"))
    def portal_state(self, obj):
        """Sent, opened, or signed online (name, when, from where; the hash is in Signature)."""
        if obj.status == Contract.Status.DRAFT:
            return "—"
        if obj.signed_via == Contract.SignedVia.PORTAL and obj.signed_at:
            return _("Signed online by %(name)s on %(when)s from %(ip)s") % {
                "name": obj.signed_name,
                "when": f"{timezone.localtime(obj.signed_at):%d %b %Y, %H:%M}",
                "ip": obj.signed_ip or "?",
            }
        return portal_seen(obj)

    def _contract(self, request, object_id) -> Contract:
        return get_object_or_404(Contract.objects.select_related("client"), pk=object_id)

    def has_unsigned_action_permission(self, request, object_id=None):
        if not self.has_change_permission(request):
            return False
        return (
            object_id is None
            or Contract.objects.filter(
                pk=object_id, status__in=[Contract.Status.DRAFT, Contract.Status.SENT]
            ).exists()
        )

    @action(description=_("Send to client"), url_path="send", permissions=["unsigned_action"])
    def send(self, request, object_id):
        contract = self._contract(request, object_id)
        return ui.action_page(
            self,
            request,
            contract,
            verb=_("Send"),
            summary=[
                str(contract.client),
                _(
                    "E-mailed to %(to)s. When the signed copy comes back, record it with "
                    "Signed on paper."
                )
                % {"to": contract.client.email or _("nobody (no e-mail address)")},
            ],
            run=lambda data: contracts.contract_send(contract=contract, by=request.user),
        )

    @action(
        description=_("Signed on paper"),
        url_path="signed-on-paper",
        permissions=["unsigned_action"],
    )
    def signed_on_paper(self, request, object_id):
        contract = self._contract(request, object_id)
        return ui.action_page(
            self,
            request,
            contract,
            verb=_("Record the signature"),
            form_class=SignedOnPaperForm,
            initial={"name": contract.client.name},
            summary=[str(contract.client)],
            warning=_("The text as it is now is fingerprinted and frozen; keep the paper copy."),
            run=lambda data: contracts.contract_mark_signed_on_paper(
                contract=contract,
                name=data["name"],
                by=request.user,
                ip=client_address(request),
            ),
        )

    @action(description=_("Void"), url_path="void", permissions=["unsigned_action"])
    def void(self, request, object_id):
        contract = self._contract(request, object_id)
        return ui.action_page(
            self,
            request,
            contract,
            verb=_("Void the contract"),
            summary=[str(contract.client)],
            run=lambda data: contracts.contract_void(contract=contract, by=request.user),
        )

    @action(description=_("PDF"), url_path="pdf", permissions=["view"])
    def download_pdf(self, request, object_id):
        contract = self._contract(request, object_id)
        return pdf_response(contracts.contract_pdf(contract), f"contract-{contract.pk}.pdf")
