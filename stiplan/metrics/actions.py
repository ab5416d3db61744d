"""Writes of the metrics app: values from reports (provisional, then final), values entered by
the Department or imported from statistics, status overrides. Each change audited before → after.

The Revision (the dashboards' cache key) is moved by bump_revision only, which metrics.signals
runs after any change the engine reads commits; no action calls it by hand.

A value is kept per (indicator, unit, period, source): a report writes only its own rows and never
touches a Department or statistics value; metrics.precedence decides which one is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from stiplan.analytics import periods
from stiplan.analytics.targets import ORDER
from stiplan.core.audit import acting_user, entry, record, snapshot
from stiplan.core.models import AuditEntry
from stiplan.core.permissions import require
from stiplan.metrics.dashboard import schedule_warm
from stiplan.metrics.models import Computation, DataValue, Revision, Source, StatusOverride
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Direction, Indicator, Target
from stiplan.reporting.models import IndicatorAssignment, ValidationRule

_COMPARED = ("value", "final", "provenance")


def record_report_values(report, *, final: bool, by) -> int:
    """Copy a report's indicator values into the reported values of its unit and its round's
    period (an annual round: the year; an ad hoc round: its own period, never the year).

    Run when the reporting actions send reporting.signals.report_values_changed, inside their
    transaction (the report row is locked): provisional on submission, final on acceptance,
    provisional again when an accepted report is unlocked. A blank answer leaves any stored
    value as it is. Returns how many values changed.
    """
    where = periods.fields(report.round.period)
    items = [i for i in report.indicator_items.select_related("indicator") if i.value is not None]
    stored = {v.indicator_id: v for v in DataValue.objects.select_for_update().filter(
        unit=report.unit, period=where["period"], source=Source.REPORTED,
        indicator_id__in=[i.indicator_id for i in items])}
    entries = []
    for item in items:
        wanted = {"value": item.value, "final": final,
                  "provenance": {"report": report.pk, "round": report.round_id,
                                 "version": report.version}}
        value = stored.get(item.indicator_id)
        before = snapshot(value)
        if value is None:
            value = DataValue(indicator=item.indicator, unit=report.unit, source=Source.REPORTED,
                              **where)
        elif all(_same(getattr(value, f), wanted[f]) for f in _COMPARED):
            continue
        for name, new in wanted.items():
            setattr(value, name, new)
        value.save()
        entries.append(entry("metrics.report_value", value, by=by, before=before,
                             after=snapshot(value), unit=report.unit))
    if entries:
        AuditEntry.objects.bulk_create(entries)
    return len(entries)


@transaction.atomic
def load_values(values: list[DataValue], *, by, action: str = "metrics.load_values") -> int:
    """Store new values in one go (a statistics file, the demo series), each with its audit
    entry as any other write of a value. A load adds, it never overwrites: a value already stored
    for the same indicator, unit, period and source stops the whole load (the unique key)."""
    require(by, "metrics.change_datavalue")
    DataValue.objects.bulk_create(values)
    AuditEntry.objects.bulk_create(
        entry(action, v, by=by, after=snapshot(v), unit=v.unit) for v in values)
    return len(values)


def _same(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return old == new


@transaction.atomic
def set_value(indicator, unit, period: int | str, value: Decimal, *, by,
              source: str = Source.DEPARTMENT, final: bool = True, synthetic: bool = False,
              provenance: dict | None = None) -> DataValue:
    """The Department enters, or imports from statistics, one value of `period` (a year, or a
    period code); it is that source's value only. Audited before → after."""
    require(by, "plans.change_plan")
    if source == Source.REPORTED:
        raise ValidationError(_("Giá trị do đơn vị báo cáo chỉ được ghi qua báo cáo của đơn vị."))
    code = periods.yearly(period) if isinstance(period, int) else period
    try:
        where = periods.fields(code)
    except ValueError:
        raise ValidationError(_("Mã kỳ «%(code)s» không hợp lệ.") % {"code": code}) from None
    existing = DataValue.objects.select_for_update().filter(
        indicator=indicator, unit=unit, period=code, source=source).first()
    before = snapshot(existing)
    obj = existing or DataValue(indicator=indicator, unit=unit, source=source, **where)
    obj.value, obj.final, obj.synthetic = value, final, synthetic
    obj.provenance = provenance or {}
    obj.save()
    record("metrics.set_value", obj, by=by, before=before, after=snapshot(obj), unit=unit)
    return obj


@dataclass(frozen=True)
class ComputedValue:
    """A value another app computed for an indicator, with what it was computed from (JSON)."""

    indicator: Indicator
    value: Decimal
    provenance: dict
    synthetic: bool = False


@transaction.atomic
def set_computed_values(values: list[ComputedValue], *, unit, period: int | str, by,
                        action: str = "metrics.computed_value") -> list[tuple[DataValue, bool]]:
    """Store values another app computed (the registry's counts) as final `computed` values of
    `unit` and `period`, each with its provenance.

    A value equal to the stored one (value, provenance, synthetic) is left alone and writes no
    audit entry,
    so running a feed again with the same data changes nothing; a changed or new value is saved
    and audited before → after. Returns each value with whether it changed."""
    require(by, "plans.change_plan")
    code = periods.yearly(period) if isinstance(period, int) else period
    try:
        where = periods.fields(code)
    except ValueError:
        raise ValidationError(_("Mã kỳ «%(code)s» không hợp lệ.") % {"code": code}) from None
    stored = {v.indicator_id: v for v in DataValue.objects.select_for_update().filter(
        unit=unit, period=code, source=Source.COMPUTED,
        indicator__in=[v.indicator for v in values])}
    out, entries = [], []
    for v in values:
        wanted = {"value": Decimal(v.value), "final": True, "provenance": v.provenance,
                  "synthetic": v.synthetic}
        obj = stored.get(v.indicator.pk)
        if obj is not None and all(_same(getattr(obj, f), new) for f, new in wanted.items()):
            out.append((obj, False))
            continue
        before = snapshot(obj)
        obj = obj or DataValue(indicator=v.indicator, unit=unit, source=Source.COMPUTED, **where)
        for name, new in wanted.items():
            setattr(obj, name, new)
        obj.save()
        entries.append(entry(action, obj, by=by, before=before, after=snapshot(obj), unit=unit))
        out.append((obj, True))
    if entries:
        AuditEntry.objects.bulk_create(entries)
    return out


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
    return override


def bump_revision() -> None:
    """Move the Revision by one and have the dashboards warmed. Run by metrics.signals once a
    change of what the engine reads commits; no permission or audit entry of its own: the change
    that caused it was checked and audited by its action."""
    with transaction.atomic():
        Revision.objects.get_or_create(pk=1)
        Revision.objects.filter(pk=1).update(number=F("number") + 1)
    transaction.on_commit(schedule_warm)


# --- The plan's reporting set-up ---------------------------------------------------------------

@transaction.atomic
def apply_config(data: dict, *, by=None) -> dict:
    """Replace the plan's reporting set-up with the parsed one; audited as one change."""
    plan = data["plan"]
    require(by, "plans.change_plan", plan)
    for e in data["elements"]:
        Indicator.objects.update_or_create(code=e["code"], defaults={
            "name": e["name"], "name_en": e["name_en"], "unit": e["unit"],
            "value_type": e["value_type"], "direction": Direction.HIGHER, "cumulative": False})
    indicators = Indicator.objects.in_bulk(field_name="code")
    units = OrgUnit.objects.in_bulk(field_name="code")
    before = {"assignments": IndicatorAssignment.objects.filter(plan=plan).count(),
              "rules": list(plan.validation_rules.values_list("code", flat=True))}
    plan.indicator_assignments.all().delete()
    plan.validation_rules.all().delete()
    IndicatorAssignment.objects.bulk_create(
        IndicatorAssignment(plan=plan, indicator=indicators[a["indicator"]],
                            unit=units.get(a["unit"]), unit_type=a["unit_type"],
                            function=a["function"], min_value=a["min"], max_value=a["max"])
        for a in data["assignments"])
    ValidationRule.objects.bulk_create(ValidationRule(plan=plan, **r) for r in data["rules"])
    Computation.objects.filter(indicator__in=[indicators[c["indicator"]]
                                               for c in data["computations"]]).delete()
    Computation.objects.bulk_create(
        Computation(indicator=indicators[c["indicator"]], formula=c["formula"],
                    growth_accounting=c["growth_accounting"], note=c["note"])
        for c in data["computations"])
    after = {"assignments": len(data["assignments"]), "rules": [r["code"] for r in data["rules"]],
             "computations": {c["indicator"]: c["formula"] or "TFP" for c in data["computations"]}}
    record("reporting.load_config", plan, by=by, before=before, after=after,
           unit=plan.issuing_unit)
    return after
