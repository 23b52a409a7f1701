"""URLs of a studio's domain (the studio's schema): back office and client portal."""

from django.urls import include, path

from siteconf.tenancy.media_views import media_urlpatterns
from studio.admin import studio_admin_site

urlpatterns = [
    path("admin/", studio_admin_site.urls),
    # Development only, and only this studio's own files (see tenancy/media_views.py).
    *media_urlpatterns(),
    path("", include("portal.urls")),
]

# Refusals drawn as pages in the back office's look, saying why and where to go instead.
handler403 = "studio.views.refusals.forbidden"
handler404 = "studio.views.refusals.not_found"
