"""What a council's page and its minutes (biên bản) show, read through `restrict()`: the tasks it
evaluates (or the entries of its call: a competition, an award, initiatives), its members with
their roles, who is excluded from scoring which task (a declared conflict of interest), the
score sheet of each member per criterion per task, the ranking kept by `rank_council` and the
conclusions. Councils, members, conflicts and scores are internal
(stiplan.core.permissions): a reader outside the Department gets no row."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from stiplan.registry.models import (
    ConflictDeclaration,
    Consensus,
    Council,
    CouncilMember,
    Entry,
    Score,
    Task,
)

#: The tie rule as the pages and the minutes name it (stiplan.registry.ranking, rules 1–5).
TIE_RULE = ("Xếp theo điểm trung bình tổng (trung bình các phiếu của thành viên không xung đột lợi "
            "ích); bằng điểm thì so điểm trung bình từng tiêu chí theo thứ tự của phiếu chấm (tiêu "
            "chí đầu trước); vẫn bằng thì đồng hạng và hội đồng biểu quyết, ghi vào kết luận.")


@dataclass
class TaskSheet:
    """One task (or entry) before the council: the excluded members (with their reasons), each scoring
    member's sheet (criterion → score, None for a criterion not scored yet), the consensus row."""

    task: Task | Entry
    excluded: list[ConflictDeclaration] = field(default_factory=list)
    rows: list[tuple[CouncilMember, list[Decimal | None], Decimal | None]] = field(default_factory=list)
    consensus: Consensus | None = None


@dataclass
class CouncilRecord:
    council: Council
    members: list[CouncilMember]
    sheets: list[TaskSheet]
    ranking: list[Consensus]

    @property
    def criteria(self) -> list[dict]:
        return self.council.criteria


def items_of(council: Council, user):
    """What the council judges as `user` may read it: its tasks, or the entries of its call."""
    if council.call_id is not None:
        return Entry.objects.restrict(user).filter(call=council.call_id).order_by("code")
    return Task.objects.restrict(user).filter(councils=council).order_by("code")


def council_record(council: Council, user) -> CouncilRecord:
    """The council as `user` may read it (the Department: all of it)."""
    on_entries = council.call_id is not None
    items = list(items_of(council, user))
    members = list(CouncilMember.objects.restrict(user).filter(council=council).select_related("person"))
    conflicts = list(ConflictDeclaration.objects.restrict(user).filter(member__council=council)
                     .select_related("member__person").order_by("member__pk"))
    scores: dict[tuple[int, int], dict[str, Decimal]] = {}
    for s in Score.objects.restrict(user).filter(member__council=council):
        key = s.entry_id if on_entries else s.task_id
        scores.setdefault((key, s.member_id), {})[s.criterion] = s.value
    conclusions = {(c.entry_id if on_entries else c.task_id): c
                   for c in Consensus.objects.restrict(user).filter(council=council)
                   .select_related("task", "entry")}
    codes = [c["code"] for c in council.criteria]
    sheets = []
    for item in items:
        excluded = [c for c in conflicts if (c.entry_id if on_entries else c.task_id) == item.pk]
        out = {c.member_id for c in excluded}
        rows = []
        for member in members:
            if member.pk in out:
                continue
            sheet = scores.get((item.pk, member.pk), {})
            values = [sheet.get(code) for code in codes]
            total = sum(sheet.values(), Decimal(0)) if sheet else None
            rows.append((member, values, total))
        sheets.append(TaskSheet(item, excluded, rows, conclusions.get(item.pk)))
    ranking = sorted((c for c in conclusions.values() if c.mean_score is not None or c.rank is not None),
                     key=lambda c: (c.rank is None, c.rank or 0, c.item.code))
    return CouncilRecord(council, members, sheets, ranking)


def minutes_content(record: CouncilRecord) -> dict:
    """The minutes' data as plain values (names, dates as text, numbers as text) for the documents
    layer: the council, its decision and meeting day, the members present, the members excluded
    from scoring a task, each task's mean score and rank, and the conclusions."""
    council = record.council

    def day(value) -> str:
        return value.strftime("%d/%m/%Y") if value else ""

    def number(value) -> str:
        return "" if value is None else f"{value:.2f}".replace(".", ",")

    return {
        "council": {"name": council.name, "kind": str(council.get_kind_display()),
                    "decision_number": council.decision_number, "decision_date": day(council.decision_date),
                    "meets_on": day(council.meets_on)},
        "criteria": [{"code": c["code"], "name": c["name"], "max": c["max"]} for c in council.criteria],
        "members": [{"name": m.person.full_name, "role": str(m.get_role_display())} for m in record.members],
        "excluded": [{"name": c.member.person.full_name, "task": s.task.code, "reason": c.reason}
                     for s in record.sheets for c in s.excluded],
        "tasks": [_task_row(s, number) for s in sorted(record.sheets, key=_ranked_first)],
        "tie_rule": TIE_RULE,
    }


def _ranked_first(sheet: TaskSheet) -> tuple:
    rank = sheet.consensus.rank if sheet.consensus else None
    return (rank is None, rank or 0, sheet.task.code)


def _task_row(sheet: TaskSheet, number) -> dict:
    c = sheet.consensus
    return {"code": sheet.task.code, "title": sheet.task.title,
            "sheets": sum(1 for _member, _values, total in sheet.rows if total is not None),
            "mean": number(c.mean_score) if c else "",
            "rank": str(c.rank) if c and c.rank else "",
            "grade": str(c.get_grade_display()) if c and c.grade else "",
            "conclusion": c.conclusion if c else ""}
