"""The schedule that runs every minute in every studio: expired holds, session reminders."""

from django.db import migrations

NAME = "Studios: every minute"


def schedule_create(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "studio.tasks.studio_minute_fanout",
            "schedule_type": "I",
            "minutes": 1,
            "repeats": -1,
        },
    )


def schedule_drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0007_card_payments")]

    operations = [migrations.RunPython(schedule_create, schedule_drop)]
