"""Whatever changes data the indicator engine reads — through an action, a loader or the admin —
moves the Revision once the transaction commits, so caches keyed on it never serve old numbers."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

WATCHED = ("metrics.DataValue", "metrics.Computation", "metrics.StatusOverride", "plans.Target",
           "plans.Indicator", "plans.PlanIndicator", "orgs.OrgUnit", "orgs.ReorgEvent",
           "orgs.ReorgLink", "reporting.IndicatorAssignment")


def _changed(sender, **kwargs) -> None:
    from stiplan.metrics.models import Revision

    transaction.on_commit(Revision.bump)


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"revision-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"revision-delete-{label}")
