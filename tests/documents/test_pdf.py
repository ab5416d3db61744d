"""The PDF: the Decree 30 header, every task group and target, Liberation Serif 2.x embedded,
every Vietnamese character covered by the embedded font, page numbers from page 2."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

from stiplan.documents.pdf import render_pdf

from .conftest import needs, pdf_fonts, pdf_text

pytestmark = [needs, pytest.mark.django_db]  # the module fixture reads the test database


@pytest.fixture(scope="module")
def pdf(annual_content) -> bytes:
    return render_pdf(annual_content)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_header_follows_decree_30(pdf, tmp_path):
    text = squash(pdf_text(pdf, tmp_path))
    for expected in ("UBND TỈNH VĨNH LONG", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 125/BC-SKHCN",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Vĩnh Long, ngày 15 tháng 12 năm 2025", "BÁO CÁO",
                     "Kết quả thực hiện năm 2025", "Nơi nhận:", "KT. GIÁM ĐỐC", "Lưu: VT"):
        assert expected in text, expected


def test_every_task_group_and_every_target_with_its_status(pdf, annual_content, tmp_path):
    from stiplan.plans.models import Plan, Target, TaskGroup

    text = squash(pdf_text(pdf, tmp_path))
    groups = TaskGroup.objects.filter(plan__code="vinh-long-1925-2023")
    assert groups.count() == len(annual_content["groups"]) == 17
    for group in groups:
        assert squash(f"{group.code}. {group.title}") in text, group.code
    targets = Target.objects.filter(plan=Plan.objects.get(code="vinh-long-1925-2023"))
    assert targets.count() == len(annual_content["targets"]) == 15
    raw = pdf_text(pdf, tmp_path)
    table = raw[raw.index("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"):raw.index("IV. KHÓ KHĂN, VƯỚNG MẮC")]
    rows = annual_content["targets"]
    for row, after in zip(rows, [*rows[1:], None], strict=True):
        # the row's cells, from its code to the next row's code: wording and status label
        start = re.search(rf"^{re.escape(row['code'])}\b", table, re.M).start()
        end = re.search(rf"^{re.escape(after['code'])}\b", table, re.M).start() if after else None
        cells = squash(table[start:end])
        assert row["wording"].split()[0] in cells, row["code"]
        for word in row["status_label"].split():
            assert word in cells, (row["code"], word)
    labels = {r["status_label"] for r in annual_content["targets"]}
    assert labels <= {"Đã đạt", "Đúng tiến độ", "Có nguy cơ không đạt", "Chậm tiến độ",
                      "Chưa có số liệu"}


def test_only_liberation_serif_is_embedded(pdf, tmp_path):
    fonts = pdf_fonts(pdf, tmp_path)
    assert len(fonts) == 4  # regular, bold, italic, bold italic: no fallback font
    for font in fonts:
        assert "LiberationSerif" in font["name"].replace("-", ""), font
        assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), font


def test_every_character_of_the_document_has_a_glyph_in_the_font(pdf, annual_content, tmp_path):
    """No fallback boxes: each character the PDF shows is in Liberation Serif 2.x's own map."""
    text = pdf_text(pdf, tmp_path)
    shown = {ch for ch in text if not ch.isspace() and ch != "\x0c"}
    assert {"ơ", "ư", "ữ", "ặ", "Ư", "Ộ", "đ", "ệ"} <= shown
    for face in ("Regular", "Bold", "Italic"):
        cmap = TTFont(settings.STIPLAN_FONT_DIR / f"LiberationSerif-{face}.ttf").getBestCmap()
        missing = sorted(ch for ch in shown if ord(ch) not in cmap)
        assert not missing, (face, missing)


def test_page_one_renders_and_numbers_start_on_page_two(pdf, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page-*.png"))).convert("L")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
    dark = sum(1 for px in image.get_flattened_data() if px < 128)
    assert 0.01 < dark / (width * height) < 0.3  # text on the page, not a blank or black page
    first = pdf_text(pdf, tmp_path, layout=True).split("\x0c")
    assert not first[0].strip().splitlines()[0].strip().isdigit()
    assert first[1].strip().splitlines()[0].strip() == "2"


def test_the_ministry_layout_puts_targets_before_tasks(annual_content, tmp_path):
    text = squash(pdf_text(render_pdf({**annual_content, "layout": "ministry"}), tmp_path))
    assert "Kính gửi: Bộ Khoa học và Công nghệ" in text
    assert text.index("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU") < text.index(
        "III. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ")


@pytest.mark.parametrize("folder,says", [
    ("/usr/share/fonts/truetype/liberation", "thiếu chữ tiếng Việt"),  # Liberation 1.x
    ("/nonexistent-fonts", "fonts-liberation2"),
])
def test_a_font_that_cannot_show_vietnamese_stops_the_pdf_with_a_reason(annual_content, settings,
                                                                        folder, says):
    from stiplan.documents.pdf import FontProblem

    settings.STIPLAN_FONT_DIR = folder
    if says == "thiếu chữ tiếng Việt" and not (Path(folder) / "LiberationSerif-Regular.ttf").exists():
        pytest.skip("Liberation Serif 1.x is not installed here")
    with pytest.raises(FontProblem, match=says):
        render_pdf(annual_content)


def test_the_job_reports_a_font_problem(demo, users, settings):
    from stiplan.documents import actions as act

    settings.STIPLAN_FONT_DIR = "/nonexistent-fonts"
    document = act.request_document(demo, by=users["plan_officer"], formats=["pdf"], run_now=True)
    assert document.state == "failed" and "fonts-liberation2" in document.error
