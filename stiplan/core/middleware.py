"""Request middleware: the page language (Vietnamese first), refusing NUL characters, and the
client's address behind the reverse proxy.

Vietnamese first: the page language is the user's choice (cookie), else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, which makes an official's
English-language browser show English pages; here English is only ever chosen on purpose.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
        values = [v for _key, vs in request.GET.lists() for v in vs]
        if request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            values += [v for _key, vs in request.POST.lists() for v in vs]
        if any("\x00" in v for v in values):
            message = "Ký tự NUL không hợp lệ / NUL character refused"
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


def client_ip(request) -> str:
    """The address the request came from: with STIPLAN_TRUSTED_PROXIES = n, the n-th entry from
    the right of X-Forwarded-For (each trusted proxy appends the address it was reached from, so
    anything further left was written by the client and is not believed); with 0, the connection."""
    trusted = settings.STIPLAN_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if trusted and len(forwarded) >= trusted and forwarded[-trusted]:
        return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "")
