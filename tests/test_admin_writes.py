"""The admin is an interface: it never writes a business model itself, it calls a service.

Two checks keep that true. The first reads the source of every admin and view module and
refuses a direct `.save()`, `.create()`, `.update()` or `.delete()` (or handing the write back
to Django's own `save_model`). The second asks every registered ModelAdmin of both admin sites
whether it can write at all, and if it can, that it saves through the service layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from siteconf.admin_services import ServiceSavesMixin
from siteconf.tenancy.admin import platform_admin_site
from studio.admin.site import studio_admin_site

ROOT = Path(__file__).resolve().parent.parent
INTERFACE_MODULES = sorted(
    [
        *ROOT.glob("studio/admin/*.py"),
        *ROOT.glob("studio/views/*.py"),
        *(p for p in ROOT.glob("portal/**/*.py") if "services" not in p.parts),
        *ROOT.glob("site/tenancy/admin*.py"),
        *ROOT.glob("site/tenancy/*views*.py"),
        ROOT / "site/admin_services.py",
    ]
)
WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "save_m2m",
}
# Django's own writers, which an admin must not hand its objects back to.
DJANGO_WRITERS = {"save_model", "delete_model", "delete_queryset", "save_related", "save_formset"}
# `.update()` on these names is a dict's, not a queryset's.
DICTS = {"context", "extra_context", "kwargs", "attrs", "initial", "data", "values", "headers"}
# Platform-only housekeeping that is not a business model: django-q2's schedules.
NOT_BUSINESS_MODELS = {"django_q.schedule", "django_q.success", "django_q.failure"}


def _is_dict(receiver: ast.expr) -> bool:
    if isinstance(receiver, ast.Name):
        return receiver.id in DICTS
    return isinstance(receiver, ast.Attribute) and receiver.attr in DICTS | {"__dict__"}


def direct_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, receiver = node.func.attr, node.func.value
        is_super = (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Name)
            and receiver.func.id == "super"
        )
        if is_super and name in DJANGO_WRITERS:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} super().{name}()")
        elif name in WRITES and not is_super:
            if name == "update" and _is_dict(receiver):
                continue
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{name}()")
    return found


def test_the_check_finds_a_direct_write(tmp_path):
    sample = ROOT / "tests" / "_sample_admin.py"
    sample.write_text(
        "def save_model(self, request, obj, form, change):\n"
        "    obj.save()\n"
        "    super().save_model(request, obj, form, change)\n"
        "    Room.objects.filter(pk=1).update(name='x')\n"
        "    context.update(title='fine')\n",
        encoding="utf-8",
    )
    try:
        assert [line.split(" ", 1)[1] for line in direct_writes(sample)] == [
            ".save()",
            "super().save_model()",
            ".update()",
        ]
    finally:
        sample.unlink()


@pytest.mark.parametrize("path", INTERFACE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_admin_or_view_module_writes_a_model_itself(path):
    assert direct_writes(path) == []


def _writable(model_admin) -> bool:
    """Can anyone (a superuser) add, change or delete through this admin?"""
    owner = User(is_superuser=True, is_staff=True, is_active=True)

    class Request:
        user = owner
        GET: dict = {}

    request = Request()
    return any(
        check(request)
        for check in (
            model_admin.has_add_permission,
            model_admin.has_change_permission,
            model_admin.has_delete_permission,
        )
    )


@pytest.mark.parametrize(
    "site,model,model_admin",
    [
        (site.name, model, admin)
        for site in (studio_admin_site, platform_admin_site)
        for model, admin in site._registry.items()
        if model._meta.label_lower not in NOT_BUSINESS_MODELS
    ],
    ids=lambda v: v if isinstance(v, str) else getattr(v, "_meta", None) and v._meta.label,
)
def test_every_admin_that_can_write_saves_through_services(site, model, model_admin):
    if not _writable(model_admin):
        return  # a read-only page: its rows are written by the services of their actions
    assert isinstance(model_admin, ServiceSavesMixin), (
        f"{type(model_admin).__name__} on {site} can write {model._meta.label} without a service"
    )
