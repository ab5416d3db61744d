"""The one permission-restricted query set that UI, API and exports read through."""

from django.db.models import Prefetch

from stiplan.core.signals import WriteReportingQuerySet


class RestrictedQuerySet(WriteReportingQuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the rows `user` may `action` (rules in stiplan.core.permissions)."""
        from stiplan.core.permissions import restriction

        condition = restriction(user, self.model, action)
        if condition is True:
            return self
        if condition is False:
            return self.none()
        return self.filter(condition).distinct()

    def with_related(self, user, *lookups: str | Prefetch):
        """Prefetch related rows, each set restricted for `user` too: a parent that passes does
        not hand over its children of another unit (a round's reports, a report's attachments).
        A lookup is a relation name or a Prefetch whose query set is restricted in turn."""
        prefetches = []
        for lookup in lookups:
            if isinstance(lookup, str):
                related = self.model._meta.get_field(lookup).related_model
                lookup = Prefetch(lookup, queryset=related._default_manager.all())
            prefetches.append(Prefetch(lookup.prefetch_through,
                                       queryset=lookup.queryset.restrict(user),
                                       to_attr=lookup.to_attr))
        return self.prefetch_related(*prefetches)
