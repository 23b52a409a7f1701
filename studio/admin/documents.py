"""What the invoice, quote and credit note pages share: the line rows, the totals panel with
live totals while a draft is edited, and PDF downloads."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.admin import TabularInline
from unfold.decorators import display

from studio.models import StoredPdf
from studio.services import totals
from studio.services.mail import money


class LineInline(TabularInline):
    fields = [
        "position",
        "kind",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_rate",
    ]
    extra = 0
    ordering = ["position", "id"]
    tab = False
    show_title = False  # each row already says what it is
    ordering_field = "position"  # rows are dragged into order
    hide_ordering_field = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "description" and field is not None:
            field.widget.attrs["style"] = "min-width: 20rem"
        return field

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == "draft"

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or (self._editable(obj) and not obj.lines.exists()) else 0

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


def totals_panel(doc, *, extra_rows: list[tuple[str, str, bool]] = ()) -> str:
    """The totals block of a document page; on a draft the live-totals script refreshes it."""
    if doc is None:  # a new document: the panel fills in as lines are typed
        return mark_safe(
            render_to_string("studio/admin/totals_panel.html", {"rows": [], "live": True})
        )
    computed = (
        totals.document_totals(
            (
                totals.Line(li.quantity, li.unit_price, li.discount_percent, li.tax_rate)
                for li in doc.lines.all()
            ),
            doc.currency,
        )
        if doc.pk
        else None
    )
    return mark_safe(
        render_to_string(
            "studio/admin/totals_panel.html",
            {
                "rows": _rows(computed, doc.currency) + list(extra_rows) if computed else [],
                "live": getattr(doc, "status", "") == "draft" or not doc.pk,
            },
        )
    )


def _rows(computed: totals.Totals, currency: str) -> list[tuple[str, str, bool]]:
    rows = [("Subtotal", money(computed.gross, currency), False)]
    if computed.discount:
        rows.append(("Discount", "−" + money(computed.discount, currency), False))
        rows.append(("Net", money(computed.net, currency), False))
    for band in computed.taxes:
        rows.append(
            (
                f"Tax {band.rate.normalize():f} % on {money(band.base, currency)}",
                money(band.tax, currency),
                False,
            )
        )
    rows.append(("Total", money(computed.total, currency), True))
    return rows


def _decimal(value, default="0") -> Decimal:
    if value is None:
        value = default
    try:
        return Decimal(str(value).replace(",", ".").strip() or default)
    except InvalidOperation:
        raise ValueError(value) from None


@require_POST
def live_totals(request):
    """The totals of the lines as typed, computed by the same code that issues the document."""
    try:
        payload = json.loads(request.body or b"{}")
        currency = payload.get("currency") or "EUR"
        lines = [
            totals.Line(
                _decimal(row.get("quantity"), "1"),
                _decimal(row.get("unit_price")),
                _decimal(row.get("discount_percent")),
                _decimal(row.get("tax_rate")),
            )
            for row in payload.get("lines", [])
            if str(row.get("unit_price", "")).strip()
        ]
        computed = totals.document_totals(lines, currency)
    except (ValueError, totals.MoneyError) as exc:
        message = str(exc) if isinstance(exc, totals.MoneyError) else f"“{exc}” is not a number."
        return JsonResponse({"error": message}, status=400)
    return JsonResponse(
        {"rows": [{"label": a, "value": b, "strong": c} for a, b, c in _rows(computed, currency)]}
    )


def pdf_response(data, filename: str, *, download: bool = True) -> HttpResponse:
    """A PDF (bytes, or a StoredPdf) as a file the browser opens or saves."""
    content = bytes(data.data) if isinstance(data, StoredPdf) else data
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class FrozenAfterDraftMixin:
    """Once issued (or sent), a document's page is read-only: no Save buttons, no editable
    rows. Its life goes on through the actions, which call the services. The totals sit under
    the lines, where they are edited."""

    change_form_template = "studio/admin/document_change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["document_totals"] = self.totals(obj) if obj is not None else totals_panel(None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != "draft":
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from studio.selectors.settings import studio_settings_get
        from studio.services.audit import audit_record

        if not change:
            obj.studio_currency = studio_settings_get().currency
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        action = f"{obj._meta.model_name}.{'changed' if change else 'created'}"
        audit_record(action=action, obj=obj, by=request.user)

    @display(description=_("Number"), ordering="number")
    def display_number(self, obj):
        return obj.number or _("Draft #%(pk)s") % {"pk": obj.pk}

    @display(description=_("Total"), ordering="total")
    def display_total(self, obj):
        return money(obj.total, obj.currency)

    def document(self, request, object_id):
        """The document an action is about, read once per request (each action's permission
        check asks for it)."""
        cache = request.__dict__.setdefault("_documents", {})
        key = (self.model, str(object_id))
        if key not in cache:
            cache[key] = get_object_or_404(
                self.model.objects.select_related("client"), pk=object_id
            )
        return cache[key]

    def in_status(self, request, object_id, *statuses) -> bool:
        """May this user act on that document now? (Unfold asks without an id for the list.)"""
        if not self.has_change_permission(request):
            return False
        return object_id is None or self.document(request, object_id).status in statuses

    def frozen_fields(self, obj, fields: list[str]) -> list[str]:
        if obj.currency == obj.studio_currency:
            return [f for f in fields if f != "exchange_rate"]
        return fields


class DocumentForm(forms.ModelForm):
    """Draft documents: the exchange rate is checked by the same rule the services use."""

    def clean(self):
        from studio.services.documents import exchange_rate_check
        from studio.services.errors import StudioError

        data = super().clean()
        if "currency" in data:
            try:
                data["exchange_rate"] = exchange_rate_check(
                    currency=data["currency"], rate=data.get("exchange_rate")
                )
            except StudioError as exc:
                self.add_error("exchange_rate", exc.message)
        return data
