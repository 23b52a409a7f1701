"""On a white-label plan the portal names only the studio: `portal.white_label` tells base.html
to leave out the platform's "powered by"."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django_tenants.utils import schema_context

from portal.context import branding_get
from siteconf.tenancy.plans import Plan

pytestmark = pytest.mark.django_db


def _branding(studio):
    request = RequestFactory().get("/", HTTP_HOST="studio-a.localhost")
    request.tenant = studio
    with schema_context(studio.schema_name):
        return branding_get(request)


def test_the_flag_follows_the_studios_plan(studio_a):
    studio_a.plan = Plan.objects.get(slug="enterprise")
    assert _branding(studio_a).white_label is True
    studio_a.plan = Plan.objects.exclude(slug="enterprise").first()
    assert _branding(studio_a).white_label is False
    # The flag is the plan's, not its name's: a plan switched on is white-label too.
    Plan.objects.filter(pk=studio_a.plan_id).update(white_label=True)
    assert _branding(studio_a).white_label is True


def test_a_studio_without_a_plan_shows_the_platform(studio_a):
    studio_a.plan_id = None
    assert _branding(studio_a).white_label is False


def test_enterprise_is_the_white_label_plan():
    assert set(Plan.objects.filter(white_label=True).values_list("slug", flat=True)) == {
        "enterprise"
    }
