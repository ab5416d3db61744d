"""The change log in people's words (nhật ký thay đổi): what was done as a verb phrase, fields by
their names, values as text, people by their full names; used by the history pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from stiplan.core.models import AuditEntry

#: The audit action names (stable codes in the database) → what a person did.
ACTIONS = {
    "auth.user.access": gettext_lazy("đổi quyền truy cập"),
    "core.create_token": gettext_lazy("tạo khóa truy cập API"),
    "core.revoke_token": gettext_lazy("thu hồi khóa truy cập API"),
    "documents.request_document": gettext_lazy("yêu cầu tạo văn bản"),
    "documents.regenerate_document": gettext_lazy("yêu cầu tạo lại văn bản"),
    "documents.generate_document": gettext_lazy("tạo xong văn bản"),
    "documents.expire_stale_job": gettext_lazy("dừng việc tạo văn bản quá hạn"),
    "documents.upload_template": gettext_lazy("tải lên mẫu văn bản"),
    "index.check_value": gettext_lazy("kiểm tra giá trị chỉ số"),
    "index.create_edition": gettext_lazy("tạo kỳ đánh giá chỉ số"),
    "index.request_computation": gettext_lazy("yêu cầu tính chỉ số"),
    "index.finish_computation": gettext_lazy("tính xong chỉ số"),
    "index.expire_stale_computation": gettext_lazy("dừng việc tính chỉ số quá hạn"),
    "index.load_framework": gettext_lazy("nạp khung chỉ số"),
    "index.load_value": gettext_lazy("nạp giá trị chỉ số"),
    "index.load_values": gettext_lazy("nạp các giá trị chỉ số"),
    "index.review_value": gettext_lazy("thẩm định giá trị chỉ số"),
    "index.save_value": gettext_lazy("nhập giá trị chỉ số"),
    "index.set_published": gettext_lazy("đổi trạng thái công bố chỉ số"),
    "metrics.override_status": gettext_lazy("điều chỉnh đánh giá chỉ tiêu"),
    "metrics.set_value": gettext_lazy("nhập số liệu chỉ tiêu"),
    "metrics.report_value": gettext_lazy("ghi nhận số liệu từ báo cáo"),
    "metrics.computed_value": gettext_lazy("ghi số liệu tính từ cơ sở dữ liệu"),
    "metrics.load_demo_series": gettext_lazy("nạp số liệu minh họa"),
    "orgs.add_membership": gettext_lazy("thêm người dùng vào đơn vị"),
    "orgs.load_event": gettext_lazy("nạp sự kiện sắp xếp đơn vị"),
    "orgs.load_unit": gettext_lazy("nạp đơn vị"),
    "plans.add_assignment": gettext_lazy("thêm phân công"),
    "plans.remove_assignment": gettext_lazy("bỏ phân công"),
    "plans.load_plan": gettext_lazy("nạp kế hoạch"),
    "plans.expire_stale_draft": gettext_lazy("dừng việc đọc văn bản quá hạn"),
    "registry.expire_stale_import": gettext_lazy("dừng việc nhập tệp quá hạn"),
    "reporting.open_round": gettext_lazy("mở kỳ báo cáo"),
    "reporting.close_round": gettext_lazy("đóng kỳ báo cáo"),
    "reporting.reopen_round": gettext_lazy("mở lại kỳ báo cáo"),
    "reporting.add_request": gettext_lazy("thêm đơn vị phải báo cáo"),
    "reporting.transfer_request": gettext_lazy("chuyển báo cáo sang đơn vị kế thừa"),
    "reporting.load_config": gettext_lazy("nạp cấu hình báo cáo"),
    "reporting.save_actionitem": gettext_lazy("cập nhật tình hình nhiệm vụ"),
    "reporting.save_indicatoritem": gettext_lazy("cập nhật số liệu chỉ tiêu"),
    "reporting.save_questionitem": gettext_lazy("trả lời câu hỏi"),
    "reporting.submit_report": gettext_lazy("gửi báo cáo"),
    "reporting.return_report": gettext_lazy("trả lại báo cáo để bổ sung"),
    "reporting.accept_report": gettext_lazy("chấp nhận báo cáo"),
    "reporting.unlock_report": gettext_lazy("mở khóa báo cáo"),
    "reporting.add_evidence": gettext_lazy("đính kèm minh chứng"),
    "reporting.remove_evidence": gettext_lazy("gỡ minh chứng"),
}
#: Generic changes made through the admin (`<app>.<model>.save` / `.delete`).
GENERIC = {"save": gettext_lazy("sửa %(what)s"), "delete": gettext_lazy("xóa %(what)s")}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def action_label(entry: AuditEntry) -> str:
    """What the person did, in words ('gửi báo cáo'); an unknown code is shown as it is."""
    if entry.action in ACTIONS:
        return str(ACTIONS[entry.action])
    verb = entry.action.rsplit(".", 1)[-1]
    if verb in GENERIC and (model := _model(entry.object_type)) is not None:
        return GENERIC[verb] % {"what": model._meta.verbose_name}
    return entry.action


def actor_name(entry: AuditEntry) -> str:
    """The person's full name, or 'Hệ thống' for the system (loaders, jobs, the command line)."""
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    return _("Hệ thống") if entry.actor_label == "system" else entry.actor_label


def changes(entry: AuditEntry) -> list[Change]:
    """The fields that changed, by their names, with their values as text."""
    model = _model(entry.object_type)
    shown = [Change(_field_label(model, name), _text(model, name, before), _text(model, name, after))
             for name, before, after in entry.changes() if not _is_key(model, name)]
    return [change for change in shown if change.before != change.after]


def object_kind(object_type: str) -> str:
    """The kind of object ('báo cáo của đơn vị') of an audit object type ('reporting.unitreport')."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _is_key(model, name: str) -> bool:
    field = _field(model, name)
    return bool(field is not None and field.primary_key)


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A snapshot may count reverse rows ("reports": 3): those are no field of the model's own.
    return None if field.auto_created and not field.concrete else field


def _field_label(model, name: str) -> str:
    field = _field(model, name)
    label = getattr(field, "verbose_name", None) or name.replace("_", " ")
    return str(label)[:1].upper() + str(label)[1:]


def _text(model, name: str, value) -> str:
    """A stored JSON value as a person reads it: choices by label, dates in the local format,
    lists and mappings as lines of text."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    choices = dict(getattr(_field(model, name), "flatchoices", None) or ())
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    if isinstance(value, str) and (moment := _moment(value)) is not None:
        return moment
    if isinstance(value, list):
        return "; ".join(_text(None, "", v) for v in value)
    if isinstance(value, dict):  # a structure of the system (inputs, options): its size only
        return ngettext("%(n)d mục", "%(n)d mục", len(value)) % {"n": len(value)}
    if isinstance(value, float | int):
        return formats.number_format(value)
    return str(value)


def _moment(value: str) -> str | None:
    """An ISO date or date-time in the local format, else None."""
    if len(value) < 10 or value[4:5] != "-":
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) == 10:
        return formats.date_format(parsed.date(), "SHORT_DATE_FORMAT")
    local = timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")
