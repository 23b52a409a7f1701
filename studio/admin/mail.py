"""E-mail templates the studio edits (with a preview) and the mailbox of what was sent."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from studio.admin.base import ServiceSavesMixin
from studio.admin.site import studio_admin_site
from studio.models import EmailTemplate, OutgoingEmail, StoredPdf
from studio.services.errors import StudioError
from studio.services.mail import email_template_check, email_values
from studio.services.mail_defaults import PLACEHOLDERS
from studio.services.placeholders import placeholders_fill

SAMPLE = {
    "client_name": "Nadia Kowalczyk",
    "number": "INV-2026-0042",
    "title": "Album tracking, 5 days",
    "total": "2,160.00 EUR",
    "balance": "960.00 EUR",
    "amount": "1,200.00 EUR",
    "due_date": "30 April 2026",
    "valid_until": "30 April 2026",
    "received_on": "12 April 2026",
    "invoice_number": "INV-2026-0042",
    "days_overdue": 14,
    "step": 2,
    "reason": "One day cancelled by the studio",
    "project": "Second album",
    "start_date": "4 May 2026",
    "end_date": "15 May 2026",
    "fee": "4,800.00 EUR",
}


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "body"]

    def clean(self):
        data = super().clean()
        try:
            email_template_check(
                kind=self.instance.kind, subject=data.get("subject", ""), body=data.get("body", "")
            )
        except StudioError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(EmailTemplate, site=studio_admin_site)
class EmailTemplateAdmin(ServiceSavesMixin, ModelAdmin):
    form = EmailTemplateForm
    list_display = ["kind", "subject"]
    fields = ["kind", "subject", "body", "placeholders", "preview"]
    readonly_fields = ["kind", "placeholders", "preview"]

    def has_add_permission(self, request):
        return False  # one per kind, created with the studio

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("Placeholders"))
    def placeholders(self, obj):
        return ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS[obj.kind])

    @display(description=_("Preview (sample client)"))
    def preview(self, obj):
        values = email_values(SAMPLE)
        return format_html(
            '<div class="border border-base-200 dark:border-base-700 rounded-default p-4 '
            'max-w-2xl" id="email-preview"><p class="font-semibold mb-3">{}</p>'
            '<div style="white-space: pre-line">{}</div></div>',
            placeholders_fill(obj.subject, values),
            placeholders_fill(obj.body, values),
        )


@admin.register(OutgoingEmail, site=studio_admin_site)
class OutgoingEmailAdmin(ModelAdmin):
    list_display = ["created_at", "to", "subject", "status_badge", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    fields = [
        "kind",
        "to",
        "subject",
        "status",
        "created_at",
        "sent_at",
        "attachment",
        "body",
        "error",
    ]
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @display(
        description=_("Status"),
        label={"queued": "info", "sending": "info", "sent": "success", "failed": "danger"},
    )
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Attachment"))
    def attachment(self, obj):
        if not obj.attachment_kind:
            return "—"
        if obj.attachment_kind == "ics":
            return "session.ics"
        stored = StoredPdf.objects.filter(
            kind=obj.attachment_kind, object_id=obj.attachment_id
        ).first()
        return stored.filename if stored else "—"
