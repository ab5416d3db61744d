"""Request middleware: the page language (Vietnamese first), refusing NUL characters, the
client's address behind the reverse proxy, and a plain page when the database or the disk fails.

Vietnamese first: the page language is the user's choice (cookie), else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, which makes an official's
English-language browser show English pages; here English is only ever chosen on purpose.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

from stiplan.core import faults

log = logging.getLogger(__name__)


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulMiddleware:
    """A NUL character in a query or form value is never legitimate input (PostgreSQL refuses
    it in text); answer 400 at once instead of letting it reach a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET):
            return _refused(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """The form is checked only once the upload guard has judged the body (its length, who
        sends it): parsing it here reads the whole body. The API is left to check its own input
        (DRF's text fields refuse NUL), after it has authenticated the caller."""
        if getattr(view_func, "cls", None) is not None:
            return None
        if request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data") and _holds_nul(
                request.POST):
            return _refused(request)
        return None


def _holds_nul(values) -> bool:
    return any("\x00" in v for _key, vs in values.lists() for v in vs)


def _refused(request):
    message = "Ký tự NUL không hợp lệ / NUL character refused"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message)


def client_ip(request) -> str:
    """The address the request came from: with STIPLAN_TRUSTED_PROXIES = n, the n-th entry from
    the right of X-Forwarded-For (each trusted proxy appends the address it was reached from, so
    anything further left was written by the client and is not believed); with 0, the connection."""
    trusted = settings.STIPLAN_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if trusted and len(forwarded) >= trusted and forwarded[-trusted]:
        return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "")


class FaultPageMiddleware:
    """A database out of reach (503, with Retry-After) or a full disk (507) gives a plain page in
    both languages instead of a server error, whichever layer met it: session, login or view.

    A view's fault is answered at once (process_exception). Elsewhere Django turns the exception
    into a 500 response at the layer that raised it; the got_request_exception signal names the
    fault on the request, and this middleware, placed before every layer that reads the database,
    answers with the fault's page instead. The page is drawn without the request's context
    processors, so it needs no database."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        fault = getattr(request, "stiplan_fault", None)
        if fault is None or response.status_code < 500:
            return response
        return self.page(fault)

    def process_exception(self, request, exception):
        fault = faults.kind_of(exception)
        if fault is None:
            return None
        log.error("%s fault on %s", fault, request.path, exc_info=exception)  # for the operator
        return self.page(fault)

    def page(self, fault: str) -> HttpResponse:
        status = 503 if fault == "database" else 507
        page = HttpResponse(render_to_string("503.html", {"fault": fault, "status": status}),
                            status=status)
        if fault == "database":
            page["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return page


def _note_fault(sender, request=None, **kwargs) -> None:
    fault = faults.kind_of(sys.exc_info()[1])
    if request is not None and fault is not None:
        request.stiplan_fault = fault


got_request_exception.connect(_note_fault, dispatch_uid="stiplan-fault-page")
