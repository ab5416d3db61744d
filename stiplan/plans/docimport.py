"""Import a plan document: read it, parse it (analytics.plandoc), name its units by the registry.

`import_document(path)` gives the draft with its flags and summary; `match_unit` finds a unit
code for a name as written ("Sở KH&CN", "UBND tỉnh") in a {code: name} registry valid on the
document's date, accent-insensitive and with abbreviations; `normal_form` strips provenance.
"""

from __future__ import annotations

import datetime as dt
import re

from stiplan.analytics.plandoc import NotAPlan, parse_plan_text
from stiplan.analytics.vntext import fold
from stiplan.plans.docreaders import Extracted, Limits, Progress, read_document, refuse

EXPAND = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan"}
FILLERS = {"va", "-", "&"}
PROVENANCE = ("span", "confidence", "unit_name", "document_kind")


def _strip_place(name: str) -> str:
    """"Sở Tài chính tỉnh Vĩnh Long" → "Sở Tài chính"; "UBND tỉnh" → "UBND"."""
    return re.sub(r"\s+(?:tỉnh|tinh)(?:\s.*)?$", "", name.strip(), flags=re.IGNORECASE)


def _key(name: str) -> str:
    key = fold(_strip_place(name))
    for short, full in EXPAND.items():
        key = re.sub(rf"\b{short}\b", full, key)
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", key).split())


def _acronym(name: str) -> str:
    """"Sở Khoa học và Công nghệ" and "Sở KH&CN" → "so khcn": capitals kept whole, other words
    by their first letter, "và", "-" and "&" dropped."""
    words = re.findall(r"[^\W_]+", _strip_place(name))
    if len(words) < 2:
        return ""
    letters = [w if (w.isupper() and len(w) > 1) else w[0] for w in words[1:]
               if fold(w) not in FILLERS]
    return fold(words[0]) + " " + fold("".join(letters)).replace(" ", "")


def match_unit(name: str, registry: dict[str, str], place: str = "") -> str | None:
    """The code of the registry unit called `name` (full or abbreviated), or None.

    When several provinces have a unit of that name, the one whose name holds `place` (the
    document's province, "Vĩnh Long") is taken; still ambiguous → None.
    """
    key, acronym = _key(name), _acronym(name)
    if not key:
        return None
    exact = [c for c, full in registry.items() if _key(full) == key]
    found = exact or [c for c, full in registry.items() if acronym and _acronym(full) == acronym]
    if len(found) > 1 and place:
        here = fold(place)
        found = [c for c in found if here in fold(registry[c])] or found
    return found[0] if len(found) == 1 else None


def registry_on(day: dt.date | None) -> dict[str, str]:
    """{code: name} of the units valid on `day` (every unit when the day is unknown)."""
    from stiplan.orgs.models import OrgUnit

    units = OrgUnit.objects.all() if day is None else OrgUnit.objects.valid_on(day)
    out = {}
    for u in units.only("code", "name", "short_name"):
        out[u.code] = u.name
    return out


def name_units(result: dict, registry: dict[str, str]) -> None:
    """Give every unit named in the draft its registry code; unmatched names are flagged."""
    plan, flags = result["plan"], result["flags"]
    issuer = re.search(r"\btỉnh\s+(.+)$", plan["issuing_unit"], re.IGNORECASE)
    place = issuer.group(1) if issuer else result["document"]["place"]

    def code_for(name: str, path: str, span) -> str:
        code = match_unit(name, registry, place) if name else None
        if name and not code:
            flags.append({"path": path, "reason": f"unit «{name}» not found in the registry on "
                          "the document's date", "reason_vi": f"không tìm thấy đơn vị «{name}» "
                          "trong danh mục tại ngày của văn bản", "span": span})
        return code or ""

    plan["issuing_unit"] = code_for(plan["issuing_unit"], "issuing_unit", None)
    legal = plan["legal_basis"]
    legal["proposing_unit"] = code_for(legal["proposing_unit"], "legal_basis.proposing_unit", None)
    rep = plan["reporting"]
    rep["recipients"] = [c for c in (code_for(n, "reporting.recipients", rep.get("span"))
                                     for n in rep["recipients"]) if c]
    for group in plan["task_groups"]:
        for action in group["actions"]:
            for i, a in enumerate(action["assignments"]):
                a["unit"] = "" if a["unit_type"] else code_for(
                    a["unit_name"], f"task_groups.actions[{action['code']}].assignments[{i}]",
                    a.get("span"))
    result["summary"]["flags"] = len(flags)


def import_text(text: str, registry: dict[str, str] | None = None) -> dict:
    """Draft from document text; `registry` None means: the database's units on its date."""
    try:
        result = parse_plan_text(text)
    except NotAPlan:
        raise refuse("tài liệu không phải là một kế hoạch hay chương trình (không thấy mục tiêu, "
                     "nhiệm vụ): không tạo bản nháp",
                     "the document is not a plan or programme (no objectives or tasks found): "
                     "no draft made") from None
    if registry is None:
        registry = registry_on(result["plan"]["legal_basis"]["date"])
    name_units(result, registry)
    return result


def import_document(path, *, registry: dict[str, str] | None = None,
                    progress: Progress | None = None, limits: Limits | None = None) -> dict:
    """Read, parse and name the units of a plan document; raise InputError on a bad input."""
    source: Extracted = read_document(path, progress=progress, limits=limits)
    result = import_text(source.text, registry)
    result["source"] = {"file": str(path).rsplit("/", 1)[-1], "kind": source.kind,
                        "pages": source.pages, "seconds": round(source.seconds, 2)}
    return result


def normal_form(plan):
    """The draft without provenance: what `stiplan.plans.io` reads from a plan file."""
    if isinstance(plan, dict):
        return {k: normal_form(v) for k, v in plan.items() if k not in PROVENANCE}
    if isinstance(plan, list):
        return [normal_form(v) for v in plan]
    return plan
