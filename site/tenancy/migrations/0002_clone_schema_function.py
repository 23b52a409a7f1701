"""Install public.clone_schema(), which copies the template schema into a new studio's.

The function text is django-tenants' (pg-clone-schema). It is installed once here instead of on
every clone, so provisioning does not rewrite a shared function inside each sign-up's transaction.
"""

from django.db import migrations


def install(apps, schema_editor):
    from django_tenants.clone import CLONE_SCHEMA_FUNCTION

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        db_user = cursor.fetchone()[0]
        cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=db_user))


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
