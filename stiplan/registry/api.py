"""Registry API: tasks with their filters and accent-insensitive search, organisations, IP
assets, outputs and published technology offers, under /api/v1/registry/; a task's exchange
document for the national STI information system (…/tasks/{code}/national/, staff only); and the
writes the registry pages offer, through the same actions and permissions: propose a task, move
it one lifecycle step, add a technology offer and publish or withdraw it.

Every read goes through `restrict()` (stiplan.core.permissions), related rows too, so a caller
sees what the registry pages show them: a visitor and a reporting officer see public tasks only
(from approval on) with their public facts, and never a person's contacts or ID number, a council,
a reviewer or a score (no serializer here even names those fields)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import MultipleObjectsReturned, PermissionDenied
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from stiplan.core.api import SelectableFields, TextFilter
from stiplan.core.api_schema import refusals
from stiplan.core.api_views import RestrictedViewSet
from stiplan.core.permissions import can, require
from stiplan.plans.models import Action
from stiplan.plans.versions import actions_in_force_among
from stiplan.registry import actions as act
from stiplan.registry.exchange import actions as exchange
from stiplan.registry.lifecycle import NOT_A_BARE_STEP, STATE_LABELS, lifecycle_of
from stiplan.registry.models import (
    InnovationSubkind,
    IPAsset,
    IPKind,
    Level,
    ListingStatus,
    Mechanism,
    Organisation,
    OrganisationKind,
    Output,
    OutputKind,
    Programme,
    Regime,
    ScienceField,
    Selection,
    Task,
    TaskKind,
    TaskMember,
    TechnologyOffer,
    TransferForm,
)
from stiplan.registry.national import national_exchange
from stiplan.registry.principals import PRINCIPALS, principal_of
from stiplan.registry.search import CONFIRM_AT, matching, matching_rows, similar_tasks

# --- Filters -------------------------------------------------------------------------------------

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


class OfferFilter(filters.FilterSet):
    field = FieldCodeFilter(field_name="field__code", lookup_expr="startswith",
                            help_text="mã lĩnh vực (và các mã con) / field code (and below)")
    owner = TextFilter(field_name="owner__code", help_text="mã tổ chức sở hữu / owner's code")
    status = filters.ChoiceFilter(choices=ListingStatus.choices)
    q = TextFilter(method="search", help_text="từ trong tên, tóm tắt / words of the title, summary")
    search = search_rows(("title", "summary"))


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


class OutputSerializer(SelectableFields, serializers.ModelSerializer):
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


class TaskSerializer(SelectableFields, serializers.ModelSerializer):
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
        amount = BudgetTotalsSerializer._declared_fields["total"]  # one field formats both sums
        return {"total": amount.to_representation(sum((b.amount for b in lines), Decimal(0))),
                "lump_sum": amount.to_representation(sum((b.lump_sum for b in lines), Decimal(0)))}


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


class OrganisationSerializer(SelectableFields, serializers.ModelSerializer):
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["code", "name", "short_name", "kind", "certificate_number", "certified_on",
                  "website", "fields", "synthetic"]


class IPAssetSerializer(SelectableFields, serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = IPAsset
        fields = ["id", "kind", "title", "application_number", "filed_on", "number", "granted_on",
                  "owner", "owner_name", "source", "tasks", "synthetic"]

    def get_tasks(self, asset) -> list[str]:
        """The codes of the tasks (those the caller may see) this asset is an output of."""
        return sorted({o.task.code for o in asset.outputs.all()})


class OfferSerializer(SelectableFields, serializers.ModelSerializer):
    """A technology offer's public facts; its contact (Listing.PRIVATE_FIELDS) is never named."""

    owner = RefSerializer(read_only=True)
    field = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    task = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = TechnologyOffer
        fields = ["id", "title", "summary", "owner", "field", "task", "output", "ip_asset", "trl",
                  "transfer_forms", "price_note", "status", "created_on", "published_on",
                  "synthetic"]


# --- Writes --------------------------------------------------------------------------------------

class CodeField(serializers.SlugRelatedField):
    """A row named by its code among those the caller may read (a code two rows share, or one
    holding NUL, is a 400 naming it, never a server error)."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(slug_field="code", queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        rows = self.model.objects.restrict(self.context["request"].user)
        if self.model is Action:  # the version in force today of an amended action
            return actions_in_force_among(rows, timezone.localdate())
        return rows.exclude(kind="agency") if self.model is Organisation else rows

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:  # PostgreSQL refuses it even in a lookup
            self.fail("does_not_exist", slug_name=self.slug_field, value="\\x00")
        try:
            return super().to_internal_value(data)
        except MultipleObjectsReturned:
            raise serializers.ValidationError(
                _("Mã «%(code)s» ứng với nhiều dòng; không chọn được dòng nào.") % {"code": data}) from None


class ProposalSerializer(serializers.Serializer):
    """A proposal for ordering, as the proposal page takes it (rows named by their codes)."""

    code = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=1000)
    level = serializers.ChoiceField(Level.choices)
    kind = serializers.ChoiceField(TaskKind.choices)
    innovation_subkind = serializers.ChoiceField(InnovationSubkind.choices, required=False,
                                                 allow_blank=True, default="")
    mechanism = serializers.ChoiceField(Mechanism.choices)
    selection = serializers.ChoiceField(Selection.choices)
    field = CodeField(ScienceField, required=False, allow_null=True, default=None)
    host = CodeField(Organisation, required=False, allow_null=True, default=None)
    programme = CodeField(Programme, required=False, allow_null=True, default=None)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    actions = CodeField(Action, many=True, required=False, default=list,
                        help_text="mã nhiệm vụ của kế hoạch / the plan actions' codes")
    not_a_duplicate = serializers.BooleanField(
        default=False, help_text="đã xem các nhiệm vụ tương tự: không trùng / seen the similar "
                                 "tasks: not a duplicate")


class CertificateSerializer(serializers.Serializer):
    output = serializers.IntegerField(help_text="id của kết quả / the output's id")
    number = serializers.CharField(max_length=60)


STEP_CODES = sorted({code for regime in Regime.values for code in lifecycle_of(regime).steps}
                    - NOT_A_BARE_STEP)


class MoveSerializer(serializers.Serializer):
    """One lifecycle step, as the task page's step form takes it."""

    step = serializers.ChoiceField(STEP_CODES)
    on = serializers.DateField(required=False, allow_null=True, default=None,
                               help_text="để trống: hôm nay / empty: today")
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    finding = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    end_date = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text="gia hạn / extension")
    certificates = CertificateSerializer(many=True, required=False, default=None,
                                         help_text="đăng ký kết quả / registration")


class NewOfferSerializer(serializers.Serializer):
    """A technology offer, as a draft (the offers page's form)."""

    title = serializers.CharField(max_length=400)
    summary = serializers.CharField(max_length=20000)
    owner = CodeField(Organisation)
    trl = serializers.IntegerField(min_value=1, max_value=9)
    transfer_forms = serializers.ListField(child=serializers.ChoiceField(TransferForm.choices),
                                           min_length=1)
    field = CodeField(ScienceField, required=False, allow_null=True, default=None)
    task = CodeField(Task, required=False, allow_null=True, default=None)
    price_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class ListingStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField([ListingStatus.PUBLISHED, ListingStatus.WITHDRAWN])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return data.validated_data


# --- Viewsets ------------------------------------------------------------------------------------

class TaskViewSet(RestrictedViewSet):
    """GET tasks (filters, `q`), GET a task by its code, GET …/national/ (staff); POST a proposal
    (plan officers, reporting officers), POST …/move/ one lifecycle step (plan officers)."""

    queryset = Task.objects.select_related("host", "field", "programme")
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    allows_writes = True

    @property
    def related(self):
        if self.action == "list":
            return (PRINCIPALS, "budget")
        return (PRINCIPALS, "budget", "applications", "steps", "actions",
                Prefetch("members", TaskMember.objects.select_related("person")),
                Prefetch("outputs", Output.objects.select_related("task")))

    def get_serializer_class(self):
        return TaskSerializer if self.action in ("list", "create") else TaskDetailSerializer

    @extend_schema(request=ProposalSerializer, responses={201: TaskSerializer})
    def create(self, request):
        """Propose a task. A title very like a task the caller may see needs `not_a_duplicate`
        (the page's duplicate check); the answer is the proposal's public facts, which a
        reporting officer cannot read back (proposals are the Department's until approved)."""
        require(request.user, "registry.propose_task")
        args = dict(valid(ProposalSerializer, request))
        confirmed = args.pop("not_a_duplicate")
        like = [t for t in similar_tasks(args["title"], Task.objects.restrict(request.user))
                if t.score >= CONFIRM_AT]
        if like and not confirmed:
            raise serializers.ValidationError({"not_a_duplicate": [_(
                "Có nhiệm vụ rất giống đề xuất này: %(tasks)s. Hãy kiểm tra rồi xác nhận "
                "(not_a_duplicate).") % {"tasks": "; ".join(f"{t.code} «{t.title}»" for t in like)}]})
        task = act.propose_task(**args, by=request.user)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=MoveSerializer, responses=TaskDetailSerializer)
    @refusals("412")
    @action(detail=True, methods=["post"], serializer_class=MoveSerializer, filter_backends=[])
    def move(self, request, code=None):
        """Take one lifecycle step (the regime's table in registry/lifecycle.py); a step the
        task's state does not allow, or a missing decision, is a 400 naming what is wrong."""
        task = self.get_object()
        if not can(request.user, "registry.move_task", task):
            raise PermissionDenied
        args = valid(MoveSerializer, request)
        self.check_if_match()
        certificates = args["certificates"]
        act.move_task(task, args["step"], by=request.user, on=args["on"],
                      decision=act.Decision(args["decision_number"], args["decision_date"]),
                      note=args["note"], finding=args["finding"], end_date=args["end_date"],
                      certificates=None if certificates is None
                      else {c["output"]: c["number"] for c in certificates})
        return self.detail_response()

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


class OfferViewSet(RestrictedViewSet):
    """GET technology offers (published ones; the Department sees drafts too), without their
    contacts; POST a new offer (a draft) and POST …/status/ to publish or withdraw it (plan
    officers, as on the offers page)."""

    queryset = TechnologyOffer.objects.select_related("owner", "field", "task")
    serializer_class = OfferSerializer
    filterset_class = OfferFilter
    allows_writes = True

    @extend_schema(request=NewOfferSerializer, responses={201: OfferSerializer})
    def create(self, request):
        require(request.user, exchange.PERMISSION)
        offer = exchange.add_offer(**valid(NewOfferSerializer, request), by=request.user)
        return Response(OfferSerializer(offer, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ListingStatusSerializer, responses=OfferSerializer)
    @refusals("412")
    @action(detail=True, methods=["post"], serializer_class=ListingStatusSerializer,
            filter_backends=[])
    def status(self, request, pk=None):
        offer = self.get_object()
        require(request.user, exchange.PERMISSION)
        args = valid(ListingStatusSerializer, request)
        self.check_if_match()
        exchange.set_status(offer, args["status"], reason=args["reason"], by=request.user)
        return self.detail_response()
