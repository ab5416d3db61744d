"""The word index of the task search (stiplan.registry.search), built over the tasks already
there: on SQLite an FTS5 table over Task.search_text (external content, rebuilt from the tasks;
skipped when the SQLite has no FTS5, the search then reads the LIKEs alone); on PostgreSQL a GIN
index on the column's words as an array (built in: no extension, no superuser). Nothing on other
databases. Neither is in the model state: the search asks for them in its own SQL."""

from django.db import migrations
from django.db.utils import OperationalError

TABLE = "registry_task_words"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {TABLE} ON registry_task "
                              "USING gin (string_to_array(btrim(search_text), ' '))")
    elif vendor == "sqlite":
        try:
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(search_text, content='registry_task', "
                "content_rowid='id', tokenize='unicode61 remove_diacritics 0')")
        except OperationalError:  # an SQLite without FTS5
            return
        schema_editor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_offers_labs'),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
