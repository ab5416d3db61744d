"""Request bodies are judged before a byte of them is read: by their declared length against the
route's limit (413), and, on upload routes, by who sends them (403) — then the body is parsed.

Django reads at most CONTENT_LENGTH bytes of a WSGI body (its LimitedStream), so once the length
is checked nothing later can read more. A body without a length (chunked) would be read as empty:
it is refused with 411 rather than silently dropped. The guard's `process_view` runs first of all
middleware hooks (it is first in MIDDLEWARE), before the CSRF check and the NUL check parse a form.
An API caller without a session (a token) is left to DRF, which authenticates from headers; the
upload action checks permission before it touches the body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from stiplan.core.permissions import can

# A multipart body carries its file plus boundaries, part headers and the other form fields.
MULTIPART_SLACK = 64 * 1024


@dataclass(frozen=True)
class UploadRoute:
    """What an upload route accepts: at most `limit` bytes of body, from whom `allowed` says."""

    limit: int
    allowed: Callable[..., bool]  # (user, **url_kwargs) -> bool; may raise Http404


def accepts_upload(allowed: Callable[..., bool], limit: int | None = None):
    """Mark a view class, view function or DRF action as an upload route. `allowed(user,
    **url_kwargs)` runs before the body is read; the limit defaults to the largest accepted
    file plus multipart overhead."""
    def mark(view):
        view.upload_route = UploadRoute(limit or settings.MAX_UPLOAD_BYTES + MULTIPART_SLACK,
                                        allowed)
        return view
    return mark


def may_change_row(model, permission: str, key: str = "pk") -> Callable[..., bool]:
    """An upload route's `allowed` for a route about one row of `model`, named in the URL by
    `key`: 404 if the user may not see that row, else whether they have `permission` on it."""
    def allowed(user, **url_kwargs) -> bool:
        row = model.objects.restrict(user).filter(**{key: url_kwargs[key]}).first()
        if row is None:
            raise Http404
        return can(user, permission, row)
    return allowed


def upload_route(view_func, method: str) -> UploadRoute | None:
    """The UploadRoute of a resolved view for an HTTP method: a plain function, a Django
    class-based view, or the action a DRF viewset maps the method to."""
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    action = (getattr(view_func, "actions", None) or {}).get(method.lower())
    for holder in (view_func, getattr(view_class, action or "", None), view_class):
        found = getattr(holder, "upload_route", None)
        if found is not None:
            return found
    return None


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _refusal(request, view_func, status: int, vi: str, en: str) -> HttpResponse:
    """A refusal in both languages: JSON for the API, a page otherwise."""
    message = f"{vi} — {en}"
    if _is_api(request, view_func):
        return JsonResponse({"detail": message}, status=status)
    page = render_to_string("core/refused.html", {"status": status, "vi": vi, "en": en},
                            request=request)
    return HttpResponse(page, status=status)


def _is_api(request, view_func) -> bool:
    return getattr(view_func, "cls", None) is not None or request.path.startswith("/api/")


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


class UploadGuardMiddleware:
    """Refuse a body that is too long, of unknown length, or sent by someone who may not upload
    here — before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        route = upload_route(view_func, request.method)
        limit = route.limit if route else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = _declared_length(request)
        if length is None or ("HTTP_TRANSFER_ENCODING" in request.META
                              and not request.META.get("CONTENT_LENGTH")):
            return _refusal(request, view_func, 411,
                            "Yêu cầu phải ghi rõ độ dài nội dung (Content-Length)",
                            "the request must state its length (Content-Length)")
        if length > limit:
            return _refusal(request, view_func, 413,
                            f"Nội dung gửi lên quá lớn ({_megabytes(length)}, tối đa "
                            f"{_megabytes(limit)}); không có gì được đọc hay lưu",
                            f"request body too large ({_megabytes(length)}, {_megabytes(limit)} "
                            f"at most); nothing was read or saved")
        if route is None or request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if not request.user.is_authenticated:
            if _is_api(request, view_func):
                # A token caller: DRF authenticates from headers and the action checks permission
                # before it reads the body. (A session caller is judged here: DRF's CSRF check
                # for sessions would read the body first.)
                return None
            return redirect_to_login(request.get_full_path())
        try:
            allowed = route.allowed(request.user, *view_args, **view_kwargs)
        except Http404:
            return _refusal(request, view_func, 404, "Không tìm thấy", "not found")
        if not allowed:
            return _refusal(request, view_func, 403,
                            "Bạn không có quyền gửi tệp đến đây; tệp không được đọc",
                            "you may not upload here; the file was not read")
        return None

