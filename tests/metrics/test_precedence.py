"""Several sources per (indicator, unit, period): the documented precedence decides the value used,
a report never replaces the Department's figure, every value change is audited, an ad hoc round
writes its own period and a blank answer deletes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from stiplan.core.models import AuditEntry
from stiplan.metrics.actions import set_value
from stiplan.metrics.dashboard import overview
from stiplan.metrics.engine import Engine
from stiplan.metrics.models import DataValue, Source
from stiplan.metrics.precedence import RANKING, choose
from stiplan.orgs.models import OrgUnit
from stiplan.plans.models import Indicator
from stiplan.reporting import actions as act

pytestmark = pytest.mark.django_db

S, D, R, C = Source.STATISTICS, Source.DEPARTMENT, Source.REPORTED, Source.COMPUTED
# The table of docs/indicators.md, written out by hand: (candidates, final only?) → the winner.
TABLE = [
    ([(R, True), (D, True)], False, (D, True)),
    ([(R, True), (S, True), (D, True)], False, (S, True)),
    ([(R, False), (D, True)], False, (D, True)),
    ([(R, True), (C, True)], False, (R, True)),
    ([(R, False), (C, True)], False, (C, True)),
    ([(R, False), (D, False)], False, (D, False)),
    ([(D, False), (R, True)], False, (R, True)),
    ([(R, False)], False, (R, False)),
    ([(R, False)], True, None),
    ([(R, False), (S, False), (C, True)], True, (C, True)),
]


@pytest.mark.parametrize(("candidates", "final_only", "used"), TABLE)
def test_the_precedence_table(candidates, final_only, used):
    assert choose(candidates, final_only=final_only, key=lambda c: c) == used


kinds = st.sampled_from([(s, f) for s in (S, D, R, C) for f in (True, False)])


@given(st.lists(kinds, min_size=1, max_size=8, unique=True))
def test_a_report_never_beats_a_final_department_or_statistics_value(candidates):
    used = choose(candidates, key=lambda c: c)
    official = [c for c in candidates if c[0] in (S, D) and c[1]]
    if official:
        assert used in official
    assert choose(candidates, final_only=True, key=lambda c: c) in [c for c in candidates if c[1]] + [None]


def test_every_source_and_state_has_a_rank():
    assert {(s, f) for s in Source.values for f in (True, False)} == set(RANKING)


SKHCN_VALUES = {"rd_state_spending": 100_000, "rd_social_spending": 150_000,
                "rd_total_spending": 260_000, "postgrad_trained": 5, "phd_supported": 2,
                "msc_supported": 3, "tasks_proposed": 4, "sti_media_items": 120}


def fill(report, values=SKHCN_VALUES, **indicators):
    act.save_items(report, by=None, actions={i.action.code: {"status": "in_progress"}
                                             for i in report.action_items.select_related("action")},
                   indicators={code: {"value": Decimal(v)} for code, v in values.items()} | indicators)


def annual(plan, year=2025):
    return act.open_round(plan, kind="annual", year=year, deadline=date(year, 12, 10),
                          opened_on=date(year, 11, 1), by=None)


def test_a_report_leaves_the_departments_value_in_place_and_the_overview_uses_it(plan, users):
    skhcn = OrgUnit.objects.get(code="VL25.SKHCN")
    department = {code: set_value(Indicator.objects.get(code=code), skhcn, 2025, Decimal(v),
                                  by=users["plan_officer"])
                  for code, v in {"rd_state_spending": 100_000, "rd_social_spending": 250_000,
                                  "rd_total_spending": 400_000}.items()}
    report = annual(plan).reports.get(unit=skhcn)
    fill(report)
    act.submit_report(report, by=None)
    act.accept_report(report, by=users["reviewer"])

    social = DataValue.objects.filter(indicator__code="rd_social_spending", unit=skhcn,
                                      period="2025")
    assert {(v.source, v.final, v.value) for v in social} == {
        (D, True, Decimal(250_000)), (R, True, Decimal(150_000))}
    # The Department's 250.000 / 400.000 = 62,5 %, not the report's 150.000 / 260.000.
    assert Engine(plan).value("rd_social_share", "VL25.UBND", 2025).value == pytest.approx(62.5)
    t05 = next(s for s in overview(plan, use_cache=False) if s.target.code == "T05")
    assert t05.latest == (2025, pytest.approx(62.5))

    dept = department["rd_social_spending"]
    set_entry = AuditEntry.objects.get(action="metrics.set_value", object_id=str(dept.pk))
    assert set_entry.before is None and set_entry.after["value"] == "250000"
    reported = social.get(source=R)
    entries = list(AuditEntry.objects.filter(action="metrics.report_value",
                                             object_id=str(reported.pk)).order_by("pk"))
    assert [(e.before and e.before["final"], e.after["final"]) for e in entries] == [
        (None, False), (False, True)]
    assert Decimal(entries[0].after["value"]) == 150_000


def test_a_department_value_cannot_be_written_as_a_report(plan, users):
    with pytest.raises(ValidationError):
        set_value(Indicator.objects.get(code="tasks_proposed"),
                  OrgUnit.objects.get(code="VL25.SKHCN"), 2025, Decimal(1),
                  by=users["plan_officer"], source=Source.REPORTED)


def test_an_ad_hoc_round_writes_its_own_period_never_the_year(plan, users):
    report = annual(plan).reports.get(unit__code="VL25.SKHCN")
    fill(report)
    act.submit_report(report, by=None)
    act.accept_report(report, by=users["reviewer"])
    yearly = DataValue.objects.get(indicator__code="tasks_proposed", unit=report.unit, period="2025")

    ad_hoc = act.open_round(plan, kind="ad_hoc", year=2025, period="2025S2", by=None,
                            opened_on=date(2025, 11, 20), deadline=date(2025, 11, 30),
                            scope={"units": ["VL25.SKHCN"], "indicators": ["tasks_proposed"],
                                   "actions": ["III.1.1"]})
    assert ad_hoc.period == "2025S2"
    part = ad_hoc.reports.get()
    fill(part, values={"tasks_proposed": 9})
    act.submit_report(part, by=None)
    act.accept_report(part, by=users["reviewer"])

    again = DataValue.objects.get(pk=yearly.pk)
    assert (again.value, again.final, again.provenance) == (Decimal(4), True, yearly.provenance)
    half = DataValue.objects.get(indicator__code="tasks_proposed", unit=report.unit, period="2025S2")
    assert (half.value, half.period_type, half.provenance["round"]) == (Decimal(9), "six_monthly",
                                                                        ad_hoc.pk)
    assert Engine(plan, final_only=False).stored[("tasks_proposed", "VL25.SKHCN", 2025)] == 4.0


@pytest.mark.parametrize("period", ["2025", "2025X1", "2025Q5", "20251340"])
def test_an_ad_hoc_round_refuses_a_yearly_or_unknown_period(plan, period):
    with pytest.raises(ValidationError):
        act.open_round(plan, kind="ad_hoc", year=2025, period=period, by=None,
                       opened_on=date(2025, 11, 20), deadline=date(2025, 11, 30))


def test_an_ad_hoc_round_without_a_period_writes_to_its_opening_day(plan):
    round_ = act.open_round(plan, kind="ad_hoc", year=2025, by=None, opened_on=date(2025, 11, 20),
                            deadline=date(2025, 11, 30))
    assert round_.period == "20251120"


def test_a_blank_answer_leaves_the_yearly_figure_as_it_was(plan, users):
    report = annual(plan).reports.get(unit__code="VL25.SKHCN")
    fill(report)
    first = act.submit_report(report, by=None).version
    act.return_report(report, by=users["reviewer"],
                      comments={"indicator:sti_media_items": "Kiểm tra lại"})
    report.refresh_from_db()
    act.save_items(report, by=None, indicators={"sti_media_items": {
        "value": None, "note": "Chưa có số liệu chính thức"}})
    act.submit_report(report, by=None)
    kept = DataValue.objects.get(indicator__code="sti_media_items", unit=report.unit, period="2025")
    assert kept.value == 120 and kept.provenance["version"] == first
    assert not AuditEntry.objects.filter(action__startswith="metrics.", before__isnull=False,
                                         after__isnull=True).exists()


def test_the_indicator_page_shows_the_values_side_by_side(plan, users, client, login):
    skhcn = OrgUnit.objects.get(code="VL25.SKHCN")
    set_value(Indicator.objects.get(code="rd_social_spending"), skhcn, 2025, Decimal(250_000),
              by=users["plan_officer"])
    report = annual(plan).reports.get(unit=skhcn)
    fill(report)
    act.submit_report(report, by=None)
    row = 'data-period="2025" data-unit="VL25.SKHCN" data-source="{}"'
    public = client.get("/indicators/rd_social_spending/").content.decode()
    assert row.format("department") + ' data-used="1"' in public
    assert row.format("reported") not in public  # under review: the Department's eyes only
    staff = login("kehoach").get("/indicators/rd_social_spending/").content.decode()
    assert row.format("reported") + ">" in staff and f"/reporting/reports/{report.pk}/" in staff
    act.accept_report(report, by=users["reviewer"])
    public = client.get("/indicators/rd_social_spending/").content.decode()
    assert row.format("department") + ' data-used="1"' in public
    assert row.format("reported") + ">" in public  # shown, not used


@pytest.mark.parametrize(("period", "stored"), [("2025Q2", ("quarterly", 2025)),
                                                ("2026S1", ("six_monthly", 2026)),
                                                ("2025Q9", None)])
def test_a_value_entered_in_the_admin_takes_its_period(login, period, stored):
    client = login("quantri")
    indicator = Indicator.objects.get(code="tasks_proposed")
    unit = OrgUnit.objects.get(code="VL25.SKHCN")
    response = client.post("/admin/metrics/datavalue/add/", {
        "indicator": indicator.pk, "unit": unit.pk, "year": "", "period": period, "value": "3",
        "source": "department", "final": "on", "provenance": "{}"})
    found = DataValue.objects.filter(indicator=indicator, unit=unit, period=period).first()
    if stored is None:
        assert response.status_code == 200 and found is None
        assert "2025Q9" in response.content.decode()
    else:
        assert response.status_code == 302
        assert (found.period_type, found.year) == stored
