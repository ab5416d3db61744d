"""The one permission-restricted query set that UI, API and exports read through."""

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
