"""The yearly results scorecard of public S&T organisations (bảng kết quả hằng năm của tổ chức
KH&CN công lập), for results-based allocation: computed from the registry's rows, with one figure
entered by the Department (revenue from S&T services, ServiceRevenue). Each column's rule is
written next to it in COLUMNS; `workbook` writes the same table as XLSX.

The registry does not record whether an organisation is public: the scorecard lists the
organisations of the kinds in SCORECARD_KINDS and any other one whose revenue was entered."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from stiplan.registry.lifecycle import PUBLIC_STATES
from stiplan.registry.models import (
    IPAsset,
    Organisation,
    OrganisationKind,
    Output,
    OutputKind,
    ResultApplication,
    ServiceRevenue,
    Task,
    TaskStep,
)

SCORECARD_KINDS = (OrganisationKind.ST_ORGANISATION, OrganisationKind.UNIVERSITY)
TRAINED = (OutputKind.TRAINED_PHD, OutputKind.TRAINED_MSC)

#: (attribute, heading, the rule) in the order of the table.
COLUMNS = (
    ("won", _("Nhiệm vụ được giao mới"), _("nhiệm vụ chủ trì được phê duyệt trong năm")),
    ("hosted", _("Nhiệm vụ đang chủ trì"), _("nhiệm vụ đã phê duyệt, thời gian thực hiện gồm năm")),
    ("accepted", _("Nhiệm vụ nghiệm thu đạt"), _("bước nghiệm thu đạt trong năm")),
    ("applied", _("Nhiệm vụ có kết quả ứng dụng"), _("báo cáo ứng dụng của năm: đã ứng dụng")),
    ("outputs", _("Kết quả, sản phẩm"), _("kết quả ghi năm đó, trừ đào tạo")),
    ("ip_filed", _("Đơn SHTT nộp"), _("tài sản trí tuệ của tổ chức nộp đơn trong năm")),
    ("ip_granted", _("Văn bằng SHTT được cấp"), _("tài sản trí tuệ của tổ chức được cấp văn bằng trong năm")),
    ("phd", _("Tiến sĩ được đào tạo"), _("số người, qua kết quả của nhiệm vụ chủ trì")),
    ("msc", _("Thạc sĩ được đào tạo"), _("số người, qua kết quả của nhiệm vụ chủ trì")),
    ("revenue", _("Doanh thu dịch vụ KH&CN (triệu đồng)"), _("số liệu Sở nhập theo báo cáo của tổ chức")),
)


@dataclass(frozen=True)
class ScorecardRow:
    organisation: Organisation
    won: int
    hosted: int
    accepted: int
    applied: int
    outputs: int
    ip_filed: int
    ip_granted: int
    phd: int
    msc: int
    revenue: Decimal | None

    @property
    def values(self) -> list:
        return [getattr(self, name) for name, _heading, _rule in COLUMNS]


def _per_host(pairs) -> Counter:
    """(organisation, thing) pairs → how many different things per organisation."""
    return Counter(host for host, _thing in set(pairs))


def scorecard(year: int) -> list[ScorecardRow]:
    """One row per organisation (SCORECARD_KINDS, or with revenue entered for `year`), by name."""
    revenue = dict(ServiceRevenue.objects.filter(year=year).values_list("organisation", "amount"))
    organisations = Organisation.objects.filter(Q(kind__in=SCORECARD_KINDS) | Q(pk__in=list(revenue)))
    steps = TaskStep.objects.filter(on__year=year)
    won = _per_host(steps.filter(step="approve").values_list("task__host", "task"))
    accepted = _per_host(steps.filter(step="accept").values_list("task__host", "task"))
    hosted = _per_host(Task.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__year__gte=year), state__in=PUBLIC_STATES,
        start_date__year__lte=year).values_list("host", "pk"))
    applied = _per_host(ResultApplication.objects.filter(year=year, applied=True)
                        .values_list("task__host", "task"))
    outputs = Output.objects.filter(year=year)
    made = _per_host(outputs.exclude(kind__in=TRAINED).values_list("task__host", "pk"))
    trained = {kind: _per_host(outputs.filter(kind=kind).values_list("task__host", "person"))
               for kind in TRAINED}
    filed = _per_host(IPAsset.objects.filter(filed_on__year=year).values_list("owner", "pk"))
    granted = _per_host(IPAsset.objects.filter(granted_on__year=year).values_list("owner", "pk"))
    return [ScorecardRow(org, won[org.pk], hosted[org.pk], accepted[org.pk], applied[org.pk],
                         made[org.pk], filed[org.pk], granted[org.pk],
                         trained[OutputKind.TRAINED_PHD][org.pk],
                         trained[OutputKind.TRAINED_MSC][org.pk], revenue.get(org.pk))
            for org in organisations.order_by("name")]


def workbook(year: int, rows: list[ScorecardRow]) -> bytes:
    """The scorecard as an XLSX sheet: a title, the headings, one row per organisation, and the
    rule of each column under the table."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"Ket qua {year}"
    ws.append([str(_("Bảng kết quả hằng năm của tổ chức KH&CN công lập, năm %(year)s")) % {"year": year}])
    ws.append([str(_("Tổ chức")), *(str(heading) for _name, heading, _rule in COLUMNS)])
    for row in rows:
        ws.append([row.organisation.name, *(float(v) if isinstance(v, Decimal) else v
                                            for v in row.values)])
    ws.append([])
    for _name, heading, rule in COLUMNS:
        ws.append([str(heading), str(rule)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
