"""Plans are edited by the platform's operators in the platform admin, and only there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from siteconf.tenancy.models import Plan
from tests.conftest import STUDIO_A, sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    user = User.objects.create_superuser("op@platform.example", "op@platform.example", "op-Pw0rd!")
    return sign_in_verified(HttpClient(HTTP_HOST="localhost"), user)


def test_operators_change_a_plan_in_the_platform_admin(operator):
    pro = Plan.objects.get(slug="pro")
    assert "Starter" in operator.get("/admin/tenancy/plan/").content.decode()
    response = operator.post(
        f"/admin/tenancy/plan/{pro.pk}/change/",
        {
            "name": "Pro",
            "slug": "pro",
            "tagline": pro.tagline,
            "monthly_price": "109",
            "currency": "EUR",
            "max_rooms": "",
            "max_sessions_per_month": "",
            "max_staff": "12",
            "features": pro.features,
            "trial_days": "30",
            "is_public": "on",
            "order": "2",
            "card_payments": "on",
            "platform_fee_percent": "1.5",
            "grace_days": "7",
            "prices-TOTAL_FORMS": "0",
            "prices-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    pro.refresh_from_db()
    assert (pro.monthly_price, pro.max_staff, pro.trial_days) == (Decimal(109), 12, 30)
    assert pro.card_payments and pro.platform_fee_percent == Decimal("1.5")
    assert pro.max_rooms is None  # empty stays unlimited


def test_studio_staff_cannot_reach_plans(studio_a):
    from django_tenants.utils import schema_context

    owner = HttpClient(HTTP_HOST=STUDIO_A.host)
    with schema_context(studio_a.schema_name):
        owner.force_login(User.objects.get(email=STUDIO_A.owner_email))
    assert owner.get("/admin/tenancy/plan/").status_code == 404
    assert Plan.objects.get(slug="starter").monthly_price == Decimal(29)


def test_a_plan_in_use_cannot_be_deleted(operator, studio_a):
    from siteconf.tenancy.models import Studio

    starter = Plan.objects.get(slug="starter")
    Studio.objects.filter(pk=studio_a.pk).update(plan=starter)
    operator.post(f"/admin/tenancy/plan/{starter.pk}/delete/", {"post": "yes"})
    assert Plan.objects.filter(slug="starter").exists()
