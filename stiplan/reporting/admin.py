from django.contrib import admin

from stiplan.core.admin import AuditedAdmin
from stiplan.reporting.models import IndicatorAssignment, Round, ValidationRule


@admin.register(Round)
class RoundAdmin(AuditedAdmin):
    list_display = ["title", "kind", "year", "opened_on", "deadline", "status"]
    list_filter = ["kind", "status", "year"]
    readonly_fields = ["plan", "kind", "year", "period", "opened_on", "status"]
    # Closing, archiving and reopening are actions on the round's page; a round with reports
    # cannot be deleted (its reports are PROTECTed), which the admin shows as a refusal.


@admin.register(ValidationRule)
class ValidationRuleAdmin(AuditedAdmin):
    list_display = ["code", "plan", "left", "operator", "right", "severity"]
    list_filter = ["severity"]


@admin.register(IndicatorAssignment)
class IndicatorAssignmentAdmin(AuditedAdmin):
    list_display = ["indicator", "unit", "unit_type", "function", "min_value", "max_value"]
    raw_id_fields = ["unit"]
