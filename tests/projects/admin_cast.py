"""The cast of the back-office project tests: studio A's projects and a browser per role
(owner, engineer, accountant, front desk), studio B's owner, and an anonymous visitor."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from studio.models import Project, ProjectStage
from studio.services.projects import project_create
from tests.conftest import STUDIO_A, STUDIO_B
from tests.studio.conftest import staff_user
from tests.studio.factories import ClientFactory


@dataclass
class Cast:
    studio: object
    browsers: dict[str, HttpClient]
    projects: dict[str, Project]
    stages: dict[str, ProjectStage]
    b_project: Project

    def a(self):
        return schema_context(self.studio.schema_name)


def cast_make(studio_a, studio_b) -> Cast:
    """Studio A with two clients' projects and a browser per role; studio B with a project of
    its own and its owner, who presents B's cookie to A as well."""
    with schema_context(studio_b.schema_name):
        b_project = project_create(client=ClientFactory(name="B's band"), title="B album")
        b_owner = HttpClient(HTTP_HOST=STUDIO_B.host)
        b_owner.force_login(User.objects.get(email=STUDIO_B.owner_email))
        # Another of B's sessions, whose cookie is presented to A (and may be dropped there).
        b_elsewhere = HttpClient(HTTP_HOST=STUDIO_B.host)
        b_elsewhere.force_login(User.objects.get(email=STUDIO_B.owner_email))
    with schema_context(studio_a.schema_name):
        ana, ben = ClientFactory(name="Ana Lima"), ClientFactory(name="Ben Ko")
        projects = {
            "night": project_create(client=ana, title="Night Drive", budget=Decimal("1000")),
            "bsides": project_create(client=ana, title="B-sides"),
            "ben": project_create(client=ben, title="Ben's single"),
        }
        stages = {s.name: s for s in ProjectStage.objects.all()}
        users = {
            "owner": User.objects.get(email=STUDIO_A.owner_email),
            "engineer": staff_user("eng@studio-a.example", "Engineer"),
            "accountant": staff_user("books@studio-a.example", "Accountant"),
            "desk": staff_user("desk@studio-a.example", "Front desk"),
        }
        browsers = {}
        for role, user in users.items():
            browsers[role] = HttpClient(HTTP_HOST=STUDIO_A.host)
            browsers[role].force_login(user)
    browsers["outsider"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    browsers["outsider"].cookies = b_elsewhere.cookies
    browsers["b_owner"] = b_owner
    browsers["anonymous"] = HttpClient(HTTP_HOST=STUDIO_A.host)
    return Cast(studio_a, browsers, projects, stages, b_project)


def refused(response) -> bool:
    return response.status_code in (403, 404) or (
        response.status_code == 302 and "/admin/login/" in response["Location"]
    )
