"""Read API for plans: the list, and each plan in the same normal form as the YAML export
(whose top-level keys `?fields=` and `?omit=` select)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from stiplan.core.api import SelectableFields, selected_fields
from stiplan.core.api_views import RestrictedViewSet
from stiplan.plans.io import export_plan, to_json_ready
from stiplan.plans.models import Plan


class PlanSerializer(SelectableFields, serializers.ModelSerializer):
    issuing_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    number = serializers.CharField(read_only=True)

    class Meta:
        model = Plan
        fields = ["code", "number", "title", "title_en", "status", "period_start", "period_end",
                  "issuing_unit"]


#: The top-level keys of a plan in normal form (stiplan.plans.io.export_plan), in its order.
PLAN_KEYS = ("schema", "code", "title", "title_en", "status", "period", "issuing_unit",
             "legal_basis", "parent_strategy", "related_documents", "reporting", "purposes",
             "requirements", "objectives", "indicators", "targets", "task_groups", "supersedes",
             "amendments")


class PlanViewSet(RestrictedViewSet):
    queryset = Plan.objects.select_related("issuing_unit")
    serializer_class = PlanSerializer
    lookup_field = "code"

    def selectable_fields(self):
        return list(PLAN_KEYS) if self.action == "retrieve" else super().selectable_fields()

    @extend_schema(responses=OpenApiResponse(
        OpenApiTypes.OBJECT, description="Kế hoạch ở dạng chuẩn, như tệp YAML xuất ra / "
                                         "the plan in the normal form of the YAML export"))
    def retrieve(self, request, *args, **kwargs):
        plan = to_json_ready(export_plan(self.get_object()))
        if request.method in ("GET", "HEAD"):
            plan = {key: plan[key] for key in selected_fields(PLAN_KEYS, request.query_params)}
        return Response(plan)
