"""A plan's indicator set-up (data elements, who reports what with bounds, validation rules, how
each province figure is computed) read from YAML (data/reporting/<plan>.yaml) and validated whole;
metrics.actions.apply_config writes it (metrics is the lowest app that sees every part it writes)."""

from __future__ import annotations

from stiplan.analytics import formula as fx
from stiplan.core import yamlio as y
from stiplan.orgs.models import OrgUnit, UnitType
from stiplan.plans.models import Plan, ValueType
from stiplan.reporting.models import Severity

ELEMENT_SPEC = {
    "code": (y.CODE, y.REQUIRED), "name": (y.TEXT, y.REQUIRED), "name_en": (y.OPT_TEXT, ""),
    "unit": (y.OPT_TEXT, ""), "value_type": (y.one_of(*ValueType.values), ValueType.NUMBER),
}
ASSIGN_SPEC = {
    "indicator": (y.CODE, y.REQUIRED), "unit": (y.OPT_TEXT, ""),
    "unit_type": (y.one_of("", *UnitType.values), ""), "function": (y.OPT_TEXT, ""),
    "min": (y.OPT_NUMBER, None), "max": (y.OPT_NUMBER, None),
}
COMPUTATION_SPEC = {
    "indicator": (y.CODE, y.REQUIRED), "formula": (y.OPT_TEXT, ""),
    "growth_accounting": (y.BOOL, False), "note": (y.OPT_TEXT, ""),
}
RULE_SPEC = {
    "code": (y.CODE, y.REQUIRED), "left": (y.CODE, y.REQUIRED),
    "operator": (y.one_of("<=", "<", ">=", ">", "=="), y.REQUIRED), "right": (y.CODE, y.REQUIRED),
    "severity": (y.one_of(*Severity.values), y.REQUIRED), "message": (y.TEXT, y.REQUIRED),
    "message_en": (y.OPT_TEXT, ""),
}


def _declared(c: y.Checker, known: set[str], code: str, line, path: str) -> None:
    if code and code not in known:
        c.add(line, path, f"chỉ tiêu «{code}» chưa được khai báo",
              f"indicator '{code}' is not declared")


def parse_config(raw: bytes | str) -> dict:
    doc = y.load_yaml(raw)
    c = y.Checker()
    top = c.fields(doc, "(tệp)", {
        "schema": (y.one_of("stiplan.reporting/1"), y.REQUIRED), "plan": (y.CODE, y.REQUIRED),
        "data_elements": (y.LIST, []), "indicators": (y.LIST, []), "rules": (y.LIST, []),
        "computations": (y.LIST, []),
    })
    if top is None:
        c.raise_if_any()
    plan = Plan.objects.filter(code=top["plan"]).first()
    if plan is None:
        c.add(y.line_of(doc, "plan"), "plan", f"kế hoạch «{top['plan']}» chưa được nạp",
              f"plan '{top['plan']}' is not loaded")
        c.raise_if_any()
    elements, seen = [], {}
    for element, path, line in c.records(top["data_elements"], "data_elements", ELEMENT_SPEC):
        c.unique(seen, element["code"], f"{path}.code", line)
        elements.append(element)
    known = {e["code"] for e in elements} | set(
        plan.plan_indicators.values_list("indicator__code", flat=True))
    units = OrgUnit.objects.in_bulk(field_name="code")
    issued = plan.legal_basis.get("date", "")
    assignments = []
    for a, path, line in c.records(top["indicators"], "indicators", ASSIGN_SPEC):
        _declared(c, known, a["indicator"], line, f"{path}.indicator")
        if bool(a["unit"]) == bool(a["unit_type"]):
            c.add(line, path, "cần đúng một trong hai: unit hoặc unit_type",
                  "exactly one of unit or unit_type is required")
        elif a["unit"] and (a["unit"] not in units
                            or not units[a["unit"]].valid_on(_date(issued))):
            c.add(line, f"{path}.unit", f"đơn vị «{a['unit']}» không tồn tại vào ngày ban hành",
                  f"unit '{a['unit']}' did not exist on the plan's issue date")
        if a["min"] is not None and a["max"] is not None and a["min"] > a["max"]:
            c.add(line, f"{path}.min", "min lớn hơn max", "min is greater than max")
        assignments.append(a)
    rules, seen_rules = [], {}
    for rule, path, line in c.records(top["rules"], "rules", RULE_SPEC):
        c.unique(seen_rules, rule["code"], f"{path}.code", line)
        for side in ("left", "right"):
            _declared(c, known, rule[side], line, f"{path}.{side}")
        rules.append(rule)
    computations, formulas = [], {}
    for comp, path, line in c.records(top["computations"], "computations", COMPUTATION_SPEC):
        _declared(c, known, comp["indicator"], line, f"{path}.indicator")
        if bool(comp["formula"]) == comp["growth_accounting"]:
            c.add(line, path, "cần đúng một trong hai: formula hoặc growth_accounting",
                  "exactly one of formula or growth_accounting is required")
        elif comp["formula"]:
            try:
                formulas[comp["indicator"]] = fx.parse(comp["formula"])
            except fx.FormulaError as exc:
                c.add(line, f"{path}.formula", exc.vi, exc.en)
            else:
                for name in sorted(formulas[comp["indicator"]].names):
                    _declared(c, known, name, line, f"{path}.formula")
        computations.append(comp)
    try:
        fx.evaluation_order(formulas)
    except fx.FormulaError as exc:
        c.add(y.line_of(doc, "computations"), "computations", exc.vi, exc.en)
    c.raise_if_any()
    return {"plan": plan, "elements": elements, "assignments": assignments, "rules": rules,
            "computations": computations}


def _date(iso: str):
    from datetime import date

    return date.fromisoformat(iso)
