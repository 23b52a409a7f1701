"""A client's page as the studio's memory: their sessions, invoices, payments, quotes and
contracts as paged tabs under the client's form (Unfold datasets), each drawn by the list admin
of its own model with the client column left out.

Each tab is one COUNT and one page query on an indexed client column, however long the
history; a tab is shown only to staff who may see that list (engineers see sessions only).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from unfold.datasets import BaseDataset

from studio.admin.contracts import ContractAdmin
from studio.admin.invoices import InvoiceAdmin
from studio.admin.payments import PaymentAdmin
from studio.admin.quotes import QuoteAdmin
from studio.admin.sessions import SessionAdmin
from studio.models import Contract, Invoice, Payment, Quote, Session

PAGE = 10


class _OfTheClient:
    """The list of one client's rows, read-only: no bulk actions, no row actions, no client
    column, newest first."""

    list_per_page = PAGE
    # The client's rows are the whole list here: "n of N" would count them a second time.
    show_full_result_count = False
    actions = None
    actions_row = []
    without = ("client",)

    def get_list_display(self, request):
        return [c for c in super().get_list_display(request) if c not in self.without]

    def get_queryset(self, request):
        client_id = (self.extra_context or {}).get("object")
        return super().get_queryset(request).filter(client_id=client_id)

    def get_actions(self, request):
        return {}


class ClientSessionsList(_OfTheClient, SessionAdmin):
    paginator = SessionAdmin.paginator.__base__  # a client's sessions are counted exactly

    def get_ordering(self, request):
        return ["-start"]


class ClientInvoicesList(_OfTheClient, InvoiceAdmin):
    pass


class ClientPaymentsList(_OfTheClient, PaymentAdmin):
    pass


class ClientQuotesList(_OfTheClient, QuoteAdmin):
    pass


class ClientContractsList(_OfTheClient, ContractAdmin):
    pass


class _ClientDataset(BaseDataset):
    tab = True


class SessionsDataset(_ClientDataset):
    title = _("Sessions")
    model = Session
    model_admin = ClientSessionsList


class InvoicesDataset(_ClientDataset):
    title = _("Invoices")
    model = Invoice
    model_admin = ClientInvoicesList


class PaymentsDataset(_ClientDataset):
    title = _("Payments")
    model = Payment
    model_admin = ClientPaymentsList


class QuotesDataset(_ClientDataset):
    title = _("Quotes")
    model = Quote
    model_admin = ClientQuotesList


class ContractsDataset(_ClientDataset):
    title = _("Contracts")
    model = Contract
    model_admin = ClientContractsList


CLIENT_DATASETS = (
    SessionsDataset,
    InvoicesDataset,
    PaymentsDataset,
    QuotesDataset,
    ContractsDataset,
)


def client_datasets_for(request) -> list[type[BaseDataset]]:
    """The history tabs this person may open."""
    return [
        dataset
        for dataset in CLIENT_DATASETS
        if request.user.has_perm(f"studio.view_{dataset.model._meta.model_name}")
    ]
