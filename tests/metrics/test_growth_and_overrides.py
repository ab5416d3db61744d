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
