"""Writes of the metrics app: values from reports (provisional, then final), entered values,
status overrides. Each audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from stiplan.analytics.targets import ORDER
from stiplan.core.audit import acting_user, record, snapshot
from stiplan.core.permissions import require
from stiplan.metrics.models import DataValue, Revision, Source, StatusOverride
from stiplan.plans.models import Target


def record_report_values(report, *, final: bool) -> int:
    """Copy a report's indicator values into the data values of its unit and year.

    Called by the reporting actions: provisional on submission, final on acceptance, provisional
    again when an accepted report is unlocked. Runs inside the caller's transaction.
    """
    count = 0
    for item in report.indicator_items.select_related("indicator"):
        key = dict(indicator=item.indicator, unit=report.unit, year=report.round.year,
                   quarter=None)
        if item.value is None:
            DataValue.objects.filter(**key, source=Source.REPORTED).delete()
            continue
        DataValue.objects.update_or_create(**key, defaults={
            "value": item.value, "source": Source.REPORTED, "final": final,
            "provenance": {"report": report.pk, "round": report.round_id,
                           "version": report.version}})
        count += 1
    Revision.bump()
    return count


@transaction.atomic
def set_value(indicator, unit, year: int, value: Decimal, *, by, source: str = Source.DEPARTMENT,
              final: bool = True, synthetic: bool = False, provenance: dict | None = None) -> DataValue:
    """The Department enters or imports one value; the change is audited before → after."""
    require(by, "plans.change_plan")
    existing = DataValue.objects.filter(indicator=indicator, unit=unit, year=year,
                                        quarter__isnull=True).first()
    before = snapshot(existing)
    obj, _created = DataValue.objects.update_or_create(
        indicator=indicator, unit=unit, year=year, quarter=None,
        defaults={"value": value, "source": source, "final": final, "synthetic": synthetic,
                  "provenance": provenance or {}})
    record("metrics.set_value", obj, by=by, before=before, after=snapshot(obj), unit=unit)
    Revision.bump()
    return obj


@transaction.atomic
def override_status(target: Target, status: str, reason: str, *, by) -> StatusOverride:
    """An officer replaces a target's computed status; the reason is required and audited."""
    require(by, "plans.change_plan", target.plan)
    if status not in ORDER:
        raise ValidationError(_("Trạng thái không hợp lệ."))
    if not (reason or "").strip():
        raise ValidationError(_("Cần nêu lý do điều chỉnh trạng thái."))
    target.overrides.filter(active=True).update(active=False)
    override = StatusOverride.objects.create(target=target, status=status, reason=reason.strip(),
                                             by=acting_user(by))
    record("metrics.override_status", override, by=by, after=snapshot(override),
           unit=target.plan.issuing_unit, reason=reason.strip())
    Revision.bump()
    return override
