"""The folded search words of each task (code and title), filled for the tasks already there."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from stiplan.registry.search import search_text

    Task = apps.get_model("registry", "Task")
    for task in Task.objects.only("pk", "code", "title").iterator():
        Task.objects.filter(pk=task.pk).update(search_text=search_text(task.code, task.title))


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='task',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
