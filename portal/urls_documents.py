"""Portal pages: the client's quotes and contracts."""

from django.urls import path

from portal.views import documents

urlpatterns = [
    path("documents/", documents.documents, name="documents"),
    path("documents/quotes/<int:pk>/", documents.quote, name="quote"),
    path("documents/quotes/<int:pk>/pdf/", documents.quote_pdf, name="quote_pdf"),
    path("documents/quotes/<int:pk>/accept/", documents.quote_accept, name="quote_accept"),
    path("documents/quotes/<int:pk>/decline/", documents.quote_decline, name="quote_decline"),
    path("documents/contracts/<int:pk>/", documents.contract, name="contract"),
    path("documents/contracts/<int:pk>/pdf/", documents.contract_download, name="contract_pdf"),
    path("documents/contracts/<int:pk>/sign/", documents.contract_sign, name="contract_sign"),
]
