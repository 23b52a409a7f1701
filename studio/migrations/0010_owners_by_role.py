"""Owners are owners by their role: the accounts that were made owners with Django's
all-permissions flag join the Owner group and lose the flag. The group's permissions are filled
by roles_sync() once the schema is migrated (post_migrate), every permission of the studio."""

from django.db import migrations

OWNER_ROLE = "Owner"


def owners_by_role(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    flagged = list(User.objects.filter(is_superuser=True))
    if not flagged:
        return
    owners, _ = Group.objects.get_or_create(name=OWNER_ROLE)
    for user in flagged:
        user.groups.add(owners)
    User.objects.filter(pk__in=[user.pk for user in flagged]).update(is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("studio", "0009_two_factor_required"),
    ]

    # Going back leaves them owners by role: nothing a studio needs is lost.
    operations = [migrations.RunPython(owners_by_role, migrations.RunPython.noop)]
