"""Request middleware: the page language (Vietnamese first), and refusing NUL characters.

Vietnamese first: the page language is the user's choice (cookie), else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, which makes an official's
English-language browser show English pages; here English is only ever chosen on purpose.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
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
        if _holds_nul(request.GET):
            return _refused()
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
            return _refused()
        return None


def _holds_nul(values) -> bool:
    return any("\x00" in v for _key, vs in values.lists() for v in vs)


def _refused():
    return HttpResponseBadRequest("Ký tự NUL không hợp lệ / NUL character refused")
