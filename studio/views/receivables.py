"""The receivables page: what each client owes, by how long it has been due."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studio.money import money_format
from studio.selectors.receivables import BUCKETS, receivables_by_client
from studio.selectors.settings import studio_settings_get


def receivables_view(request, *, admin_site: AdminSite):
    if not request.user.has_perm("studio.view_invoice"):
        raise PermissionDenied
    settings = studio_settings_get()
    data = receivables_by_client(today=timezone.localdate(), currency=settings.currency)
    context = {
        **admin_site.each_context(request),
        "title": _("Receivables"),
        "buckets": [label for label, _low, _high in BUCKETS],
        "data": data,
        "rows": [
            (
                row,
                [money_format(v, data.currency) if v else "—" for v in row.buckets],
                money_format(row.total, data.currency),
            )
            for row in data.rows
        ],
        "column_totals": [money_format(v, data.currency) for v in data.totals],
        "grand_total": money_format(data.total, data.currency),
        "more": data.clients - len(data.rows),
    }
    return TemplateResponse(request, "studio/admin/receivables.html", context)
