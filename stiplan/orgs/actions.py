"""Writes of the orgs app: loading units and reorganisation events (parsed by orgs/io.py),
and memberships (phân công người dùng) added and ended. Each in one transaction, permission
checked, audited before → after."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from stiplan.core.audit import record, snapshot
from stiplan.core.permissions import Role, require
from stiplan.orgs.models import Membership, OrgUnit, ReorgEvent, ReorgLink


@transaction.atomic
def apply_orgs(data: dict, *, by=None) -> dict:
    """Create or update every unit and event of a parsed file (orgs.io.parse_orgs, or
    orgs.io.read_communes); one audit entry per change."""
    require(by, "orgs.change_orgunit")
    counts = {"units_created": 0, "units_updated": 0, "events": 0}
    _load_units(data["units"], counts, by=by)
    _load_events(data["events"], counts, by=by)
    return counts


def _load_units(units: list[dict], counts: dict, *, by) -> None:
    codes = {u["code"] for u in units}
    existing = OrgUnit.objects.in_bulk(codes, field_name="code")
    for unit in units:
        fields = {k: v for k, v in unit.items() if k not in ("code", "parent", "_line")}
        obj = existing.get(unit["code"])
        before = snapshot(obj)
        if obj is None:
            obj = OrgUnit(code=unit["code"], **fields)
            counts["units_created"] += 1
        else:
            for k, v in fields.items():
                setattr(obj, k, v)
        obj.save()
        existing[obj.code] = obj
        after = snapshot(obj)
        if before != after:
            counts["units_updated"] += before is not None
            record("orgs.load_unit", obj, by=by, before=before, after=after, unit=obj)
    parents = {u["code"]: u["parent"] for u in units}
    lookup = OrgUnit.objects.in_bulk(codes | {p for p in parents.values() if p},
                                     field_name="code")
    for code, parent in parents.items():
        unit = lookup[code]
        new_parent = lookup.get(parent) if parent else None
        if unit.parent_id != (new_parent.pk if new_parent else None):
            unit.parent = new_parent
            unit.save(update_fields=["parent"])


def _load_events(events: list[dict], counts: dict, *, by) -> None:
    link_codes = {x for e in events for k in e["links"] for x in (k["source"], k["target"])}
    units_by_code = OrgUnit.objects.in_bulk(link_codes, field_name="code")
    for event in events:
        fields = {k: v for k, v in event.items() if k not in ("code", "links")}
        obj, created = ReorgEvent.objects.update_or_create(code=event["code"], defaults=fields)
        before = sorted(f"{k.source.code}>{k.target.code}:{k.function}" for k in obj.links.all())
        obj.links.all().delete()
        ReorgLink.objects.bulk_create(
            ReorgLink(event=obj, source=units_by_code[k["source"]],
                      target=units_by_code[k["target"]], function=k["function"])
            for k in event["links"]
        )
        after = sorted(f"{k['source']}>{k['target']}:{k['function']}" for k in event["links"])
        if created or before != after:
            counts["events"] += 1
            record("orgs.load_event", obj, by=by, before=None if created else {"links": before},
                   after={**snapshot(obj), "links": after})


def _membership_facts(membership: Membership) -> dict:
    return {"user": membership.user.get_username(), "unit": membership.unit.code,
            "role": membership.role, "valid_from": membership.valid_from,
            "valid_to": membership.valid_to}


@transaction.atomic
def add_membership(user, unit: OrgUnit, role: str, *, valid_from: date,
                   valid_to: date | None = None, by, reason: str = "") -> Membership:
    """`user` works in `unit` with `role` from `valid_from` (until `valid_to`, if given).
    Refused when the unit does not exist that day or the same role there overlaps."""
    require(by, "orgs.change_membership")
    if role not in Role.values:
        raise ValidationError(_("Vai trò «%(role)s» không hợp lệ.") % {"role": role})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(_("Ngày kết thúc trước ngày bắt đầu."))
    if not unit.valid_on(valid_from):
        raise ValidationError(_("Đơn vị «%(unit)s» không tồn tại vào ngày %(day)s.")
                              % {"unit": unit.code, "day": f"{valid_from:%d/%m/%Y}"})
    overlapping = Membership.objects.select_for_update().filter(
        user=user, unit=unit, role=role).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_to)
    if overlapping.exists():
        raise ValidationError(_("Người dùng đã có vai trò này tại đơn vị trong khoảng thời gian "
                                "đó."))
    membership = Membership.objects.create(user=user, unit=unit, role=role,
                                           valid_from=valid_from, valid_to=valid_to)
    record("orgs.add_membership", membership, by=by, after=_membership_facts(membership),
           unit=unit, reason=reason)
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, on: date, by, reason: str = "") -> Membership:
    """The membership ends on `on` (its last day); the row stays for the record."""
    require(by, "orgs.change_membership", membership)
    locked = Membership.objects.select_for_update().select_related("user", "unit").get(
        pk=membership.pk)
    if on < locked.valid_from:
        raise ValidationError(_("Ngày kết thúc trước ngày bắt đầu."))
    if locked.valid_to is not None and locked.valid_to <= on:
        raise ValidationError(_("Phân công này đã kết thúc ngày %(day)s.")
                              % {"day": f"{locked.valid_to:%d/%m/%Y}"})
    before = _membership_facts(locked)
    locked.valid_to = on
    locked.save(update_fields=["valid_to"])
    record("orgs.end_membership", locked, by=by, before=before, after=_membership_facts(locked),
           unit=locked.unit, reason=reason)
    return locked
