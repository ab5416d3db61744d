"""Units on a date, and one unit's history: predecessors, successors, people."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView

from stiplan.core.dates import parse_day
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import Membership, OrgUnit, ReorgLink, UnitType

#: The order of the unit list: the province and its departments first, communes last.
LIST_ORDER = [UnitType.PROVINCE, UnitType.DEPARTMENT, UnitType.AGENCY, UnitType.DISTRICT,
              UnitType.COMMUNE, UnitType.MINISTRY]


class UnitListView(ListView):
    template_name = "orgs/unit_list.html"
    paginate_by = 40

    def get_queryset(self):
        self.day = parse_day(self.request.GET.get("on"))
        qs = OrgUnit.objects.restrict(self.request.user).valid_on(self.day).select_related("parent")
        if (kind := self.request.GET.get("type")) in UnitType.values:
            qs = qs.filter(type=kind)
        if q := self.request.GET.get("q", "").strip():
            qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
        rank = Case(*(When(type=kind, then=Value(i)) for i, kind in enumerate(LIST_ORDER)),
                    default=Value(len(LIST_ORDER)), output_field=IntegerField())
        return qs.order_by(rank, "code")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(day=self.day, types=UnitType.choices, type=self.request.GET.get("type", ""),
                   q=self.request.GET.get("q", ""))
        return ctx


class UnitDetailView(TemplateView):
    template_name = "orgs/unit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        unit = get_object_or_404(OrgUnit.objects.restrict(user).select_related("parent"),
                                 code=kwargs["code"])
        day = parse_day(self.request.GET.get("on"))
        lineage = load_lineage()
        units = OrgUnit.objects.in_bulk(field_name="code")
        ctx.update(
            unit=unit, day=day,
            successors=[units[c] for c in lineage.successors(unit.code, day)],
            predecessors=[units[c] for c in lineage.predecessors(unit.code)],
            links=ReorgLink.objects.filter(Q(source=unit) | Q(target=unit))
            .select_related("event", "source", "target").order_by("event__date", "source__code"),
            children=unit.children.valid_on(day).order_by("code"),
            memberships=Membership.objects.restrict(user).filter(unit=unit).select_related("user"),
        )
        return ctx
