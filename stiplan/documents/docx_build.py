"""Builds the shipped Word templates (mẫu văn bản) in the Decree 30 format, with docxtpl tags.

The templates are ordinary .docx files: staff open them in Word, change wording, order and styles,
and upload them back. Formatting lives in named styles ("VB …"), never on single runs, so a change
of a style changes every paragraph that uses it. Run `stiplan report templates` to rebuild them.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

SHIPPED = Path(__file__).resolve().parent / "docx"
FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT

#: name → (size pt, bold, italic, alignment, space after pt, first-line indent cm, base style)
STYLES = {
    "VB Nội dung": (14, False, False, JUSTIFY, 6, 1.0, None),
    "VB Đề mục 1": (14, True, False, JUSTIFY, 6, 1.0, "Heading 1"),
    "VB Đề mục 2": (14, True, True, JUSTIFY, 6, 1.0, "Heading 2"),
    "VB Cơ quan chủ quản": (13, False, False, CENTER, 0, 0, None),
    "VB Cơ quan ban hành": (13, True, False, CENTER, 0, 0, None),
    "VB Số ký hiệu": (13, False, False, CENTER, 0, 0, None),
    "VB Quốc hiệu": (12, True, False, CENTER, 0, 0, None),
    "VB Tiêu ngữ": (13, True, False, CENTER, 0, 0, None),
    "VB Địa danh ngày tháng": (14, False, True, CENTER, 0, 0, None),
    "VB Tên loại": (14, True, False, CENTER, 0, 0, None),
    "VB Trích yếu": (14, True, False, CENTER, 12, 0, None),
    "VB Bảng": (12, False, False, LEFT, 0, 0, None),
    "VB Bảng tiêu đề": (12, True, False, CENTER, 0, 0, None),
    "VB Nơi nhận": (12, True, True, LEFT, 0, 0, None),
    "VB Nơi nhận mục": (11, False, False, LEFT, 0, 0, None),
    "VB Chức vụ ký": (14, True, False, CENTER, 0, 0, None),
    "VB Người ký": (14, True, False, CENTER, 0, 0, None),
    "VB Chú thích": (12, False, True, CENTER, 6, 0, None),
}


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    for name, (size, bold, italic, align, after, indent, base) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base] if base else normal
        style.quick_style = True
        font = style.font
        font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
        font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.alignment, fmt.space_after, fmt.space_before = align, Pt(after), Pt(0)
        fmt.first_line_indent = Cm(indent) if indent else None
        fmt.line_spacing = 1.1
    doc.styles["VB Tiêu ngữ"].font.underline = True


def _page(doc) -> None:
    """A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm; page number centred in the
    top margin, not on the first page."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    para = section.header.paragraphs[0]
    para.alignment = CENTER
    run = para.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _widths(table, widths: list[float]) -> None:
    """Fixed column widths (cm) on the grid and on every cell: Word and LibreOffice agree."""
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _borderless(table) -> None:
    """No borders and no cell padding: the header blocks use the full text width."""
    borders, margins = OxmlElement("w:tblBorders"), OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(borders)
    table._tbl.tblPr.append(margins)


def _cell(cell, lines: list[tuple[str, str]]) -> None:
    first = True
    for style, text in lines:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        para.style, first = style, False
        para.add_run(text)


def _letterhead(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [7.2, 9.3])
    left, right = table.rows[0].cells
    _cell(left, [("VB Cơ quan chủ quản", "{{ issuer.parent }}"),
                 ("VB Cơ quan ban hành", "{{ issuer.name }}"), ("VB Cơ quan ban hành", "———"),
                 ("VB Số ký hiệu", "{{ number_line }}")])
    _cell(right, [("VB Quốc hiệu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                  ("VB Tiêu ngữ", "Độc lập - Tự do - Hạnh phúc"), ("VB Tiêu ngữ", ""),
                  ("VB Địa danh ngày tháng", "{{ date_line }}")])
    doc.add_paragraph("", style="VB Nội dung")
    doc.add_paragraph("{{ doc_type }}", style="VB Tên loại")
    doc.add_paragraph("{{ summary }}", style="VB Trích yếu")


def _closing(doc) -> None:
    doc.add_paragraph("", style="VB Nội dung")
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [8.0, 8.5])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # one page, not two
    left, right = table.rows[0].cells
    _cell(left, [("VB Nơi nhận", "Nơi nhận:"),
                 ("VB Nơi nhận mục", "{%p for r in recipients %}"),
                 ("VB Nơi nhận mục", "- {{ r }}"),
                 ("VB Nơi nhận mục", "{%p endfor %}")])
    _cell(right, [("VB Chức vụ ký", "{{ signature.authority }}"),
                  ("VB Chức vụ ký", "{{ signature.title }}"),
                  ("VB Nội dung", ""), ("VB Nội dung", ""), ("VB Nội dung", ""),
                  ("VB Người ký", "{{ signature.name }}")])


def _table(doc, headers: list[str], cells: list[str], loop: str, widths: list[float]) -> None:
    """A bordered table: a heading row, then one row per item through a `{%tr %}` loop."""
    table = doc.add_table(rows=3, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    _widths(table, widths)
    for i, head in enumerate(headers):
        table.cell(0, i).paragraphs[0].style = "VB Bảng tiêu đề"
        table.cell(0, i).paragraphs[0].add_run(head)
    table.cell(1, 0).paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    for i, text in enumerate(cells):
        table.cell(2, i).paragraphs[0].style = "VB Bảng"
        table.cell(2, i).paragraphs[0].add_run(text)
    row = table.add_row()
    row.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    doc.add_paragraph("", style="VB Nội dung")


def _paragraphs(doc, loop: str, text: str, style: str = "VB Nội dung") -> None:
    doc.add_paragraph(f"{{%p for item in {loop} %}}", style=style)
    doc.add_paragraph(text, style=style)
    doc.add_paragraph("{%p endfor %}", style=style)


def _loops(doc, *levels: tuple[str, list[tuple[str, str]]]) -> None:
    """Nested `{%p for %}` loops, each level (loop, its paragraphs as (text, style)) inside the
    one before it; the loops are closed in turn after the innermost one's paragraphs."""
    for loop, paragraphs in levels:
        doc.add_paragraph(f"{{%p for {loop} %}}", style="VB Nội dung")
        for text, style in paragraphs:
            doc.add_paragraph(text, style=style)
    for _ in levels:
        doc.add_paragraph("{%p endfor %}", style="VB Nội dung")


def _new() -> Document:
    doc = Document()
    _styles(doc)
    _page(doc)
    doc.core_properties.author = "stiplan"
    return doc


def _h1(doc, text: str) -> None:
    doc.add_paragraph(text, style="VB Đề mục 1")


def _results(doc, number: str) -> None:
    _h1(doc, f"{number}. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ")
    _loops(doc, ("g in groups", [("{{ g.code }}. {{ g.title }}", "VB Đề mục 2"),
                                 ("{{ g.summary }}", "VB Nội dung")]),
           ("a in g.actions", [("- {{ a.code }}. {{ a.text }} {{ a.summary }}", "VB Nội dung")]),
           ("e in a.entries", [("+ {{ e.unit }} ({{ e.status }}): {{ e.text }}", "VB Nội dung")]))


def _targets(doc, number: str, ministry: bool) -> None:
    _h1(doc, f"{number}. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")
    doc.add_paragraph("{{ chart_targets }}", style="VB Chú thích")
    doc.add_paragraph("Hình 1. Số chỉ tiêu theo tình trạng thực hiện", style="VB Chú thích")
    if ministry:
        _table(doc, ["Mã", "Chỉ tiêu", "Năm mốc", "Thực hiện", "Đánh giá"],
               ["{{ row.code }}", "{{ row.name }}: {{ row.wording }}", "{{ row.year }}",
                "{{ row.latest }} {{ row.unit }} ({{ row.latest_year }})", "{{ row.status_label }}"],
               "targets", [1.2, 7.0, 1.6, 3.2, 3.0])
    else:
        _table(doc, ["Mã", "Chỉ tiêu", "Giá trị mới nhất", "Tình trạng", "Giải thích"],
               ["{{ row.code }}", "{{ row.name }} — mục tiêu {{ row.year }}: {{ row.wording }}",
                "{{ row.latest }} {{ row.unit }} ({{ row.latest_year }})", "{{ row.status_label }}",
                "{{ row.explanation }}"], "targets", [1.2, 5.0, 2.6, 2.4, 4.8])


def _issues(doc, number: str, title: str, loop: str) -> None:
    _h1(doc, f"{number}. {title}")
    _paragraphs(doc, loop, "- {{ item.text }} ({{ item.units }})")


def _units_annex(doc, title: str) -> None:
    """Each unit's state, submission date and timeliness, with the completeness chart."""
    doc.add_paragraph(title, style="VB Tên loại")
    doc.add_paragraph("TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐƠN VỊ", style="VB Trích yếu")
    doc.add_paragraph("{{ chart_units }}", style="VB Chú thích")
    _table(doc, ["Mã", "Đơn vị", "Trạng thái", "Ngày gửi", "Đúng hạn"],
           ["{{ row.code }}", "{{ row.name }}", "{{ row.state }}", "{{ row.submitted }}",
            "{{ row.timeliness }}"], "annex_units", [2.4, 6.0, 3.0, 2.2, 2.2])


def _annexes(doc) -> None:
    doc.add_page_break()
    _units_annex(doc, "Phụ lục 1")
    doc.add_paragraph("Phụ lục 2", style="VB Tên loại")
    doc.add_paragraph("SỐ LIỆU CÁC CHỈ TIÊU", style="VB Trích yếu")
    _table(doc, ["Chỉ tiêu", "Đơn vị", "Năm", "Giá trị", "Nguồn"],
           ["{{ row.name }}", "{{ row.unit }}", "{{ row.year }}", "{{ row.shown }} {{ row.measure }}",
            "{{ row.source }}{% if row.report %}, báo cáo #{{ row.report }} v{{ row.version }}"
            "{% endif %}"], "annex_values", [4.6, 4.0, 1.4, 3.0, 2.8])


def annual_default() -> Document:
    doc = _new()
    _letterhead(doc)
    doc.add_paragraph("{{ intro }}", style="VB Nội dung")
    _h1(doc, "I. ĐÁNH GIÁ CHUNG")
    _paragraphs(doc, "general", "{{ item }}")
    _results(doc, "II")
    _targets(doc, "III", ministry=False)
    _issues(doc, "IV", "KHÓ KHĂN, VƯỚNG MẮC", "difficulties")
    _issues(doc, "V", "ĐỀ XUẤT, KIẾN NGHỊ", "proposals")
    _h1(doc, "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {{ round.year + 1 }}")
    _paragraphs(doc, "directions", "- {{ item }}")
    doc.add_paragraph("Trên đây là báo cáo kết quả thực hiện năm {{ round.year }} của Sở Khoa học và "
                      "Công nghệ./.", style="VB Nội dung")
    _closing(doc)
    _annexes(doc)
    return doc


def annual_ministry() -> Document:
    """The layout the Ministry (Bộ KH&CN) asks provinces for: targets first, then tasks,
    an assessment, and proposals to the Ministry."""
    doc = _new()
    _letterhead(doc)
    doc.add_paragraph("Kính gửi: Bộ Khoa học và Công nghệ.", style="VB Trích yếu")
    doc.add_paragraph("{{ intro }}", style="VB Nội dung")
    _h1(doc, "I. TÌNH HÌNH TRIỂN KHAI")
    _paragraphs(doc, "general", "{{ item }}")
    _targets(doc, "II", ministry=True)
    _results(doc, "III")
    _h1(doc, "IV. ĐÁNH GIÁ CHUNG")
    _issues(doc, "1", "Hạn chế, khó khăn", "difficulties")
    _issues(doc, "2", "Đề xuất, kiến nghị với Bộ Khoa học và Công nghệ", "proposals")
    _h1(doc, "V. NHIỆM VỤ TRỌNG TÂM NĂM {{ round.year + 1 }}")
    _paragraphs(doc, "directions", "- {{ item }}")
    doc.add_paragraph("Sở Khoa học và Công nghệ kính báo cáo Bộ Khoa học và Công nghệ./.",
                      style="VB Nội dung")
    _closing(doc)
    _annexes(doc)
    return doc


def ad_hoc_default() -> Document:
    doc = _new()
    _letterhead(doc)
    doc.add_paragraph("{{ intro }}", style="VB Nội dung")
    _h1(doc, "I. TRẢ LỜI CÁC NỘI DUNG YÊU CẦU")
    _loops(doc, ("q in questions", [("{{ q.code }}. {{ q.question }}", "VB Đề mục 2")]),
           ("a in q.answers", [("- {{ a.unit }}: {{ a.text }}", "VB Nội dung")]))
    _results(doc, "II")
    _h1(doc, "III. SỐ LIỆU")
    _table(doc, ["Chỉ tiêu", "Đơn vị", "Giá trị", "Nguồn"],
           ["{{ row.name }}", "{{ row.unit }}", "{{ row.value }} {{ row.measure }}",
            "{{ row.source }}"], "values", [5.0, 4.6, 3.0, 3.2])
    _issues(doc, "IV", "KHÓ KHĂN, ĐỀ XUẤT", "difficulties + proposals")
    doc.add_paragraph("{%p if directions %}", style="VB Nội dung")
    _h1(doc, "V. KIẾN NGHỊ CỦA SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    _paragraphs(doc, "directions", "- {{ item }}")
    doc.add_paragraph("{%p endif %}", style="VB Nội dung")
    doc.add_paragraph("Trên đây là báo cáo của Sở Khoa học và Công nghệ./.", style="VB Nội dung")
    _closing(doc)
    doc.add_page_break()
    _units_annex(doc, "Phụ lục")
    return doc


#: (kind, layout) → (builder, file name, label)
TEMPLATES = {
    ("annual", "default"): (annual_default, "annual-default.docx",
                            gettext_lazy("Mẫu của Sở (gửi UBND tỉnh)")),
    ("annual", "ministry"): (annual_ministry, "annual-ministry.docx", gettext_lazy("Mẫu gửi Bộ KH&CN")),
    ("ad_hoc", "default"): (ad_hoc_default, "ad-hoc-default.docx", gettext_lazy("Mẫu báo cáo đột xuất")),
}


def build_all(folder: Path = SHIPPED) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for builder, filename, _label in TEMPLATES.values():
        path = folder / filename
        builder().save(path)
        written.append(path)
    return written
