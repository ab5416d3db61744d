"""Domain refusals and the one table that turns them into answers: the API's status and body,
and the messages a page shows. The API's exception handler and the pages' mixin both read it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from stiplan.core.yamlio import InputError


class Conflict(Exception):
    """The object changed under the user's feet (another user acted, a newer version), or its
    state forbids the step (a closed round, a document with nothing to rebuild from): 409."""


class NotReady(Exception):
    """A step refused until the findings that block it are dealt with: 422, with the findings."""

    def __init__(self, findings: list):
        self.findings = findings
        super().__init__("; ".join(str(f) for f in findings))


@dataclass(frozen=True)
class Refusal:
    """What a refused step answers: the HTTP status, the API's JSON body, the page's messages."""

    status: int
    body: dict
    messages: list[str] = field(default_factory=list)


def _places(problems: list) -> list[dict]:
    """Each problem or finding as JSON: its place fields, vi, en, and the whole message."""
    return [{**(asdict(p) if is_dataclass(p) else {}), "message": str(p)} for p in problems]


def _in_page_language(problem) -> str:
    """A problem as a page shows it: in the active language only, where the problem knows how."""
    return problem.localized() if hasattr(problem, "localized") else str(problem)


def refusal_of(exc: Exception) -> Refusal | None:
    """The answer to `exc`, or None for an exception that is not a refusal (a bug: 500)."""
    if isinstance(exc, PermissionDenied):
        detail = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        return Refusal(403, {"detail": detail}, [detail])
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return Refusal(404, {"detail": _("Không tìm thấy.")}, [_("Không tìm thấy.")])
    if isinstance(exc, Conflict):
        return Refusal(409, {"detail": str(exc)}, [str(exc)])
    if isinstance(exc, NotReady):
        return Refusal(422, {"detail": "not ready", "findings": _places(exc.findings)},
                       [_("Chưa gửi được: còn %(n)s vấn đề cần xử lý.") % {"n": len(exc.findings)}])
    if isinstance(exc, InputError):
        heading = _("Chưa lưu: %(n)s lỗi, không có gì được lưu.") % {
            "n": len(exc.problems)}
        return Refusal(400, {"detail": "refused", "problems": _places(exc.problems)},
                       [heading, *(_in_page_language(p) for p in exc.problems[:50])])
    if isinstance(exc, ValidationError):
        return Refusal(400, {"detail": exc.messages}, list(exc.messages))
    return None


#: The refusals a page turns into messages; PermissionDenied and Http404 stay Django's own
#: 403 and 404 pages.
PAGE_REFUSALS = (Conflict, NotReady, InputError, ValidationError)
