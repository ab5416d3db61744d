"""Admin for units, reorganisations, memberships and accounts: every write is audited."""

import copy

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import User

from stiplan.core.actions import save_object, set_account_access
from stiplan.core.admin import AuditedAdmin
from stiplan.orgs.models import Membership, OrgUnit, ReorgEvent, ReorgLink


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "type", "parent", "valid_from", "valid_to", "synthetic"]
    list_filter = ["type", "synthetic"]
    search_fields = ["code", "name", "name_en"]
    raw_id_fields = ["parent"]


class ReorgLinkInline(admin.TabularInline):
    model = ReorgLink
    fk_name = "event"
    raw_id_fields = ["source", "target"]
    extra = 0


@admin.register(ReorgEvent)
class ReorgEventAdmin(AuditedAdmin):
    list_display = ["date", "code", "kind", "title", "confirmed"]
    list_filter = ["kind", "confirmed"]
    inlines = [ReorgLinkInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "unit", "role", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["unit"]


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["unit"]
    extra = 0


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form, saving through the audited action (the log keeps only the
    fact that the password changed)."""

    by = None  # the acting user, set per request by AccountAdmin.user_change_password

    def save(self, commit=True):
        user = super().save(commit=False)
        if commit:
            save_object(user, by=self.by, reason="password")
        return user


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(AuditedAdmin, UserAdmin):
    """Accounts and their memberships: every change (fields, password, groups, permissions,
    memberships, deletion) is an audited action."""

    inlines = [MembershipInline]
    change_password_form = AuditedPasswordChangeForm

    def get_inline_instances(self, request, obj=None):
        """Memberships are added on the account's page, once the account exists (the add page
        asks only for a name and a password, as Django's does)."""
        return super().get_inline_instances(request, obj) if obj else []

    def save_related(self, request, form, formsets, change):
        if "groups" in form.cleaned_data or "user_permissions" in form.cleaned_data:
            user = form.instance
            set_account_access(
                user, by=request.user,
                groups=form.cleaned_data.get("groups", user.groups.all()),
                permissions=form.cleaned_data.get("user_permissions",
                                                  user.user_permissions.all()))
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        acting = copy.copy(self)  # the admin is shared by all requests: bind the user to a copy
        acting.change_password_form = type("BoundPasswordChangeForm",
                                           (AuditedPasswordChangeForm,), {"by": request.user})
        return UserAdmin.user_change_password(acting, request, id, form_url)
