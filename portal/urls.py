from django.urls import include, path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("portal.urls_accounts")),
    path("", include("portal.urls_booking")),
    path("", include("portal.urls_invoices")),
    path("", include("portal.urls_documents")),
    path("", include("portal.urls_projects")),
    path("", include("portal.urls_profile")),
]
