"""The change-history pages (nhật ký thay đổi)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from stiplan.core import history
from stiplan.core.models import AuditEntry


class AuditListView(LoginRequiredMixin, ListView):
    """Every change the user may see, newest first."""

    template_name = "core/audit_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = AuditEntry.objects.restrict(self.request.user).select_related("unit", "actor")
        if action := self.request.GET.get("action"):
            qs = qs.filter(action=action)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["entries"] = [{"entry": e, "what": history.action_label(e), "who": history.actor_name(e),
                           "changes": history.changes(e)} for e in ctx["object_list"]]
        return ctx


class ObjectHistoryView(AuditListView):
    """The history of one object: who changed it, when, before → after."""

    def get_queryset(self):
        return super().get_queryset().filter(
            object_type=self.kwargs["object_type"], object_id=self.kwargs["object_id"]
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object_kind"] = history.object_kind(self.kwargs["object_type"])
        return ctx
