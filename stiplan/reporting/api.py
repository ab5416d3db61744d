"""Reporting API: rounds and reports (read), and the workflow actions on a report (write),
through the same restricted query sets and action functions as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from stiplan.core.api import ActionPermission
from stiplan.core.api_schema import refusals
from stiplan.core.constants import MIME_XLSX
from stiplan.core.permissions import can
from stiplan.core.uploads import accepts_upload
from stiplan.core.yamlio import InputError
from stiplan.reporting import actions as act
from stiplan.reporting.access import may_upload, visible_board
from stiplan.reporting.excel import apply_upload, build_template
from stiplan.reporting.models import Round, UnitReport


class RoundSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Round
        fields = ["id", "plan", "kind", "year", "period", "title", "opened_on", "deadline", "status",
                  "scope"]


class ReportSerializer(serializers.ModelSerializer):
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
                for i in report.action_items.select_related("action")]

    def get_indicators(self, report) -> list[dict]:
        return [{"code": i.indicator.code, "value": i.value, "source": i.source, "note": i.note,
                 "review_comment": i.review_comment, "needs_fix": i.needs_fix}
                for i in report.indicator_items.select_related("indicator")]


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


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting is for signed-in users: anonymous callers get 403, not an empty list."""

    permission_classes = [IsAuthenticated, ActionPermission]
    serializer_class = RoundSerializer
    filterset_fields = ["year", "kind", "status"]

    def get_queryset(self):
        return Round.objects.restrict(self.request.user).select_related("plan")

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

    round = filters.NumberFilter(field_name="round_id")


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


def refused(exc: InputError) -> Response:
    """400 with every problem: the item, the field and the reason in Vietnamese and English."""
    return Response({"detail": "refused", "problems": [
        {"item": p.item, "field": p.field, "vi": p.vi, "en": p.en} for p in exc.problems]},
        status=status.HTTP_400_BAD_REQUEST)


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """GET reports; POST …/save/, …/submit/, …/return/, …/accept/, …/unlock/, …/upload/;
    GET …/template/."""

    permission_classes = [IsAuthenticated, ActionPermission]
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    allows_writes = True

    def get_queryset(self):
        return UnitReport.objects.restrict(self.request.user).select_related(
            "unit", "inherited_from", "round")

    def _run(self, request, verb):
        report = self.get_object()
        data = (UnlockSerializer if verb == "unlock" else WorkflowSerializer)(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        try:
            if verb == "submit":
                act.submit_report(report, by=request.user, expected_version=args.get("version"))
            elif verb == "return":
                act.return_report(report, by=request.user, comments=args.get("comments", {}),
                                  expected_version=args.get("version"))
            elif verb == "accept":
                act.accept_report(report, by=request.user, expected_version=args.get("version"))
            else:
                act.unlock_report(report, by=request.user, reason=args.get("reason", ""))
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except act.Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except act.NotReady as exc:
            return Response({"detail": "not ready", "findings": [
                {"item": f.item, "severity": f.severity, "vi": f.vi, "en": f.en}
                for f in exc.findings]}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        except ValidationError as exc:
            return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        report.refresh_from_db()
        return Response(ReportSerializer(report).data)

    @extend_schema(request=SaveSerializer, responses=SaveAnswerSerializer)
    @refusals("409")
    @action(detail=True, methods=["post"], serializer_class=SaveSerializer)
    def save(self, request, pk=None):
        report = self.get_object()
        data = SaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        try:
            changed = act.save_items(report, by=request.user, actions=args.get("actions"),
                                     indicators=args.get("indicators"),
                                     questions=args.get("questions"),
                                     expected_version=args.get("version"), source="api")
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except InputError as exc:
            return refused(exc)
        except act.Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        report.refresh_from_db()
        return Response({"changed": changed, "version": report.version})

    @extend_schema(request=WorkflowSerializer, responses=ReportSerializer)
    @refusals("409", "422")
    @action(detail=True, methods=["post"], serializer_class=WorkflowSerializer)
    def submit(self, request, pk=None):
        return self._run(request, "submit")

    @extend_schema(request=WorkflowSerializer, responses=ReportSerializer)
    @refusals("409", "422")
    @action(detail=True, methods=["post"], url_path="return", serializer_class=WorkflowSerializer)
    def return_(self, request, pk=None):
        return self._run(request, "return")

    @extend_schema(request=WorkflowSerializer, responses=ReportSerializer)
    @refusals("409", "422")
    @action(detail=True, methods=["post"], serializer_class=WorkflowSerializer)
    def accept(self, request, pk=None):
        return self._run(request, "accept")

    @extend_schema(request=UnlockSerializer, responses=ReportSerializer)
    @refusals("409")
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
    @refusals("409", "413")
    @action(detail=True, methods=["post"], filter_backends=[])
    @accepts_upload(may_upload)
    def upload(self, request, pk=None):
        report = self.get_object()
        if not can(request.user, "reporting.edit_report", report):  # before the body is parsed
            return Response({"detail": "you may not upload to this report"},
                            status=status.HTTP_403_FORBIDDEN)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"detail": "file is required"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            changed = apply_upload(report, upload.read(), by=request.user)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except InputError as exc:
            return Response({"detail": "refused", "problems": [str(p) for p in exc.problems]},
                            status=status.HTTP_400_BAD_REQUEST)
        except act.Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response({"changed": changed})
