"""Reminders: an inspection every six months of a running contract, registration within 30 days
of acceptance, and a yearly application report due on 31 January for the year before; the pure
function and `stiplan registry due --format json` over tasks moved by the real actions."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from stiplan.registry.actions import (
    Decision,
    create_council,
    move_task,
    record_conclusion,
    report_application,
)
from stiplan.registry.deadlines import TaskDates, add_months, due_items
from stiplan.registry.models import Output, Task

D = dt.date


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert add_months(D(2026, 3, 15), 6) == D(2026, 9, 15)
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)


def test_inspection_is_due_six_months_after_the_contract_or_the_last_inspection():
    running = TaskDates("A", "contracted", contracted_on=D(2026, 1, 10))
    inspected = TaskDates("B", "contracted", contracted_on=D(2025, 6, 1), last_inspection_on=D(2026, 2, 1))
    assert due_items([running, inspected], D(2026, 7, 1), horizon_days=0) == []
    items = due_items([running, inspected], D(2026, 7, 1), horizon_days=31)
    assert [(i.task, i.kind, i.due_on) for i in items] == [("A", "inspection", D(2026, 7, 10)),
                                                            ("B", "inspection", D(2026, 8, 1))]


def test_registration_is_due_thirty_days_after_acceptance_and_shows_overdue():
    task = TaskDates("A", "accepted", accepted_on=D(2026, 3, 1))
    [item] = due_items([task], D(2026, 4, 15))
    assert (item.kind, item.due_on, item.overdue(D(2026, 4, 15))) == ("registration", D(2026, 3, 31), True)


def test_a_yearly_application_report_is_due_each_january_for_every_year_not_reported():
    task = TaskDates("A", "applied", registered_on=D(2023, 5, 1), reported_years=frozenset({2024}))
    items = due_items([task], D(2026, 1, 10))
    assert [(i.year, i.due_on) for i in items] == [(2023, D(2024, 1, 31)), (2025, D(2026, 1, 31))]


def test_tasks_in_other_states_are_due_nothing():
    states = ["proposed", "listed", "suspended", "terminated", "not_accepted", "rejected"]
    tasks = [TaskDates(s, s, D(2020, 1, 1), D(2020, 1, 1), D(2020, 1, 1), D(2020, 1, 1)) for s in states]
    assert due_items(tasks, D(2026, 1, 1)) == []


@pytest.mark.django_db
def test_the_due_command_reads_the_steps_taken_through_the_actions(propose, users):
    officer = users["plan_officer"]
    running, accepted = propose(code="NV-RUN"), propose(code="NV-ACC")
    Task.objects.filter(pk__in=[running.pk, accepted.pk]).update(state="approved")
    for task, day in ((running, D(2026, 1, 10)), (accepted, D(2025, 1, 10))):
        move_task(task, "contract", by=officer, on=day, decision=Decision(f"{task.code}/HĐ", day))
    move_task(accepted, "self_assess", by=officer, on=D(2026, 2, 1))
    council = create_council("acceptance", "HĐ nghiệm thu", tasks=[accepted], by=officer)
    record_conclusion(council, accepted, grade="pass", conclusion="Đạt", by=officer)
    move_task(accepted, "accept", by=officer, on=D(2026, 3, 1), decision=Decision("3/QĐ", D(2026, 3, 1)))
    out = StringIO()
    call_command("registry", "due", "--on", "2026-07-01", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == [
        {"task": "NV-ACC", "kind": "registration", "due_on": "2026-03-31", "year": None, "overdue": True},
        {"task": "NV-RUN", "kind": "inspection", "due_on": "2026-07-10", "year": None, "overdue": False},
    ]
    Output.objects.create(task=accepted, kind="model", title="Mô hình")
    move_task(accepted, "register", by=officer, on=D(2026, 4, 1),
                 certificates={accepted.outputs.get().pk: "7/KQNC-SKHCN"})
    report_application(accepted, 2026, applied=True, by=officer)
    out = StringIO()
    call_command("registry", "due", "--on", "2027-01-20", "--format", "json", stdout=out)
    assert [(r["task"], r["kind"]) for r in json.loads(out.getvalue())] == [("NV-RUN", "inspection")]
