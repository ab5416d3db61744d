"""API plumbing shared by the apps: read access follows the restricted query sets."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ActionPermission(BasePermission):
    """Reads are filtered by `restrict()`; writes are only offered through action endpoints."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or getattr(view, "allows_writes", False)
