"""API plumbing shared by the apps: who may call (session or token, never Basic), how often
(throttles), what a write may reach, bounded pages and field selection. (Kept free of
rest_framework.views: settings import it.)"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import BaseThrottle

from stiplan.core.middleware import client_ip
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


@extend_schema_field({"type": "string", "pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"})
class TextFilter(filters.CharFilter):
    """Free text: not blank (StrictFilterBackend refuses an empty filter) and without NUL (the
    middleware refuses it), as the schema says."""


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 2**63 - 1})
class IdFilter(filters.NumberFilter):
    """A row's id: an integer the database can hold (an id no row has gives an empty list)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=2**63 - 1, **kwargs)


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


# --- Throttles ------------------------------------------------------------------------------------

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class WindowThrottle(BaseThrottle):
    """A counter per caller and clock window in the default cache (shared by every worker): at
    most N requests in each window of the rate "N/period" (settings.STIPLAN_API_RATES, read at
    each request so tests and the benchmark can change them; None switches a scope off). One
    read and one write of the cache a request, whatever the rate (DRF's throttles keep a list
    of every request's time, which grows with the rate). Subclasses name the scope and the
    caller, or None where they do not apply."""

    retry_after: float | None = None
    clock = staticmethod(time.time)

    def scope_of(self, request, view) -> tuple[str, object] | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        found = self.scope_of(request, view)
        return True if found is None else self.count(*found)

    def count(self, scope: str, caller) -> bool:
        """One more request of `caller` in `scope`'s current window: whether it is within the
        rate."""
        rate = settings.STIPLAN_API_RATES.get(scope)
        if not rate:
            return True
        allowed, period = rate.split("/")
        duration = PERIODS[period[0]]
        now = self.clock()
        window = int(now // duration)
        key = f"throttle:{scope}:{caller}:{window}"
        count = cache.get(key, 0) + 1
        cache.set(key, count, duration)
        self.retry_after = (window + 1) * duration - now
        return count <= int(allowed)

    def wait(self) -> float | None:
        return self.retry_after


class CallerThrottle(WindowThrottle):
    """One budget per caller: a visitor by the address stiplan believes (core.middleware.client_ip,
    behind trusted proxies; "anon"), a signed-in user by account ("user"), a machine client by
    its token ("token"), each scope at its own rate."""

    def scope_of(self, request, view):
        if isinstance(request.auth, ApiToken):
            return "token", request.auth.pk
        if request.user.is_authenticated:
            return "user", request.user.pk
        return "anon", client_ip(request)


def visitor_within_rate(request) -> bool:
    """Count a visitor's API request answered before any view (from the public cache) in the
    budget the views count it in: a kept answer does not lift the anonymous rate."""
    return CallerThrottle().count("anon", client_ip(request))


class HeavyThrottle(WindowThrottle):
    """A further budget, per caller, for the views whose `throttle_scope` names one (documents
    made, workbooks read)."""

    def scope_of(self, request, view):
        scope = getattr(view, "throttle_scope", None)
        if scope is None:
            return None
        return scope, request.user.pk if request.user.is_authenticated else client_ip(request)


# --- Field selection ------------------------------------------------------------------------------

FIELD_PARAMETERS = ("fields", "omit")


def selected_fields(available: Iterable[str], params: Mapping[str, str]) -> list[str]:
    """The names of `available` that `?fields=a,b` keeps and `?omit=c` does not drop, in their
    order. A name the representation does not have is a 400 naming it (and listing the ones it
    has), so a client never mistakes a misspelt or hidden field for an empty one."""
    available = list(available)
    keep = list(available)
    problems = {}
    for param in FIELD_PARAMETERS:
        if param not in params:
            continue
        names = [name.strip() for name in params[param].split(",")]
        unknown = [name for name in names if name not in available]
        if unknown:
            problems[param] = [_("Không có trường «%(names)s». Các trường có: %(known)s.") % {
                "names": ", ".join(unknown), "known": ", ".join(available)}]
        elif param == "fields":
            keep = [name for name in available if name in names]
        else:
            keep = [name for name in keep if name not in names]
    if problems:
        raise exceptions.ValidationError(problems)
    return keep


class SelectableFields(serializers.Serializer):
    """Serializer mixin: on a GET, the top serializer of the answer (each row of a list) keeps
    only the fields `?fields=` names and drops those `?omit=` names (selected_fields). Only the
    serializer's own fields can be named, so selection never reaches a field it does not show.
    A caller that needs the whole representation passes `all_fields` in the context."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if (request is None or request.method not in ("GET", "HEAD") or self.context.get("all_fields")
                or not self._is_top()):
            return fields
        return {name: fields[name] for name in selected_fields(fields, request.query_params)}

    def _is_top(self) -> bool:
        parent = self.parent
        if isinstance(parent, serializers.ListSerializer):
            parent = parent.parent
        return parent is None
