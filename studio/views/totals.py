"""Live totals while a draft's lines are typed: the same checks and arithmetic as issuing."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from studio.selectors.documents import totals_rows
from studio.services import totals
from studio.services.documents import line_values
from studio.services.errors import StudioError

# Whoever may type a draft's lines (an invoice's or a quote's) may see them totalled.
DRAFTING = (
    "studio.add_invoice",
    "studio.change_invoice",
    "studio.add_quote",
    "studio.change_quote",
)


def _typed(value, default: str) -> str:
    """A number as typed in a row (decimal comma allowed; empty means the default)."""
    return str(value if value is not None else "").replace(",", ".").strip() or default


@require_POST
def live_totals(request):
    """The totals of the lines as typed, checked and computed by the same code that issues the
    document."""
    if not any(request.user.has_perm(perm) for perm in DRAFTING):
        raise PermissionDenied
    try:
        payload = json.loads(request.body or b"{}")
        currency = payload.get("currency") or "EUR"
        lines = []
        for row in payload.get("lines", []):
            if not str(row.get("unit_price", "")).strip():
                continue
            values = line_values(
                {
                    "description": "·",  # a row being typed may not have one yet
                    "quantity": _typed(row.get("quantity"), "1"),
                    "unit_price": _typed(row.get("unit_price"), "0"),
                    "discount_percent": _typed(row.get("discount_percent"), "0"),
                    "tax_rate": _typed(row.get("tax_rate"), "0"),
                }
            )
            lines.append(
                totals.Line(
                    values["quantity"],
                    values["unit_price"],
                    values["discount_percent"],
                    values["tax_rate"],
                )
            )
        computed = totals.document_totals(lines, currency)
    except (ValueError, totals.MoneyError, StudioError) as exc:
        message = exc.message if isinstance(exc, StudioError) else str(exc)
        return JsonResponse({"error": message}, status=400)
    return JsonResponse(
        {
            "rows": [
                {"label": a, "value": b, "strong": c} for a, b, c in totals_rows(computed, currency)
            ]
        }
    )
