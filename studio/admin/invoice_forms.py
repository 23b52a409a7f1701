"""The small forms behind the invoice actions: payment, credit, void, sessions to bill."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studio.admin import actions as ui
from studio.models import Invoice, Payment, Session
from studio.money import money_format
from studio.selectors.billing import sessions_unbilled
from studio.selectors.settings import studio_settings_get


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received"), widget=ui.MONEY)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(m, label) for m, label in Payment.Method.choices if m in Payment.MANUAL],
        widget=ui.SELECT,
    )
    received_on = forms.DateField(label=_("Received on"), widget=ui.DATE)
    reference = forms.CharField(label=_("Reference"), required=False, widget=ui.TEXT)
    send_receipt = forms.BooleanField(label=_("E-mail a receipt"), required=False)


class CreditForm(forms.Form):
    reason = forms.CharField(label=_("Reason (printed on the credit note)"), widget=ui.TEXT)
    amount = forms.DecimalField(
        label=_("Amount to credit, before tax"),
        required=False,
        widget=ui.MONEY,
        help_text=_("Leave empty to credit everything that is left of the invoice."),
    )
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        required=False,
        widget=ui.MONEY,
        help_text=_("The rate of the lines it corrects."),
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is it void?"), widget=ui.TEXT)


def main_tax_rate(invoice: Invoice):
    """The tax rate carrying most of the invoice: what a partial credit usually corrects."""
    bands: dict = {}
    for line in invoice.lines.all():
        bands[line.tax_rate] = bands.get(line.tax_rate, 0) + line.quantity * line.unit_price
    return f"{max(bands, key=bands.get).normalize():f}" if bands else "0"


def received_at(day):
    """Today: now. Another day: noon of that day in the studio's zone."""
    if day == timezone.localdate():
        return None
    return datetime.combine(day, time(12), tzinfo=studio_settings_get().tz)


def sessions_form(invoice: Invoice) -> type[forms.Form]:
    choices = (
        sessions_unbilled(Session.objects.filter(client=invoice.client))
        .select_related("room")
        .order_by("-start")[:200]
    )

    class SessionsForm(forms.Form):
        sessions = forms.ModelMultipleChoiceField(
            label=_("Completed sessions not yet billed"),
            queryset=Session.objects.filter(pk__in=[s.pk for s in choices]),
            widget=forms.CheckboxSelectMultiple,
        )

    SessionsForm.base_fields["sessions"].label_from_instance = lambda s: (
        f"{timezone.localtime(s.start):%a %d %b %Y %H:%M}–{timezone.localtime(s.end):%H:%M} · "
        f"{s.room} · {money_format(s.price, s.currency)}"
    )
    return SessionsForm
