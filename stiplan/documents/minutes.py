"""The minutes of a council meeting (biên bản họp hội đồng) as DOCX in the Decree 30 format: the
shipped styles, page and letterhead of docx_build (quốc hiệu, tiêu ngữ, số và ký hiệu, địa danh
và ngày tháng), filled through the same sandboxed docxtpl rendering as every document. The
content is plain data (stiplan.registry.councils.minutes_content); this module knows no council
model."""

from __future__ import annotations

import io
import json
from datetime import date

import jinja2
from django.conf import settings

from stiplan.documents import letterhead
from stiplan.documents.docx_build import _closing, _h1, _letterhead, _new, _paragraphs, _table
from stiplan.documents.layouts import explain, open_template
from stiplan.documents.sandbox import SecurityError, environment


def minutes_template():
    """The minutes' template: the Decree 30 letterhead, the council, who sat and who did not score
    which task, the results per task, the tie rule, the conclusions, and the signatures."""
    doc = _new()
    _letterhead(doc)
    doc.add_paragraph("Hội đồng: {{ council.name }} ({{ council.kind }}).", style="VB Nội dung")
    doc.add_paragraph("{%p if council.decision_number %}", style="VB Nội dung")
    doc.add_paragraph("Thành lập theo Quyết định số {{ council.decision_number }}"
                      "{% if council.decision_date %} ngày {{ council.decision_date }}{% endif %}.",
                      style="VB Nội dung")
    doc.add_paragraph("{%p endif %}", style="VB Nội dung")
    doc.add_paragraph("Ngày họp: {{ council.meets_on or date_text }}.", style="VB Nội dung")
    _h1(doc, "I. THÀNH VIÊN HỘI ĐỒNG CÓ MẶT")
    _table(doc, ["TT", "Họ và tên", "Vai trò"],
           ["{{ loop.index }}", "{{ row.name }}", "{{ row.role }}"], "members", [1.2, 9.0, 6.0])
    _h1(doc, "II. THÀNH VIÊN KHÔNG THAM GIA CHẤM ĐIỂM (XUNG ĐỘT LỢI ÍCH)")
    doc.add_paragraph("{%p if not excluded %}", style="VB Nội dung")
    doc.add_paragraph("Không có thành viên nào khai xung đột lợi ích.", style="VB Nội dung")
    doc.add_paragraph("{%p endif %}", style="VB Nội dung")
    _paragraphs(doc, "excluded", "- {{ item.name }}, hồ sơ {{ item.task }}: {{ item.reason }}")
    _h1(doc, "III. KẾT QUẢ CHẤM ĐIỂM VÀ XẾP HẠNG")
    _table(doc, ["Mã hồ sơ", "Tên nhiệm vụ", "Số phiếu", "Điểm trung bình", "Xếp hạng"],
           ["{{ row.code }}", "{{ row.title }}", "{{ row.sheets }}", "{{ row.mean or '—' }}",
            "{{ row.rank or '—' }}"], "tasks", [2.4, 7.2, 1.8, 2.6, 2.2])
    doc.add_paragraph("Nguyên tắc xếp hạng: {{ tie_rule }}", style="VB Nội dung")
    _h1(doc, "IV. KẾT LUẬN CỦA HỘI ĐỒNG")
    _paragraphs(doc, "tasks", "- {{ item.code }}{% if item.grade %} (xếp loại: {{ item.grade }})"
                "{% endif %}: {{ item.conclusion or 'chưa ghi kết luận' }}")
    _closing(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def minutes_docx(content: dict, day: date) -> bytes:
    """The minutes of `content` (minutes_content) dated `day`, as DOCX bytes."""
    context = json.loads(json.dumps(content))
    context.update({
        "issuer": letterhead.issuer_on(day),
        "number_line": letterhead.number_line("").replace(
            settings.STIPLAN_DOCUMENT_SUFFIX, "BB-" + settings.STIPLAN_DOCUMENT_SUFFIX.split("-", 1)[-1]),
        "date_line": letterhead.date_line(settings.STIPLAN_DOCUMENT_PLACE, day),
        "date_text": day.strftime("%d/%m/%Y"),
        "doc_type": "BIÊN BẢN",
        "summary": "Họp " + content["council"]["kind"],
        "recipients": ["Thành viên hội đồng;", "Lưu: VT, hồ sơ hội đồng."],
        "signature": {"authority": "CHỦ TỊCH HỘI ĐỒNG", "title": "",
                      "name": next((m["name"] for m in content["members"] if m["role"] == "chủ tịch"), "")},
    })
    tpl = open_template(minutes_template())
    try:
        tpl.render(context, jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, SecurityError, TypeError, ValueError, AttributeError) as exc:
        raise explain(tpl, exc) from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
