"""API plumbing shared by the apps: who may call (session or token, never Basic), what a write
may reach, and bounded pages. (Kept free of rest_framework.views: settings import it.)"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission

from stiplan.core.tokens import ApiToken, digest


class ActionPermission(BasePermission):
    """Reads are filtered by `restrict()`; writes are only offered through action endpoints."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or getattr(view, "allows_writes", False)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, checked against the stored digest of a live token.

    A wrong key never goes through Django's `authenticate()`, so django-axes does not count it
    and a client with a bad token cannot lock people out of the web login."""

    def authenticate_credentials(self, key):
        token = (ApiToken.objects.filter(digest=digest(key), revoked_at__isnull=True)
                 .select_related("user").first())
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Khóa API không hợp lệ hoặc đã bị thu hồi."))
        return token.user, token


class BoundedPagination(LimitOffsetPagination):
    """limit 1…1000 (default 100) and offset 0…10⁹; any other value is refused with a 400 that
    names the parameter, never a server error from the database."""

    default_limit = 100
    max_limit = 1000
    max_offset = 10**9

    def get_limit(self, request) -> int:
        return self._bounded(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request) -> int:
        return self._bounded(request, self.offset_query_param, 0, self.max_offset, 0)

    @staticmethod
    def _bounded(request, name: str, low: int, high: int, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text.lstrip("0")) <= 10 and low <= int(text) <= high:
            return int(text)
        raise exceptions.ValidationError({name: [
            _("Phải là số nguyên từ %(low)s đến %(high)s.") % {"low": low, "high": high}]})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: (1, self.max_limit), self.offset_query_param: (0, self.max_offset)}
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
        return parameters


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, except that a declared filter given an empty value is refused (400) rather
    than ignored: the schema's enums and integers do not include "", so neither does the API."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            blank = [name for name in filterset_class.base_filters
                     if name in request.query_params and not request.query_params[name].strip()]
            if blank:
                raise exceptions.ValidationError({name: [_("Không được để trống.")] for name in blank})
        return super().filter_queryset(request, queryset, view)
