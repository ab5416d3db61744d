"""What every page builds on — reads only through `restrict()`, related rows included, and
domain refusals shown as messages — and the change-history (nhật ký thay đổi) pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView

from stiplan.core import history
from stiplan.core.errors import PAGE_REFUSALS, Conflict, refusal_of
from stiplan.core.models import AuditEntry
from stiplan.core.permissions import restriction


def int_or_none(value) -> int | None:
    """A number a request sent (a page's parameter, a form's hidden field), or None if it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

class RestrictedQuerysetMixin:
    """A page that reads `queryset` (or `model`) only through `restrict(user)`, the `related`
    rows it shows (relation names or Prefetch objects) restricted as well; an object outside the
    set is 404. With `refuse_when_none`, a signed-in user who may read no row gets 403."""

    queryset = None
    model = None
    related: tuple = ()
    refuse_when_none = False

    def dispatch(self, request, *args, **kwargs):
        if (self.refuse_when_none and request.user.is_authenticated
                and restriction(request.user, self._base().model) is False):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _base(self):
        return self.queryset.all() if self.queryset is not None else self.model._default_manager.all()

    def get_queryset(self):
        user = self.request.user
        return self._base().restrict(user).with_related(user, *self.related)

    def visible_object(self, **lookup):
        """The object of the restricted set matching `lookup`, or 404."""
        return get_object_or_404(self.get_queryset(), **lookup)


class RefusalMessagesMixin:
    """A page whose step may be refused (conflict, invalid, not ready): the refusal becomes
    messages from the one table (stiplan.core.errors) and `refused()` answers, by default
    the page again by redirect. PermissionDenied and Http404 stay Django's 403 and 404."""

    #: Refusals the page shows itself, at their fields (no messages are added for them).
    shown_at_fields: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PAGE_REFUSALS as exc:
            if not isinstance(exc, self.shown_at_fields):
                for message in refusal_of(exc).messages:
                    messages.error(request, message)
            return self.refused(exc)

    def refused(self, exc):
        return redirect(self.request.get_full_path())

    @staticmethod
    def refused_status(exc) -> int:
        """A page shown again after a refusal: 409 on a conflict, else 200 (a form with errors)."""
        return 409 if isinstance(exc, Conflict) else 200


class AuditListView(LoginRequiredMixin, RestrictedQuerysetMixin, ListView):
    """Every change the user may see, newest first."""

    template_name = "core/audit_list.html"
    paginate_by = 50
    queryset = AuditEntry.objects.select_related("unit", "actor")

    def get_queryset(self):
        qs = super().get_queryset()
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
