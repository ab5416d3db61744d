"""The public pages' cache: a visitor's page or API answer (not signed in, no API token) is kept
per address, language, media type asked for and version of the data (`data_version`: every
audited write, every change the indicator engine reads, and the date), so a change of the data is
seen at once; a signed-in user's or a token client's answer is never kept nor served from it. The
form token of the cached page is the next visitor's own. A kept API answer still counts in the
visitor's rate (core.api.visitor_within_rate); over it, the view's throttle answers 429."""

from __future__ import annotations

import re
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from stiplan.core.api import visitor_within_rate
from stiplan.core.models import AuditEntry
from stiplan.metrics.models import Revision

#: A day: a page also changes with the date (the plan's statuses are judged on the day).
CACHE_SECONDS = 24 * 3600
#: What is kept: pages, the sitemap and robots.txt, the API's JSON (the open-data files keep their
#: own cache).
KEPT_TYPES = ("text/html", "application/xml", "text/plain", "application/json")
#: Addresses never kept: accounts, the admin and the language switch are nobody's page; a search
#: is one visitor's words, and keeping every query typed would push the shared pages out.
NOT_KEPT = ("/accounts/", "/admin/", "/i18n/", "/static/", "/search/")
TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
PLACEHOLDER = rb"\1__stiplan_csrf__\2"
HEADERS_KEPT = ("Content-Type", "Content-Language", "ETag", "Vary", "Allow")


def data_version() -> str:
    """Moves with every write (each one is audited), every change the indicator engine reads
    (Revision) and every day: a page or a file of an older version is never served again."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return f"{last}-{Revision.current()}-{timezone.localdate().isoformat()}"


def _keyable(request) -> bool:
    """A visitor's read of a page: no user, no session or pending message that could make the
    page theirs alone."""
    return (request.method in ("GET", "HEAD") and not request.user.is_authenticated
            and "Authorization" not in request.headers and not request.path.startswith(NOT_KEPT)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES and "HX-Request" not in request.headers)


def _key(request) -> str:
    """The whole address (scheme and host too: the page names them in its canonical and Open
    Graph links) and the media type asked for (the API answers JSON or its browsable page)."""
    asked = f"{request.build_absolute_uri()} {request.headers.get('Accept', '')}"
    address = sha256(asked.encode("utf-8")).hexdigest()
    return f"stiplan-page-{translation.get_language()}-{address}-{data_version()}"


def _keepable(response) -> bool:
    control = response.get("Cache-Control", "")
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not any(word in control for word in ("private", "no-store", "no-cache"))
            and response.get("Content-Type", "").startswith(KEPT_TYPES)
            and "Content-Disposition" not in response)


class PublicPageCacheMiddleware:
    """Serve a visitor's page from the cache, else keep the page made for them. Placed after the
    session, authentication and message middleware (it reads the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _keyable(request):
            return self.get_response(request)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None and (not request.path.startswith("/api/")
                                 or visitor_within_rate(request)):
            return self._answer(request, kept)
        response = self.get_response(request)
        if _keepable(response) and not request.user.is_authenticated:
            body = TOKEN.sub(PLACEHOLDER, response.content)
            cache.set(key, {"body": body, "headers": {h: response[h] for h in HEADERS_KEPT
                                                      if h in response}}, CACHE_SECONDS)
            response["X-Stiplan-Cache"] = "miss"
        return response

    @staticmethod
    def _answer(request, kept: dict) -> HttpResponse:
        tag = kept["headers"].get("ETag")
        if tag and request.headers.get("If-None-Match") == tag:
            response = HttpResponseNotModified()
            response["ETag"] = tag
            return response
        body = kept["body"]
        if b"__stiplan_csrf__" in body:
            body = body.replace(b"__stiplan_csrf__", get_token(request).encode("ascii"))
        response = HttpResponse(body)
        for header, value in kept["headers"].items():
            response[header] = value
        response["X-Stiplan-Cache"] = "hit"
        return response
