"""URLs of a studio's domain (the studio's schema): back office and client portal."""

from django.urls import include, path

from siteconf.tenancy.media_views import media_urlpatterns
from studio.admin import studio_admin_site
from studio.views import audio

urlpatterns = [
    # Audio: the signed, expiring addresses the players and download links use (the view checks
    # who is asking), and the back office's chunked uploads (staff only, CSRF-protected).
    path("audio/<str:token>/", audio.audio_serve, name="audio"),
    path(
        "admin/audio/uploads/",
        studio_admin_site.admin_view(audio.upload_start_view),
        name="audio_upload_start",
    ),
    path(
        "admin/audio/uploads/<uuid:upload_id>/",
        studio_admin_site.admin_view(audio.upload_view),
        name="audio_upload",
    ),
    path(
        "admin/audio/versions/<int:version_id>/status/",
        studio_admin_site.admin_view(audio.version_status_view),
        name="audio_version_status",
    ),
    path("admin/", studio_admin_site.urls),
    # Development only, and only this studio's own files (see tenancy/media_views.py).
    *media_urlpatterns(),
    path("", include("portal.urls")),
]

# Refusals drawn as pages in the back office's look, saying why and where to go instead.
handler403 = "studio.views.refusals.forbidden"
handler404 = "studio.views.refusals.not_found"
