"""The open datasets (dữ liệu mở, Nghị định 47/2020): what each holds, its columns, its update
cadence, and its rows as a visitor may read them — the public rows only, through the one
permission table (`restrict` with an anonymous reader)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Prefetch
from django.utils.translation import gettext_lazy as _

from stiplan.core.constants import DEFAULT_PLAN
from stiplan.core.models import AuditEntry
from stiplan.metrics.dashboard import overview
from stiplan.metrics.models import DataValue
from stiplan.plans.models import Plan
from stiplan.registry.lifecycle import STATE_LABELS
from stiplan.registry.models import BudgetLine, IPAsset, Organisation, Output, Task
from stiplan.registry.principals import PRINCIPALS, principal_of

VISITOR = AnonymousUser()


@dataclass(frozen=True)
class Dataset:
    """One open dataset: `rows()` gives its rows, each a tuple in the order of `columns`;
    `sources` are the audit log's object types whose changes update it (its last-modified day)."""

    slug: str
    title: str
    description: str
    cadence: str  # a DCAT-style frequency: "daily", "annual", …
    keywords: tuple[str, ...]
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[tuple]]
    sources: tuple[str, ...]

    def modified(self) -> dt.datetime | None:
        """When a change of its data was last recorded (None: never)."""
        return (AuditEntry.objects.filter(object_type__in=self.sources, internal=False)
                .aggregate(at=Max("at"))["at"])


def indicator_values() -> Iterator[tuple]:
    values = (DataValue.objects.restrict(VISITOR).select_related("indicator", "unit")
              .order_by("indicator__code", "period", "unit__code", "source"))
    for v in values:
        yield (v.indicator.code, v.indicator.name, v.indicator.unit, v.period, v.unit.code,
               v.unit.name, v.source, v.value, v.synthetic, v.updated_at.date())


def plan_progress() -> Iterator[tuple]:
    plan = Plan.objects.restrict(VISITOR).filter(code=DEFAULT_PLAN).first()
    if plan is None:
        return
    for status in overview(plan):
        target, latest = status.target, status.latest
        yield (plan.code, target.code, target.indicator.code, target.wording, target.year,
               status.status, latest[0] if latest else None, latest[1] if latest else None,
               status.vi, status.en)


def tasks() -> Iterator[tuple]:
    budget = Prefetch("budget", BudgetLine.objects.order_by("year"))
    rows = (Task.objects.restrict(VISITOR).select_related("host", "field")
            .prefetch_related(PRINCIPALS, budget, "outputs").order_by("code"))
    for task in rows:
        principal = principal_of(task)
        certificates = sorted({o.certificate_number for o in task.outputs.all() if o.certificate_number})
        yield (task.code, task.title, task.level, task.kind, task.mechanism, task.regime,
               task.field.code if task.field else "", task.host.name if task.host else "",
               principal.full_name if principal else "",
               sum((line.amount for line in task.budget.all()), Decimal(0)),
               task.start_date, task.end_date, task.state, str(STATE_LABELS.get(task.state, "")),
               task.summary, "; ".join(certificates), task.synthetic)


def results() -> Iterator[tuple]:
    rows = (Output.objects.restrict(VISITOR).select_related("task", "ip_asset")
            .order_by("task__code", "pk"))
    for o in rows:
        yield (o.task.code, o.kind, o.title, o.year, o.certificate_number, o.registered_on,
               o.ip_asset.title if o.ip_asset else "")


def ip_assets() -> Iterator[tuple]:
    for a in IPAsset.objects.restrict(VISITOR).select_related("owner").order_by("kind", "title"):
        yield (a.kind, a.title, a.application_number, a.filed_on, a.number, a.granted_on,
               a.owner.name if a.owner else a.owner_name, a.source, a.synthetic)


def organisations() -> Iterator[tuple]:
    hosting = dict(Task.objects.restrict(VISITOR).order_by().values("host").annotate(n=Count("pk"))
                   .values_list("host", "n"))
    for o in Organisation.objects.restrict(VISITOR).order_by("code"):
        yield (o.code, o.name, o.short_name, o.kind, o.certificate_number, o.certified_on,
               o.website, hosting.get(o.pk, 0), o.synthetic)


DATASETS = {d.slug: d for d in (
    Dataset("indicator-values", _("Số liệu chỉ tiêu của kế hoạch"),
            _("Giá trị chính thức của các chỉ tiêu theo kỳ, đơn vị và nguồn (báo cáo đã chấp "
              "nhận, số liệu thống kê, Sở KH&CN nhập, tính toán)."),
            "annual", ("chỉ tiêu", "KH&CN", "ĐMST"),
            ("indicator", "indicator_name", "unit_of_measure", "period", "org_unit", "org_unit_name",
             "source", "value", "synthetic", "updated"),
            indicator_values, ("metrics.datavalue",)),
    Dataset("plan-progress", _("Tiến độ thực hiện các mục tiêu của kế hoạch"),
            _("Trạng thái từng mục tiêu của Kế hoạch 1925/QĐ-UBND: giá trị mới nhất, đánh giá "
              "khả năng đạt và lý do."),
            "daily", ("kế hoạch", "mục tiêu", "tiến độ"),
            ("plan", "target", "indicator", "wording", "target_year", "status", "latest_year",
             "latest_value", "reason_vi", "reason_en"),
            plan_progress, ("metrics.datavalue", "metrics.statusoverride", "plans.target")),
    Dataset("tasks", _("Nhiệm vụ khoa học và công nghệ"),
            _("Các nhiệm vụ đã được phê duyệt: cấp, loại, lĩnh vực, tổ chức chủ trì, chủ nhiệm, "
              "tổng kinh phí, thời gian, trạng thái, số đăng ký kết quả."),
            "daily", ("nhiệm vụ KH&CN", "đề tài", "dự án"),
            ("code", "title", "level", "kind", "mechanism", "regime", "field", "host",
             "principal_investigator", "budget_total_million_vnd", "start_date", "end_date",
             "state", "state_name", "summary", "registration_numbers", "synthetic"),
            tasks, ("registry.task", "registry.budgetline", "registry.taskmember", "registry.output")),
    Dataset("results", _("Kết quả của nhiệm vụ"),
            _("Kết quả, sản phẩm của các nhiệm vụ công khai: công bố, tài sản trí tuệ, giống, "
              "quy trình, đào tạo; số giấy chứng nhận đăng ký kết quả."),
            "daily", ("kết quả nghiên cứu", "đăng ký kết quả"),
            ("task", "kind", "title", "year", "certificate_number", "registered_on", "ip_asset"),
            results, ("registry.output", "registry.task")),
    Dataset("ip-assets", _("Tài sản trí tuệ"),
            _("Sáng chế, giải pháp hữu ích, kiểu dáng công nghiệp, nhãn hiệu, chỉ dẫn địa lý "
              "của tỉnh."),
            "daily", ("sở hữu trí tuệ", "nhãn hiệu", "chỉ dẫn địa lý"),
            ("kind", "title", "application_number", "filed_on", "number", "granted_on", "owner",
             "source", "synthetic"),
            ip_assets, ("registry.ipasset",)),
    Dataset("organisations", _("Tổ chức khoa học, công nghệ và doanh nghiệp"),
            _("Tổ chức KH&CN, trường, doanh nghiệp KH&CN, trung tâm ĐMST: loại, chứng nhận, số "
              "nhiệm vụ công khai chủ trì."),
            "daily", ("tổ chức KH&CN", "doanh nghiệp KH&CN"),
            ("code", "name", "short_name", "kind", "certificate_number", "certified_on", "website",
             "public_tasks_hosted", "synthetic"),
            organisations, ("registry.organisation",)),
)}
