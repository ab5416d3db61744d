"""Demo reporting rounds 2023–2025 with synthetic but plausible content (dữ liệu minh họa).

Magnitudes follow CONTEXT §8 (former Vĩnh Long: GRDP ≈ 70.000 billion VND at current prices;
the merged province ≈ 3 times that). Every number and sentence here is SYNTHETIC.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from stiplan.core.constants import DEFAULT_PLAN
from stiplan.plans.models import Plan
from stiplan.reporting import actions as act
from stiplan.reporting.models import ActionStatus, ReportState, Round, RoundKind, UnitReport

SOURCE = "Số liệu minh họa (tổng hợp), không phải số liệu chính thức"
HISTORY = "Lịch sử minh họa: ngày gửi, ngày chấp nhận của các kỳ trước"
SCALE = {2023: 1.0, 2024: 1.08, 2025: 3.3}  # the 2025 reports are those of the merged province
BASE = {  # former Vĩnh Long, 2023, in the indicator's unit
    "grdp_current": 70_500, "total_budget_spending": 12_400_000, "sti_budget_spending": 118_000,
    "rd_state_spending": 36_500, "rd_social_spending": 41_000, "rd_total_spending": 79_800,
    "postgrad_trained": 4, "phd_supported": 2, "msc_supported": 3, "stem_schools": 96,
    "vocational_sti_courses": 14, "sti_media_items": 420, "tasks_proposed": 3,
}
DONE = [
    "Đã ban hành kế hoạch triển khai của đơn vị và phân công đầu mối theo dõi.",
    "Tổ chức {n} hội nghị, tập huấn với {m} lượt người tham dự.",
    "Phối hợp với Sở Khoa học và Công nghệ triển khai {n} hoạt động trong năm.",
    "Lồng ghép nội dung nhiệm vụ vào kế hoạch công tác năm của đơn vị.",
]
RESULTS = [
    "{n} sản phẩm, mô hình được ứng dụng tại địa phương.",
    "Hoàn thành {n}/{m} chỉ tiêu đề ra trong năm.",
    "Đề xuất {n} nhiệm vụ khoa học và công nghệ cấp tỉnh.",
]
DIFFICULTIES = [
    "Kinh phí bố trí còn hạn chế; nhân lực theo dõi kiêm nhiệm.",
    "Thủ tục thanh quyết toán nhiệm vụ khoa học và công nghệ còn phức tạp.",
    "",
]
PROPOSALS = [
    "Đề nghị Sở Khoa học và Công nghệ tổ chức tập huấn về quản lý nhiệm vụ.",
    "Đề nghị bổ sung kinh phí sự nghiệp khoa học cho năm sau.",
    "",
]


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(8 + rng.randrange(9), rng.randrange(60))))


def _fill(report: UnitReport, year: int, rng: random.Random, reporter) -> None:
    actions = {}
    for item in report.action_items.select_related("action"):
        status = rng.choices(list(ActionStatus.values), weights=[1, 6, 3, 1])[0]
        actions[item.action.code] = {
            "status": status,
            "done": rng.choice(DONE).format(n=rng.randint(2, 12), m=rng.randint(40, 400)),
            "results": rng.choice(RESULTS).format(n=rng.randint(1, 6), m=rng.randint(6, 9)),
            "difficulties": rng.choice(DIFFICULTIES[:2]) if status == ActionStatus.BLOCKED
            else rng.choice(DIFFICULTIES),
            "proposals": rng.choice(PROPOSALS),
        }
    indicators = {}
    for item in report.indicator_items.select_related("indicator"):
        base = BASE.get(item.indicator.code, 5) * SCALE[year] * rng.uniform(0.93, 1.07)
        whole = item.indicator.value_type in ("count",) or base > 1000
        value = Decimal(round(base)) if whole else Decimal(str(round(base, 1)))
        indicators[item.indicator.code] = {"value": value, "source": SOURCE, "note": "",
                                           "explanation": ""}
    fix_totals(report, indicators)
    act.save_items(report, by=reporter, actions=actions, indicators=indicators, source="demo")


def fix_totals(report: UnitReport, indicators: dict) -> None:
    """Keep the demo consistent with the rules: total R&D = state + social (+ a little)."""
    state, social = indicators.get("rd_state_spending"), indicators.get("rd_social_spending")
    if state and social and "rd_total_spending" in indicators:
        indicators["rd_total_spending"]["value"] = state["value"] + social["value"] + 2300


def _finish(report: UnitReport, submitted: datetime, reviewer, reporter, accept: bool) -> None:
    act.submit_report(report, by=reporter)
    act.set_report_dates(report, submitted_at=submitted, by=None, reason=HISTORY)
    report.refresh_from_db()
    if accept:
        act.accept_report(report, by=reviewer)
        act.set_report_dates(report, submitted_at=submitted, accepted_at=submitted + timedelta(days=3),
                             by=None, reason=HISTORY)


def create_demo_rounds() -> list[Round]:
    """The 2023 and 2024 rounds (all accepted, some late) and the 2025 round, opened before the
    July 2025 merger and carried over to the new units; one report returned and resubmitted."""
    plan = Plan.objects.get(code=DEFAULT_PLAN)
    if plan.rounds.exists():
        return list(plan.rounds.all())
    User = get_user_model()
    reporter = None  # the demo content is entered by the system on the units' behalf
    reviewer = User.objects.get(username="thamdinh")
    rng = random.Random(1925)
    rounds = []
    for year in (2023, 2024):
        round_ = act.open_round(plan, kind=RoundKind.ANNUAL, year=year, by=None,
                                opened_on=date(year, 11, 1), deadline=date(year, 12, 10))
        for i, report in enumerate(round_.reports.select_related("unit").order_by("unit__code")):
            _fill(report, year, rng, reporter)
            late = i % 9 == 4
            day = date(year, 12, 10) + timedelta(days=rng.randint(2, 15)) if late else date(
                year, 12, 10) - timedelta(days=rng.randint(0, 20))
            _finish(report, _at(day, rng), reviewer, reporter, accept=True)
        rounds.append(act.close_round(round_, by=None))
    round_ = act.open_round(plan, kind=RoundKind.ANNUAL, year=2025, by=None,
                            opened_on=date(2025, 6, 2), deadline=date(2025, 12, 10))
    act.sync_round(round_, date(2025, 7, 1), by=None)
    live = list(round_.reports.exclude(state=ReportState.TRANSFERRED).select_related("unit")
                .order_by("unit__code"))
    for i, report in enumerate(live):
        if i % 7 == 6:
            continue  # not submitted: shows on the board as overdue
        _fill(report, 2025, rng, reporter)
        late = i % 5 == 3
        day = date(2025, 12, 10) + timedelta(days=rng.randint(1, 12)) if late else date(
            2025, 12, 10) - timedelta(days=rng.randint(0, 25))
        returned = report.unit.code == "VL25.SGDDT"
        _finish(report, _at(day, rng), reviewer, reporter, accept=not returned and i % 4 != 1)
        if returned:
            item = report.action_items.select_related("action").first()
            act.return_report(report, by=reviewer, comments={
                f"action:{item.action.code}": "Đề nghị bổ sung số trường và số học sinh tham gia "
                                              "giáo dục STEM."})
            act.save_items(report, by=reporter, actions={item.action.code: {
                "results": "96 trường phổ thông với 41.300 học sinh tham gia giáo dục STEM "
                           "(số liệu minh họa)."}})
            act.submit_report(report, by=reporter)
            act.accept_report(report, by=reviewer)
    rounds.append(round_)
    rounds.append(_ad_hoc_round(plan, rng, reviewer))
    return rounds


AD_HOC_ANSWERS = {
    "Q1": ["Đã ứng dụng {n} tiến bộ kỹ thuật vào sản xuất trong 6 tháng đầu năm.",
           "Triển khai {n} mô hình ứng dụng chuyển đổi số tại đơn vị.",
           "Chưa có kết quả mới; đang hoàn thiện {n} hồ sơ đề xuất."],
    "Q2": ["Đề nghị hỗ trợ kinh phí cho {n} mô hình nhân rộng.",
           "Cần tập huấn thêm về đổi mới sáng tạo cho {n} cán bộ.",
           "Không có khó khăn; đơn vị tiếp tục triển khai {n} nội dung theo kế hoạch."],
}


def _ad_hoc_round(plan: Plan, rng: random.Random, reviewer) -> Round:
    """An ad hoc request of June 2026 to six departments, with two questions; five answer. Its
    values belong to the first half of 2026 (2026S1), never to a year's figure."""
    round_ = act.open_round(
        plan, kind=RoundKind.AD_HOC, year=2026, period="2026S1", by=None,
        opened_on=date(2026, 6, 1), deadline=date(2026, 6, 20),
        title="Báo cáo đột xuất: kết quả ứng dụng tiến bộ khoa học và công nghệ 6 tháng đầu năm 2026",
        scope={"units": ["VL25.SKHCN", "VL25.STC", "VL25.SGDDT", "VL25.SNNMT", "VL25.SCT",
                         "VL25.SYT"],
               "actions": ["III.1.1", "III.2.1"], "indicators": ["tasks_proposed"],
               "questions": [
                   {"code": "Q1", "text": "Kết quả ứng dụng tiến bộ khoa học và công nghệ của đơn "
                                          "vị trong 6 tháng đầu năm 2026?"},
                   {"code": "Q2", "text": "Khó khăn và đề xuất của đơn vị?"}]})
    for i, report in enumerate(round_.reports.select_related("unit").order_by("unit__code")):
        if i == 5:
            continue  # one unit has not answered yet
        _fill(report, 2025, rng, None)
        act.save_items(report, by=None, source="demo", questions={
            code: {"answer": rng.choice(texts).format(n=rng.randint(1, 9))}
            for code, texts in AD_HOC_ANSWERS.items()})
        _finish(report, _at(date(2026, 6, 10) + timedelta(days=rng.randint(0, 14)), rng), reviewer,
                None, accept=True)
    return round_
