"""The one django-q2 schedule that fails stale jobs of every app (stiplan.core.jobs.
expire_stale_jobs, every 5 minutes), made by `stiplan migrate` (so by `stiplan demo` and every
deployment); it replaces the documents-only schedule of migration documents 0002, whose run of
`documents.actions.expire_stale_jobs` it includes. Running it again changes nothing."""

from django.db import migrations

NAME = "stiplan-expire-stale-jobs"
FUNC = "stiplan.core.jobs.expire_stale_jobs"
OLD_NAME = "stiplan-expire-stale-documents"
OLD_FUNC = "stiplan.documents.actions.expire_stale_jobs"


def one_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=OLD_NAME).delete()
    Schedule.objects.update_or_create(name=NAME, defaults={
        "func": FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1})


def documents_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).delete()
    Schedule.objects.update_or_create(name=OLD_NAME, defaults={
        "func": OLD_FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_apitoken"),
        # after the schedule it replaces was made (a graph edge only: core imports no app)
        ("documents", "0002_schedule_expire_stale_jobs"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(one_schedule, documents_schedule)]
