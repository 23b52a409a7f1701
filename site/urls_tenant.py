"""URLs of a studio's domain (the studio's schema): back office and client portal."""

from django.urls import include, path

from studio.admin import studio_admin_site

urlpatterns = [
    path("admin/", studio_admin_site.urls),
    path("", include("portal.urls")),
]
