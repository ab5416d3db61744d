"""Plans as YAML: validate a whole file, export it without loss (plans.actions.load_plan
writes it, in one transaction).

`parse_plan` returns the plan in normal form (every field present); `export_plan` returns the
same normal form from the database, so `export_plan(load_plan(parse_plan(f))) == parse_plan(f)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import yaml
from django.db.models import Prefetch

from stiplan.core import yamlio as y
from stiplan.orgs.models import OrgUnit, UnitType
from stiplan.plans.models import (
    Action,
    Amendment,
    AmendmentKind,
    Assignment,
    AssignmentRole,
    Basis,
    Comparator,
    Direction,
    ObjectiveKind,
    Plan,
    PlanIndicator,
    PlanStatus,
    Section,
    Target,
    ValueType,
)

SCHEMA = "stiplan.plan/1"
DOC_SPEC = {"number": (y.TEXT, y.REQUIRED), "date": (y.DATE, y.REQUIRED)}
LEGAL_SPEC = {
    "number": (y.TEXT, y.REQUIRED),
    "date": (y.DATE, y.REQUIRED),
    "document_type": (y.TEXT, y.REQUIRED),
    "signer": (y.OPT_TEXT, ""),
    "signer_title": (y.OPT_TEXT, ""),
    "proposing_unit": (y.OPT_TEXT, ""),
    "proposing_document": (y.MAP, None),
    "grounds": (y.LIST, []),
}
STRATEGY_SPEC = {
    "number": (y.TEXT, y.REQUIRED),
    "date": (y.DATE, y.REQUIRED),
    "issuer": (y.OPT_TEXT, ""),
    "title": (y.TEXT, y.REQUIRED),
}
RELATED_SPEC = {
    "relation": (y.one_of("linked_plan", "programme", "supersedes", "superseded_by"), y.REQUIRED),
    "number": (y.TEXT, y.REQUIRED),
    "date": (y.OPT_DATE, None),
    "title": (y.TEXT, y.REQUIRED),
    "plan_code": (y.OPT_TEXT, ""),
}
REPORTING_SPEC = {
    "annual_due": (y.TEXT, y.REQUIRED),
    "ad_hoc": (y.BOOL, True),
    "recipients": (y.LIST, []),
    "wording": (y.OPT_TEXT, ""),
}
OBJECTIVE_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "kind": (y.one_of(*ObjectiveKind.values), y.REQUIRED),
    "text": (y.TEXT, y.REQUIRED),
}
INDICATOR_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "name": (y.TEXT, y.REQUIRED),
    "name_en": (y.OPT_TEXT, ""),
    "unit": (y.OPT_TEXT, ""),
    "direction": (y.one_of(*Direction.values), y.REQUIRED),
    "value_type": (y.one_of(*ValueType.values), y.REQUIRED),
    "cumulative": (y.BOOL, False),
    "objective": (y.OPT_TEXT, ""),
}
TARGET_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "indicator": (y.TEXT, y.REQUIRED),
    "year": (y.YEAR, y.REQUIRED),
    "comparator": (y.one_of(*Comparator.values), y.REQUIRED),
    "value": (y.OPT_NUMBER, None),
    "low": (y.OPT_NUMBER, None),
    "high": (y.OPT_NUMBER, None),
    "at_least": (y.BOOL, False),
    "wording": (y.TEXT, y.REQUIRED),
    "recurring": (y.BOOL, False),
    "source": (y.OPT_TEXT, ""),
}
GROUP_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "section": (y.one_of(*Section.values), y.REQUIRED),
    "title": (y.TEXT, y.REQUIRED),
    "actions": (y.LIST, y.REQUIRED),
}
ACTION_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "text": (y.TEXT, y.REQUIRED),
    "targets": (y.LIST, []),
    "assignments": (y.LIST, []),
}
ASSIGNMENT_SPEC = {
    "unit": (y.OPT_TEXT, ""),
    "unit_type": (y.OPT_TEXT, ""),
    "role": (y.one_of(*AssignmentRole.values), y.REQUIRED),
    "basis": (y.one_of(*Basis.values), Basis.SEED),
    "function": (y.OPT_TEXT, ""),
}
AMENDED_TARGET_SPEC = {**TARGET_SPEC, "removed": (y.BOOL, False)}
AMENDED_ACTION_SPEC = {
    "code": (y.TEXT, y.REQUIRED),
    "group": (y.TEXT, y.REQUIRED),
    "text": (y.TEXT, y.REQUIRED),
    "targets": (y.LIST, []),
    "assignments": (y.LIST, []),
    "removed": (y.BOOL, False),
}
AMENDMENT_SPEC = {
    "kind": (y.one_of(*AmendmentKind.values), y.REQUIRED),
    "number": (y.TEXT, y.REQUIRED),
    "date": (y.DATE, y.REQUIRED),
    "title": (y.OPT_TEXT, ""),
    "file_name": (y.OPT_TEXT, ""),
    "targets": (y.LIST, []),
    "actions": (y.LIST, []),
}
PLAN_SPEC = {
    "schema": (y.one_of(SCHEMA), y.REQUIRED),
    "code": (y.TEXT, y.REQUIRED),
    "title": (y.TEXT, y.REQUIRED),
    "title_en": (y.OPT_TEXT, ""),
    "status": (y.one_of(*PlanStatus.values), y.REQUIRED),
    "period": (y.MAP, y.REQUIRED),
    "issuing_unit": (y.TEXT, y.REQUIRED),
    "legal_basis": (y.MAP, y.REQUIRED),
    "parent_strategy": (y.MAP, None),
    "related_documents": (y.LIST, []),
    "reporting": (y.MAP, y.REQUIRED),
    "purposes": (y.LIST, []),
    "requirements": (y.LIST, []),
    "objectives": (y.LIST, []),
    "indicators": (y.LIST, []),
    "targets": (y.LIST, []),
    "task_groups": (y.LIST, []),
    "supersedes": (y.OPT_TEXT, ""),
    "amendments": (y.LIST, []),
}


@dataclass
class PlanState:
    """What a plan holds in force after its decisions so far, for checking the next one: the
    targets and actions in force by code (as plan file entries; an action's with its group),
    its task groups and indicators, its period, issue date and last decision."""

    issued: dt.date | None
    start: int
    end: int
    indicators: set[str]
    groups: set[str]
    targets: dict[str, dict]
    actions: dict[str, dict]
    last: dt.date | None = None
    superseded: dt.date | None = None
    decision_day: dt.date | None = None  # the date of the decision being read

    @classmethod
    def of_file(cls, plan: dict) -> PlanState:
        """The plan as issued, from its normal form."""
        return cls((plan.get("legal_basis") or {}).get("date"), plan["period"]["start"],
                   plan["period"]["end"], {i["code"] for i in plan["indicators"]},
                   {g["code"] for g in plan["task_groups"]},
                   {t["code"]: t for t in plan["targets"]},
                   {a["code"]: {**a, "group": g["code"]}
                    for g in plan["task_groups"] for a in g["actions"]})


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class PlanReader:
    """Reads and checks one plan document; every problem is collected with its line."""

    def __init__(self, doc) -> None:
        self.c = y.Checker()
        self.doc = doc

    @classmethod
    def for_plan(cls, plan: Plan) -> PlanReader:
        """A reader of later decisions on a stored plan (its period, units, issue date)."""
        reader = cls({})
        issued = plan.legal_basis.get("date")
        reader.on = dt.date.fromisoformat(issued) if issued else None
        reader.units = OrgUnit.objects.in_bulk(field_name="code")
        reader.start, reader.end = plan.period_start, plan.period_end
        return reader

    def read(self) -> dict:
        c = self.c
        plan = c.fields(self.doc, "(tệp)", PLAN_SPEC)
        if plan is None:
            c.raise_if_any()
        doc = self.doc
        if plan["code"] and not _is_slug(plan["code"]):
            c.add(y.line_of(doc, "code"), "code",
                  "mã kế hoạch chỉ gồm chữ thường không dấu, số và '-'",
                  "plan code may hold only lowercase ASCII letters, digits and '-'")
        plan["period"] = c.fields(doc.get("period") or {}, "period",
                                  {"start": (y.YEAR, y.REQUIRED), "end": (y.YEAR, y.REQUIRED)})
        period = plan["period"] or {}
        start, end = period.get("start"), period.get("end")
        if start and end and start > end:
            c.add(y.line_of(doc, "period"), "period", f"năm bắt đầu {start} sau năm kết thúc {end}",
                  f"start year {start} is after end year {end}")
        self.start, self.end = start, end
        plan["legal_basis"] = self._legal(doc.get("legal_basis"))
        self.on = (plan["legal_basis"] or {}).get("date")
        self.units = self._units_on(self.on)
        self._unit_ref(plan["issuing_unit"], "issuing_unit", y.line_of(doc, "issuing_unit"))
        if plan["parent_strategy"] is not None:
            plan["parent_strategy"] = c.fields(plan["parent_strategy"], "parent_strategy",
                                               STRATEGY_SPEC)
        plan["related_documents"] = self._list(doc, "related_documents", RELATED_SPEC)
        plan["reporting"] = self._reporting(doc.get("reporting"))
        plan["purposes"] = self._texts(doc, "purposes")
        plan["requirements"] = self._texts(doc, "requirements")
        plan["objectives"] = self._list(doc, "objectives", OBJECTIVE_SPEC, unique="code")
        objective_codes = {o["code"] for o in plan["objectives"]}
        indicators = self._entries(doc, "indicators", INDICATOR_SPEC, unique="code")
        for ind, path, line in indicators:
            if ind["objective"] and ind["objective"] not in objective_codes:
                c.add(line, f"{path}.objective",
                      f"mục tiêu «{ind['objective']}» không có trong kế hoạch",
                      f"objective '{ind['objective']}' is not in the plan")
        plan["indicators"] = [ind for ind, _p, _l in indicators]
        indicator_codes = {i["code"] for i in plan["indicators"]}
        targets = self._entries(doc, "targets", TARGET_SPEC, unique="code")
        for target, path, line in targets:
            self._target(target, path, line, indicator_codes)
        plan["targets"] = [t for t, _p, _l in targets]
        plan["task_groups"] = self._groups(doc, {t["code"] for t in plan["targets"]})
        if plan["supersedes"] and not Plan.objects.filter(code=plan["supersedes"]).exists():
            c.add(y.line_of(doc, "supersedes"), "supersedes",
                  f"kế hoạch «{plan['supersedes']}» chưa có (nạp kế hoạch bị thay thế trước)",
                  f"plan '{plan['supersedes']}' is not there (load the superseded plan first)")
        if c.problems:
            c.raise_if_any()
        state = PlanState.of_file(plan)
        plan["amendments"] = [
            self.amendment(data, path, line, state)
            for data, path, line in c.records(doc.get("amendments") or [], "amendments",
                                              AMENDMENT_SPEC)]
        c.raise_if_any()
        return plan

    # -- later decisions -----------------------------------------------------------------------
    def amendment(self, data: dict, path: str, line, state: PlanState) -> dict:
        """Check one later decision against the plan in force before it (`state`, which it then
        updates): its date, and each target and action it changes, adds or removes."""
        c, issue_day = self.c, self.on
        day = data["date"]
        if day and state.issued and day <= state.issued:
            c.add(line, _at(path, "date"), f"quyết định phải sau ngày ban hành kế hoạch "
                  f"{state.issued:%d/%m/%Y}", f"the decision must come after the plan's issue "
                  f"date {state.issued}")
        elif day and state.last and day < state.last:
            c.add(line, _at(path, "date"), f"quyết định phải từ ngày {state.last:%d/%m/%Y} (quyết "
                  "định trước) trở đi", f"the decision may not come before the previous one "
                  f"({state.last})")
        if state.superseded:
            c.add(line, _at(path, "date"), f"kế hoạch đã được thay thế từ ngày "
                  f"{state.superseded:%d/%m/%Y}", f"the plan was superseded on {state.superseded}")
        seen_targets: dict = {}
        data["targets"] = [self._amended_target(t, tpath, tline, state, seen_targets)
                           for t, tpath, tline in c.records(data["targets"] or [],
                                                            _at(path, "targets"),
                                                            AMENDED_TARGET_SPEC)]
        state.decision_day = day
        # a decision may name the units it was written for, or keep those the plan named (who
        # holds an assignment later follows the reorganisations): a unit must exist by its date
        self.on, seen_actions = None, {}
        data["actions"] = [self._amended_action(a, apath, aline, state, seen_actions)
                           for a, apath, aline in c.records(data["actions"] or [],
                                                            _at(path, "actions"),
                                                            AMENDED_ACTION_SPEC)]
        self.on = issue_day
        if data["kind"] == AmendmentKind.SUPERSEDE:
            if data["targets"] or data["actions"]:
                c.add(line, path or "kind", "quyết định thay thế không sửa mục tiêu hay nhiệm vụ",
                      "a superseding decision changes no targets or actions")
            state.superseded = day
        elif not (data["targets"] or data["actions"]):
            c.add(line, _at(path, "targets"),
                  "quyết định sửa đổi cần ít nhất một mục tiêu hay nhiệm vụ thay đổi",
                  "an amending decision needs at least one changed target or action")
        state.last = day or state.last
        return data

    def _amended_target(self, t: dict, path: str, line, state: PlanState, seen: dict) -> dict:
        self.c.unique(seen, t["code"], f"{path}.code", line)
        if t["code"] and t["code"] not in state.targets:
            self.c.add(line, f"{path}.code", f"mục tiêu «{t['code']}» không có trong kế hoạch",
                       f"target '{t['code']}' is not in the plan")
        self.start, self.end = state.start, state.end
        self._target(t, path, line, state.indicators)
        if t["removed"]:
            state.targets.pop(t["code"], None)
        elif t["code"] in state.targets:
            state.targets[t["code"]] = t
        return t

    def _amended_action(self, a: dict, path: str, line, state: PlanState, seen: dict) -> dict:
        c, code = self.c, a["code"]
        c.unique(seen, code, f"{path}.code", line)
        if a["removed"] and code not in state.actions:
            c.add(line, f"{path}.code", f"nhiệm vụ «{code}» không có trong kế hoạch để bãi bỏ",
                  f"action '{code}' is not in the plan, so it cannot be removed")
        if a["group"] and a["group"] not in state.groups:
            c.add(line, f"{path}.group", f"nhóm nhiệm vụ «{a['group']}» không có trong kế hoạch",
                  f"task group '{a['group']}' is not in the plan")
        raw_targets = a["targets"]
        a["targets"] = c.codes(raw_targets, f"{path}.targets")
        for j, target in enumerate(a["targets"]):
            if target not in state.targets:
                c.add(y.line_of(raw_targets, j), f"{path}.targets[{j}]",
                      f"mục tiêu «{target}» không có trong kế hoạch",
                      f"target '{target}' is not in the plan")
        a["assignments"] = [found for _j, node, apath, aline in c.items(
            a["assignments"] or [], f"{path}.assignments")
            if (found := self._assignment(node, apath, aline))]
        for j, found in enumerate(a["assignments"]):
            unit = self.units.get(found["unit"])
            if unit is not None and state.decision_day and unit.valid_from > state.decision_day:
                c.add(line, f"{path}.assignments[{j}].unit",
                      f"đơn vị «{unit.code}» chưa thành lập vào ngày của quyết định",
                      f"unit '{unit.code}' did not exist yet on the decision's date")
        if a["removed"]:
            state.actions.pop(code, None)
        elif code:
            state.actions[code] = a
        return a

    # -- parts -------------------------------------------------------------------------------
    def _entries(self, node, key, spec, unique: str | None = None) -> list[tuple[dict, str, int]]:
        """(fields, path, line) for each well-formed item of the list `node[key]`."""
        out, seen = [], {}
        for data, path, line in self.c.records(node.get(key) or [], key, spec):
            if unique:
                self.c.unique(seen, data[unique], f"{path}.{unique}", line)
            out.append((data, path, line))
        return out

    def _list(self, node, key, spec, unique: str | None = None) -> list[dict]:
        return [data for data, _path, _line in self._entries(node, key, spec, unique)]

    def _texts(self, node, key) -> list[str]:
        out = []
        for _i, item, path, line in self.c.items(node.get(key) or [], key):
            if isinstance(item, str) and item.strip():
                out.append(item)
            else:
                self.c.add(line, path, "cần một đoạn văn bản", "a paragraph of text is required")
        return out

    def _legal(self, node) -> dict | None:
        legal = self.c.fields(node, "legal_basis", LEGAL_SPEC)
        if legal is None:
            return None
        if legal["proposing_document"] is not None:
            legal["proposing_document"] = self.c.fields(
                legal["proposing_document"], "legal_basis.proposing_document", DOC_SPEC)
        legal["grounds"] = self._texts(node, "grounds")
        return legal

    def _reporting(self, node) -> dict | None:
        rep = self.c.fields(node, "reporting", REPORTING_SPEC)
        if rep is None:
            return None
        due = rep["annual_due"] or ""
        try:
            month, day = (int(x) for x in due.split("-"))
            dt.date(2001, month, day)
        except (ValueError, OverflowError):
            self.c.add(y.line_of(node, "annual_due"), "reporting.annual_due",
                       f"hạn báo cáo «{due}» phải có dạng MM-DD", f"deadline '{due}' must be MM-DD")
        raw_recipients = rep["recipients"]
        rep["recipients"] = self.c.codes(raw_recipients, "reporting.recipients")
        for i, code in enumerate(raw_recipients):
            if isinstance(code, str):
                self._unit_ref(code, f"reporting.recipients[{i}]", y.line_of(raw_recipients, i))
        return rep

    def _target(self, t: dict, path: str, line, indicators: set[str]) -> None:
        c = self.c
        if t["indicator"] and t["indicator"] not in indicators:
            c.add(line, f"{path}.indicator", f"chỉ tiêu «{t['indicator']}» chưa được khai báo",
                  f"indicator '{t['indicator']}' is not declared")
        if t["year"] and self.start and self.end and not (
            self.start <= t["year"] <= self.end
        ):
            c.add(line, f"{path}.year",
                  f"năm mốc {t['year']} nằm ngoài kỳ kế hoạch {self.start}–{self.end}",
                  f"milestone {t['year']} is outside the plan period {self.start}–{self.end}")
        if t["comparator"] == Comparator.RANGE:
            if t["low"] is None or t["high"] is None or t["value"] is not None:
                c.add(line, path, "khoảng giá trị cần low và high, không dùng value",
                      "a range needs low and high, and no value")
            elif t["low"] > t["high"]:
                c.add(line, f"{path}.low", f"cận dưới {t['low']} lớn hơn cận trên {t['high']}",
                      f"low {t['low']} is greater than high {t['high']}")
        elif t["comparator"] and (t["value"] is None or t["low"] is not None
                                  or t["high"] is not None):
            c.add(line, path, "so sánh đơn cần value, không dùng low/high",
                  "a single comparison needs value, and no low/high")

    def _groups(self, doc, target_codes: set[str]) -> list[dict]:
        entries = self._entries(doc, "task_groups", GROUP_SPEC, unique="code")
        seen_actions: dict = {}
        for group, gpath, _gline in entries:
            raw_actions = group["actions"] or []
            actions = []
            for _i, item, path, line in self.c.items(raw_actions, f"{gpath}.actions"):
                action = self.c.fields(item, path, ACTION_SPEC)
                if action is None:
                    continue
                self.c.unique(seen_actions, action["code"], f"{path}.code", line)
                raw_targets = action["targets"]
                action["targets"] = self.c.codes(raw_targets, f"{path}.targets")
                for j, code in enumerate(raw_targets):
                    if isinstance(code, str) and code not in target_codes:
                        self.c.add(y.line_of(raw_targets, j), f"{path}.targets[{j}]",
                                   f"mục tiêu «{code}» không có trong kế hoạch",
                                   f"target '{code}' is not in the plan")
                action["assignments"] = [
                    self._assignment(a, apath, aline)
                    for _j, a, apath, aline in self.c.items(item.get("assignments") or [],
                                                            f"{path}.assignments")
                ]
                action["assignments"] = [a for a in action["assignments"] if a]
                actions.append(action)
            group["actions"] = actions
        return [group for group, _p, _l in entries]

    def _assignment(self, node, path, line) -> dict | None:
        a = self.c.fields(node, path, ASSIGNMENT_SPEC)
        if a is None:
            return None
        if bool(a["unit"]) == bool(a["unit_type"]):
            self.c.add(line, path, "cần đúng một trong hai: unit hoặc unit_type",
                       "exactly one of unit or unit_type is required")
        if a["unit"]:
            self._unit_ref(a["unit"], f"{path}.unit", line)
        if a["unit_type"] and a["unit_type"] not in UnitType.values:
            self.c.add(line, f"{path}.unit_type", f"loại đơn vị «{a['unit_type']}» không hợp lệ",
                       f"invalid unit type '{a['unit_type']}'")
        return a

    def _units_on(self, day) -> dict[str, OrgUnit]:
        return OrgUnit.objects.in_bulk(field_name="code") if day else {}

    def _unit_ref(self, code, path, line) -> None:
        if not code:
            return
        unit = self.units.get(code)
        if unit is None:
            self.c.add(line, path, f"đơn vị «{code}» không tồn tại", f"unknown unit '{code}'")
        elif self.on and not unit.valid_on(self.on):
            self.c.add(line, path,
                       f"đơn vị «{code}» không tồn tại vào ngày ban hành {self.on:%d/%m/%Y}",
                       f"unit '{code}' did not exist on the issue date {self.on}")


def _is_slug(code: str) -> bool:
    return all(ch.isascii() and (ch.islower() or ch.isdigit() or ch == "-") for ch in code)


def parse_plan(raw: bytes | str) -> dict:
    """Validate a plan file; return its normal form or raise InputError naming every place."""
    return read_plan(y.load_yaml(raw))


def read_plan(doc: dict) -> dict:
    """Validate a plan given as data (dates as ISO strings allowed), as `parse_plan` does."""
    return PlanReader(doc).read()


def _json_ready(value, decimal: Callable[[Decimal], object]):
    """`value` with every date as an ISO string and every decimal as `decimal` makes it."""
    if isinstance(value, dict):
        return {k: _json_ready(v, decimal) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v, decimal) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return decimal(value)
    return value


def stored_json(value):
    """A parsed value as a JSON field keeps it: dates as ISO strings, decimals as strings (read
    back by export_plan)."""
    return _json_ready(value, str)


# --- Export ------------------------------------------------------------------------------------

def _dates(value, keys=("date",)):
    """JSON-stored dates back to date objects, so that export equals the parsed normal form."""
    if isinstance(value, dict):
        return {k: (dt.date.fromisoformat(v) if k in keys and isinstance(v, str) else _dates(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    return value


def _ordered(data: dict, spec: dict) -> dict:
    """Keys in the file's order (PostgreSQL's jsonb does not keep the order it was given)."""
    return {key: data[key] for key in spec if key in data}


def _num(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize() + 0


def export_plan(plan: Plan) -> dict:
    """The plan in normal form, equal to what `parse_plan` returns for the file it came from: the
    items as issued (version 1), then each later decision with the rows it wrote."""
    actions = Action.objects.select_related("group").prefetch_related(
        "targets", Prefetch("assignments", queryset=Assignment.objects.select_related("unit")))
    plan = (
        Plan.objects.select_related("issuing_unit", "supersedes")
        .prefetch_related(
            "related_documents", "objectives",
            Prefetch("plan_indicators", queryset=PlanIndicator.objects.select_related(
                "indicator", "objective")),
            Prefetch("targets", queryset=Target.objects.filter(amendment=None)
                     .select_related("indicator")),
            Prefetch("task_groups__actions", queryset=actions),
            Prefetch("amendments", queryset=Amendment.objects.order_by("version").prefetch_related(
                Prefetch("targets", queryset=Target.objects.select_related("indicator")),
                Prefetch("actions", queryset=actions.order_by("group__order", "order")))),
        )
        .get(pk=plan.pk)
    )
    legal = _ordered(_dates(plan.legal_basis), LEGAL_SPEC)
    if legal.get("proposing_document"):
        legal["proposing_document"] = _ordered(legal["proposing_document"], DOC_SPEC)
    return {
        "schema": SCHEMA,
        "code": plan.code,
        "title": plan.title,
        "title_en": plan.title_en,
        "status": plan.status,
        "period": {"start": plan.period_start, "end": plan.period_end},
        "issuing_unit": plan.issuing_unit.code,
        "legal_basis": legal,
        "parent_strategy": _ordered(_dates(plan.parent_strategy), STRATEGY_SPEC) or None,
        "related_documents": [
            {"relation": d.relation, "number": d.number, "date": d.date, "title": d.title,
             "plan_code": d.plan_code}
            for d in plan.related_documents.all()
        ],
        "reporting": _ordered(plan.reporting, REPORTING_SPEC),
        "purposes": plan.purposes,
        "requirements": plan.requirements,
        "objectives": [{"code": o.code, "kind": o.kind, "text": o.text}
                       for o in plan.objectives.all()],
        "indicators": [
            {"code": pi.indicator.code, "name": pi.indicator.name, "name_en": pi.indicator.name_en,
             "unit": pi.indicator.unit, "direction": pi.indicator.direction,
             "value_type": pi.indicator.value_type, "cumulative": pi.indicator.cumulative,
             "objective": pi.objective.code if pi.objective else ""}
            for pi in plan.plan_indicators.all()
        ],
        "targets": [target_entry(t) for t in plan.targets.all()],
        "task_groups": [
            {"code": g.code, "section": g.section, "title": g.title,
             "actions": [action_entry(a) for a in g.actions.all() if a.amendment_id is None]}
            for g in plan.task_groups.all()
        ],
        "supersedes": plan.supersedes.code if plan.supersedes else "",
        "amendments": [amendment_entry(a) for a in plan.amendments.all()],
    }


def target_entry(t: Target) -> dict:
    """A target row as the plan file's `targets` entry."""
    return {"code": t.code, "indicator": t.indicator.code, "year": t.year,
            "comparator": t.comparator, "value": _num(t.value), "low": _num(t.low),
            "high": _num(t.high), "at_least": t.at_least, "wording": t.wording,
            "recurring": t.recurring, "source": t.source}


def action_entry(a: Action) -> dict:
    """An action row as the plan file's entry: its targets by code, its assignments."""
    return {"code": a.code, "text": a.text,
            "targets": [t.code for t in sorted(a.targets.all(), key=lambda t: t.order)],
            "assignments": [
                {"unit": s.unit.code if s.unit else "", "unit_type": s.unit_type,
                 "role": s.role, "basis": s.basis, "function": s.function}
                for s in a.assignments.all()]}


def amendment_entry(amendment: Amendment) -> dict:
    """A later decision with the rows it wrote (the file itself stays in storage)."""
    return {"kind": amendment.kind, "number": amendment.number, "date": amendment.date,
            "title": amendment.title, "file_name": amendment.file_name,
            "targets": [{**target_entry(t), "removed": t.removed}
                        for t in amendment.targets.all()],
            "actions": [_ordered({**action_entry(a), "group": a.group.code, "removed": a.removed},
                                 AMENDED_ACTION_SPEC) for a in amendment.actions.all()]}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


_Dumper.add_representer(y.LineList, yaml.SafeDumper.represent_list)
_Dumper.add_representer(y.LineDict, yaml.SafeDumper.represent_dict)
_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:float" if v != v.to_integral_value() else "tag:yaml.org,2002:int",
    format(v, "f")))


def to_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def to_json_ready(data: dict) -> dict:
    """Normal form with dates as ISO strings and numbers as JSON numbers."""
    return _json_ready(data, lambda d: int(d) if d == d.to_integral_value() else float(d))
