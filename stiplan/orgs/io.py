"""Organisation units and reorganisation events from YAML (and the 2025 communes from CSV):
read and validated whole here, then written by orgs.actions.apply_orgs."""

from __future__ import annotations

from pathlib import Path

from stiplan.core import yamlio as y
from stiplan.orgs import communes
from stiplan.orgs.models import EventKind, OrgUnit, UnitType

UNIT_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "type": (y.one_of(*UnitType.values), y.REQUIRED),
    "name": (y.TEXT, y.REQUIRED),
    "short_name": (y.OPT_TEXT, ""),
    "name_en": (y.OPT_TEXT, ""),
    "parent": (y.OPT_TEXT, ""),
    "valid_from": (y.DATE, y.REQUIRED),
    "valid_to": (y.OPT_DATE, None),
    "synthetic": (y.BOOL, False),
    "note": (y.OPT_TEXT, ""),
}
EVENT_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "date": (y.DATE, y.REQUIRED),
    "kind": (y.one_of(*EventKind.values), y.REQUIRED),
    "title": (y.TEXT, y.REQUIRED),
    "legal_basis": (y.OPT_TEXT, ""),
    "confirmed": (y.BOOL, True),
    "links": (y.LIST, y.REQUIRED),
}
LINK_SPEC = {
    "source": (y.TEXT, y.REQUIRED),
    "target": (y.TEXT, y.REQUIRED),
    "function": (y.OPT_TEXT, ""),
}


def parse_orgs(raw: bytes | str) -> dict:
    """Validate an orgs file; return {'units': [...], 'events': [...]} or raise InputError."""
    doc = y.load_yaml(raw)
    c = y.Checker()
    top = c.fields(doc, "(tệp)", {"schema": (y.one_of("stiplan.orgs/1"), y.REQUIRED),
                                   "units": (y.LIST, []), "events": (y.LIST, [])})
    if top is None:
        c.raise_if_any()
    known = {u.code: (u.valid_from, u.valid_to) for u in OrgUnit.objects.all()}
    seen: dict = {}
    units = []
    for unit, path, line in c.records(top["units"] or [], "units", UNIT_SPEC):
        unit["_line"] = line
        c.unique(seen, unit["code"], f"{path}.code", line)
        if unit["valid_from"] and unit["valid_to"] and unit["valid_to"] < unit["valid_from"]:
            c.add(line, f"{path}.valid_to", "ngày kết thúc trước ngày bắt đầu",
                  "end date is before start date")
        units.append(unit)
        if unit["code"]:
            known[unit["code"]] = (unit["valid_from"], unit["valid_to"])
    for unit in units:
        if unit["parent"] and unit["parent"] not in known:
            c.add(unit["_line"], f"units[{unit['code']}].parent",
                  f"đơn vị cấp trên «{unit['parent']}» không tồn tại",
                  f"parent unit '{unit['parent']}' does not exist")
    events, seen_events = [], {}
    for event, path, line in c.records(top["events"] or [], "events", EVENT_SPEC):
        c.unique(seen_events, event["code"], f"{path}.code", line)
        links = []
        for link, link_path, link_line in c.records(event["links"] or [], f"{path}.links", LINK_SPEC):
            for end in ("source", "target"):
                if link[end] and link[end] not in known:
                    c.add(link_line, f"{link_path}.{end}", f"đơn vị «{link[end]}» không tồn tại",
                          f"unit '{link[end]}' does not exist")
            target = known.get(link["target"])
            day = event["date"]
            if target and day and not (target[0] <= day and (target[1] is None or day <= target[1])):
                c.add(link_line, f"{link_path}.target",
                      f"đơn vị nhận «{link['target']}» không tồn tại vào ngày {day:%d/%m/%Y}",
                      f"receiving unit '{link['target']}' does not exist on {day}")
            links.append(link)
        event["links"] = links
        events.append(event)
    c.raise_if_any()
    return {"units": units, "events": events}


def read_communes(directory: Path) -> dict:
    """The 2025 commune reorganisation from `communes.csv` and `communes_old_to_new.csv` in
    `directory`, joined to the district units already loaded; raises CommuneDataError."""
    districts = dict(OrgUnit.objects.filter(type=UnitType.DISTRICT).values_list("code", "name"))
    return communes.build((directory / "communes.csv").read_text(encoding="utf-8"),
                          (directory / "communes_old_to_new.csv").read_text(encoding="utf-8"), districts)
