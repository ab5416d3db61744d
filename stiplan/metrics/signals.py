"""The one cache-invalidation path: whatever changes data the indicator engine reads — an action,
the admin's generic save, a bulk write — is heard here, and the Revision moves once the
transaction commits (metrics.actions.bump_revision), so caches keyed on it never serve old
numbers. Row saves and deletes arrive as Django's post_save/post_delete, bulk writes as
core.signals.rows_written. Nothing else moves the Revision.

A report's values become reported data values when reporting says so (reporting.signals)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from stiplan.core.signals import rows_written
from stiplan.metrics.actions import bump_revision, record_report_values
from stiplan.reporting.signals import report_values_changed

WATCHED = ("metrics.DataValue", "metrics.Computation", "metrics.StatusOverride", "plans.Target",
           "plans.Indicator", "plans.PlanIndicator", "orgs.OrgUnit", "orgs.ReorgEvent",
           "orgs.ReorgLink", "reporting.IndicatorAssignment")


def _changed(sender, **kwargs) -> None:
    transaction.on_commit(bump_revision)


def _report_values_changed(sender, *, report, final: bool, by, **kwargs) -> None:
    record_report_values(report, final=final, by=by)


def connect() -> None:
    report_values_changed.connect(_report_values_changed, dispatch_uid="metrics-report-values")
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"revision-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"revision-delete-{label}")
        rows_written.connect(_changed, sender=model, dispatch_uid=f"revision-bulk-{label}")
