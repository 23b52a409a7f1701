from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.sites import UnfoldAdminSite


class StudioAdminSite(UnfoldAdminSite):
    """The back office of the studio whose domain the request came in on.

    The schema is chosen by the tenant middleware before this site sees the request, so every
    query here reads the current studio's tables only; the header shows the studio's name
    (UNFOLD["SITE_HEADER"] reads it from the request's tenant).
    """

    settings_name = "UNFOLD"
    index_title = _("Today")
    index_template = "studio/admin/index.html"

    def get_urls(self):
        from studio.admin import calendar

        return [
            path("calendar/", self.admin_view(calendar.calendar_view), name="calendar"),
            path("calendar/feed/", self.admin_view(calendar.calendar_feed), name="calendar_feed"),
            path(
                "calendar/sessions/<int:session_id>/move/",
                self.admin_view(calendar.calendar_move),
                name="calendar_move",
            ),
            *super().get_urls(),
        ]


studio_admin_site = StudioAdminSite(name="admin")
