"""Registry API (read): tasks with their filters and accent-insensitive search, organisations, IP
assets and outputs, under /api/v1/registry/; and a task's exchange document for the national
STI information system (…/tasks/{code}/national/, staff only).

Every read goes through `restrict()` (stiplan.core.permissions), related rows too, so a caller
sees what the registry pages show them: a visitor and a reporting officer see public tasks only
(from approval on) with their public facts, and never a person's contacts or ID number, a council,
a reviewer or a score (no serializer here even names those fields)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from stiplan.core.api_views import RestrictedViewSet
from stiplan.core.permissions import can
from stiplan.registry.lifecycle import STATE_LABELS
from stiplan.registry.models import (
    IPAsset,
    IPKind,
    Level,
    Organisation,
    OrganisationKind,
    Output,
    OutputKind,
    Regime,
    Task,
    TaskKind,
    TaskMember,
)
from stiplan.registry.national import national_exchange
from stiplan.registry.principals import PRINCIPALS, principal_of
from stiplan.registry.search import matching, matching_rows

# --- Filters -------------------------------------------------------------------------------------

@extend_schema_field({"type": "string", "pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"})
class TextFilter(filters.CharFilter):
    """Free text: not blank (StrictFilterBackend refuses an empty filter) and without NUL (the
    middleware refuses it), as the schema says."""


@extend_schema_field({"type": "string", "pattern": r"^[0-9]{1,7}$"})
class FieldCodeFilter(filters.CharFilter):
    """A code of the classification of S&T fields: the task's field or one below it."""

    field_class = forms.RegexField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, regex=r"\A[0-9]{1,7}\Z", strip=False, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2200})
class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1900, max_value=2200, **kwargs)


def search_rows(columns: tuple[str, ...]):
    """A filter method: the rows whose `columns` hold every word of the query (accents folded)."""
    def method(self, queryset, name, value):
        return matching_rows(queryset, value, *columns)
    return method


class TaskFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=Level.choices)
    kind = filters.ChoiceFilter(choices=TaskKind.choices)
    regime = filters.ChoiceFilter(choices=Regime.choices)
    state = filters.ChoiceFilter(choices=[(code, str(label)) for code, label in STATE_LABELS.items()])
    field = FieldCodeFilter(field_name="field__code", lookup_expr="startswith",
                            help_text="mã lĩnh vực (và các mã con) / field code (and below)")
    host = TextFilter(field_name="host__code", help_text="mã tổ chức chủ trì / host's code")
    year = YearFilter(method="in_year", help_text="đang thực hiện trong năm / running in the year")
    q = TextFilter(method="search", help_text="từ trong mã, tên (không phân biệt dấu) / "
                                                      "words of the code or title, accents ignored")

    def in_year(self, queryset, name, value):
        return queryset.filter(Q(start_date__year__lte=value),
                               Q(end_date__isnull=True) | Q(end_date__year__gte=value))

    def search(self, queryset, name, value):
        words = matching(value)
        return queryset if words is None else queryset.filter(words)


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrganisationKind.choices)
    q = TextFilter(method="search", help_text="từ trong tên, tên viết tắt, mã / words")
    search = search_rows(("name", "short_name", "code"))


class IPAssetFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=IPKind.choices)
    q = TextFilter(method="search", help_text="từ trong tên đối tượng / words of the title")
    search = search_rows(("title",))


class OutputFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OutputKind.choices)
    task = TextFilter(field_name="task__code", help_text="mã nhiệm vụ / task code")
    year = YearFilter(field_name="year")


# --- Serializers ---------------------------------------------------------------------------------

class RefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PersonRefSerializer(serializers.Serializer):
    """A person as the public may know them: the name, with the public profile's id."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer()

    class Meta:
        model = TaskMember
        fields = ["person", "role", "valid_from", "valid_to"]


class BudgetTotalsSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=16, decimal_places=3)
    lump_sum = serializers.DecimalField(max_digits=16, decimal_places=3)


class BudgetLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=3)
    lump_sum = serializers.DecimalField(max_digits=14, decimal_places=3)


class OutputSerializer(serializers.ModelSerializer):
    task = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Output
        fields = ["id", "task", "kind", "title", "year", "ip_asset", "certificate_number",
                  "registered_on"]


class StepSerializer(serializers.Serializer):
    step = serializers.CharField()
    on = serializers.DateField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)


class ApplicationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    applied = serializers.BooleanField()
    where = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer):
    """A task in a list: its public facts, the principal investigator's name, the budget total."""

    state_label = serializers.SerializerMethodField()
    field = RefSerializer(read_only=True, allow_null=True)
    host = RefSerializer(read_only=True, allow_null=True)
    principal_investigator = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["code", "title", "level", "kind", "innovation_subkind", "regime", "state",
                  "state_label", "field", "host", "principal_investigator", "start_date",
                  "end_date", "budget", "synthetic"]

    def get_state_label(self, task) -> str:
        return str(STATE_LABELS.get(task.state, task.state))

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_principal_investigator(self, task):
        person = principal_of(task)
        return None if person is None else {"id": person.pk, "full_name": person.full_name}

    @extend_schema_field(BudgetTotalsSerializer)
    def get_budget(self, task):
        lines = list(task.budget.all())
        return BudgetTotalsSerializer({"total": sum((b.amount for b in lines), Decimal(0)),
                                       "lump_sum": sum((b.lump_sum for b in lines), Decimal(0))}).data


class TaskDetailSerializer(TaskSerializer):
    """One task: the list's facts, and its mechanism, programme, summary, members, budget lines,
    outputs (the results summary, with registration certificate numbers), application reports,
    plan actions and — for those the permission table lets read them — its steps."""

    programme = RefSerializer(read_only=True, allow_null=True)
    members = MemberSerializer(many=True, read_only=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True, source="budget.all")
    outputs = OutputSerializer(many=True, read_only=True)
    applications = ApplicationSerializer(many=True, read_only=True)
    plan_actions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True,
                                                source="actions")
    steps = StepSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "mechanism", "selection", "programme", "summary",
                  "members", "budget_lines", "outputs", "applications", "plan_actions", "steps"]


class OrganisationSerializer(serializers.ModelSerializer):
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["code", "name", "short_name", "kind", "certificate_number", "certified_on",
                  "website", "fields", "synthetic"]


class IPAssetSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = IPAsset
        fields = ["id", "kind", "title", "application_number", "filed_on", "number", "granted_on",
                  "owner", "owner_name", "source", "tasks", "synthetic"]

    def get_tasks(self, asset) -> list[str]:
        """The codes of the tasks (those the caller may see) this asset is an output of."""
        return sorted({o.task.code for o in asset.outputs.all()})


# --- Viewsets ------------------------------------------------------------------------------------

class TaskViewSet(RestrictedViewSet):
    """GET tasks (filters, `q`), GET a task by its code, GET …/national/ (staff)."""

    queryset = Task.objects.select_related("host", "field", "programme")
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    @property
    def related(self):
        if self.action == "list":
            return (PRINCIPALS, "budget")
        return (PRINCIPALS, "budget", "applications", "steps", "actions",
                Prefetch("members", TaskMember.objects.select_related("person")),
                Prefetch("outputs", Output.objects.select_related("task")))

    def get_serializer_class(self):
        return TaskSerializer if self.action == "list" else TaskDetailSerializer

    @extend_schema(responses=OpenApiResponse(OpenApiTypes.OBJECT, description=(
        "Mẫu 1, 5, 12 (Thông tư 14/2014, sửa đổi 11/2023) theo miền dữ liệu của Thông tư 22/2025; "
        "lược đồ: stiplan/registry/data/national-exchange.schema.json / the task's forms for the "
        "national STI information system, by data domain")))
    @action(detail=True, pagination_class=None, filter_backends=[])
    def national(self, request, code=None):
        task = self.get_object()
        if not can(request.user, "registry.export_national", task):
            raise PermissionDenied
        return Response(national_exchange(task))


class OrganisationViewSet(RestrictedViewSet):
    queryset = Organisation.objects.prefetch_related("fields")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"


class IPAssetViewSet(RestrictedViewSet):
    queryset = IPAsset.objects.select_related("owner")
    related = (Prefetch("outputs", Output.objects.select_related("task")),)
    serializer_class = IPAssetSerializer
    filterset_class = IPAssetFilter


class OutputViewSet(RestrictedViewSet):
    queryset = Output.objects.select_related("task")
    serializer_class = OutputSerializer
    filterset_class = OutputFilter
