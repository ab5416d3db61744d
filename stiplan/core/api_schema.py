"""The API's answers to errors: one exception handler, and a schema that documents the refusals
each operation can really give."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from stiplan.core.errors import refusal_of


def exception_handler(exc, context):
    """DRF's own exceptions as DRF answers them; a domain refusal raised by an action (403,
    404, 409, 422, 400 with the problems) as the one table in stiplan.core.errors says."""
    if not isinstance(exc, APIException) and (refusal := refusal_of(exc)) is not None:
        return Response(refusal.body, status=refusal.status)
    return drf_exception_handler(exc, context)


#: The body of every refusal: `detail` (a message or a list), sometimes per-field lists.
ERROR_BODY = {"type": "object", "additionalProperties": True,
              "properties": {"detail": {"oneOf": [{"type": "string"},
                                                  {"type": "array", "items": {"type": "string"}}]}}}
ERRORS = {
    "400": "Tham số hoặc nội dung không hợp lệ / invalid parameter or body",
    "403": "Chưa đăng nhập hoặc không có quyền / not signed in or not allowed",
    "404": "Không có hoặc không được xem / not found or not visible",
    "409": "Xung đột: đã đổi trạng thái hoặc phiên bản / conflict: state or version changed",
    "413": "Tệp quá lớn / file too large",
    "415": "Kiểu nội dung không được hỗ trợ / unsupported media type",
    "422": "Chưa đủ điều kiện (kèm danh sách lỗi) / not ready (with the findings)",
}


class StiplanAutoSchema(AutoSchema):
    """Every operation documents the refusals it can really give: 403 always, 404 with a path
    parameter, 400 with query parameters or a body, 415 with a body; a view method adds its own
    (409, 413, 422) with @refusals."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["403"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["400", "415"]
        elif self._get_filter_parameters() or self._get_paginator() or self.get_override_parameters():
            codes.append("400")
        handler = getattr(self.view, getattr(self.view, "action", None) or "", None)
        codes += getattr(handler, "refusals", ())
        for code in codes:
            responses.setdefault(code, error_response(ERRORS[code]))
        return responses


def refusals(*codes: str):
    """Mark a view method with the further error codes it answers (409, 413, 422)."""
    def mark(method):
        method.refusals = codes
        return method
    return mark


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}
