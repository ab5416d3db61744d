"""The report page's lines about items (danh sách kiểm tra): each finding, refused value or
reviewer's comment names its item in the officer's words and points at the field that fixes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from stiplan.reporting.validation import item_code

FIELD_PREFIX = {"action": "a", "indicator": "i", "question": "q"}
REFUSED = "refused"  # the severity of a value a save refused (the others: error, warning)
FIRST_FIELD = {"action": "status", "indicator": "value", "question": "answer"}


@dataclass(frozen=True)
class Line:
    """One line of a list on the report page."""

    key: str  # "indicator:grdp_current" (the item; internal, never shown)
    label: str  # "III.1.5 — Xây dựng cơ sở dữ liệu…" / "GRDP theo giá hiện hành (tỷ đồng)"
    field: str  # the id of the field that fixes it
    message: str
    severity: str = "error"  # "refused", or a finding's Severity
    explained: bool = False


def in_language(vi: str, en: str) -> str:
    """The message in the page's language (English when the page is English)."""
    return en if (get_language() or "vi").startswith("en") and en else vi


def field_prefix(key: str) -> str:
    """What the names of an item's inputs start with ("indicator:x" → "i:x:")."""
    kind, _sep, code = key.partition(":")
    return f"{FIELD_PREFIX[kind]}:{code}:"


def field_id(key: str, field: str = "") -> str:
    """The id of the input of `field` on item `key` ("indicator:x", "value" → "i:x:value")."""
    kind = key.partition(":")[0]
    if kind not in FIELD_PREFIX:
        return "report-form"
    return field_prefix(key) + (field or FIRST_FIELD[kind])


def item_label(kind: str, item) -> str:
    """What an officer calls the item: the action's code and the start of its text, the
    indicator's name and unit, the question."""
    if kind == "action":
        return f"{item.action.code} — {Truncator(item.action.text).words(12)}"
    if kind == "indicator":
        unit = f" ({item.indicator.unit})" if item.indicator.unit else ""
        return f"{item.indicator.name}{unit}"
    return f"{_('Câu hỏi')} {item.code} — {Truncator(item.question).words(12)}"


def report_items(report):
    """(key, kind, item) for every item of `report`, in page order."""
    for kind, items in (("action", report.action_items.select_related("action")),
                        ("indicator", report.indicator_items.select_related("indicator")),
                        ("question", report.question_items.all())):
        for item in items:
            yield f"{kind}:{item_code(kind, item)}", kind, item


def item_labels(report) -> dict[str, str]:
    """Every item of `report` by its key."""
    return {"report": _("Báo cáo"), **{key: item_label(kind, item)
                                       for key, kind, item in report_items(report)}}


def finding_lines(findings, labels: dict[str, str], *, hide: set[tuple[str, str]] = frozenset()
                  ) -> list[Line]:
    """The checklist: one line per finding, except on fields whose typed value was refused
    (`hide`: (item, field) pairs; the refusal says more)."""
    return [Line(f.item, labels.get(f.item, f.item), field_id(f.item, f.field),
                 in_language(f.vi, f.en), f.severity, f.explained)
            for f in findings if (f.item, f.field) not in hide]


def problem_lines(problems, labels: dict[str, str]) -> list[Line]:
    """Values a save refused, each at its field."""
    return [Line(p.item, labels.get(p.item, p.item), field_id(p.item, p.field),
                 in_language(p.vi, p.en), REFUSED) for p in problems]


def to_fix_lines(report, labels: dict[str, str]) -> list[Line]:
    """The items a reviewer returned with a comment, for the officer to fix."""
    return [Line(key, labels[key], field_id(key), item.review_comment)
            for key, _kind, item in report_items(report)
            if item.needs_fix and item.review_comment]
