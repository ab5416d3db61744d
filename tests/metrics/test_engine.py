"""Province series: restated across the 2025 merger (amounts summed, ratios recomputed),
cumulative counts, and only accepted values counted as final."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stiplan.analytics import formula as fx
from stiplan.metrics.engine import Engine
from stiplan.metrics.models import DataValue
from stiplan.reporting.actions import accept_report, open_round, save_items, submit_report

pytestmark = pytest.mark.django_db
OLD = ("VL.UBND", "BT.UBND", "TV.UBND")
amounts = st.floats(1, 1e7, allow_nan=False)


@pytest.fixture
def engine(plan):
    return Engine(plan)


def fresh(engine, stored: dict) -> Engine:
    engine.stored = stored
    engine._memo = {}
    engine.formulas["test_ratio"] = fx.parse("share(rd_social_spending, rd_total_spending)")
    return engine


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60,
          deadline=None)
@given(st.tuples(amounts, amounts, amounts), st.tuples(amounts, amounts, amounts))
def test_restated_amounts_are_sums_and_ratios_are_recomputed(engine, social, total):
    stored = {}
    for unit, s, t in zip(OLD, social, total, strict=True):
        stored[("rd_social_spending", unit, 2022)] = s
        stored[("rd_total_spending", unit, 2022)] = t
    e = fresh(engine, stored)
    restated = e.value("rd_social_spending", "VL25.UBND", 2022)
    assert restated.restated and restated.value == pytest.approx(sum(social))
    ratio = e.value("test_ratio", "VL25.UBND", 2022)
    assert ratio.restated and ratio.value == pytest.approx(100 * sum(social) / sum(total))
    averaged = sum(100 * s / t for s, t in zip(social, total, strict=True)) / 3
    if abs(averaged - ratio.value) > 1e-6 * max(1.0, abs(averaged)):
        assert ratio.value != pytest.approx(averaged)


def test_a_missing_former_province_leaves_the_restated_value_unknown(engine):
    e = fresh(engine, {("rd_total_spending", "VL.UBND", 2022): 5.0,
                       ("rd_total_spending", "BT.UBND", 2022): 6.0})
    point = e.value("rd_total_spending", "VL25.UBND", 2022)
    assert point.value is None and point.restated


def test_cumulative_targets_count_from_the_plan_start(engine):
    e = fresh(engine, {("phd_supported", "VL.UBND", 2022): 9.0,  # before the plan: not counted
                       ("phd_supported", "VL.UBND", 2023): 2.0,
                       ("phd_supported", "VL.UBND", 2024): 3.0})
    assert e.value("phd_supported", "VL.UBND", 2024).value == 5.0


def test_only_accepted_values_are_final(plan, users):
    round_ = open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                        opened_on=date(2025, 11, 1), by=None)
    report = round_.reports.get(unit__code="VL25.SKHCN")
    values = {"rd_state_spending": 100_000, "rd_social_spending": 150_000,
              "rd_total_spending": 260_000, "postgrad_trained": 5, "phd_supported": 2,
              "msc_supported": 3, "tasks_proposed": 4, "sti_media_items": 120}
    save_items(report, by=None, actions={i.action.code: {"status": "in_progress"}
                                         for i in report.action_items.select_related("action")},
               indicators={code: {"value": Decimal(v)} for code, v in values.items()})
    submit_report(report, by=None)
    provisional = DataValue.objects.get(indicator__code="rd_social_spending", unit=report.unit)
    assert not provisional.final and provisional.provenance["report"] == report.pk
    assert Engine(plan).value("rd_social_share", "VL25.UBND", 2025).value is None
    accept_report(report, by=users["reviewer"])
    assert DataValue.objects.get(indicator__code="rd_social_spending", unit=report.unit).final
    share = Engine(plan).value("rd_social_share", "VL25.UBND", 2025)
    assert share.value == pytest.approx(100 * 150_000 / 260_000) and not share.restated


def test_status_command_prints_every_target(plan):
    out = io.StringIO()
    call_command("indicators", "status", "--plan", plan.code, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    codes = [t["code"] for t in data["targets"]]
    assert codes == list(plan.targets.values_list("code", flat=True)) and len(codes) == 15
    for target in data["targets"]:
        assert target["status"] in {"achieved", "on_track", "at_risk", "off_track", "no_data"}
        assert target["explanation"] and target["explanation_en"]
        assert {"latest", "forecast", "wording", "year"} <= set(target)
