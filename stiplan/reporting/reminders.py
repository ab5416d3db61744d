"""Deadline reminders (nhắc hạn) by e-mail: before the deadline to the unit's reporting
officers, after it escalating to the unit's head and then to the Department. Idempotent: each
(report, kind) is sent once, noted by reporting.actions.mark_reminder_sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.mail import send_mail

from stiplan.core.permissions import Role
from stiplan.orgs.models import Membership
from stiplan.reporting.actions import mark_reminder_sent
from stiplan.reporting.models import EDITABLE_STATES, Round, RoundStatus, UnitReport


@dataclass(frozen=True)
class Due:
    kind: str  # e.g. "before-7", "after-5"
    audience: tuple[str, ...]  # roles: reporter, leader (the unit's head), department


def schedule(round_: Round, day: date) -> list[Due]:
    """The reminders due for a round on `day` (each fires on its day or later, once)."""
    due = []
    days_left = (round_.deadline - day).days
    for n in sorted(round_.remind_before or [], reverse=True):
        if 0 <= days_left <= n:
            due.append(Due(f"before-{n}", ("reporter",)))
    late = -days_left
    steps = sorted(round_.remind_after or [])
    for i, n in enumerate(steps):
        if late >= n:
            audience = ("reporter",) if i == 0 else ("reporter", "leader") if i == 1 else (
                "reporter", "leader", "department")
            due.append(Due(f"after-{n}", audience))
    return due


def recipients(report: UnitReport, audience: tuple[str, ...], day: date) -> list[str]:
    roles = {"reporter": Role.REPORTER, "leader": Role.LEADER}
    emails = set()
    for who in audience:
        if who == "department":
            members = Membership.objects.filter(role=Role.PLAN_OFFICER)
        else:
            members = Membership.objects.filter(unit=report.unit, role=roles[who])
        emails |= {m.user.email for m in members.valid_on(day).select_related("user")
                   if m.user.email}
    return sorted(emails)


def send_due_reminders(day: date) -> list[tuple[str, str, int]]:
    """Send every reminder due on `day` that was not sent before; (unit, kind, recipients)."""
    sent = []
    for round_ in Round.objects.filter(status=RoundStatus.OPEN):
        reports = round_.reports.filter(state__in=EDITABLE_STATES, first_submitted_at__isnull=True)
        due = schedule(round_, day)
        for report in reports.select_related("unit", "round__plan"):
            for item in due:
                to = recipients(report, item.audience, day)
                if _send_once(report, item, to, day):
                    sent.append((report.unit.code, item.kind, len(to)))
    return sent


def _send_once(report: UnitReport, item: Due, to: list[str], day: date) -> bool:
    if not mark_reminder_sent(report, item.kind, day, to):
        return False  # already sent
    if to:
        late = item.kind.startswith("after")
        subject = (f"[stiplan] {'QUÁ HẠN' if late else 'Nhắc hạn'}: {report.round.title}")
        body = (f"Kính gửi {report.unit.name},\n\n"
                f"Báo cáo «{report.round.title}» có hạn nộp ngày {report.round.deadline:%d/%m/%Y}"
                f"{' và hiện đã quá hạn' if late else ''}. Đơn vị chưa gửi báo cáo.\n"
                f"Vui lòng đăng nhập stiplan để hoàn thành và gửi báo cáo.\n\n"
                f"Sở Khoa học và Công nghệ")
        send_mail(subject, body, None, to)
    return True
