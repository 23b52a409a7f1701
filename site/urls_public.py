"""URLs of the platform domain (public schema): marketing site, CMS and platform admin."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from siteconf.tenancy import signup_views
from siteconf.tenancy.admin import platform_admin_site

urlpatterns = [
    path("admin/", platform_admin_site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("signup/", signup_views.signup, name="signup"),
    path("signup/check/", signup_views.signup_check, name="signup_check"),
    path("demo/", signup_views.demo, name="demo"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
urlpatterns += [path("", include(wagtail_urls))]
