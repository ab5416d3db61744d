"""Writing the audit log: JSON snapshots of objects and one record per change."""

from __future__ import annotations

import datetime as dt
import decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from stiplan.core.models import AuditEntry


def _plain(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model | None) -> dict | None:
    """Concrete field values of `obj`, JSON-safe; foreign keys as the target's code or id."""
    if obj is None:
        return None
    data = {}
    for f in obj._meta.concrete_fields:
        if f.is_relation:
            target = getattr(obj, f.name)
            data[f.name] = _plain(target) if target is not None else None
        else:
            data[f.name] = _plain(getattr(obj, f.attname))
    return data


def entry(action: str, obj: models.Model, *, by, before=None, after=None, unit=None,
          reason: str = "", repr_: str | None = None) -> AuditEntry:
    """An unsaved audit entry (for bulk writes); `record` saves one at once."""
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEntry(
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=(repr_ or str(obj))[:300],
        unit=unit,
        before=_plain(before),
        after=_plain(after),
        reason=reason,
    )


def record(action: str, obj: models.Model, *, by, before=None, after=None, unit=None,
           reason: str = "", repr_: str | None = None) -> AuditEntry:
    """Write one audit entry; call inside the action's transaction."""
    made = entry(action, obj, by=by, before=before, after=after, unit=unit, reason=reason,
                 repr_=repr_)
    made.save()
    return made
