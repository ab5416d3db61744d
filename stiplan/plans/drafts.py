"""The review of a draft plan (bản nháp): its items with their flags, fixes and drops, and the
plan in normal form that publishing validates and loads.

An item's key is its place in the parsed draft ("targets[4]", "task_groups[2].actions[0]",
"header"); a draft's `decisions` maps keys to accepted / fixed / dropped. Problems the plan
validation (`io.read_plan`) finds are named back on the item and field they come from.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from stiplan.core.yamlio import InputError, Problem
from stiplan.plans.docimport import normal_form
from stiplan.plans.io import read_plan

ACCEPTED, FIXED, DROPPED = "accepted", "fixed", "dropped"
STATES = (ACCEPTED, FIXED, DROPPED)
HEADER = "header"
#: The header fields staff may fix: (field, path in the plan).
HEADER_FIELDS = (("code", ("code",)), ("title", ("title",)), ("title_en", ("title_en",)),
                 ("period_start", ("period", "start")), ("period_end", ("period", "end")),
                 ("issuing_unit", ("issuing_unit",)), ("number", ("legal_basis", "number")),
                 ("date", ("legal_basis", "date")))
#: The fields of each kind of item that the review shows and lets staff fix.
ITEM_FIELDS = {
    "objectives": ("code", "kind", "text"),
    "indicators": ("code", "name", "unit", "direction", "value_type", "cumulative", "objective"),
    "targets": ("code", "indicator", "year", "comparator", "value", "low", "high", "at_least",
                "wording", "recurring"),
    "related_documents": ("relation", "number", "date", "title", "plan_code"),
    "task_groups": ("code", "section", "title"),
    "actions": ("code", "text"),
    "assignments": ("unit", "unit_type", "role"),
}
BOOLEANS = {"cumulative", "at_least", "recurring"}
INTEGERS = {"year", "period_start", "period_end"}
NUMBERS = {"value", "low", "high"}
_PATH = re.compile(r"^(\w+)(?:\[([^\]]*)\])?")


@dataclass
class Item:
    key: str
    kind: str  # header | objectives | indicators | targets | … | assignments
    data: dict
    span: dict | None = None
    confidence: float | None = None
    flags: list[Problem] = field(default_factory=list)
    state: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def fields(self) -> list[tuple[str, object]]:
        names = [n for n, _p in HEADER_FIELDS] if self.kind == HEADER else ITEM_FIELDS[self.kind]
        return [(n, self.data.get(n)) for n in names]

    @property
    def field_names(self) -> list[str]:
        return [n for n, _v in self.fields]

    @property
    def open(self) -> bool:
        """Flagged and not yet accepted, fixed or dropped."""
        return bool(self.flags) and not self.state


def _header_data(plan: dict) -> dict:
    out = {}
    for name, path in HEADER_FIELDS:
        node = plan
        for part in path:
            node = (node or {}).get(part)
        out[name] = node
    return out


def items(result: dict, decisions: dict) -> list[Item]:
    """Every item of the draft in document order, with its flags and the staff's decision."""
    plan = result["plan"]
    out = [Item(HEADER, HEADER, _header_data(plan))]
    for kind in ("objectives", "indicators", "targets", "related_documents"):
        for i, entry in enumerate(plan[kind]):
            out.append(Item(f"{kind}[{i}]", kind, entry, entry.get("span"), entry.get("confidence")))
    for g, group in enumerate(plan["task_groups"]):
        gkey = f"task_groups[{g}]"
        out.append(Item(gkey, "task_groups", group, group.get("span"), group.get("confidence")))
        for a, action in enumerate(group["actions"]):
            akey = f"{gkey}.actions[{a}]"
            out.append(Item(akey, "actions", action, action.get("span"), action.get("confidence")))
            for k, assignment in enumerate(action["assignments"]):
                out.append(Item(f"{akey}.assignments[{k}]", "assignments", assignment,
                                assignment.get("span"), assignment.get("confidence")))
    by_key = {item.key: item for item in out}
    for flag in result["flags"]:
        said = Problem(None, flag["path"], flag.get("reason_vi") or flag["reason"], flag["reason"])
        by_key.get(_flag_key(plan, flag["path"]), out[0]).flags.append(said)
    for item in out:
        item.state = (decisions.get(item.key) or {}).get("state", "")
    return out


def _flag_key(plan: dict, path: str) -> str:
    """The item a parser flag is about: "targets[T02]" → "targets[1]"; "task_groups.actions
    [III.1.1].assignments[0]" → "task_groups[0].actions[0].assignments[0]"."""
    match = _PATH.match(path)
    if not match:
        return HEADER
    kind, ref = match.groups()
    if kind in ("objectives", "indicators", "targets", "related_documents") and ref is not None:
        for i, entry in enumerate(plan[kind]):
            if ref in (str(i), entry.get("code"), entry.get("number")):
                return f"{kind}[{i}]"
    if kind == "task_groups":
        action_ref = re.search(r"actions\[([^\]]*)\](?:\.assignments\[(\d+)\])?", path)
        for g, group in enumerate(plan["task_groups"]):
            for a, action in enumerate(group["actions"]):
                if action_ref and action["code"] == action_ref.group(1):
                    key = f"task_groups[{g}].actions[{a}]"
                    sub = action_ref.group(2)
                    return f"{key}.assignments[{sub}]" if sub is not None else key
    return HEADER


def coerce(name: str, raw: str | None):
    """A form value as the plan file would hold it; what cannot be read is kept as typed, so
    that the plan validation names it on its field."""
    raw = (raw or "").strip()
    if name in BOOLEANS:
        return raw in ("on", "true", "1")
    if name in NUMBERS:
        if not raw:
            return None
        number = raw.replace(" ", "")
        if "," in number and "." not in number:
            number = number.replace(",", ".")
        return number
    if name in INTEGERS:
        return int(raw) if raw.isdigit() else raw
    return raw


def apply_fix(result: dict, key: str, values: dict[str, str]) -> tuple[dict, dict]:
    """Write the fixed fields of item `key` into the draft; (before, after) of the item."""
    plan = result["plan"]
    if key == HEADER:
        before = _header_data(plan)
        for name, path in HEADER_FIELDS:
            if name in values:
                node = plan
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = coerce(name, values[name])
        return before, _header_data(plan)
    entry, kind = locate(plan, key)
    before = {n: entry.get(n) for n in ITEM_FIELDS[kind]}
    for name in ITEM_FIELDS[kind]:
        if name in values or name in BOOLEANS:
            entry[name] = coerce(name, values.get(name))
    return before, {n: entry.get(n) for n in ITEM_FIELDS[kind]}


def locate(plan: dict, key: str) -> tuple[dict, str]:
    """The entry of the draft at `key` and its kind; KeyError when there is none."""
    node, kind = plan, ""
    for part in key.split("."):
        match = _PATH.fullmatch(part)
        if not match or match.group(2) is None or not match.group(2).isdigit():
            raise KeyError(key)
        kind, index = match.group(1), int(match.group(2))
        entries = node.get(kind) if isinstance(node, dict) else None
        if not isinstance(entries, list) or index >= len(entries):
            raise KeyError(key)
        node = entries[index]
    if kind not in ITEM_FIELDS:
        raise KeyError(key)
    return node, kind


@dataclass
class Assembled:
    plan: dict  # the normal form without the dropped items
    keys: dict[str, str]  # path in `plan` ("targets[2]") → item key in the draft


def assemble(result: dict, decisions: dict) -> Assembled:
    """The plan as it will be published: dropped items left out (and the codes of dropped targets
    taken out of the actions), provenance stripped, status in force."""
    plan = copy.deepcopy(result["plan"])
    dropped = {k for k, d in decisions.items() if d.get("state") == DROPPED}
    keys: dict[str, str] = {}

    def kept(kind: str, entries: list, prefix: str = "", out_prefix: str = "") -> list:
        out = []
        for i, entry in enumerate(entries):
            key = f"{prefix}{kind}[{i}]"
            if key in dropped:
                continue
            keys[f"{out_prefix}{kind}[{len(out)}]"] = key
            out.append((key, entry))
        return out

    for kind in ("objectives", "indicators", "targets", "related_documents"):
        plan[kind] = [entry for _k, entry in kept(kind, plan[kind])]
    target_codes = {t["code"] for t in plan["targets"]}
    groups = []
    for gkey, group in kept("task_groups", plan["task_groups"]):
        gpath = f"task_groups[{len(groups)}]"
        actions = []
        for akey, action in kept("actions", group["actions"], f"{gkey}.", f"{gpath}."):
            apath = f"{gpath}.actions[{len(actions)}]"
            action["targets"] = [c for c in action["targets"] if c in target_codes]
            action["assignments"] = [a for _k, a in kept("assignments", action["assignments"],
                                                         f"{akey}.", f"{apath}.")]
            actions.append(action)
        group["actions"] = actions
        groups.append(group)
    plan["task_groups"] = groups
    plan["status"] = "in_force"
    return Assembled(normal_form(plan), keys)


def validate(result: dict, decisions: dict) -> tuple[dict | None, dict[str, list[Problem]]]:
    """(the validated normal form, None when invalid) and the problems by item key."""
    assembled = assemble(result, decisions)
    try:
        return read_plan(assembled.plan), {}
    except InputError as exc:
        return None, problems_by_item(exc.problems, assembled.keys)


def problems_by_item(problems: list[Problem], keys: dict[str, str]) -> dict[str, list[Problem]]:
    header_paths = {".".join(path): name for name, path in HEADER_FIELDS}
    out: dict[str, list[Problem]] = {}
    for problem in problems:
        path = problem.path.removeprefix("(tệp).")
        owner = max((p for p in keys if path == p or path.startswith(p + ".")), key=len,
                    default=None)
        if owner is not None:
            field_name = path[len(owner) + 1:].split(".")[0].split("[")[0]
            out.setdefault(keys[owner], []).append(Problem(None, field_name, problem.vi,
                                                           problem.en))
        else:
            name = header_paths.get(path, path)
            out.setdefault(HEADER, []).append(Problem(None, name, problem.vi, problem.en))
    return out
