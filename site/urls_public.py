"""URLs of the platform domain (public schema): marketing site, CMS and platform admin."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from siteconf import stripe_offline, webhooks
from siteconf.tenancy import signup_views
from siteconf.tenancy.admin import platform_admin_site
from siteconf.tenancy.media_views import media_urlpatterns

urlpatterns = [
    path("admin/", platform_admin_site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("signup/", signup_views.signup, name="signup"),
    path("signup/check/", signup_views.signup_check, name="signup_check"),
    path("demo/", signup_views.demo, name="demo"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path(
        "stripe/offline-onboarding/<str:account>/",
        stripe_offline.offline_onboarding,
        name="stripe_offline_onboarding",
    ),
]
# Development only, and only the public schema's own files (see tenancy/media_views.py).
urlpatterns += media_urlpatterns()
urlpatterns += [path("", include(wagtail_urls))]
