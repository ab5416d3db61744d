"""Editing a plan in the browser: one item of the plan's normal form changed, added or deleted,
checked by the plan file validation (`io.read_plan`) as a whole; plans.actions writes the row.

Items are named as in the review of a draft ("header", "targets[3]", "task_groups[1].actions[0]
.assignments[2]"), in the order `io.export_plan` gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stiplan.core.yamlio import InputError, Problem
from stiplan.plans import drafts
from stiplan.plans.io import export_plan, read_plan, to_json_ready
from stiplan.plans.models import Plan, PlanStatus, Target

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
        rows = row.actions.filter(amendment=None) if name == "actions" else row.assignments.all()
        row = list(rows)[sub]
    return row


#: The items a draft plan's editor may delete: a target, an indicator, a task group, an action.
DELETABLE = ("targets", "indicators", "task_groups", "actions")


@dataclass
class Removal:
    """What deleting an item would do: the row, what goes with it, and why it may not."""

    key: str
    kind: str
    row: object
    label: str
    goes_with: list[str] = field(default_factory=list)  # rows deleted or unlinked with it
    refusals: list[Problem] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.refusals


def _kind(key: str) -> str:
    return key.rsplit(".", 1)[-1].split("[")[0]


def _outside_uses(row) -> list[str]:
    """Rows of other apps (report items, values, registry tasks…) that point at `row`: while
    any exists, deleting it would take their history with it."""
    found = []
    for rel in row._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and rel.is_relation and not rel.concrete) or \
                rel.related_model._meta.app_label == "plans":
            continue
        count = rel.related_model._base_manager.filter(**{rel.field.name: row}).count()
        if count:
            found.append(f"{count} × {rel.related_model._meta.verbose_name}")
    return found


def removal(plan: Plan, key: str) -> Removal:
    """Judge deleting item `key` of `plan` (KeyError/IndexError when it names no deletable item):
    only from a draft plan, only when nothing outside the plan uses it, and only when the plan
    still passes the plan file validation without it (a target's links from actions go too)."""
    kind = _kind(key)
    if key == drafts.HEADER or kind not in DELETABLE:
        raise KeyError(key)
    data = normal(plan)
    entry, _k = drafts.locate(data, key)
    row = row_of(plan, key)
    words = next((entry[k] for k in ("wording", "name", "title", "text") if entry.get(k)), "")
    out = Removal(key, kind, row, f"{entry.get('code', '')}: {words}")
    if plan.status != PlanStatus.DRAFT:
        out.refusals.append(Problem(None, key, (
            "kế hoạch đang hiệu lực (hay đã hết hiệu lực): không xóa mục, hãy ghi nhận quyết định "
            "sửa đổi bãi bỏ mục tiêu, nhiệm vụ từ ngày của quyết định"), (
            "the plan is in force (or was): items are not deleted; record the amending decision "
            "that removes the target or action from its date")))
    uses = [(row, _outside_uses(row.indicator if kind == "indicators" else row))]
    if kind == "task_groups":
        uses += [(a, _outside_uses(a)) for a in row.actions.all()]
        out.goes_with = [f"{a.code}: {a.text}" for a in row.actions.all()]
    for used, found in uses:
        if found:
            out.refusals.append(Problem(None, key, (
                f"«{getattr(used, 'code', used)}» đang được dùng ({', '.join(found)}): không xóa "
                "để giữ báo cáo, số liệu đã có"), (
                f"'{getattr(used, 'code', used)}' is in use ({', '.join(found)}): not deleted, "
                "so that reports and values keep their history")))
    _drop(data, key, out)
    try:
        read_plan(data)
    except InputError as exc:
        out.refusals += exc.problems
    return out


def _drop(data: dict, key: str, out: Removal) -> None:
    """Take the entry out of the normal form (and a target's code out of the actions)."""
    parent, _sep, last = key.rpartition(".")
    holder = drafts.locate(data, parent)[0] if parent else data
    index = int(last.split("[")[1].rstrip("]"))
    entry = holder[out.kind].pop(index)
    if out.kind == "targets":
        for group in data["task_groups"]:
            for action in group["actions"]:
                if entry["code"] in action["targets"]:
                    action["targets"].remove(entry["code"])
                    out.goes_with.append(f"{action['code']} → {entry['code']}")
