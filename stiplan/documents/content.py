"""What a document says, assembled once from the data and archived as plain JSON.

The yearly report (báo cáo kết quả thực hiện) draws on the accepted unit reports, the board of the
round and the status of every target; an ad hoc report (báo cáo đột xuất) on the answers of its
round. Every renderer (DOCX, PDF, XLSX) reads only this content, so an archived document is
rebuilt word for word after the data changed. Every text is plain, NFC, without control
characters; renderers escape it for their format.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from django.conf import settings
from django.utils import timezone

from stiplan.analytics.targets import ACHIEVED, AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK
from stiplan.analytics.vntext import format_vi
from stiplan.documents import letterhead
from stiplan.metrics.engine import Engine
from stiplan.metrics.models import DataValue, PeriodType, Revision
from stiplan.metrics.status import FIRST_YEAR, plan_status
from stiplan.plans import versions
from stiplan.reporting.board import round_board
from stiplan.reporting.models import ActionStatus, ReportState, Round
from stiplan.reporting.text import clean_text, rich_to_text

SCHEMA = 1
STATUS_LABELS = {ACHIEVED: "Đã đạt", ON_TRACK: "Đúng tiến độ", AT_RISK: "Có nguy cơ không đạt",
                 OFF_TRACK: "Chậm tiến độ", NO_DATA: "Chưa có số liệu"}
ACTION_LABELS = {value: str(label) for value, label in ActionStatus.choices}
STATE_LABELS = {value: str(label) for value, label in ReportState.choices}


def plain(value) -> str:
    """A narrative as inert plain text: HTML tags dropped, control characters removed."""
    return clean_text(rich_to_text(clean_text(value)))


def lines(value) -> list[str]:
    return [line for line in (plain(v) for v in (value or "").splitlines()) if line]


# --- the parts every document shares ---------------------------------------------------------

def _header(round_: Round, kind: str, options: dict) -> dict:
    day = date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
    place = settings.STIPLAN_DOCUMENT_PLACE
    plan = round_.plan
    return {
        "schema": SCHEMA, "kind": kind,
        "issuer": letterhead.issuer_on(day),
        "number_line": letterhead.number_line(plain(options.get("number", ""))),
        "date": day.isoformat(), "date_line": letterhead.date_line(place, day),
        "doc_type": "BÁO CÁO",
        "plan": {"code": plan.code, "number": plan.number, "title": plain(plan.title),
                 "issued": _issued(plan)},
        "round": {"id": round_.pk, "title": round_.title, "year": round_.year,
                  "deadline": round_.deadline.strftime("%d/%m/%Y")},
        "recipients": lines(options.get("recipients")) or letterhead.default_recipients(kind),
        "signature": {k: plain(options.get(f"signer_{k}")) or v
                      for k, v in letterhead.DEFAULT_SIGNATURE.items()},
    }


def _opening(round_: Round, kind: str, options: dict, layout: str) -> tuple[dict, list[dict]]:
    """What both kinds of document start with: the header blocks, the board, the units'
    difficulties and proposals; and the results per task group, for the caller to shape."""
    content = _header(round_, kind, options)
    content["layout"] = layout
    content["board"], content["annex_units"] = _board(round_)
    groups, issues = _groups(round_)
    content["difficulties"], content["proposals"] = issues["difficulties"], issues["proposals"]
    return content, groups


def _issued(plan) -> str:
    issued = plan.legal_basis.get("date")
    if not issued:
        return ""
    day = date.fromisoformat(str(issued))
    return f"{day.day}/{day.month}/{day.year}"


def _board(round_: Round) -> tuple[dict, list[dict]]:
    board = round_board(round_)
    summary = {
        "expected": board.expected, "submitted": board.submitted, "on_time": board.on_time,
        "late": board.late, "missing": board.missing, "accepted": board.accepted,
        "completeness": format_vi(round(board.completeness, 1)),
        "timeliness": format_vi(round(board.timeliness, 1)),
    }
    units = [{
        "code": r.unit.code, "name": r.unit.name, "state": STATE_LABELS[r.state],
        "version": r.version,
        "submitted": timezone.localtime(r.first_submitted_at).strftime("%d/%m/%Y")
        if r.first_submitted_at else "",
        "timeliness": "" if r.on_time is None else ("Đúng hạn" if r.on_time else "Trễ hạn"),
        "inherited_from": r.inherited_from.code if r.inherited_from_id else "",
    } for r in sorted(board.reports, key=lambda r: r.unit.code)]
    return summary, units


def _accepted(round_: Round):
    return round_.reports.filter(state=ReportState.ACCEPTED).select_related("unit")


def _inputs(round_: Round) -> dict:
    """The versions of every input: each report's version and the data revision."""
    return {
        "reports": {str(pk): v for pk, v in round_.reports.values_list("pk", "version")},
        "revision": Revision.current(),
        "assembled_at": timezone.now().isoformat(timespec="seconds"),
    }


# --- the yearly report ---------------------------------------------------------------------------

def annual(round_: Round, options: dict | None = None, *, layout: str = "default") -> dict:
    options = options or {}
    content, groups = _opening(round_, "annual", options, layout)
    year, plan = round_.year, round_.plan
    content["summary"] = (f"Kết quả thực hiện năm {year} {_lower_first(content['plan']['title'])}")
    content["groups"] = groups
    engine = Engine(plan)
    today = date(year + 1, 1, 1)  # the status as of the end of the reported year
    statuses = plan_status(plan, today=today, engine=engine)
    content["targets"] = [_target_row(s) for s in statuses]
    content["status_counts"] = [
        {"status": k, "label": STATUS_LABELS[k], "count": sum(t["status"] == k for t in content[
            "targets"])} for k in (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)]
    content["series"] = _series(statuses, engine, year)
    content["annex_values"] = _values(engine, year)
    content["general"] = _general(content, plan, year)
    content["directions"] = lines(options.get("directions")) or _directions(content, year)
    issued = content["plan"]["issued"]
    content["intro"] = (
        f"Thực hiện Quyết định số {plan.number}{' ngày ' + issued if issued else ''} của Ủy ban "
        f"nhân dân tỉnh ban hành {_lower_first(content['plan']['title'])}; trên cơ sở báo cáo của "
        f"các sở, ban, ngành và địa phương, Sở Khoa học và Công nghệ báo cáo kết quả thực hiện "
        f"năm {year} như sau:")
    content["inputs"] = _inputs(round_)
    return content


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _groups(round_: Round) -> tuple[list[dict], dict]:
    """Results per task group from the accepted reports, and what units found hard or propose."""
    from stiplan.reporting.models import ActionItem

    items = (ActionItem.objects.filter(report__in=_accepted(round_))
             .select_related("report__unit", "action__group")
             .order_by("action__group__order", "action__order", "report__unit__code"))
    groups: dict[int, dict] = {}
    issues: dict[str, dict[str, list[str]]] = {"difficulties": {}, "proposals": {}}
    for group in round_.plan.task_groups.order_by("order"):
        groups[group.pk] = {"code": group.code, "title": plain(group.title), "actions": {}}

    def entry(a) -> dict:
        return groups[a.group_id]["actions"].setdefault(a.pk, {
            "code": a.code, "text": plain(a.text), "entries": [], "counts": Counter()})

    for a in versions.actions_for_year(round_.plan, round_.year):  # the year's version
        entry(a)
    for item in items:
        action = entry(item.action)
        text = " ".join(t for t in (plain(item.done), plain(item.results)) if t)
        action["counts"][item.status or "none"] += 1
        action["entries"].append({"unit": item.report.unit.name, "role": item.role,
                                  "status": ACTION_LABELS.get(item.status, ""), "text": text})
        for key in issues:
            said = plain(getattr(item, key))
            if said:
                issues[key].setdefault(said, []).append(item.report.unit.name)
    out = []
    for g in groups.values():
        actions = []
        for a in g["actions"].values():
            counts = a.pop("counts")
            a["summary"] = _action_summary(counts, len(a["entries"]))
            actions.append(a)
        reported = sum(bool(a["entries"]) for a in actions)
        g["actions"] = actions
        g["summary"] = f"{reported}/{len(actions)} nhiệm vụ có báo cáo kết quả của đơn vị."
        out.append(g)
    gathered = {key: [{"text": text, "units": _few(sorted(set(units))),
                       "all_units": ", ".join(sorted(set(units)))}
                      for text, units in sorted(found.items(), key=lambda kv: -len(kv[1]))]
                for key, found in issues.items()}
    return out, gathered


def _few(units: list[str], shown: int = 4) -> str:
    """Who said it, short enough for the body: the full list is in the XLSX annex."""
    if len(units) <= shown + 1:
        return ", ".join(units)
    return f"{len(units)} đơn vị: {', '.join(units[:shown])} và {len(units) - shown} đơn vị khác"


def _action_summary(counts: Counter, reports: int) -> str:
    if not reports:
        return "Chưa có báo cáo được chấp nhận."
    parts = [f"{counts[s]} {ACTION_LABELS[s].lower()}" for s in ActionStatus.values if counts[s]]
    return f"{reports} đơn vị báo cáo: " + ", ".join(parts) + "."


def _target_row(s) -> dict:
    t, latest = s.target, s.latest
    return {
        "code": t.code, "indicator": t.indicator.code, "name": plain(t.indicator.name),
        "wording": plain(t.wording), "year": t.year, "unit": t.indicator.unit,
        "latest": format_vi(round(latest[1], 2)) if latest else "",
        "latest_year": latest[0] if latest else "",
        "restated": bool(latest and s.series[latest[0]].restated),
        "status": s.status, "status_label": STATUS_LABELS.get(s.status, s.status),
        "explanation": plain(s.vi),
    }


def _method(engine: Engine, code: str) -> str:
    """How the province's value of an indicator is obtained (cách tính)."""
    indicator = engine.indicators.get(code)
    if code in engine.formulas:
        return f"Công thức: {engine.formulas[code].source}"
    if code in engine.tfp:
        return "Hạch toán tăng trưởng (TFP), 5 năm"
    if indicator is not None and indicator.cumulative:
        return "Cộng dồn từ đầu kỳ kế hoạch"
    return "Số liệu của đơn vị được giao báo cáo"


def _series(statuses, engine: Engine, year: int) -> list[dict]:
    """The province's yearly series of each target's indicator (for the chart and the annex)."""
    out, seen = [], set()
    for s in statuses:
        code = s.target.indicator.code
        if code in seen:
            continue
        seen.add(code)
        out.append({
            "indicator": code, "name": plain(s.target.indicator.name), "unit": s.target.indicator.unit,
            "method": _method(engine, code),
            "points": [{"year": y, "value": p.value, "restated": p.restated, "computed": p.computed}
                       for y, p in sorted(s.series.items()) if p.value is not None and y <= year],
        })
    return out


def _values(engine: Engine, year: int) -> list[dict]:
    """Every stored value the plan's indicators rest on, with where it came from."""
    codes = engine.inputs({t.indicator.code for t in engine.plan.targets.select_related("indicator")})
    rows = (DataValue.objects.filter(indicator__code__in=codes, year__gte=FIRST_YEAR,
                                     year__lte=year, period_type=PeriodType.YEARLY)
            .select_related("indicator", "unit").order_by("indicator__code", "year", "unit__code"))
    return [{
        "indicator": v.indicator.code, "name": plain(v.indicator.name), "unit_code": v.unit.code,
        "unit": v.unit.name, "year": v.year, "value": float(v.value), "shown": format_vi(float(v.value)),
        "measure": v.indicator.unit, "source": v.get_source_display(), "final": v.final,
        "synthetic": v.synthetic, "report": v.provenance.get("report", ""),
        "version": v.provenance.get("version", ""),
        "formula": _method(engine, v.indicator.code) if v.indicator.code in engine.formulas else "",
    } for v in rows]


def _general(content: dict, plan, year: int) -> list[str]:
    b = content["board"]
    counts = {c["status"]: c["count"] for c in content["status_counts"]}
    total = len(content["targets"])
    actions = [a for g in content["groups"] for a in g["actions"]]
    return [
        f"Năm {year}, {b['expected']} đơn vị được yêu cầu báo cáo; {b['submitted']} đơn vị đã gửi "
        f"báo cáo (tỷ lệ đầy đủ {b['completeness']}%), trong đó {b['on_time']} đơn vị gửi đúng hạn "
        f"(tỷ lệ đúng hạn {b['timeliness']}%); {b['accepted']} báo cáo đã được Sở thẩm định, chấp "
        f"nhận; {b['missing']} đơn vị chưa gửi báo cáo.",
        f"Trong {len(actions)} nhiệm vụ của Kế hoạch, {sum(bool(a['entries']) for a in actions)} "
        f"nhiệm vụ có kết quả thực hiện được các đơn vị báo cáo.",
        f"Trong {total} chỉ tiêu của Kế hoạch: {counts[ACHIEVED]} chỉ tiêu đã đạt, {counts[ON_TRACK]} "
        f"đúng tiến độ, {counts[AT_RISK]} có nguy cơ không đạt, {counts[OFF_TRACK]} chậm tiến độ, "
        f"{counts[NO_DATA]} chưa có số liệu chính thức.",
    ]


def _directions(content: dict, year: int) -> list[str]:
    """Directions for next year proposed from what is behind (staff may replace them)."""
    out = [f"Tiếp tục triển khai các nhiệm vụ của Kế hoạch trong năm {year + 1}; các đơn vị gửi "
           f"báo cáo đúng hạn (trước ngày 10 tháng 12)."]
    for t in content["targets"]:
        if t["status"] in (AT_RISK, OFF_TRACK):
            out.append(f"Tập trung giải pháp cho chỉ tiêu «{t['name']}» (mục tiêu năm {t['year']}: "
                       f"{t['wording']}).")
    if content["board"]["missing"]:
        out.append("Đôn đốc các đơn vị chưa gửi báo cáo; Sở Khoa học và Công nghệ kiểm tra, "
                   "tổng hợp báo cáo Ủy ban nhân dân tỉnh.")
    return out


# --- the ad hoc report ---------------------------------------------------------------------------

def ad_hoc(round_: Round, options: dict | None = None, *, layout: str = "default") -> dict:
    """The answer to an ad hoc round: each question with the units' answers, and the same
    results, indicator values and completeness parts as the yearly report, for its scope."""
    from stiplan.reporting.models import IndicatorItem, QuestionItem

    options = options or {}
    content, groups = _opening(round_, "ad_hoc", options, layout)
    content["summary"] = plain(options.get("summary")) or _subject(round_.title)
    for g in groups:  # only what the request asked about
        g["actions"] = [a for a in g["actions"] if a["entries"]]
        g["summary"] = f"{len(g['actions'])} nhiệm vụ có báo cáo kết quả của đơn vị."
    content["groups"] = [g for g in groups if g["actions"]]
    accepted = _accepted(round_)
    answers: dict[str, dict] = {}
    for q in (QuestionItem.objects.filter(report__in=accepted).select_related("report__unit")
              .order_by("code", "report__unit__code")):
        entry = answers.setdefault(q.code, {"code": q.code, "question": plain(q.question),
                                            "answers": []})
        if plain(q.answer):
            entry["answers"].append({"unit": q.report.unit.name, "text": plain(q.answer)})
    content["questions"] = list(answers.values())
    content["values"] = [{
        "indicator": i.indicator.code, "name": plain(i.indicator.name), "unit": i.report.unit.name,
        "value": format_vi(float(i.value)) if i.value is not None else "",
        "measure": i.indicator.unit, "source": plain(i.source), "report": i.report_id,
        "version": i.report.version,
    } for i in IndicatorItem.objects.filter(report__in=accepted).select_related(
        "indicator", "report__unit").order_by("indicator__code", "report__unit__code")]
    b = content["board"]
    content["intro"] = (
        f"Thực hiện yêu cầu báo cáo đột xuất «{plain(round_.title)}» (hạn gửi "
        f"{content['round']['deadline']}), Sở Khoa học và Công nghệ tổng hợp báo cáo của "
        f"{b['accepted']}/{b['expected']} đơn vị như sau:")
    content["directions"] = lines(options.get("directions"))
    content["inputs"] = _inputs(round_)
    return content


def _subject(title: str) -> str:
    """A round's title as the summary line under "BÁO CÁO" (without repeating "Báo cáo")."""
    subject = re.sub(r"^\s*báo cáo( đột xuất)?\s*:?\s*", "", plain(title), flags=re.I)
    return subject[:1].upper() + subject[1:] if subject else plain(title)


def assemble(round_: Round, kind: str, options: dict | None = None, layout: str = "default") -> dict:
    return (annual if kind == "annual" else ad_hoc)(round_, options, layout=layout)
