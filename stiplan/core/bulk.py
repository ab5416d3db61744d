"""Fast writes of many rows: one prepared UPDATE or INSERT run with executemany (Django's
bulk_update builds CASE expressions that grow quadratically with the batch, and bulk_create builds
a model object and a statement of at most a few dozen rows for every few dozen rows)."""

from __future__ import annotations

from django.db import connections, models, router
from django.utils import timezone

from stiplan.core.signals import rows_written


def update_rows(objs: list[models.Model], fields: list[str]) -> None:
    """UPDATE each object's `fields` by primary key, in one executemany call."""
    if not objs:
        return
    model = type(objs[0])
    db = router.db_for_write(model)
    connection = connections[db]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in columns),
        quote(meta.pk.column),
    )
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    rows_written.send(sender=model)


def insert_rows(model: type[models.Model], rows: list[dict]) -> None:
    """INSERT `rows` (attribute name → value; a field left out takes its default, an auto_now
    field the time now) with one prepared statement run by executemany, for bulk imports. No
    model object is built and no id comes back: read the rows back by a unique key."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    stamped = {f.attname for f in fields
               if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}

    def value(row: dict, f):
        if f.attname in row:
            return row[f.attname]
        return now if f.attname in stamped else f.get_default()

    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)))
    params = [[f.get_db_prep_save(value(row, f), connection) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    rows_written.send(sender=model)
