"""Units on a date, and one unit's history: predecessors, successors, people."""

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.views.generic import ListView, TemplateView

from stiplan.core.dates import parse_day
from stiplan.core.views import RestrictedQuerysetMixin
from stiplan.orgs.lineage import load_lineage
from stiplan.orgs.models import Membership, OrgUnit, ReorgLink, UnitType

#: The order of the unit list: the province and its departments first, communes last.
LIST_ORDER = [UnitType.PROVINCE, UnitType.DEPARTMENT, UnitType.AGENCY, UnitType.DISTRICT,
              UnitType.COMMUNE, UnitType.MINISTRY]


class UnitListView(RestrictedQuerysetMixin, ListView):
    template_name = "orgs/unit_list.html"
    paginate_by = 40
    queryset = OrgUnit.objects.select_related("parent")

    def get_queryset(self):
        self.day = parse_day(self.request.GET.get("on"))
        qs = super().get_queryset().valid_on(self.day)
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


class UnitDetailView(RestrictedQuerysetMixin, TemplateView):
    """A unit, its lineage and children, and the memberships the user may see (the unit passing
    does not hand over its people: they are restricted on their own)."""

    template_name = "orgs/unit_detail.html"
    queryset = OrgUnit.objects.select_related("parent")
    related = (Prefetch("memberships", Membership.objects.select_related("user")),)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit = self.visible_object(code=kwargs["code"])
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
            memberships=unit.memberships.all(),
        )
        return ctx
