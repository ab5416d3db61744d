"""Competitions pages and the scorecard. The list and a call's page are public: a visitor sees the
calls and, once the results are published, the winners (or recognised initiatives) with their
decisions — never an entry that did not win, a score, or who sat on the council (those rows are
internal, stiplan.core.permissions). The Department manages a call on its page, each form posting
its `form` name to an action; judging itself happens on the council's page. The scorecard is the
Department's, with its XLSX export."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from stiplan.core.constants import MIME_XLSX
from stiplan.core.permissions import access_of, can
from stiplan.core.tables import download
from stiplan.core.views import RestrictedQuerysetMixin
from stiplan.registry.actions import Decision
from stiplan.registry.councils import TIE_RULE
from stiplan.registry.models import Call, Consensus, Council, Entry, Organisation
from stiplan.registry.recognition import actions as act
from stiplan.registry.recognition.forms import (
    AwardForm,
    CallForm,
    EntryForm,
    JudgingForm,
    PublishForm,
    RevenueForm,
)
from stiplan.registry.recognition.scorecard import COLUMNS, SCORECARD_KINDS, scorecard, workbook
from stiplan.registry.views import FormsPageMixin, submit


class CompetitionListView(RestrictedQuerysetMixin, ListView):
    """The calls (competitions, awards, rounds of initiative recognition), newest first; the
    Department opens a new one here."""

    template_name = "registry/competition_list.html"
    paginate_by = 50
    model = Call

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or (CallForm() if can(self.request.user, "registry.manage_call")
                                             else None)
        return ctx

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can(request.user, "registry.manage_call"):
            raise PermissionDenied
        form = CallForm(request.POST)
        self.object_list = self.get_queryset()

        def open_call(data):
            call = act.open_call(**data, by=request.user)
            return (reverse("competition-detail", kwargs={"pk": call.pk}),
                    _("Đã mở «%(call)s».") % {"call": call.title})
        return submit(self, form, open_call, form=form)


class CompetitionDetailView(FormsPageMixin, RestrictedQuerysetMixin, TemplateView):
    """One call: its kind, dates, criteria and weights; the published results. For the
    Department: every entry with its rank from the council, and the forms (entry, judging
    council, prize or recognition, publication)."""

    template_name = "registry/competition_detail.html"
    model = Call
    FORMS = ("entry", "judging", "award", "publish")
    manage, detail_route = "registry.manage_call", "competition-detail"

    def dispatch(self, request, *args, **kwargs):
        self.call = self.visible_object(pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def subject(self):
        return self.call

    def forms(self, posted: str = "") -> dict:
        user = self.request.user
        entries = Entry.objects.restrict(user).filter(call=self.call)
        made = {"entry": lambda d: EntryForm(d, user=user, prefix="entry"),
                "judging": lambda d: JudgingForm(d, prefix="judging"),
                "award": lambda d: AwardForm(d, entries=entries, prefix="award"),
                "publish": lambda d: PublishForm(d, prefix="publish")}
        return self.bound(made, posted)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, call = self.request.user, self.call
        internal = access_of(user).internal
        entries = Entry.objects.restrict(user).filter(call=call).select_related("organisation", "person")
        winners = [e for e in entries if e.prize and call.published]
        may_manage = can(user, "registry.manage_call", call) and not call.published
        council = Council.objects.restrict(user).filter(call=call).first()
        ranks = {c.entry_id: c for c in Consensus.objects.restrict(user).filter(council=council)} \
            if council else {}
        ctx.update(call=call, winners=winners, internal=internal, council=council,
                   entries=[(e, ranks.get(e.pk)) for e in entries] if internal else [],
                   tie_rule=_(TIE_RULE), may_manage=may_manage,
                   forms=kwargs.get("forms") or (self.forms() if may_manage else {}))
        return ctx

    def act(self, posted: str, data: dict, form) -> str:
        """Call the action of the posted form; the message said once it is done."""
        call, by = self.call, self.request.user
        if posted == "entry":
            entry = act.submit_entry(call, title=data["title"], summary=data["summary"],
                                     organisation=data["organisation"], person=data["person"],
                                     on=data["on"], by=by)
            return _("Đã nhận hồ sơ %(code)s.") % {"code": entry.code}
        if posted == "judging":
            council = act.open_judging(call, **data, by=by)
            return _("Đã lập %(council)s.") % {"council": council.name}
        if posted == "award":
            entry = act.award(data["entry"], data["prize"], by=by,
                              decision=Decision(data["decision_number"], data["decision_date"]))
            return _("Đã ghi «%(prize)s» cho hồ sơ %(code)s.") % {
                "prize": entry.get_prize_display(), "code": entry.code}
        act.publish_results(call, on=data["on"], by=by)
        return _("Đã công bố kết quả.")


def _year(kwargs) -> int:
    year = kwargs["year"]
    if not 1900 <= year <= 2100:
        raise Http404
    return year


class ScorecardView(LoginRequiredMixin, TemplateView):
    """The yearly results scorecard of public S&T organisations (internal), the rule of each
    column, and for the Department the form entering an organisation's S&T service revenue."""

    template_name = "registry/scorecard.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access_of(request.user).internal:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None) -> RevenueForm | None:
        if not can(self.request.user, "registry.manage_resources"):
            return None
        organisations = Organisation.objects.restrict(self.request.user).filter(
            Q(kind__in=SCORECARD_KINDS) | Q(service_revenue__isnull=False)).distinct().order_by("name")
        return RevenueForm(data, organisations=organisations)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(kwargs)
        ctx.update(year=year, rows=scorecard(year), columns=COLUMNS,
                   form=kwargs.get("form") or self.form())
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form is None:
            raise PermissionDenied
        year = _year(kwargs)

        def enter(data):
            act.enter_service_revenue(data["organisation"], year, data["amount"],
                                      source=data["source"], by=request.user)
            return reverse("scorecard", kwargs={"year": year}), _(
                "Đã ghi doanh thu dịch vụ KH&CN năm %(year)s của %(organisation)s.") % {
                "year": year, "organisation": data["organisation"].name}
        return submit(self, form, enter, form=form, **kwargs)


class ScorecardExportView(LoginRequiredMixin, View):
    """The scorecard of a year as XLSX (internal)."""

    def get(self, request, year: int):
        if not access_of(request.user).internal:
            raise PermissionDenied
        year = _year({"year": year})
        return download(workbook(year, scorecard(year)), MIME_XLSX, f"scorecard-{year}.xlsx")
