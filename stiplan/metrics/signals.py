"""The one cache-invalidation path: whatever changes data the indicator engine reads — an action,
the admin's generic save, a bulk write — is heard here, and the Revision moves once the
transaction commits (metrics.actions.bump_revision), so caches keyed on it never serve old
numbers. Row saves and deletes arrive as Django's post_save/post_delete, bulk writes as
core.signals.rows_written. Nothing else moves the Revision.

A report's values become reported data values when reporting says so (reporting.signals)."""

from __future__ import annotations

from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from stiplan.core.signals import rows_written
from stiplan.metrics.actions import bump_revision, record_report_values
from stiplan.reporting.signals import report_values_changed

WATCHED = ("metrics.DataValue", "metrics.Computation", "metrics.StatusOverride", "plans.Target",
           "plans.Indicator", "plans.PlanIndicator", "orgs.OrgUnit", "orgs.ReorgEvent",
           "orgs.ReorgLink", "reporting.IndicatorAssignment")


class _Pending:
    """The Revision move that the writes of one transaction share: a burst of a thousand writes
    (a round filled, a demo built) moves it once at commit, not a thousand times."""

    done = False


def _changed(sender, **kwargs) -> None:
    connection = transaction.get_connection()
    pending = getattr(connection, "stiplan_revision_pending", None)
    if pending is None or pending.done:
        pending = connection.stiplan_revision_pending = _Pending()
    transaction.on_commit(partial(_bump_once, pending))


def _bump_once(pending: _Pending) -> None:
    """The first of a transaction's callbacks to run moves the Revision; a rolled-back write's
    callback never runs, so it never counts."""
    if not pending.done:
        pending.done = True
        bump_revision()


def _report_values_changed(sender, *, report, final: bool, by, **kwargs) -> None:
    record_report_values(report, final=final, by=by)


def connect() -> None:
    report_values_changed.connect(_report_values_changed, dispatch_uid="metrics-report-values")
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"revision-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"revision-delete-{label}")
        rows_written.connect(_changed, sender=model, dispatch_uid=f"revision-bulk-{label}")
