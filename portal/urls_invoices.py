"""Portal pages: invoices."""

from django.urls import path

from portal.views import invoices

urlpatterns = [
    path("invoices/", invoices.invoice_list, name="invoices"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/pdf/", invoices.invoice_download, name="invoice_pdf"),
    path("invoices/<int:pk>/pay/", invoices.invoice_pay, name="invoice_pay"),
    path("invoices/<int:pk>/pay/return/", invoices.invoice_pay_return, name="invoice_pay_return"),
]
