"""`rows_written`: sent after a write Django's model signals do not report (QuerySet.update,
bulk_create, bulk_update, core.bulk.update_rows), so a listener hears every write: post_save and
post_delete for rows saved and deleted, this for the rest. metrics.signals listens to both to move
the Revision that dashboard caches are keyed on."""

from __future__ import annotations

from django.db import models
from django.dispatch import Signal

#: sender: the model class whose rows were written.
rows_written = Signal()


class WriteReportingQuerySet(models.QuerySet):
    """Every model's query set (through RestrictedQuerySet): its bulk writes send rows_written."""

    def update(self, **kwargs) -> int:
        changed = super().update(**kwargs)
        if changed:
            rows_written.send(sender=self.model)
        return changed

    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        if made:
            rows_written.send(sender=self.model)
        return made

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        changed = super().bulk_update(objs, fields, *args, **kwargs)
        if changed:
            rows_written.send(sender=self.model)
        return changed
