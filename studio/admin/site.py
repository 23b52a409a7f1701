from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.sites import UnfoldAdminSite

from studio.admin import board, custom_domains, online_payments
from studio.admin.subscription import subscription_banner, subscription_view
from studio.views import accounts, booking, calendar, imports, onboarding, receivables, totals
from studio.views.free_slots import free_slots_view
from studio.views.two_factor import two_factor_urls


class StudioAdminSite(UnfoldAdminSite):
    """The back office of the studio whose domain the request came in on.

    The schema is chosen by the tenant middleware before this site sees the request, so every
    query here reads the current studio's tables only; the header shows the studio's name
    (UNFOLD["SITE_HEADER"] reads it from the request's tenant).
    """

    settings_name = "UNFOLD"
    index_title = _("Today")
    index_template = "studio/admin/index.html"

    def each_context(self, request):
        context = super().each_context(request)
        # The billing line above every page (trial ending, payment overdue, read-only).
        context["subscription_banner"] = subscription_banner(request)
        return context

    def get_urls(self):
        # The pages drawn inside the admin's chrome get the site for its context.
        page = {"admin_site": self}
        return [
            path(
                "import/",
                self.admin_view(imports.import_index),
                page,
                name="studio_import_index",
            ),
            path(
                "import/samples/<str:name>",
                self.admin_view(imports.import_sample),
                name="studio_import_sample",
            ),
            path(
                "import/<slug:key>/",
                self.admin_view(imports.import_upload),
                page,
                name="studio_import_upload",
            ),
            path(
                "import/jobs/<uuid:job_id>/",
                self.admin_view(imports.import_job),
                page,
                name="studio_import_job",
            ),
            path(
                "import/jobs/<uuid:job_id>/status/",
                self.admin_view(imports.import_job_status),
                name="studio_import_job_status",
            ),
            path(
                "import/jobs/<uuid:job_id>/go/",
                self.admin_view(imports.import_job_go),
                name="studio_import_job_go",
            ),
            path(
                "import/jobs/<uuid:job_id>/cancel/",
                self.admin_view(imports.import_job_drop),
                name="studio_import_job_cancel",
            ),
            path(
                "import/jobs/<uuid:job_id>/errors.csv",
                self.admin_view(imports.import_job_errors),
                name="studio_import_job_errors",
            ),
            # Signed, single use, for a studio's new owner: no login required to follow it.
            path("welcome/<str:token>/", onboarding.welcome, name="welcome"),
            # Open to anyone on the demo studio's host; it signs in on a POST only.
            path("demo/", onboarding.demo_visit, page, name="demo_visit"),
            # A set-password link (invitation or reset): the link is the credential.
            path(
                "set-password/<str:uidb64>/<str:token>/",
                accounts.set_password,
                page,
                name="staff_set_password",
            ),
            path("onboarding/", self.admin_view(onboarding.onboarding), page, name="onboarding"),
            path(
                "onboarding/<int:step>/",
                self.admin_view(onboarding.onboarding),
                page,
                name="onboarding_step",
            ),
            path(
                "onboarding/dismiss/",
                self.admin_view(onboarding.onboarding_dismiss_view),
                name="onboarding_dismiss",
            ),
            path(
                "money/receivables/",
                self.admin_view(receivables.receivables_view),
                page,
                name="receivables",
            ),
            path("money/totals/", self.admin_view(totals.live_totals), name="studio_live_totals"),
            path(
                "settings/online-payments/",
                self.admin_view(online_payments.online_payments_view),
                page,
                name="online_payments",
            ),
            path(
                "settings/custom-domains/",
                self.admin_view(custom_domains.custom_domains_view),
                page,
                name="custom_domains",
            ),
            path(
                "subscription/",
                self.admin_view(subscription_view),
                page,
                name="subscription",
            ),
            path("calendar/", self.admin_view(calendar.calendar_view), page, name="calendar"),
            path("calendar/free/", self.admin_view(free_slots_view), page, name="free_slots"),
            path("calendar/feed/", self.admin_view(calendar.calendar_feed), name="calendar_feed"),
            path(
                "calendar/price/",
                self.admin_view(booking.session_price_quote),
                name="session_price_quote",
            ),
            path(
                "calendar/sessions/<int:session_id>/move/",
                self.admin_view(calendar.calendar_move),
                name="calendar_move",
            ),
            path(
                "projects/board/", self.admin_view(board.project_board), page, name="project_board"
            ),
            path(
                "projects/board/<int:project_id>/move/",
                self.admin_view(board.board_move),
                name="project_board_move",
            ),
            path(
                "projects/board/stages/",
                self.admin_view(board.board_stage_save),
                name="project_board_stage_add",
            ),
            path(
                "projects/board/stages/<int:stage_id>/",
                self.admin_view(board.board_stage_save),
                name="project_board_stage_save",
            ),
            path(
                "projects/board/stages/<int:stage_id>/delete/",
                self.admin_view(board.board_stage_delete),
                name="project_board_stage_delete",
            ),
            path(
                "projects/board/stages/order/",
                self.admin_view(board.board_stages_order),
                name="project_board_stages_order",
            ),
            *two_factor_urls(self),
            *super().get_urls(),
        ]


studio_admin_site = StudioAdminSite(name="admin")
