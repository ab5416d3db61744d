"""Admin for reference data and API tokens: every write goes through the audited actions."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from stiplan.core.actions import create_token, delete_object, revoke_token, save_object
from stiplan.core.models import AuditEntry
from stiplan.core.tokens import ApiToken


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are audited actions (no silent saves from the admin)."""

    def save_model(self, request, obj, form, change):
        save_object(obj, by=request.user)

    def delete_model(self, request, obj):
        delete_object(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_object(obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        """Inline rows too are saved and deleted through the audited actions."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_object(obj, by=request.user)
        for obj in instances:
            save_object(obj, by=request.user)
        formset.save_m2m()


class ReadOnly:
    """Mixed into a ModelAdmin or an inline: its rows are shown, never added, changed or deleted
    here (they change through the actions, or never)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "unit"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_label"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators make tokens here (the key is shown once) and revoke them; every change
    goes through the audited actions, and a token is never edited or deleted."""

    list_display = ["user", "name", "prefix", "created_at", "revoked_at"]
    fields = ["user", "name", "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user", "name"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = create_token(obj.user, by=request.user, name=obj.name)
        obj.pk = token.pk
        messages.warning(request, _("Khóa API (chỉ hiện một lần, hãy sao chép ngay): %(key)s")
                         % {"key": key})

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_token(token, by=request.user)
