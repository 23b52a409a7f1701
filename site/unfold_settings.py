"""The admin look (django-unfold), read by settings.py.

`UNFOLD` drives the studio back office, titled with the request's studio; `unfold_platform()`
gives the platform operators' admin (settings.UNFOLD_PLATFORM), titled with the platform's name.
Both share colours, login form and styles, and point at their callbacks by dotted path.
"""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

_UNFOLD_COMMON = {
    "SITE_SYMBOL": "graphic_eq",
    # Without an icon link, browsers ask for /favicon.ico on every page (a 404).
    "SITE_FAVICONS": [
        {
            "rel": "icon",
            "sizes": "any",
            "type": "image/svg+xml",
            "href": lambda request: static("siteconf/favicon.svg"),
        }
    ],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "BORDER_RADIUS": "8px",
    "COLORS": {
        "primary": {
            "50": "oklch(97.7% .014 308.299)",
            "100": "oklch(94.6% .033 307.174)",
            "200": "oklch(90.2% .063 306.703)",
            "300": "oklch(82.7% .119 306.383)",
            "400": "oklch(71.4% .203 305.504)",
            "500": "oklch(62.7% .265 303.9)",
            "600": "oklch(55.8% .288 302.321)",
            "700": "oklch(49.6% .265 301.924)",
            "800": "oklch(43.8% .218 303.724)",
            "900": "oklch(38.1% .176 304.987)",
            "950": "oklch(29.1% .149 302.717)",
        },
    },
    "ENVIRONMENT": "siteconf.tenancy.admin_ui.environment_badge",
    # E-mail, password and the two-factor code (for accounts that have it), in one form.
    "LOGIN": {"form": "studio.views.two_factor_forms.TwoFactorLoginForm"},
    "STYLES": [lambda request: static("siteconf/admin.css")],
    # Names select2's search boxes and the two-list picker's icons for screen readers.
    "SCRIPTS": [lambda request: static("studio/admin-accessibility.js")],
}

UNFOLD = {
    **_UNFOLD_COMMON,
    "SITE_TITLE": "siteconf.tenancy.admin_ui.site_title",
    "SITE_HEADER": "siteconf.tenancy.admin_ui.site_title",
    "SITE_SUBHEADER": _("Studio back office"),
    "DASHBOARD_CALLBACK": "studio.admin.dashboard.dashboard_callback",
    "SITE_URL": "/",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "studio.admin.navigation.sidebar",
    },
    "COMMAND": {
        "search_models": [
            "studio.client",
            "studio.session",
            "studio.room",
            "studio.project",
            "studio.track",
        ]
    },
    "ACCOUNT": {
        "navigation": [{"title": _("Two-factor sign-in"), "link": reverse_lazy("admin:two_factor")}]
    },
}


def unfold_platform(platform_name: str) -> dict:
    """The platform admin's settings, titled with the platform's name."""
    return {
        **_UNFOLD_COMMON,
        "SITE_TITLE": platform_name,
        "SITE_HEADER": platform_name,
        "SITE_SUBHEADER": _("Platform administration"),
        "DASHBOARD_CALLBACK": "siteconf.tenancy.admin_dashboard.dashboard_callback",
        "SITE_URL": "/",
        "ACCOUNT": {
            "navigation": [
                {
                    "title": _("Two-factor sign-in"),
                    "link": reverse_lazy("platform_admin:two_factor"),
                }
            ]
        },
        "SIDEBAR": {
            "show_search": True,
            "show_all_applications": False,
            "navigation": [
                {
                    "title": _("Platform"),
                    "items": [
                        {
                            "title": _("Studios"),
                            "icon": "apartment",
                            "link": reverse_lazy("platform_admin:tenancy_studio_changelist"),
                        },
                        {
                            "title": _("Domains"),
                            "icon": "language",
                            "link": reverse_lazy("platform_admin:tenancy_domain_changelist"),
                        },
                        {
                            "title": _("Plans"),
                            "icon": "sell",
                            "link": reverse_lazy("platform_admin:tenancy_plan_changelist"),
                        },
                    ],
                },
                {
                    "title": _("People"),
                    "items": [
                        {
                            "title": _("Operators and editors"),
                            "icon": "person",
                            "link": reverse_lazy("platform_admin:auth_user_changelist"),
                        },
                        {
                            "title": _("Groups"),
                            "icon": "group",
                            "link": reverse_lazy("platform_admin:auth_group_changelist"),
                        },
                        {
                            "title": _("Locked sign-ins"),
                            "icon": "lock_person",
                            "link": reverse_lazy("platform_admin:axes_accessattempt_changelist"),
                            "permission": lambda request: request.user.has_perm(
                                "axes.view_accessattempt"
                            ),
                        },
                    ],
                },
                {
                    "title": _("Marketing site"),
                    "items": [
                        {"title": _("Open the CMS"), "icon": "web", "link": "/cms/"},
                        {
                            "title": _("Background tasks"),
                            "icon": "schedule",
                            "link": reverse_lazy("platform_admin:django_q_success_changelist"),
                        },
                    ],
                },
            ],
        },
    }
