from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "siteconf.tenancy"
    label = "tenancy"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"
