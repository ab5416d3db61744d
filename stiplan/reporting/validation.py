"""Checks of a unit report before it is submitted: errors block, warnings need an explanation."""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from stiplan.analytics import outliers
from stiplan.analytics.vntext import format_vi
from stiplan.orgs.lineage import load_lineage
from stiplan.reporting import inputs
from stiplan.reporting.models import (
    ActionStatus,
    IndicatorItem,
    ReportState,
    RoundKind,
    Severity,
    UnitReport,
)

OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt,
             "==": operator.eq}


@dataclass(frozen=True)
class Finding:
    severity: str  # Severity.ERROR or Severity.WARNING
    item: str  # "action:III.1.2", "indicator:rd_total_spending", "question:Q1", "report"
    vi: str
    en: str
    explained: bool = False
    field: str = ""  # the field that fixes it: "status", "value", "explanation", "answer"

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.ERROR or not self.explained

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"


def with_typed(items, kind: str, typed: dict | None) -> list:
    """`items` (not saved) with what the user typed put over the saved values, read the way
    save_items reads them; a value that cannot be read counts as empty."""
    items = list(items)
    if not typed:
        return items
    for item in items:
        raw = typed.get(item_code(kind, item))
        if raw is None:
            continue
        rules = inputs.ValueRules.of(item) if kind == "indicator" else None
        values, problems = inputs.read_fields(raw, tuple(raw), rules=rules)
        for field, value in values.items():
            setattr(item, field, value)
        for problem in problems:
            setattr(item, problem.field, None if problem.field == "value" else "")
    return items


def item_code(kind: str, item) -> str:
    return {"action": lambda: item.action.code, "indicator": lambda: item.indicator.code,
            "question": lambda: item.code}[kind]()


def check_report(report: UnitReport, typed: dict[str, dict] | None = None) -> list[Finding]:
    """The findings on `report`; with `typed` ({"indicator": {code: {field: raw}}, …}), on what
    the user typed over it (the page after a refused save shows the checklist of the screen)."""
    typed = typed or {}
    findings: list[Finding] = []
    for item in with_typed(report.action_items.select_related("action"), "action",
                           typed.get("action")):
        key = f"action:{item.action.code}"
        if not item.status:
            findings.append(Finding(Severity.ERROR, key, "chưa chọn tình trạng thực hiện",
                                    "no implementation status chosen", field="status"))
        elif item.status == ActionStatus.BLOCKED and not item.difficulties.strip():
            findings.append(Finding(Severity.ERROR, key, "gặp vướng mắc nhưng chưa nêu khó khăn",
                                    "blocked, but no difficulty described", field="difficulties"))
    values: dict[str, Decimal] = {}
    items = with_typed(report.indicator_items.select_related("indicator"), "indicator",
                       typed.get("indicator"))
    for item in items:
        key = f"indicator:{item.indicator.code}"
        if item.value is None:
            if not item.note.strip():
                findings.append(Finding(Severity.ERROR, key,
                                        "chưa có số liệu (ghi chú lý do nếu không có số liệu)",
                                        "no value (add a note if there is none)", field="value"))
            continue
        values[item.indicator.code] = item.value
        if item.min_value is not None and item.value < item.min_value or (
                item.max_value is not None and item.value > item.max_value):
            span = f"[{format_vi(item.min_value)}; {format_vi(item.max_value)}]"
            findings.append(Finding(Severity.ERROR, key, f"giá trị ngoài khoảng cho phép {span}",
                                    f"value outside the allowed range {span}", field="value"))
    explained = {f"indicator:{i.indicator.code}" for i in items if i.explanation.strip()}
    for rule in report.round.plan.validation_rules.all():
        left, right = values.get(rule.left), values.get(rule.right)
        if left is None or right is None or OPERATORS[rule.operator](left, right):
            continue
        key = f"indicator:{rule.left}"
        shown = f"{format_vi(left)} {rule.operator} {format_vi(right)}"
        findings.append(Finding(rule.severity, key, f"{rule.message} ({shown} sai)",
                                rule.message_en or rule.message, key in explained,
                                field="explanation"))
    for item in items:
        if item.value is None:
            continue
        history = indicator_history(report, item.indicator_id)
        found = outliers.check(float(item.value), history)
        if found:
            key = f"indicator:{item.indicator.code}"
            findings.append(Finding(
                Severity.WARNING, key,
                f"giá trị khác thường so với các năm trước (trung vị {found.median:g}, "
                f"điểm z hiệu chỉnh {found.score:.1f}); cần giải trình",
                f"unusual against previous years (median {found.median:g}, modified z "
                f"{found.score:.1f}); please explain", key in explained, field="explanation"))
    for q in with_typed(report.question_items.all(), "question", typed.get("question")):
        if not q.answer.strip():
            findings.append(Finding(Severity.ERROR, f"question:{q.code}", "chưa trả lời",
                                    "not answered", field="answer"))
    return findings


def indicator_history(report: UnitReport, indicator_id: int) -> list[float]:
    """The unit's accepted values in earlier annual rounds, one per year; for years before a
    merger, the sum of the values of the units it came from (restated, not averaged)."""
    round_ = report.round
    codes = [report.unit.code, *load_lineage().predecessors(report.unit.code)]
    rows = IndicatorItem.objects.filter(
        indicator_id=indicator_id, value__isnull=False, report__state=ReportState.ACCEPTED,
        report__round__plan=round_.plan, report__round__kind=RoundKind.ANNUAL,
        report__round__year__lt=round_.year, report__unit__code__in=codes,
    ).values_list("report__round__year", "report__unit__code", "value")
    own: dict[int, float] = {}
    parts: dict[int, float] = defaultdict(float)
    for year, code, value in rows:
        if code == report.unit.code:
            own[year] = float(value)
        else:
            parts[year] += float(value)
    return [own.get(year, parts.get(year)) for year in sorted(set(own) | set(parts))]
