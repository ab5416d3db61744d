"""The XLSX annex (phụ lục số liệu): every number of the document with where it came from —
the unit, the report and its version, the formula or method. Text is never a formula."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from stiplan.reporting.excel import write_cell

#: sheet title → (content key, [(heading, field, width)])
ANNUAL_SHEETS = {
    "Chỉ tiêu": ("targets", [
        ("Mã", "code", 8), ("Chỉ tiêu", "wording", 60), ("Mã số liệu", "indicator", 22),
        ("Năm mốc", "year", 9), ("Giá trị mới nhất", "latest", 16), ("Năm", "latest_year", 8),
        ("Đơn vị tính", "unit", 12), ("Tính lại theo địa giới mới", "restated", 12),
        ("Tình trạng", "status_label", 18), ("Giải thích", "explanation", 70)]),
    "Chuỗi số liệu của tỉnh": ("series_rows", [
        ("Mã số liệu", "indicator", 22), ("Chỉ tiêu", "name", 50), ("Năm", "year", 8),
        ("Giá trị", "value", 16), ("Đơn vị tính", "unit", 12), ("Cách tính", "method", 50),
        ("Tính lại theo địa giới mới", "restated", 12), ("Giá trị tính toán", "computed", 12)]),
    "Số liệu gốc": ("annex_values", [
        ("Mã số liệu", "indicator", 22), ("Chỉ tiêu", "name", 50), ("Mã đơn vị", "unit_code", 14),
        ("Đơn vị", "unit", 40), ("Năm", "year", 8), ("Giá trị", "value", 16),
        ("Đơn vị tính", "measure", 12), ("Nguồn", "source", 18), ("Chính thức", "final", 10),
        ("Minh họa", "synthetic", 10), ("Báo cáo số", "report", 10), ("Phiên bản", "version", 10),
        ("Công thức", "formula", 40)]),
}
COMMON_SHEETS = {
    "Kết quả nhiệm vụ": ("entry_rows", [
        ("Nhóm", "group", 8), ("Nhiệm vụ", "action", 10), ("Đơn vị", "unit", 40),
        ("Vai trò", "role", 12), ("Tình trạng", "status", 16), ("Kết quả", "text", 90)]),
    "Khó khăn - kiến nghị": ("issue_rows", [
        ("Loại", "kind", 14), ("Nội dung", "text", 90), ("Đơn vị", "all_units", 60)]),
    "Đơn vị báo cáo": ("annex_units", [
        ("Mã đơn vị", "code", 14), ("Đơn vị", "name", 45), ("Trạng thái", "state", 22),
        ("Phiên bản", "version", 10), ("Ngày gửi", "submitted", 12), ("Đúng hạn", "timeliness", 12),
        ("Nhận lại từ", "inherited_from", 14)]),
}
AD_HOC_SHEETS = {
    "Trả lời": ("answer_rows", [
        ("Mã", "code", 8), ("Câu hỏi", "question", 50), ("Đơn vị", "unit", 40), ("Trả lời", "text", 90)]),
    "Số liệu": ("values", [
        ("Mã số liệu", "indicator", 22), ("Chỉ tiêu", "name", 50), ("Đơn vị", "unit", 40),
        ("Giá trị", "value", 16), ("Đơn vị tính", "measure", 12), ("Nguồn", "source", 30),
        ("Báo cáo số", "report", 10), ("Phiên bản", "version", 10)]),
}


def _rows(content: dict) -> dict:
    """The content flattened into one row per number or text."""
    rows = dict(content)
    rows["series_rows"] = [{**s, **p} for s in content.get("series", []) for p in s["points"]]
    rows["entry_rows"] = [{"group": g["code"], "action": a["code"], **e}
                          for g in content["groups"] for a in g["actions"] for e in a["entries"]]
    rows["issue_rows"] = [{"kind": kind, **i} for kind, key in (
        ("Khó khăn", "difficulties"), ("Kiến nghị", "proposals")) for i in content[key]]
    rows["answer_rows"] = [{"code": q["code"], "question": q["question"], **a}
                           for q in content.get("questions", []) for a in q["answers"]]
    return rows


def _plain_value(value):
    if isinstance(value, bool):
        return "có" if value else ""
    return value


def render_xlsx(content: dict) -> bytes:
    wb = Workbook()
    cover = wb.active
    cover.title = "Thông tin"
    info = [("Văn bản", f"{content['doc_type']} {content['number_line']}"),
            ("Trích yếu", content["summary"]), ("Ngày", content["date_line"]),
            ("Cơ quan ban hành", content["issuer"]["name"]), ("Kỳ báo cáo", content["round"]["title"]),
            ("Phiên bản dữ liệu", content["inputs"]["revision"]),
            ("Tổng hợp lúc", content["inputs"]["assembled_at"])]
    for r, (label, value) in enumerate(info, 1):
        write_cell(cover.cell(r, 1), label)
        write_cell(cover.cell(r, 2), value)
        cover.cell(r, 1).font = Font(bold=True)
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 22, 100
    sheets = ANNUAL_SHEETS if content["kind"] == "annual" else AD_HOC_SHEETS
    rows = _rows(content)
    for title, (key, columns) in {**sheets, **COMMON_SHEETS}.items():
        ws = wb.create_sheet(title)
        for c, (heading, _field, width) in enumerate(columns, 1):
            write_cell(ws.cell(1, c), heading)
            ws.cell(1, c).font = Font(bold=True)
            ws.cell(1, c).alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(c)].width = width
        for r, row in enumerate(rows.get(key, []), 2):
            for c, (_heading, field, _width) in enumerate(columns, 1):
                write_cell(ws.cell(r, c), _plain_value(row.get(field)))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
