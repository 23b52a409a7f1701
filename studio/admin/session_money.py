"""Money actions on sessions: take a deposit, and invoice completed sessions in bulk."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from studio.admin import actions as ui
from studio.models import Payment, Session
from studio.money import money_format
from studio.services import invoices, payments
from studio.services.errors import StudioError


class DepositForm(forms.Form):
    amount = forms.DecimalField(label=_("Deposit received"), widget=ui.MONEY)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[(m, label) for m, label in Payment.Method.choices if m in Payment.MANUAL],
        widget=ui.SELECT,
    )
    reference = forms.CharField(label=_("Reference"), required=False, widget=ui.TEXT)


class SessionMoneyActionsMixin:
    def has_take_deposit_permission(self, request, object_id=None):
        if not request.user.has_perm("studio.add_payment"):
            return False
        return (
            object_id is None
            or Session.objects.filter(pk=object_id, status__in=Session.ACTIVE).exists()
        )

    def has_bill_permission(self, request):
        return request.user.has_perm("studio.add_invoice")

    @action(description=_("Record deposit"), url_path="deposit", permissions=["take_deposit"])
    def take_deposit(self, request, object_id):
        session = get_object_or_404(Session.objects.select_related("client", "room"), pk=object_id)
        paid = sum(p.amount for p in session.payments.all())
        return ui.action_page(
            self,
            request,
            session,
            verb=_("Record the deposit"),
            form_class=DepositForm,
            permission="take_deposit",
            initial={"amount": max(session.deposit_due - paid, 0) or session.deposit_due},
            summary=[
                f"{session.client} · {session.room}",
                _("Deposit due: %(due)s; received so far: %(paid)s")
                % {
                    "due": money_format(session.deposit_due, session.currency),
                    "paid": money_format(paid, session.currency),
                },
            ],
            warning=_("It is deducted from the invoice that bills this session."),
            run=lambda data: payments.payment_record(
                session=session,
                amount=data["amount"],
                method=data["method"],
                reference=data["reference"],
                by=request.user,
            ),
        )

    @action(description=_("Invoice the selected sessions"), permissions=["bill"])
    def bill_selected(self, request, queryset):
        """One draft invoice per client for the selected completed sessions not yet billed."""
        try:
            created, skipped = invoices.invoices_for_sessions(sessions=queryset, by=request.user)
        except StudioError as exc:
            messages.error(request, exc.message)
            return None
        if created:
            messages.success(
                request,
                _("%(n)d draft invoice(s) created; check them, then issue.") % {"n": len(created)},
            )
        if skipped:
            messages.warning(
                request,
                _("%(n)d session(s) left out: not completed, or already billed.") % {"n": skipped},
            )
        if not created and not skipped:
            messages.warning(request, _("No completed session was selected."))
            return None
        if len(created) == 1:
            return redirect(reverse("admin:studio_invoice_change", args=[created[0].pk]))
        return redirect(reverse("admin:studio_invoice_changelist") + "?status__exact=draft")
