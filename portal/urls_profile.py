"""Portal pages: the client's profile, their data exports and their request to be deleted."""

from django.urls import path

from portal.views import profile

urlpatterns = [
    path("profile/", profile.profile_edit, name="profile"),
    path("profile/delete/", profile.erasure, name="profile_delete"),
    path("profile/data/", profile.exports, name="data_exports"),
    path("profile/data/<int:pk>/", profile.export_detail, name="data_export"),
    path("profile/data/<int:pk>/status/", profile.export_status, name="data_export_status"),
    path("profile/data/<int:pk>/download/", profile.export_download, name="data_export_download"),
]
