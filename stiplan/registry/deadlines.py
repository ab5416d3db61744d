"""What is due for each task on a day (pure Python): a periodic inspection while the contract
runs, the registration of results after acceptance, and the yearly report on the application of
results (Mẫu 12). The intervals are the Department's settings, kept here as data."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

#: A running task is inspected at least every this many months (counted from the contract or the
#: last inspection) — the Department's practice, adjustable.
INSPECTION_EVERY_MONTHS = 6
#: Results are registered within this many days of acceptance (Thông tư 14/2014).
REGISTRATION_WITHIN_DAYS = 30
#: The application report for year Y is due on this (month, day) of year Y + 1 — adjustable.
APPLICATION_REPORT_DUE = (1, 31)

RUNNING_STATES = frozenset({"contracted"})
ACCEPTED_STATES = frozenset({"accepted"})
FOLLOWED_STATES = frozenset({"registered", "applied"})


class DueKind:
    INSPECTION = "inspection"
    REGISTRATION = "registration"
    APPLICATION_REPORT = "application_report"


@dataclass(frozen=True)
class TaskDates:
    """What the reminders read of one task."""

    code: str
    state: str
    contracted_on: dt.date | None = None
    last_inspection_on: dt.date | None = None
    accepted_on: dt.date | None = None
    registered_on: dt.date | None = None
    reported_years: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class DueItem:
    task: str
    kind: str
    due_on: dt.date
    year: int | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.due_on < today


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_items(tasks: list[TaskDates], today: dt.date, *, horizon_days: int = 30) -> list[DueItem]:
    """Every item due on or before `today + horizon_days` (overdue ones included), by due date."""
    until = today + dt.timedelta(days=horizon_days)
    found = []
    for task in tasks:
        if task.state in RUNNING_STATES and task.contracted_on:
            since = max(filter(None, (task.contracted_on, task.last_inspection_on)))
            found.append(DueItem(task.code, DueKind.INSPECTION, add_months(since, INSPECTION_EVERY_MONTHS)))
        if task.state in ACCEPTED_STATES and task.accepted_on:
            found.append(DueItem(task.code, DueKind.REGISTRATION,
                                 task.accepted_on + dt.timedelta(days=REGISTRATION_WITHIN_DAYS)))
        if task.state in FOLLOWED_STATES and task.registered_on:
            month, day = APPLICATION_REPORT_DUE
            for year in range(task.registered_on.year, until.year):
                if year not in task.reported_years:
                    found.append(DueItem(task.code, DueKind.APPLICATION_REPORT,
                                         dt.date(year + 1, month, day), year))
    return sorted((item for item in found if item.due_on <= until), key=lambda i: (i.due_on, i.task, i.kind))
