"""Index pages: the province's profile, the what-if panel, yearly data entry and review, the
computation request, evidence downloads and the submission package."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from stiplan.analytics.vntext import NumberError, parse_number
from stiplan.core.permissions import access_of, can
from stiplan.core.views import RefusalMessagesMixin, RestrictedQuerysetMixin
from stiplan.index import actions as act
from stiplan.index import checks, compute, package, profile
from stiplan.index.models import IndexEdition, IndexValue, ValueState


def edition_of(request, year: int) -> IndexEdition:
    return get_object_or_404(IndexEdition.objects.restrict(request.user)
                             .select_related("framework"), year=year)


def not_a_number(code: str, raw: str) -> str:
    return _("%(code)s: «%(raw)s» không phải là số.") % {"code": code, "raw": raw[:40]}


def require_internal(request) -> None:
    if not access_of(request.user).internal:
        raise PermissionDenied


class IndexHomeView(View):
    """The newest edition's profile of the Department's province."""

    def get(self, request):
        edition = IndexEdition.objects.restrict(request.user).first()
        if edition is None:
            raise Http404
        chosen = request.GET.get("p", "")
        province = chosen if chosen in edition.unit_names() else edition.home
        return redirect("index-profile", year=edition.year, province=province)


class ProfileView(TemplateView):
    template_name = "index/profile.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        edition = edition_of(self.request, kwargs["year"])
        unit = kwargs["province"]
        names = edition.unit_names()
        if unit not in names:
            raise Http404
        pub = profile.published(edition, user)
        job = profile.latest_computation(edition, user)
        region = profile.region_peers(edition, unit)
        ctx.update(edition=edition, unit=unit, unit_name=names[unit], published=pub.get(unit),
                   published_n=len(pub), job=job, units=edition.units,
                   region_rows=profile.peer_rows(edition, region, pub, job),
                   can_compute=can(user, "index.compute", edition),
                   internal=access_of(user).internal)
        if job is not None and unit in job.results.get("units", []):
            grdp = profile.grdp_peers(edition, unit, user)
            ctx.update(computed=profile.computed(edition, job, unit),
                       grdp_rows=profile.peer_rows(edition, grdp, pub, job),
                       radar=profile.radar(edition, job, unit, [u for u in region if u != unit]),
                       whatif=whatif_rows(edition, unit, user))
        return ctx


def whatif_rows(edition: IndexEdition, unit: str, user) -> list[dict]:
    fw = edition.framework.tree()
    stored = dict(IndexValue.objects.restrict(user).filter(edition=edition, unit=unit)
                  .values_list("code", "value"))
    return [{"code": c, "name": fw.by_code[c].name, "unit": fw.by_code[c].unit,
             "value": stored.get(c), "pillar": fw.ancestor(c, fw.depth - 2)} for c in fw.indicators]


class WhatIfView(View):
    """Recompute with the posted values of one province (nothing is stored): new score and rank."""

    def post(self, request, year: int, province: str):
        require_internal(request)
        edition = edition_of(request, year)
        if province not in edition.unit_names():
            raise Http404
        fw = edition.framework.tree()
        changes, problems = {}, []
        for code in fw.indicators:
            raw = request.POST.get(f"v-{code}")
            if raw is None or not raw.strip():
                continue
            try:
                number = parse_number(raw)
            except NumberError:
                problems.append(not_a_number(code, raw))
                continue
            if number is not None:
                problems += checks.errors(fw, code, float(number))
                changes[code] = float(number)
        rows = IndexValue.objects.restrict(request.user).filter(edition=edition).values_list(
            "unit", "code", "value")
        units = [u["code"] for u in edition.units]
        rows = list(rows)
        base = compute.score_and_rank(fw, compute.unit_data(fw, units, rows), province)
        new = base if problems else compute.score_and_rank(
            fw, compute.unit_data(fw, units, rows, changes, province), province)
        if math.isnan(new[0]):
            problems.append(_("Không tính được điểm với các giá trị này."))
            new = base
        return render(request, "index/_whatif.html", {
            "base": base, "new": new, "problems": problems, "delta": new[0] - base[0],
            "rank_delta": base[1] - new[1]})


class EntryView(LoginRequiredMixin, TemplateView):
    """The Department's yearly values: one row per denominator and indicator, with its checks."""

    template_name = "index/entry.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_internal(request)
            if request.method == "POST" and not can(request.user, "index.enter_value"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        edition = edition_of(self.request, kwargs["year"])
        fw = edition.framework.tree()
        user = self.request.user
        values = {v.code: v for v in IndexValue.objects.restrict(user)
                  .filter(edition=edition, unit=edition.home).select_related("entered_by", "reviewed_by")}
        last = dict(IndexValue.objects.restrict(user).filter(
            edition__year=edition.year - 1, unit=edition.home).values_list("code", "value"))
        rows = []
        for code in list(fw.denominators) + list(fw.indicators):
            d = checks.definition_of(fw, code)
            v, den = values.get(code), values.get(d["denominator"] or "")
            rows.append({"code": code, "name": d["name"], "unit": d["unit"], "bounds": d["bounds"],
                         "denominator": d["denominator"], "v": v, "last": last.get(code),
                         "per": v.value / den.value if v and den and v.value is not None
                         and den.value else None,
                         "placeholder": fw.by_code[code].placeholder if code in fw.by_code else False,
                         "warnings": [checks.warning_text(w) for w in v.warnings] if v else []})
        counts = {s: sum(1 for v in values.values() if v.state == s) for s in ValueState.values}
        ctx.update(edition=edition, rows=rows, counts=counts, states=ValueState,
                   unit_name=edition.unit_names()[edition.home],
                   can_enter=can(user, "index.enter_value", edition),
                   can_review=can(user, "index.review_value", edition), factor=checks.CHANGE_FACTOR)
        return ctx

    def post(self, request, year: int):
        edition = edition_of(request, year)
        code = request.POST.get("code", "")
        raw = request.POST.get("value", "")
        try:
            number = parse_number(raw)
        except NumberError:
            messages.error(request, not_a_number(code, raw))
            return redirect("index-entry", year=year)
        upload = request.FILES.get("evidence")
        try:
            act.save_value(edition, code, value=float(number) if number is not None else None,
                              source=request.POST.get("source", ""),
                              explanation=request.POST.get("explanation", ""),
                              evidence=(upload.name, upload.read()) if upload else None, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu %(code)s.") % {"code": code})
        return redirect(f"{request.path}#v-{code}")


class ValueView(LoginRequiredMixin, RefusalMessagesMixin, RestrictedQuerysetMixin, View):
    """A step on one index value the user may see; a refusal is shown on the entry page."""

    queryset = IndexValue.objects.select_related("edition")

    def refused(self, exc):
        return redirect(self.at_value())

    def at_value(self) -> str:
        """The entry page at the value's row."""
        return f"{_entry_url(self.item)}#v-{self.item.code}"


class ValueStepView(ValueView):
    """A step for those who hold `permission`: `step(item)` acts on the value and says so; the
    entry page is shown again at the value."""

    permission = ""

    def post(self, request, value_id: int):
        if not can(request.user, self.permission):
            raise PermissionDenied
        self.item = self.visible_object(pk=value_id)
        self.step(self.item)
        return redirect(self.at_value())

    def step(self, item: IndexValue) -> None:
        raise NotImplementedError


class CheckView(ValueStepView):
    permission = "index.enter_value"

    def step(self, item):
        act.mark_checked(item, by=self.request.user)
        messages.success(self.request, _("%(code)s: đã gửi thẩm định.") % {"code": item.code})


class ReviewView(ValueStepView):
    permission = "index.review_value"

    def step(self, item):
        request = self.request
        try:
            act.review_value(item, approve=request.POST.get("decision") == "accept",
                                reason=request.POST.get("reason", ""), by=request.user)
        except PermissionDenied as exc:  # a reviewer may not review their own entry: say so
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(code)s: đã ghi kết quả thẩm định.") % {"code": item.code})


def _entry_url(item: IndexValue) -> str:
    return reverse("index-entry", kwargs={"year": item.edition.year})


class ComputeView(LoginRequiredMixin, View):
    def post(self, request, year: int):
        if not can(request.user, "index.compute"):
            raise PermissionDenied
        edition = edition_of(request, year)
        act.request_computation(edition, by=request.user)
        messages.success(request, _("Đã yêu cầu tính lại chỉ số; kết quả hiện khi tính xong."))
        return redirect("index-profile", year=year, province=edition.home)


class EvidenceView(ValueView):
    def get(self, request, value_id: int):
        item = self.visible_object(pk=value_id)
        if not item.evidence:
            raise Http404
        response = FileResponse(item.evidence.open("rb"), as_attachment=True,
                                filename=item.evidence_name, content_type=item.evidence_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class PackageView(LoginRequiredMixin, View):
    """The ZIP for the Academy's form: values (CSV, XLSX), sources, evidence, manifest."""

    def get(self, request, year: int):
        if not can(request.user, "index.export_package"):
            raise PermissionDenied
        edition = edition_of(request, year)
        values = list(IndexValue.objects.restrict(request.user).filter(
            edition=edition, unit=edition.home).select_related("entered_by", "reviewed_by"))
        body = package.build(edition, values, request.user.get_username())
        response = HttpResponse(body, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="pii-{edition.year}-{edition.home}.zip"')
        return response
