from django.contrib import admin

from stiplan.core.admin import AuditedAdmin
from stiplan.plans.models import Indicator, Plan


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["code", "number", "status", "period_start", "period_end"]
    list_filter = ["status"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "unit", "direction", "value_type", "cumulative"]
    search_fields = ["code", "name"]
