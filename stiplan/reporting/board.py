"""Completeness and timeliness of rounds (tỷ lệ đầy đủ, đúng hạn), as DHIS2 measures them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from stiplan.reporting.models import IN_REVIEW_STATES, ReportState, Round, UnitReport

COUNTED = [s for s in ReportState.values if s != ReportState.TRANSFERRED]
SUBMITTED_STATES = (ReportState.SUBMITTED, ReportState.RESUBMITTED, ReportState.ACCEPTED,
                    ReportState.RETURNED)


@dataclass
class Board:
    round: Round
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    accepted: int = 0
    waiting: int = 0  # submitted or resubmitted, not yet reviewed (chờ thẩm định)
    overdue: list[UnitReport] = field(default_factory=list)
    reports: list[UnitReport] = field(default_factory=list)

    @property
    def completeness(self) -> float:
        """Reports submitted (at least once) / reports expected, in %."""
        return 100 * self.submitted / self.expected if self.expected else 0.0

    @property
    def timeliness(self) -> float:
        """Reports submitted by the deadline / reports expected, in %."""
        return 100 * self.on_time / self.expected if self.expected else 0.0

    def as_json(self) -> dict:
        return {
            "round": {"id": self.round.pk, "title": self.round.title, "year": self.round.year,
                      "kind": self.round.kind, "deadline": self.round.deadline.isoformat()},
            "expected": self.expected, "submitted": self.submitted, "on_time": self.on_time,
            "late": self.late, "missing": self.missing, "accepted": self.accepted,
            "completeness_pct": round(self.completeness, 1),
            "timeliness_pct": round(self.timeliness, 1),
            "units": [
                {"unit": r.unit.code, "name": r.unit.name, "state": r.state,
                 "submitted_at": r.first_submitted_at.isoformat() if r.first_submitted_at else None,
                 "on_time": r.on_time, "inherited_from": r.inherited_from.code
                 if r.inherited_from_id else None}
                for r in self.reports
            ],
        }


WAITING = "waiting"  # the board's filter for IN_REVIEW_STATES
BOARD_SORTS = ("unit", "oldest")


def board_rows(board: Board, *, state: str = "", sort: str = "unit") -> list[UnitReport]:
    """The board's reports in one state (or WAITING: in review), by unit name or oldest
    submission first (not submitted last)."""
    rows = [r for r in board.reports if not state or r.state == state
            or (state == WAITING and r.state in IN_REVIEW_STATES)]
    if sort == "oldest":
        return sorted(rows, key=lambda r: (r.submitted_at is None, r.submitted_at or 0, r.unit.name))
    return rows


def round_board(round_: Round, reports=None) -> Board:
    board = Board(round_)
    today = timezone.localdate()
    if reports is None:
        reports = round_.reports.select_related("unit", "inherited_from")
    for report in reports:
        if report.state == ReportState.TRANSFERRED:
            continue
        board.reports.append(report)
        board.expected += 1
        if report.first_submitted_at is None:
            board.missing += 1
            if today > round_.deadline:
                board.overdue.append(report)
            continue
        board.submitted += 1
        board.accepted += report.state == ReportState.ACCEPTED
        board.waiting += report.state in IN_REVIEW_STATES
        if report.on_time:
            board.on_time += 1
        else:
            board.late += 1
    return board
