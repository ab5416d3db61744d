"""`stiplan growth tfp` on a file, and status overrides by officers (audited, reasoned)."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from stiplan.core.models import AuditEntry
from stiplan.metrics.actions import override_status
from stiplan.metrics.status import plan_status

pytestmark = pytest.mark.django_db


def test_tfp_from_a_csv_with_investment(tmp_path):
    path = tmp_path / "growth.csv"
    path.write_text("year,output,labour,investment\n2020,100,50,30\n2021,106,51,32\n"
                    "2022,112.4,52,34\n", encoding="utf-8")
    out = io.StringIO()
    call_command("growth", "tfp", "--csv", str(path), "--alpha", "0.4", "--initial-stock", "300",
                 "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    first = data["yearly"][0]
    parts = first["capital_contribution"] + first["labour_contribution"] + first["tfp_growth"]
    assert parts == pytest.approx(first["output_growth"], abs=1e-3)
    assert data["period"]["from"] == 2020 and data["period"]["to"] == 2022


def test_a_bad_csv_line_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("year,output,labour,capital\n2020,100,50,300\n2021,abc,51,310\n",
                    encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 3"):
        call_command("growth", "tfp", "--csv", str(path))


def test_an_officer_overrides_a_status_with_a_reason(plan, users):
    target = plan.targets.get(code="T03")
    before = AuditEntry.objects.count()
    override_status(target, "at_risk", "Số liệu 2025 của Cục Thống kê chưa công bố", by=users["plan_officer"])
    status = next(s for s in plan_status(plan) if s.target == target)
    assert status.status == "at_risk" and "Cục Thống kê" in status.vi
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.latest("id").action == "metrics.override_status"


def test_overrides_need_a_reason_and_the_right(plan, users):
    target = plan.targets.get(code="T03")
    with pytest.raises(ValidationError):
        override_status(target, "at_risk", "  ", by=users["plan_officer"])
    with pytest.raises(PermissionDenied):
        override_status(target, "achieved", "vì muốn thế", by=users["reporter"])


def test_a_formula_is_checked_when_saved(plan):
    from stiplan.metrics.admin import ComputationForm
    from stiplan.plans.models import Indicator

    indicator = Indicator.objects.get(code="grdp_current")
    bad = ComputationForm(data={"indicator": indicator.pk, "formula": "__import__('os')"})
    assert not bad.is_valid() and "__" in str(bad.errors)
    looping = ComputationForm(data={"indicator": indicator.pk,
                                    "formula": "st_investment_grdp * 2"})
    assert not looping.is_valid() and "vòng tròn" in str(looping.errors)
    good = ComputationForm(data={"indicator": indicator.pk, "formula": "grdp_constant * 1.8"})
    assert good.is_valid(), good.errors


def test_the_indicator_page_takes_an_override_from_an_officer_only(client, plan, users):
    client.force_login(users["reporter"])
    refused = client.post("/indicators/st_investment_grdp/",
                          {"target": "T03", "status": "at_risk", "reason": "thử"})
    assert refused.status_code == 403
    client.force_login(users["plan_officer"])
    done = client.post("/indicators/st_investment_grdp/",
                       {"target": "T03", "status": "at_risk", "reason": "Chờ số liệu chính thức"})
    assert done.status_code == 302
    assert plan.targets.get(code="T03").overrides.get(active=True).status == "at_risk"
