"""The API's answers to errors: one exception handler, and a schema that documents the refusals
each operation can really give."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException, Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from stiplan.core.errors import refusal_of


def exception_handler(exc, context):
    """DRF's own exceptions as DRF answers them (a throttled call in both languages, with
    Retry-After); a domain refusal raised by an action (403, 404, 409, 422, 400 with the
    problems) as the one table in stiplan.core.errors says."""
    if not isinstance(exc, APIException) and (refusal := refusal_of(exc)) is not None:
        return Response(refusal.body, status=refusal.status)
    if isinstance(exc, Throttled):
        wait = max(1, round(exc.wait or 1))
        exc.detail = (f"Quá nhiều yêu cầu; hãy thử lại sau {wait} giây. / "
                      f"Too many requests; try again in {wait} s.")
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
    "412": "If-Match không khớp ETag hiện tại: đối tượng đã đổi / If-Match does not match the "
           "current ETag: the object changed",
    "413": "Tệp quá lớn / file too large",
    "415": "Kiểu nội dung không được hỗ trợ / unsupported media type",
    "422": "Chưa đủ điều kiện (kèm danh sách lỗi) / not ready (with the findings)",
    "429": "Quá nhiều yêu cầu; xem Retry-After / too many requests; see Retry-After",
}


class StiplanAutoSchema(AutoSchema):
    """Every operation documents the refusals it can really give: 403 and 429 always, 404 with a
    path parameter, 400 with query parameters or a body, 415 with a body; a view method adds its
    own (409, 412, 413, 422) with @refusals. A read whose view offers field selection documents
    `fields` and `omit` as lists of the representation's field names; a detail read its ETag,
    a 304 for If-None-Match, and a write that takes If-Match the header."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        names = getattr(self.view, "selectable_fields", lambda: None)() if self.method == "GET" else None
        if names:
            parameters += [OpenApiParameter(
                param, {"type": "array", "items": {"type": "string", "enum": list(names)},
                        "minItems": 1},
                explode=False, style="form", description=description)
                for param, description in FIELD_DESCRIPTIONS.items()]
        handler = getattr(self.view, getattr(self.view, "action", None) or "", None)
        if "412" in getattr(handler, "refusals", ()):
            parameters.append(IF_MATCH)
        if self.method == "GET" and getattr(self.view, "action", None) == "retrieve":
            parameters.append(IF_NONE_MATCH)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET" and getattr(self.view, "action", None) == "retrieve":
            for code, response in responses.items():
                if code.startswith("2"):
                    response.setdefault("headers", {}).update(ETAG_HEADER)
            responses.setdefault("304", {"description": "Không đổi (If-None-Match) / not modified",
                                         "headers": ETAG_HEADER})
        codes = ["403", "429"]
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


FIELD_DESCRIPTIONS = {
    "fields": "Chỉ trả các trường này, cách nhau bởi dấu phẩy / only these fields, comma-separated",
    "omit": "Bỏ các trường này / leave these fields out",
}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"},
                        "description": "ETag mạnh của biểu diễn đầy đủ / strong ETag of the full "
                                       "representation"}}
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER,
    description="ETag đã có: trả 304 nếu không đổi / an ETag held: 304 when unchanged")
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER,
    description="ETag của lần GET chi tiết; khác ETag hiện tại thì 412. Không bắt buộc / the ETag "
                "of the detail GET; 412 when it is no longer current. Optional")


def refusals(*codes: str):
    """Mark a view method with the further error codes it answers (409, 412, 413, 422)."""
    def mark(method):
        method.refusals = codes
        return method
    return mark


def error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}


def selected_fields_are_optional(result, generator, request, public):
    """Schema post-processing: the representation a read with `?fields=` / `?omit=` answers (each
    row of a page) may lack any of its fields, so its component lists none as required."""
    components = result.get("components", {}).get("schemas", {})

    def named(schema: dict) -> str | None:
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
        if ref is None:
            return None
        name = ref.rsplit("/", 1)[-1]
        rows = components.get(name, {}).get("properties", {}).get("results", {}).get("items", {})
        return rows["$ref"].rsplit("/", 1)[-1] if "$ref" in rows else name

    for item in result.get("paths", {}).values():
        operation = item.get("get", {})
        if not any(p["name"] == "fields" for p in operation.get("parameters", [])):
            continue
        for code, response in operation.get("responses", {}).items():
            for content in response.get("content", {}).values() if code.startswith("2") else ():
                if (name := named(content.get("schema", {}))) in components:
                    components[name].pop("required", None)
    return result
