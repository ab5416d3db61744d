"""The django-q2 schedule that fails document jobs stuck past 20 minutes (every 5 minutes), made
once by `stiplan migrate` (so by `stiplan demo` and every deployment); running it again changes
nothing."""

from django.db import migrations

NAME = "stiplan-expire-stale-documents"
FUNC = "stiplan.documents.actions.expire_stale_jobs"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(name=NAME, defaults={
        "func": FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
