"""The platform's daily billing check: trial reminders and ends, dunning, grace periods over,
custom domains waiting for their DNS."""

from django.db import migrations

NAME = "Platform: daily billing check"


def schedule_create(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "siteconf.tenancy.services.billing.billing_daily_task",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def schedule_drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0013_billing"), ("django_q", "0018_task_success_index")]

    operations = [migrations.RunPython(schedule_create, schedule_drop)]
