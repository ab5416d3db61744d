"""Generic audited writes for reference data edited in the admin: save and delete."""

from __future__ import annotations

from django.db import models, transaction

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import require


def _perm(obj: models.Model, verb: str) -> str:
    return f"{obj._meta.app_label}.{verb}_{obj._meta.model_name}"


@transaction.atomic
def do_save(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> models.Model:
    """Save `obj` after a permission check, recording its before → after snapshot."""
    require(by, perm or _perm(obj, "change"), obj)
    before = snapshot(type(obj).objects.filter(pk=obj.pk).first()) if obj.pk else None
    obj.save()
    record(f"{obj._meta.label_lower}.save", obj, by=by, before=before, after=snapshot(obj),
           unit=_unit_of(obj), reason=reason)
    return obj


@transaction.atomic
def do_delete(obj: models.Model, *, by, perm: str | None = None, reason: str = "") -> None:
    require(by, perm or _perm(obj, "change"), obj)
    record(f"{obj._meta.label_lower}.delete", obj, by=by, before=snapshot(obj), after=None,
           unit=_unit_of(obj), reason=reason)
    obj.delete()


def _unit_of(obj: models.Model):
    """The unit an object belongs to, for scoping its audit entries."""
    from stiplan.orgs.models import OrgUnit

    if isinstance(obj, OrgUnit):
        return obj
    return getattr(obj, "unit", None)
