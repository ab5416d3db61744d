"""Whatever changes data the indicator engine reads — through an action, a loader or the admin —
moves the Revision once the transaction commits, so caches keyed on it never serve old numbers.
A report's values become reported data values when reporting says so (reporting.signals)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from stiplan.metrics.actions import record_report_values
from stiplan.metrics.models import Revision
from stiplan.reporting.signals import report_values_changed

WATCHED = ("metrics.DataValue", "metrics.Computation", "metrics.StatusOverride", "plans.Target",
           "plans.Indicator", "plans.PlanIndicator", "orgs.OrgUnit", "orgs.ReorgEvent",
           "orgs.ReorgLink", "reporting.IndicatorAssignment")


def _changed(sender, **kwargs) -> None:
    transaction.on_commit(Revision.bump)


def _report_values_changed(sender, *, report, final: bool, by, **kwargs) -> None:
    record_report_values(report, final=final, by=by)


def connect() -> None:
    report_values_changed.connect(_report_values_changed, dispatch_uid="metrics-report-values")
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"revision-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"revision-delete-{label}")
