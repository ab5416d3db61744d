"""Writing the audit log: JSON snapshots of objects and one record per change. The one writer
outside the actions modules (tests/test_writers.py): every action calls it."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

from django.db import models
from django.db.models.fields.files import FieldFile

from stiplan.core.models import AuditEntry


@dataclass(frozen=True)
class Subject:
    """What an entry is about when it is no single row (a whole backup restored): shown to the
    Department only."""

    object_type: str
    object_id: str
    label: str

    def __str__(self) -> str:
        return self.label


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


def _plan_of(obj: models.Model):
    """The plan an object belongs to (a plan, or its targets, groups, actions, assignments)."""
    for path in ("", "plan", "group.plan", "action.group.plan"):
        current = obj
        for attr in filter(None, path.split(".")):
            current = getattr(current, attr, None)
        if current is not None and current._meta.label_lower == "plans.plan":
            return current
    return None


def is_internal(obj: models.Model) -> bool:
    """Changes to a plan that is not public (a draft) are for the Department's eyes only."""
    from stiplan.core.permissions import PUBLIC_PLAN_STATUSES

    plan = _plan_of(obj)
    return plan is not None and plan.status not in PUBLIC_PLAN_STATUSES


def acting_user(by):
    """The signed-in user behind a write, or None when the system (CLI, loaders, jobs) acts."""
    return by if getattr(by, "is_authenticated", False) else None


def entry(action: str, obj: models.Model | Subject, *, by, before=None, after=None, unit=None,
          reason: str = "", repr_: str | None = None) -> AuditEntry:
    """An unsaved audit entry (for bulk writes); `record` saves one at once."""
    actor = acting_user(by)
    about_a_row = isinstance(obj, models.Model)
    return AuditEntry(
        internal=is_internal(obj) if about_a_row else True,
        actor=actor,
        actor_label=actor.get_username() if actor else "system",
        action=action,
        object_type=obj._meta.label_lower if about_a_row else obj.object_type,
        object_id=str(obj.pk) if about_a_row else obj.object_id,
        object_repr=(repr_ or str(obj))[:300],
        unit=unit,
        before=_plain(before),
        after=_plain(after),
        reason=reason,
    )


def record(action: str, obj: models.Model | Subject, *, by, before=None, after=None, unit=None,
           reason: str = "", repr_: str | None = None) -> AuditEntry:
    """Write one audit entry; call inside the action's transaction."""
    made = entry(action, obj, by=by, before=before, after=after, unit=unit, reason=reason,
                 repr_=repr_)
    made.save()
    return made
