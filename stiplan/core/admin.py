"""Admin for reference data: saves and deletes go through the audited actions."""

from django.contrib import admin

from stiplan.core.actions import do_delete, do_save
from stiplan.core.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are audited actions (no silent saves from the admin)."""

    def save_model(self, request, obj, form, change):
        do_save(obj, by=request.user)

    def delete_model(self, request, obj):
        do_delete(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            do_delete(obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        """Inline rows too are saved and deleted through the audited actions."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            do_delete(obj, by=request.user)
        for obj in instances:
            do_save(obj, by=request.user)
        formset.save_m2m()


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "unit"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_label"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
