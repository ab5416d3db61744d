"""Document text → a draft plan in the plan file's normal form, with provenance and flags.

Every extracted item carries `span` ({"lines": [first, last], "chars": [start, end]} in the
source text) and `confidence` (0–1); anything uncertain is listed in `flags` with its item path,
reason and span. Nothing is made up: a field the text does not give stays empty and is flagged.
"""

from __future__ import annotations

import re
from decimal import Decimal

from stiplan.analytics.vntext import fold, to_unicode

from .header import read_header, sentence_case
from .paragraphs import Paragraph, paragraphs
from .reasons import HEADER_FIELDS_VI, Reason
from .refs import find_refs, kind_named_before
from .targets import find_targets
from .units import assignments, names_in

NATIONAL = re.compile(r"TTg|/TW|-CP|/QH|NQ/TW|CT-TTg", re.IGNORECASE)
DELIVERABLE = re.compile(r"^(Xây dựng|Thành lập|Hoàn thành|Ban hành|Hình thành|Establish|Build|"
                         r"Complete|Issue)\b")
SECTION_KINDS = [("muc dich", "purposes"), ("purpose", "purposes"), ("muc tieu", "objectives"),
                 ("objective", "objectives"), ("nhiem vu", "tasks"), ("giai phap", "tasks"),
                 ("task", "tasks"), ("to chuc thuc hien", "organisation"),
                 ("implementation", "organisation"), ("organi", "organisation")]
REPORT_DUE = re.compile(r"trước ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})|before\s+(\d{1,2})\s+([A-Z][a-z]+)")


class NotAPlan(ValueError):
    """The text has no plan in it (no type, objectives or tasks)."""


def _section_kind(title: str) -> str:
    key = fold(title)
    for word, kind in SECTION_KINDS:
        if word in key:
            return kind
    return "other"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _item(p: Paragraph, confidence: float = 0.9, **fields) -> dict:
    return {**fields, "span": p.span(), "confidence": confidence}


class _Builder:
    def __init__(self, text: str):
        self.text = text
        self.flags: list[dict] = []
        self.paras = paragraphs(text)
        self.head, self.body_start, self.prov = read_header(self.paras, text)

    def flag(self, path: str, reason: Reason, span: dict | None) -> None:
        self.flags.append({"path": path, "reason": reason.en, "reason_vi": reason.vi,
                           "span": span})

    # --- header -------------------------------------------------------------------------------
    def frame(self) -> dict:
        h = self.head
        day = h["date"]
        number = h["number"]
        doc_type = h["type"]
        title = h["annex_title"] or (sentence_case(h["title"]) if h["title"] else "")
        if h["title"] and not h["annex_title"]:
            self.flag("title", Reason("title restored from capitals: check proper names",
                                      "tiêu đề khôi phục từ chữ in hoa: kiểm tra tên riêng"),
                      self.prov.get("type", {}).get("span"))
        for key in ("number", "date", "issuer"):
            if not h[key]:
                self.flag(f"legal_basis.{key}" if key != "issuer" else "issuing_unit",
                          Reason(f"not found in the header: {key}",
                                 f"không tìm thấy ở phần đầu văn bản: {HEADER_FIELDS_VI[key]}"),
                          None)
        year = day.year if day else None
        horizon = h["horizon"]
        self.start_year, self.horizon = year, horizon
        place = h["place"]
        code = "-".join(x for x in (_slug(place), number.split("/")[0] if number else "",
                                    str(year or "")) if x)
        if h["wrapper"] and h["annex_title"]:
            doc_kind = re.match(r"^(Kế hoạch|Chương trình|Đề án|Plan|Programme)", title)
            plan_type = fold(doc_kind.group(1)) if doc_kind else ""
        else:
            plan_type = fold(title.split()[0]) if title else ""
        grounds = [g["text"] for g in h["grounds"]]
        proposal = self._proposal()
        return {
            "schema": "stiplan.plan/1", "code": code, "title": title, "title_en": "",
            "status": "draft", "period": {"start": year, "end": horizon},
            "issuing_unit": h["issuer"],
            "legal_basis": {"number": number, "date": day, "document_type": doc_type,
                            "signer": h["signer"], "signer_title": h["signer_title"],
                            "proposing_unit": proposal[0], "proposing_document": proposal[1],
                            "grounds": grounds},
            "parent_strategy": self._parent(title),
            "document": {"type": doc_type, "wrapper": h["wrapper"], "plan_type": plan_type,
                         "place": place, "issuer": h["issuer"]},
        }

    def _proposal(self) -> tuple[str, dict | None]:
        prop = self.head["proposal"]
        if not prop:
            return "", None
        unit = ""
        names = names_in(prop["text"])
        if names:
            unit = names[0]["name"]
        doc = None
        for r in prop["refs"]:
            doc = {"number": r["number"], "date": r["date"]}
            break
        return unit, doc

    def _parent(self, title: str) -> dict | None:
        cands = []
        for g in self.head["grounds"]:
            text = g["text"]
            for r in g["refs"]:
                if r["number"] == self.head["number"]:
                    continue
                after = text[r["end"]:]
                issuer = re.match(r"\s*của\s+(.+?)(?:\s+(?:ban hành|về|phê duyệt)\b|[;.,]|$)", after)
                subject = re.search(r"(?:ban hành|phê duyệt|về)\s+(.+?)[;.]?$", after)
                named = subject.group(1).strip() if subject else ""
                score = 0.5
                if named and fold(named)[:40] and fold(named)[:40] in fold(title):
                    score = 0.95
                elif NATIONAL.search(r["number"]):
                    score = 0.7
                cands.append((score, r, issuer.group(1) if issuer else "", named, g))
        if not cands:
            return None
        score, r, issuer, named, g = max(cands, key=lambda c: c[0])
        if score < 0.9:
            self.flag("parent_strategy", Reason(
                f"parent document «{r['number']}» chosen among the legal bases without a title "
                "match: check", f"văn bản cấp trên «{r['number']}» được chọn trong các căn cứ dù "
                "tên không khớp: kiểm tra"), g["span"])
        return {"number": r["number"], "date": r["date"], "issuer": issuer, "title": named,
                "span": g["span"], "confidence": score}

    # --- body ---------------------------------------------------------------------------------
    def body(self) -> dict:
        out = {"purposes": [], "requirements": [], "objectives": [], "indicators": [],
               "targets": [], "task_groups": [], "related_documents": [], "reporting": None}
        section, roman, sub, sub_title = "other", "", "", ""
        group: dict | None = None
        block_units: list[dict] = []
        counts = {"general": 0, "specific": 0}
        paras = self.paras[self.body_start:]
        for p in paras:
            if re.match(r"^(Trên đây là|The above is)", p.text):
                group = None
                section = "closing"
                continue
            if p.marker == "roman":
                roman, section, sub, group = p.label, _section_kind(p.body), "", None
                continue
            if section == "other" or section == "closing":
                continue
            if p.marker == "number":
                sub, sub_title = p.label, p.body
                if section in ("tasks", "organisation"):
                    gcode = f"{roman}.{sub}"
                    group = _item(p, 0.9, code=gcode, section=roman if roman in ("III", "IV")
                                  else ("III" if section == "tasks" else "IV"),
                                  title=p.body, actions=[])
                    out["task_groups"].append(group)
                    if section == "organisation":
                        block_units = [n for n in names_in(p.body)]
                        if not block_units:
                            self.flag(f"task_groups[{gcode}]", Reason(
                                "no unit named in the responsibility heading",
                                "tiêu đề phần trách nhiệm không nêu đơn vị nào"), p.span())
                continue
            if section == "purposes":
                key = "requirements" if "yeu cau" in fold(sub_title) or "requirement" in fold(
                    sub_title) else "purposes"
                out[key].append(p.body if p.marker == "bullet" else p.text)
            elif section == "objectives":
                kind = "specific" if re.search(r"cu the|specific", fold(sub_title)) else "general"
                counts[kind] += 1
                code = f"{'S' if kind == 'specific' else 'G'}{counts[kind]}"
                text = p.body if p.marker == "bullet" else p.text
                out["objectives"].append(_item(p, 0.9, code=code, kind=kind, text=text))
                self._targets(p, out, objective=code, source=f"{roman}.{sub}" if sub else roman,
                              specific=kind == "specific")
            elif section in ("tasks", "organisation"):
                if group is None:
                    if p.marker != "bullet":
                        continue  # an introduction before the first group
                    group = _item(p, 0.6, code=roman, section="III" if section == "tasks" else "IV",
                                  title="", actions=[])
                    out["task_groups"].append(group)
                    self.flag(f"task_groups[{roman}]", Reason(
                        "actions without a numbered group", "nhiệm vụ không nằm trong nhóm đánh số"),
                        p.span())
                acode = f"{group['code']}.{len(group['actions']) + 1}"
                text = p.body if p.marker in ("bullet", "letter") else p.text
                action = _item(p, 0.9, code=acode, text=text, targets=[], assignments=[])
                group["actions"].append(action)
                if section == "organisation":
                    self._assign(action, p, block_units)
                    self._reporting(p, out)
                else:
                    self._targets(p, out, action=action, source=group["code"])
        out["related_documents"] = self._related()
        return out

    def _assign(self, action: dict, p: Paragraph, block_units: list[dict]) -> None:
        units = [{"name": u["name"], "unit_type": u["unit_type"]} for u in block_units]
        found, reasons = assignments(action["text"], units)
        offset = len(p.text) - len(action["text"])
        for a in found:
            entry = {"unit_name": a["name"], "unit_type": a["unit_type"], "role": a["role"],
                     "basis": a["basis"], "function": "",
                     "confidence": 0.9 if a["basis"] == "seed" else 0.5}
            if "start" in a:
                entry["span"] = p.span(offset + a["start"], offset + a["end"])
            else:
                entry["span"] = action["span"]
            action["assignments"].append(entry)
        for reason in reasons:
            self.flag(f"task_groups.actions[{action['code']}].assignments", reason, action["span"])

    def _targets(self, p: Paragraph, out: dict, *, objective: str = "", action: dict | None = None,
                 source: str = "", specific: bool = False) -> None:
        found = find_targets(p.text, horizon=self.horizon, start_year=self.start_year,
                             strict=action is not None)
        for f in found:
            indicator = self._indicator(out, f.name, f.unit, objective, p.span(f.start, f.end))
            code = f"T{len(out['targets']) + 1:02d}"
            t = {"code": code, "indicator": indicator, "year": f.year, "comparator": f.comparator,
                 "value": f.value, "low": f.low, "high": f.high, "at_least": f.at_least,
                 "wording": f.wording, "recurring": f.recurring, "source": source,
                 "span": p.span(f.start, f.end), "confidence": f.confidence}
            out["targets"].append(t)
            if action is not None:
                action["targets"].append(code)
            for reason in f.reasons:
                self.flag(f"targets[{code}]", reason, t["span"])
        if specific and not found:
            for m in re.finditer(r"(?:^|(?<=[.;]\s))([^.;]+)", p.body if p.marker else p.text):
                sentence = m.group(1).strip()
                if DELIVERABLE.match(sentence) and not re.search(r"\d", sentence):
                    start = p.text.find(sentence)
                    span = p.span(start, start + len(sentence))
                    indicator = self._indicator(out, sentence.rstrip("."), "", objective, span,
                                                value_type="status")
                    code = f"T{len(out['targets']) + 1:02d}"
                    out["targets"].append({
                        "code": code, "indicator": indicator, "year": self.horizon,
                        "comparator": "eq", "value": Decimal(1), "low": None, "high": None,
                        "at_least": False, "wording": sentence.rstrip("."), "recurring": False,
                        "source": source, "span": span, "confidence": 0.5})
                    self.flag(f"targets[{code}]", Reason(
                        "qualitative target (a deliverable): read as done = 1 by the plan's horizon",
                        "mục tiêu định tính (một sản phẩm): đọc là hoàn thành = 1 vào năm cuối "
                        "kế hoạch"), span)

    def _indicator(self, out: dict, name: str, unit: str, objective: str, span: dict,
                   value_type: str = "") -> str:
        if unit and unit[0] != "%":
            name = f"Số {unit} {name}".strip()
        elif name:
            name = name[0].upper() + name[1:]
        key = fold(name)
        for ind in out["indicators"]:
            if fold(ind["name"]) == key and ind["unit"] == unit:
                return ind["code"]
        code = (_slug(name)[:40].strip("-") or "indicator") + f"-{len(out['indicators']) + 1}"
        value_type = value_type or ("percent" if unit.startswith("%") else "count")
        out["indicators"].append({
            "code": code, "name": name, "name_en": "", "unit": unit if unit != "status" else "",
            "direction": "higher_is_better", "value_type": value_type,
            "cumulative": value_type == "count", "objective": objective})
        self.flag(f"indicators[{code}]", Reason(
            "indicator named from the text: check name, direction and cumulation",
            "chỉ tiêu đặt tên theo văn bản: kiểm tra tên, chiều tốt và cách cộng dồn"), span)
        return code

    def _reporting(self, p: Paragraph, out: dict) -> None:
        m = REPORT_DUE.search(p.text)
        if not m or out["reporting"]:
            return
        day, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), None)
        if month is None:
            return
        recipients = []
        req = re.search(r"theo yêu cầu của\s+(.+?)[.;]?$", p.text)
        if req:
            recipients = [n["name"] for n in names_in(req.group(1))]
        out["reporting"] = {"annual_due": f"{int(month):02d}-{int(day):02d}",
                            "ad_hoc": bool(re.search(r"đột xuất|ad hoc", p.text, re.IGNORECASE)),
                            "recipients": recipients, "wording": p.body or p.text,
                            "span": p.span(), "confidence": 0.8}

    def _related(self) -> list[dict]:
        own = {self.head["number"]}
        for g in self.head["grounds"]:
            own.update(r["number"] for r in g["refs"])
        if self.head["proposal"]:
            own.update(r["number"] for r in self.head["proposal"]["refs"])
        out, seen = [], set()
        for p in self.paras[self.body_start:]:
            for r in find_refs(p.text):
                if r.number in own or r.number in seen:
                    continue
                seen.add(r.number)
                title = _cited_title(p.text, r.start)
                purpose = "gắn với" in p.text[:r.start] or "linked" in p.text[:r.start]
                item = {"relation": "linked_plan" if purpose else "programme",
                        "number": r.number, "date": r.date, "title": title, "plan_code": "",
                        "span": p.span(r.start, r.date_end or r.end), "confidence": 0.6,
                        "document_kind": kind_named_before(p.text, r.start)}
                out.append(item)
                self.flag(f"related_documents[{r.number}]", Reason(
                    "relation (linked plan or programme) read from the context: check",
                    "quan hệ (kế hoạch hay chương trình liên quan) suy từ ngữ cảnh: kiểm tra"),
                    item["span"])
                if not r.date:
                    self.flag(f"related_documents[{r.number}]", Reason(
                        "no date next to the number", "không có ngày ban hành bên cạnh số hiệu"),
                              item["span"])
        return out


def _cited_title(text: str, ref_start: int) -> str:
    """The name of a cited plan or programme: "Kế hoạch … theo Quyết định số N" → "Kế hoạch …"."""
    before = text[:ref_start]
    before = re.sub(r"\(?\s*(?:theo\s+)?(?:Quyết định|Nghị quyết|Kế hoạch|Chỉ thị)\s+(?:số\s+)?$",
                    "", before, flags=re.IGNORECASE).rstrip(" (,")
    clause = re.split(r"[;]|\.\s", before)[-1]
    m = re.search(r"(Kế hoạch|Chương trình|Đề án|Chiến lược|Plan|Programme)\b", clause)
    return clause[m.start():].strip(" ,") if m else ""


def parse_plan_text(text: str) -> dict:
    """The draft plan read from a document's text; raise NotAPlan when there is none."""
    text = to_unicode(text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    b = _Builder(text)
    draft = b.frame()
    body = b.body()
    if not (body["objectives"] or body["task_groups"]) or not draft["legal_basis"]["document_type"]:
        raise NotAPlan("Văn bản không phải là một kế hoạch (không có mục tiêu hay nhiệm vụ) — "
                       "the document is not a plan (no objectives or tasks found)")
    parent = draft.pop("parent_strategy")
    if parent:
        parent_numbers = {parent["number"]}
        body["related_documents"] = [r for r in body["related_documents"]
                                     if r["number"] not in parent_numbers]
        b.flags = [f for f in b.flags
                   if not any(f["path"] == f"related_documents[{n}]" for n in parent_numbers)]
    years = [t["year"] for t in body["targets"] if t["year"]]
    if draft["period"]["end"] is None and years:
        draft["period"]["end"] = max(years)
        b.flag("period.end", Reason("plan horizon taken from the latest milestone",
                                    "năm cuối kế hoạch lấy theo mốc muộn nhất"), None)
    if draft["period"]["end"] is None:
        b.flag("period.end", Reason("no horizon found", "không tìm thấy năm cuối kế hoạch"),
               None)
    for t in body["targets"]:
        if t["year"] is None and draft["period"]["end"]:
            t["year"] = draft["period"]["end"]
            b.flag(f"targets[{t['code']}]", Reason("milestone year taken from the plan's horizon",
                                                   "năm mốc lấy theo năm cuối kế hoạch"), t["span"])
    reporting = body.pop("reporting") or {"annual_due": "", "ad_hoc": True, "recipients": [],
                                          "wording": ""}
    if not reporting["annual_due"]:
        b.flag("reporting.annual_due", Reason("no reporting deadline found",
                                              "không tìm thấy hạn báo cáo"), None)
    draft["parent_strategy"] = parent
    plan = {**{k: draft[k] for k in ("schema", "code", "title", "title_en", "status", "period",
                                      "issuing_unit", "legal_basis", "parent_strategy")},
            "related_documents": body["related_documents"], "reporting": reporting,
            "purposes": body["purposes"], "requirements": body["requirements"],
            "objectives": body["objectives"], "indicators": body["indicators"],
            "targets": body["targets"], "task_groups": body["task_groups"]}
    n_actions = sum(len(g["actions"]) for g in plan["task_groups"])
    n_assign = sum(len(a["assignments"]) for g in plan["task_groups"] for a in g["actions"])
    return {"plan": plan, "document": draft["document"], "flags": b.flags, "text": text,
            "summary": {"objectives": len(plan["objectives"]), "targets": len(plan["targets"]),
                        "task_groups": len(plan["task_groups"]), "actions": n_actions,
                        "assignments": n_assign, "related_documents": len(plan["related_documents"]),
                        "flags": len(b.flags)},
            "provenance": b.prov}
