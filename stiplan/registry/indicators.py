"""The plan's indicators the registry holds the data for (issue 12, point 7), computed for one
year from the registry's rows, each with its provenance: the ids and codes of the rows behind it.

What is counted for year Y (docs/registry.md, "Plan indicators fed by the registry"):

- `phd_supported`, `msc_supported` (section II.2, targets T10, T11, T13, T14): people trained
  through a task, from outputs of kind «đào tạo tiến sĩ» / «đào tạo thạc sĩ» of year Y; a person
  counts once however many tasks name them, an output naming nobody counts as one person;
- `st_enterprises`: organisations of kind «doanh nghiệp KH&CN» certified on or before 31/12/Y
  (one without a certification date is listed in the provenance, not counted);
- `ip_applications`: IP assets filed in Y, with the tasks whose outputs they are;
- `accepted_tasks_applied`: of the tasks accepted (nghiệm thu) on or before 31/12/Y, the share
  (%) whose latest application report (Mẫu 12) of Y or earlier says applied.

Only the codes that exist as indicators (the plan's, or the data elements of its indicator
set-up) are written: stiplan.registry.actions.feed_indicators. The rows are read without a
reader's scope (the counts are the registry's whole); the indicator page shows each reader only
the tasks they may see (`task_links`, registered with stiplan.metrics.links).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stiplan.metrics.links import Behind, Link
from stiplan.registry.models import (
    IPAsset,
    Organisation,
    OrganisationKind,
    Output,
    OutputKind,
    ResultApplication,
    Task,
    TaskStep,
)

FEED = "registry"

#: The indicators the registry can compute: code → what it is (for the command's answer).
INDICATORS = {
    "phd_supported": "tiến sĩ được đào tạo qua nhiệm vụ KH&CN / PhDs trained through S&T tasks",
    "msc_supported": "thạc sĩ được đào tạo qua nhiệm vụ KH&CN / MScs trained through S&T tasks",
    "st_enterprises": "doanh nghiệp KH&CN có giấy chứng nhận / certified S&T enterprises",
    "ip_applications": "đơn đăng ký sở hữu trí tuệ nộp trong năm / IP applications filed",
    "accepted_tasks_applied": "tỷ lệ nhiệm vụ đã nghiệm thu được ứng dụng (%) / "
                              "share of accepted tasks applied (%)",
}
#: Not computed: no population series exists in the indicator engine (data/reporting has none;
#: only the index's PII framework has a «pop10k» denominator, per edition, in the index app).
NOT_COMPUTED = {
    "ip_applications_per_10k": "no population series in the indicator set-up",
}


@dataclass(frozen=True)
class Fed:
    """One indicator's value for a year (None: undefined, e.g. a share of no task), the
    provenance to store with it, and whether anything behind it is synthetic."""

    code: str
    value: Decimal | None
    provenance: dict
    synthetic: bool = False

    @property
    def rows_behind(self) -> int:
        p = self.provenance
        return sum(len(p.get(k, ())) for k in ("outputs", "organisations", "ip_assets", "tasks"))


def _tasks(tasks) -> list[dict]:
    return [{"id": t.pk, "code": t.code} for t in sorted(set(tasks), key=lambda t: (t.code, t.pk))]


def _provenance(code: str, year: int, rule: str, **rows) -> dict:
    return {"feed": FEED, "indicator": code, "year": year, "rule": rule, **rows}


def trained(year: int, kind: str, code: str) -> Fed:
    outputs = list(Output.objects.restrict(None).filter(kind=kind, year=year)
                   .select_related("task").order_by("task__code", "pk"))
    people = {("person", o.person_id) if o.person_id else ("output", o.pk) for o in outputs}
    return Fed(code, Decimal(len(people)), _provenance(
        code, year, f"outputs of kind {kind} of the year, one per person",
        outputs=[o.pk for o in outputs], tasks=_tasks(o.task for o in outputs)),
        any(o.task.synthetic for o in outputs))


def st_enterprises(year: int) -> Fed:
    end = dt.date(year, 12, 31)
    kind = Organisation.objects.restrict(None).filter(kind=OrganisationKind.ST_ENTERPRISE)
    counted = list(kind.filter(certified_on__lte=end).order_by("code"))
    undated = list(kind.filter(certified_on__isnull=True).order_by("code"))
    return Fed("st_enterprises", Decimal(len(counted)), _provenance(
        "st_enterprises", year, "certified S&T enterprises, certified on or before 31/12",
        organisations=[{"id": o.pk, "code": o.code, "certificate": o.certificate_number}
                       for o in counted],
        undated=[{"id": o.pk, "code": o.code} for o in undated]),
        any(o.synthetic for o in counted))


def ip_applications(year: int) -> Fed:
    assets = list(IPAsset.objects.restrict(None).filter(filed_on__year=year).order_by("pk"))
    tasks = Task.objects.restrict(None).filter(outputs__ip_asset__in=assets).distinct()
    return Fed("ip_applications", Decimal(len(assets)), _provenance(
        "ip_applications", year, "IP assets filed in the year",
        ip_assets=[{"id": a.pk, "kind": a.kind, "application": a.application_number}
                   for a in assets],
        tasks=_tasks(tasks)),
        any(a.synthetic for a in assets))


def accepted_tasks_applied(year: int) -> Fed:
    end = dt.date(year, 12, 31)
    accepted = list(Task.objects.restrict(None).filter(
        pk__in=TaskStep.objects.restrict(None).filter(step="accept", on__lte=end)
        .values("task_id")))
    latest: dict[int, bool] = {}
    for task_id, applied in (ResultApplication.objects.restrict(None)
                             .filter(task__in=accepted, year__lte=year)
                             .order_by("task_id", "year").values_list("task_id", "applied")):
        latest[task_id] = applied  # the last year's report wins
    applied = [t for t in accepted if latest.get(t.pk)]
    share = (Decimal(100 * len(applied)) / Decimal(len(accepted))).quantize(Decimal("0.01")) \
        if accepted else None
    return Fed("accepted_tasks_applied", share, _provenance(
        "accepted_tasks_applied", year,
        "tasks accepted on or before 31/12 whose latest application report of the year or "
        "earlier says applied, in % of the accepted",
        tasks=_tasks(accepted), applied=[t["id"] for t in _tasks(applied)]),
        any(t.synthetic for t in accepted))


def compute(year: int) -> list[Fed]:
    """Every indicator the registry can compute, for `year`."""
    return [trained(year, OutputKind.TRAINED_PHD, "phd_supported"),
            trained(year, OutputKind.TRAINED_MSC, "msc_supported"),
            st_enterprises(year), ip_applications(year), accepted_tasks_applied(year)]


# --- The tasks behind a value, for the indicator page ------------------------------------------

def _task_ids(provenance) -> list[int]:
    rows = provenance.get("tasks", []) if isinstance(provenance, dict) else []
    return [r["id"] for r in rows if isinstance(r, dict) and isinstance(r.get("id"), int)]


def task_links(values: list, user) -> dict:
    """For each value fed by the registry: links to the tasks behind it that `user` may see
    (Task.objects.restrict), and the number of the others, which are neither named nor linked."""
    wanted = {pk for v in values for pk in _task_ids(v.provenance)}
    visible = dict(Task.objects.restrict(user).filter(pk__in=wanted).values_list("pk", "code"))
    found = {}
    for value in values:
        ids = _task_ids(value.provenance)
        if not ids:
            continue
        links = [Link(reverse("task-detail", kwargs={"pk": pk}), visible[pk])
                 for pk in ids if pk in visible]
        hidden = len(ids) - len(links)
        found[value.pk] = Behind(
            heading=_("Các nhiệm vụ"), links=links, hidden=hidden,
            hidden_text=ngettext("%(n)s nhiệm vụ khác không được công khai",
                                 "%(n)s nhiệm vụ khác không được công khai", hidden) % {"n": hidden})
    return found
