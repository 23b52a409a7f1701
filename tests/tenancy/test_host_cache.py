from __future__ import annotations

import pytest
from django.test import Client

from siteconf.tenancy import host_cache
from siteconf.tenancy.models import Domain

pytestmark = pytest.mark.django_db


def test_a_resolved_host_is_served_from_the_cache(studio_a, django_assert_num_queries):
    assert host_cache.studio_for_host("studio-a.localhost") == studio_a

    with django_assert_num_queries(0):
        assert host_cache.studio_for_host("studio-a.localhost") == studio_a
        assert host_cache.studio_for_host("STUDIO-A.localhost") == studio_a


def test_an_unknown_host_is_remembered_briefly(django_assert_num_queries):
    assert host_cache.studio_for_host("ghost.localhost") is None

    with django_assert_num_queries(0):
        assert host_cache.studio_for_host("ghost.localhost") is None


def test_a_new_domain_is_served_at_once_even_after_a_miss(studio_a):
    assert Client(HTTP_HOST="studio-a-alias.localhost").get("/").status_code == 400

    Domain.objects.create(domain="studio-a-alias.localhost", tenant=studio_a, is_primary=False)

    assert Client(HTTP_HOST="studio-a-alias.localhost").get("/").status_code == 200


def test_changing_a_domain_forgets_the_old_host(studio_a):
    assert Client(HTTP_HOST="studio-a.localhost").get("/").status_code == 200
    domain = studio_a.domains.get()

    domain.domain = "renamed.localhost"
    domain.save()

    assert Client(HTTP_HOST="studio-a.localhost").get("/").status_code == 400
    assert Client(HTTP_HOST="renamed.localhost").get("/").status_code == 200


def test_deleting_a_domain_stops_serving_it(studio_a):
    extra = Domain.objects.create(domain="extra.localhost", tenant=studio_a, is_primary=False)
    assert Client(HTTP_HOST="extra.localhost").get("/").status_code == 200

    extra.delete()

    assert Client(HTTP_HOST="extra.localhost").get("/").status_code == 400


def test_renaming_a_studio_shows_the_new_name_at_once(studio_a, client_a):
    assert "Studio A" in client_a.get("/").text

    studio_a.name = "Studio A Reborn"
    studio_a.save()

    assert "Studio A Reborn" in client_a.get("/").text
