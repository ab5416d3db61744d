"""Vietnamese first: the page language is the user's choice (cookie), else Vietnamese.

Django's LocaleMiddleware would follow the browser's Accept-Language, which makes an official's
English-language browser show English pages; here English is only ever chosen on purpose.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
