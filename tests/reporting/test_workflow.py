"""The yearly round: requests follow reorganisations, reports move draft → accepted with review,
checks block what is wrong, the board counts what was sent and when, reminders go once."""

import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from stiplan.core.models import AuditEntry
from stiplan.core.permissions import Role
from stiplan.orgs.models import Membership, OrgUnit
from stiplan.reporting import actions as act
from stiplan.reporting.board import round_board
from stiplan.reporting.models import Reminder, ReportState, UnitReport

pytestmark = pytest.mark.django_db


def fill(report, by=None, **overrides):
    actions = {i.action.code: {"status": "in_progress", "done": "Đã triển khai."}
               for i in report.action_items.select_related("action")}
    values = {i.indicator.code: {"value": Decimal(overrides.get(i.indicator.code, 10))}
              for i in report.indicator_items.select_related("indicator")}
    act.save_items(report, by=by, actions=actions, indicators=values)
    report.refresh_from_db()


def test_opening_asks_the_units_responsible_on_the_opening_day(round_2025):
    units = set(round_2025.reports.values_list("unit__code", flat=True))
    assert {"VL25.STC", "VL25.SKHCN", "VL25.SGDDT"} <= units
    assert not any(u.startswith("VL.") for u in units)
    skhcn = round_2025.reports.get(unit__code="VL25.SKHCN")
    assert skhcn.action_items.filter(action__code="IV.7.2").exists()  # from the former Dept of ICT


def test_one_annual_round_per_year(plan, round_2025):
    with pytest.raises(ValidationError):
        act.open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                       opened_on=date(2025, 11, 2), by=None)


def test_requests_pass_to_successors_when_units_merge_during_the_round(plan):
    round_ = act.open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                            opened_on=date(2025, 6, 2), by=None)
    assert round_.reports.filter(unit__code="VL.SKHCN").exists()
    assert not round_.reports.filter(unit__code="VL.STTTT").exists()  # merged on 1/3/2025
    draft = round_.reports.get(unit__code="VL.SKHCN")
    act.save_items(draft, by=None, actions={"IV.1.1": {"status": "done", "done": "Giữ lại"}},
                   indicators={"rd_total_spending": {"value": Decimal(81_500), "source": "Sở"}})
    done = act.sync_round(round_, date(2025, 7, 1), by=None)
    assert "VL.SKHCN → VL25.SKHCN" in done
    heir = round_.reports.get(unit__code="VL25.SKHCN")
    assert heir.inherited_from.code == "VL.SKHCN"
    assert heir.action_items.get(action__code="IV.1.1").done == "Giữ lại"
    carried = heir.indicator_items.get(indicator__code="rd_total_spending")
    assert (carried.value, carried.source) == (Decimal(81_500), "Sở")
    assert round_.reports.get(unit__code="VL.SKHCN").state == ReportState.TRANSFERRED
    board = round_board(round_)
    assert all(r.state != ReportState.TRANSFERRED for r in board.reports)
    assert board.expected == round_.reports.exclude(state=ReportState.TRANSFERRED).count()


def test_the_review_cycle(users, stc):
    fill(stc, by=users["reporter"])
    stc = act.submit_report(stc, by=users["reporter"])
    assert stc.state == ReportState.SUBMITTED and stc.first_submitted_at
    first = stc.action_items.select_related("action").first()
    with pytest.raises(ValidationError):
        act.return_report(stc, comments={}, by=users["reviewer"])
    act.return_report(stc, comments={f"action:{first.action.code}": "Bổ sung số liệu"},
                      by=users["reviewer"])
    first.refresh_from_db()
    assert first.needs_fix and first.review_comment == "Bổ sung số liệu"
    act.save_items(stc, by=users["reporter"], actions={first.action.code: {"results": "12 mô hình"}})
    stc = act.submit_report(stc, by=users["reporter"])
    assert stc.state == ReportState.RESUBMITTED
    stc = act.accept_report(stc, by=users["reviewer"])
    assert stc.state == ReportState.ACCEPTED
    with pytest.raises(act.Conflict):
        act.save_items(stc, by=users["reporter"], actions={first.action.code: {"results": "x"}})
    with pytest.raises(ValidationError):
        act.unlock_report(stc, reason=" ", by=users["reviewer"])
    act.unlock_report(stc, reason="Sai số liệu GRDP", by=users["reviewer"])
    entry = AuditEntry.objects.filter(action="reporting.unlock_report").latest("id")
    assert entry.reason == "Sai số liệu GRDP" and entry.before["state"] == "accepted"
    stc.refresh_from_db()
    act.save_items(stc, by=users["reporter"], actions={first.action.code: {"results": "13 mô hình"}})
    stc.refresh_from_db()
    assert stc.changed_since_acceptance
    states = list(AuditEntry.objects.filter(object_type="reporting.unitreport",
                                            object_id=str(stc.pk)).order_by("id")
                  .values_list("after__state", flat=True))
    assert states == ["submitted", "returned", "resubmitted", "accepted", "returned"]


def test_errors_block_submission_and_name_the_item(round_2025):
    report = round_2025.reports.get(unit__code="VL25.SKHCN")
    with pytest.raises(act.NotReady) as err:
        act.submit_report(report, by=None)
    items = {f.item for f in err.value.findings}
    assert any(i.startswith("action:") for i in items) and "indicator:rd_total_spending" in items
    fill(report, rd_state_spending=900, rd_total_spending=500)
    with pytest.raises(act.NotReady) as err:
        act.submit_report(report, by=None)
    assert [f.item for f in err.value.findings] == ["indicator:rd_state_spending"]
    assert "không thể lớn hơn" in err.value.findings[0].vi
    fill(report, rd_state_spending=400, rd_total_spending=500)
    assert act.submit_report(report, by=None).state == ReportState.SUBMITTED


def test_an_outlier_needs_an_explanation(plan, users):
    for year in (2022, 2023, 2024):
        round_ = act.open_round(plan, kind="annual", year=year, deadline=date(year, 12, 10),
                                opened_on=date(year, 11, 1), by=None)
        report = round_.reports.get(unit__code__endswith=".SKHCN")
        fill(report, rd_total_spending=80_000 + year, rd_state_spending=1, rd_social_spending=1)
        act.submit_report(report, by=None)
        act.accept_report(report, by=users["reviewer"])
    current = act.open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                             opened_on=date(2025, 11, 1), by=None)
    report = current.reports.get(unit__code="VL25.SKHCN")
    fill(report, rd_total_spending=800_000, rd_state_spending=1, rd_social_spending=1)
    with pytest.raises(act.NotReady) as err:
        act.submit_report(report, by=None)
    assert [f.severity for f in err.value.findings] == ["warning"]
    act.save_items(report, by=None, indicators={"rd_total_spending": {
        "explanation": "Dự án đầu tư trung tâm ĐMST"}})
    report.refresh_from_db()
    assert act.submit_report(report, by=None).state == ReportState.SUBMITTED


def test_the_board_and_the_status_command(users, round_2025, stc, sgddt):
    fill(stc)
    act.submit_report(stc, by=None)
    fill(sgddt)
    act.submit_report(sgddt, by=None)
    on_time = timezone.make_aware(datetime(2025, 12, 9, 16, 0))
    late = timezone.make_aware(datetime(2025, 12, 15, 9, 0))
    UnitReport.objects.filter(pk=stc.pk).update(first_submitted_at=on_time)
    UnitReport.objects.filter(pk=sgddt.pk).update(first_submitted_at=late)
    board = round_board(round_2025)
    assert (board.submitted, board.on_time, board.late) == (2, 1, 1)
    assert board.completeness == pytest.approx(100 * 2 / board.expected)
    out = io.StringIO()
    call_command("reporting", "status", "--year", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    units = {u["unit"]: u for u in data["units"]}
    assert units["VL25.STC"]["on_time"] is True and units["VL25.SGDDT"]["on_time"] is False
    assert units["VL25.STC"]["state"] == "submitted" and units["VL25.STC"]["submitted_at"]
    assert data["completeness_pct"] == round(100 * 2 / board.expected, 1)


def test_reminders_escalate_and_are_sent_once(users, round_2025, django_user_model):
    stc_unit = OrgUnit.objects.get(code="VL25.STC")
    head = django_user_model.objects.create(username="giamdoc.stc", email="gd@demo.invalid")
    Membership.objects.create(user=head, unit=stc_unit, role=Role.LEADER,
                              valid_from=date(2025, 7, 1))
    deadline = round_2025.deadline

    def remind(day):
        mail.outbox.clear()
        call_command("remind", "--date", day.isoformat(), stdout=io.StringIO())
        return [m for m in mail.outbox if "baocao.stc@demo.invalid" in m.to
                or "gd@demo.invalid" in m.to]

    assert remind(deadline - timedelta(days=7))  # a week before
    assert remind(deadline - timedelta(days=7)) == []  # twice the same day: nothing more
    after = remind(deadline + timedelta(days=5))
    assert any("gd@demo.invalid" in m.to for m in after)  # escalated to the unit's head
    latest = remind(deadline + timedelta(days=10))
    assert any("kehoach@demo.invalid" in m.to for m in mail.outbox)  # then the Department
    assert latest
    kinds = set(Reminder.objects.filter(report__unit=stc_unit).values_list("kind", flat=True))
    assert {"before-7", "after-1", "after-5", "after-10"} <= kinds
    logged = AuditEntry.objects.filter(action="reporting.send_reminder", unit=stc_unit)
    assert sorted(e.after["kind"] for e in logged) == sorted(kinds)  # each reminder once
