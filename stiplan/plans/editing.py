"""Editing a plan in the browser: one item of the plan's normal form changed or added, checked by
the plan file validation (`io.read_plan`) as a whole; plans.actions writes it to its row.

Items are named as in the review of a draft ("header", "targets[3]", "task_groups[1].actions[0]
.assignments[2]"), in the order `io.export_plan` gives them.
"""

from __future__ import annotations

from stiplan.core.yamlio import InputError, Problem
from stiplan.plans import drafts
from stiplan.plans.io import export_plan, read_plan, to_json_ready
from stiplan.plans.models import (
    Plan,
    Target,
)

#: The lists an item may be added to, with the fields a new entry starts with.
NEW_ENTRY = {
    "objectives": {"code": "", "kind": "specific", "text": ""},
    "indicators": {"code": "", "name": "", "name_en": "", "unit": "", "direction":
                   "higher_is_better", "value_type": "number", "cumulative": False,
                   "objective": ""},
    "targets": {"code": "", "indicator": "", "year": None, "comparator": "gte", "value": None,
                "low": None, "high": None, "at_least": False, "wording": "", "recurring": False,
                "source": ""},
    "related_documents": {"relation": "programme", "number": "", "date": None, "title": "",
                          "plan_code": ""},
}


def normal(plan: Plan) -> dict:
    """The plan's normal form with dates and numbers as a form would give them."""
    return to_json_ready(export_plan(plan))


def check(data: dict, key: str) -> dict:
    """The validated normal form; InputError with each problem named on `key`'s fields."""
    try:
        return read_plan(data)
    except InputError as exc:
        keys = {i.key: i.key for i in drafts.items({"plan": data, "flags": []}, {})}
        found = drafts.problems_by_item(exc.problems, keys)
        raise InputError([Problem(None, f"{k}.{p.path}" if p.path else k, p.vi, p.en)
                          for k, problems in found.items() for p in problems]) from None


def row_of(plan: Plan, key: str):
    """The database row an item key names."""
    if key == drafts.HEADER:
        return plan
    parts = key.split(".")
    kind, index = parts[0].split("[")[0], int(parts[0].split("[")[1].rstrip("]"))
    lists = {
        "objectives": lambda: list(plan.objectives.all()),
        "indicators": lambda: list(plan.plan_indicators.select_related("indicator")),
        "targets": lambda: list(Target.objects.filter(plan=plan, amendment=None)),
        "related_documents": lambda: list(plan.related_documents.all()),
        "task_groups": lambda: list(plan.task_groups.all()),
    }
    row = lists[kind]()[index]
    for part in parts[1:]:
        name, sub = part.split("[")[0], int(part.split("[")[1].rstrip("]"))
        row = list((row.actions if name == "actions" else row.assignments).all())[sub]
    return row
