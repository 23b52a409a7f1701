"""Locked sign-ins of operators and CMS editors (the public schema's), in the platform admin."""

from __future__ import annotations

from axes.models import AccessAttempt

from siteconf.tenancy.admin import platform_admin_site
from studio.admin.lockouts import LockedSignInAdmin

platform_admin_site.register(AccessAttempt, LockedSignInAdmin)
