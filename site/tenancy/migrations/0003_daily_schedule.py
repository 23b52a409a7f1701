"""The daily schedule that fans out to every studio (overdue invoices, reminders, quotes)."""

from django.db import migrations

NAME = "Studios: daily round"


def schedule_create(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "studio.tasks.studio_daily_fanout",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def schedule_drop(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0002_clone_schema_function"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(schedule_create, schedule_drop)]
