"""Reporting API: rounds and reports (read), and the workflow actions on a report (write),
through the same restricted query sets and action functions as the pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from stiplan.core.api import ActionPermission, IdFilter, SelectableFields
from stiplan.core.api_schema import refusals
from stiplan.core.api_views import RestrictedViewSet
from stiplan.core.constants import MIME_XLSX
from stiplan.core.permissions import can
from stiplan.core.uploads import accepts_upload
from stiplan.reporting import actions as act
from stiplan.reporting.access import may_upload, visible_board
from stiplan.reporting.excel import apply_upload, build_template
from stiplan.reporting.models import ActionItem, IndicatorItem, Round, UnitReport
from stiplan.reporting.workflow import take_step


class RoundSerializer(SelectableFields, serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Round
        fields = ["id", "plan", "kind", "year", "period", "title", "opened_on", "deadline", "status",
                  "scope"]


class ReportSerializer(SelectableFields, serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    inherited_from = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                                  allow_null=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)
    actions = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = UnitReport
        fields = ["id", "round", "unit", "inherited_from", "state", "version",
                  "first_submitted_at", "submitted_at", "accepted_at", "on_time", "actions",
                  "indicators"]

    def get_actions(self, report) -> list[dict]:
        return [{"code": i.action.code, "role": i.role, "status": i.status, "done": i.done,
                 "results": i.results, "difficulties": i.difficulties, "proposals": i.proposals,
                 "review_comment": i.review_comment, "needs_fix": i.needs_fix}
                for i in report.action_items.all()]

    def get_indicators(self, report) -> list[dict]:
        return [{"code": i.indicator.code, "value": i.value, "source": i.source, "note": i.note,
                 "review_comment": i.review_comment, "needs_fix": i.needs_fix}
                for i in report.indicator_items.all()]


class BoardRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    deadline = serializers.DateField()


class BoardUnitSerializer(serializers.Serializer):
    unit = serializers.CharField()
    name = serializers.CharField()
    state = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)
    inherited_from = serializers.CharField(allow_null=True)


class BoardSerializer(serializers.Serializer):
    """The shape of `Board.as_json()` (documentation of the board answer)."""

    round = BoardRoundSerializer()
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    accepted = serializers.IntegerField()
    completeness_pct = serializers.FloatField()
    timeliness_pct = serializers.FloatField()
    units = BoardUnitSerializer(many=True)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Tệp Excel của báo cáo / the report's Excel file")


class UploadAnswerSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


class RoundViewSet(RestrictedViewSet):
    """Reporting is for signed-in users: anonymous callers get 403, not an empty list."""

    permission_classes = [IsAuthenticated, ActionPermission]
    queryset = Round.objects.select_related("plan")
    serializer_class = RoundSerializer
    filterset_fields = ["year", "kind", "status"]

    @extend_schema(responses=BoardSerializer)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def board(self, request, pk=None):
        return Response(visible_board(self.get_object(), request.user).as_json())


class WorkflowSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)
    comments = serializers.DictField(child=serializers.CharField(), required=False)
    reason = serializers.CharField(required=False)


class UnlockSerializer(serializers.Serializer):
    reason = serializers.RegexField(r"\S", max_length=2000,
                                    help_text="Lý do mở khóa (bắt buộc) / why (required)")


class RoundFilter(filters.FilterSet):
    """By the round's id: an id without a round gives an empty list, not a 400."""

    round = IdFilter(field_name="round_id")


class ReportFilter(RoundFilter):
    class Meta:
        model = UnitReport
        fields = ["round", "state"]


class SaveSerializer(serializers.Serializer):
    """The unit's answers by item code; each value is checked by reporting.inputs, the same
    definition the web form and the Excel upload use."""

    version = serializers.IntegerField(required=False)
    actions = serializers.DictField(child=serializers.DictField(), required=False)
    indicators = serializers.DictField(child=serializers.DictField(), required=False)
    questions = serializers.DictField(child=serializers.DictField(), required=False)


class SaveAnswerSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="số mục đã đổi / items changed")
    version = serializers.IntegerField()


class ReportViewSet(RestrictedViewSet):
    """GET reports; POST …/save/, …/submit/, …/return/, …/accept/, …/unlock/, …/upload/ (each
    takes If-Match: 412 when the report changed since it was read); GET …/template/. Refusals are
    answered by the one exception handler (core.api_schema)."""

    permission_classes = [IsAuthenticated, ActionPermission]
    queryset = UnitReport.objects.select_related("unit", "inherited_from", "round")
    related = (Prefetch("action_items", ActionItem.objects.select_related("action")),
               Prefetch("indicator_items", IndicatorItem.objects.select_related("indicator")))
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    allows_writes = True

    def _run(self, request, verb):
        report = self.get_object()
        data = (UnlockSerializer if verb == "unlock" else WorkflowSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        self.check_if_match()
        take_step(report, verb, by=request.user, version=args.get("version"),
                  comments=args.get("comments"), reason=args.get("reason", ""))
        return self.detail_response()

    @extend_schema(request=SaveSerializer, responses=SaveAnswerSerializer)
    @refusals("409", "412")
    @action(detail=True, methods=["post"], serializer_class=SaveSerializer)
    def save(self, request, pk=None):
        report = self.get_object()
        data = SaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        self.check_if_match()
        changed = act.save_items(report, by=request.user, actions=args.get("actions"),
                                 indicators=args.get("indicators"),
                                 questions=args.get("questions"),
                                 expected_version=args.get("version"), source="api")
        report.refresh_from_db()
        return Response({"changed": changed, "version": report.version})

    @extend_schema(request=WorkflowSerializer, responses=ReportSerializer)
    @refusals("409", "412", "422")
    @action(detail=True, methods=["post"], serializer_class=WorkflowSerializer)
    def submit(self, request, pk=None):
        return self._run(request, "submit")

    @extend_schema(request=WorkflowSerializer, responses=ReportSerializer)
    @refusals("409", "412", "422")
    @action(detail=True, methods=["post"], url_path="return", serializer_class=WorkflowSerializer)
    def return_(self, request, pk=None):
        return self._run(request, "return")

    @extend_schema(request=WorkflowSerializer, responses=ReportSerializer)
    @refusals("409", "412", "422")
    @action(detail=True, methods=["post"], serializer_class=WorkflowSerializer)
    def accept(self, request, pk=None):
        return self._run(request, "accept")

    @extend_schema(request=UnlockSerializer, responses=ReportSerializer)
    @refusals("409", "412")
    @action(detail=True, methods=["post"], serializer_class=UnlockSerializer)
    def unlock(self, request, pk=None):
        return self._run(request, "unlock")

    @extend_schema(responses={(200, MIME_XLSX): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, pagination_class=None, filter_backends=[])
    def template(self, request, pk=None):
        report = self.get_object()
        if not can(request.user, "reporting.edit_report", report):
            raise NotFound
        return HttpResponse(build_template(report), content_type=MIME_XLSX)

    @extend_schema(request={"multipart/form-data": UploadSerializer},
                   responses=UploadAnswerSerializer)
    @refusals("409", "412", "413")
    @action(detail=True, methods=["post"], filter_backends=[], throttle_scope="heavy")
    @accepts_upload(may_upload)
    def upload(self, request, pk=None):
        report = self.get_object()
        if not can(request.user, "reporting.edit_report", report):  # before the body is parsed
            raise PermissionDenied("you may not upload to this report")
        self.check_if_match()
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "file is required"}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"changed": apply_upload(report, upload.read(), by=request.user)})
