"""The word index of the task search (stiplan.registry.search), built over the tasks already
there: on SQLite an FTS5 table over Task.search_text (external content, rebuilt from the tasks and
kept in step by triggers on the task table, so every way a row is written — an action, a bulk
import, a backup's restore, a test's snapshot — is indexed; skipped when the SQLite has no FTS5,
the search then reads the LIKEs alone); on PostgreSQL a GIN
index on the column's words as an array (built in: no extension, no superuser). Nothing on other
databases. Neither is in the model state: the search asks for them in its own SQL."""

from django.db import migrations
from django.db.utils import OperationalError

TABLE = "registry_task_words"
#: The triggers that keep the FTS5 table in step with registry_task (SQLite's external-content
#: pattern: an old row's words are deleted with the 'delete' command, then the new ones inserted).
TRIGGERS = {
    "ai": f"AFTER INSERT ON registry_task BEGIN "
          f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    "ad": f"AFTER DELETE ON registry_task BEGIN "
          f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "au": f"AFTER UPDATE OF search_text ON registry_task BEGIN "
          f"INSERT INTO {TABLE}({TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
          f"INSERT INTO {TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
}


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
        for name, body in TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {TABLE}_{name} {body}")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TABLE}")
    elif vendor == "sqlite":
        for name in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_offers_labs'),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
