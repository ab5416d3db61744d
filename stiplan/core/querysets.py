"""The one permission-restricted query set that UI, API and exports read through."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Prefetch, Q
from django.db.models.constants import LOOKUP_SEP

from stiplan.core.signals import WriteReportingQuerySet


def repeats_rows(model: type[Model], condition: Q) -> bool:
    """Whether filtering `model` by `condition` may give a row more than once: some lookup of it
    passes through a to-many relation (a report's units, a unit's memberships). Only then does the
    restricted set need DISTINCT, which makes the database read and compare every matching row
    before it can return the first page (the task search over 100,000 tasks, issue 12)."""
    for child in condition.children:
        if isinstance(child, Q):
            if repeats_rows(model, child):
                return True
            continue
        if not isinstance(child, tuple):  # an expression: it may join anything
            return True
        opts = model._meta
        for part in child[0].split(LOOKUP_SEP):
            try:
                field = opts.get_field(part)
            except FieldDoesNotExist:  # a lookup or a transform: the path ends here
                break
            if field.many_to_many or field.one_to_many:
                return True
            if not field.is_relation:
                break
            opts = field.related_model._meta
    return False


class RestrictedQuerySet(WriteReportingQuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the rows `user` may `action` (rules in stiplan.core.permissions)."""
        from stiplan.core.permissions import restriction

        condition = restriction(user, self.model, action)
        if condition is True:
            return self
        if condition is False:
            return self.none()
        rows = self.filter(condition)
        return rows.distinct() if repeats_rows(self.model, condition) else rows

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
