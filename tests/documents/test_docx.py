"""The DOCX: opens in LibreOffice, follows Decree 30 through named styles, keeps the data."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document as WordDocument

from stiplan.documents.docx_build import STYLES
from stiplan.documents.word import render_docx

from .conftest import docx_xml, pdf_text, shipped

pytestmark = pytest.mark.django_db  # the module fixture reads the test database


@pytest.fixture(scope="module")
def docx(annual_content) -> bytes:
    return render_docx(annual_content, shipped("annual", "default"))


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_it_and_converts_it_to_pdf(docx, annual_content, tmp_path):
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(docx)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    text = " ".join(pdf_text((tmp_path / "bao-cao.pdf").read_bytes(), tmp_path).split())
    for expected in ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Số: 125/BC-SKHCN", "Vĩnh Long, ngày 15 tháng 12 năm 2025", "BÁO CÁO",
                     "I. ĐÁNH GIÁ CHUNG", "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026", "Nơi nhận:",
                     "Phụ lục 1", "Phụ lục 2"):
        assert expected in text, expected
    for group in annual_content["groups"]:
        assert f"{group['code']}." in text


def test_page_setup_and_page_numbers_follow_decree_30(docx):
    word = WordDocument(io.BytesIO(docx))
    section = word.sections[0]
    def mm(*lengths):
        return tuple(round(x.mm) for x in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert mm(section.left_margin, section.right_margin) == (30, 15)
    assert section.different_first_page_header_footer  # no number on page 1
    header = section.header._element.xml
    assert "PAGE" in header and 'w:val="center"' in header


def test_text_is_formatted_by_named_styles_in_times_new_roman(docx):
    word = WordDocument(io.BytesIO(docx))
    used = {p.style.name for p in word.paragraphs}
    assert {"VB Nội dung", "VB Đề mục 1", "VB Đề mục 2", "VB Tên loại", "VB Trích yếu"} <= used
    for name, (size, *_rest) in STYLES.items():
        style = word.styles[name]
        assert style.font.name == "Times New Roman" and style.font.size.pt == size, name
        assert 11 <= size <= 14
    body = word.styles["VB Nội dung"]
    assert body.font.size.pt in (13, 14) and body.paragraph_format.space_after.pt >= 6
    # no hard formatting on runs: sizes, fonts and bold come from the styles
    xml = docx_xml(docx)
    assert "<w:sz " not in xml and "<w:rFonts " not in xml


def test_it_carries_the_numbers_and_the_charts(docx, annual_content):
    xml = docx_xml(docx)
    for row in annual_content["targets"]:
        assert row["status_label"] in xml and row["code"] in xml
    first = annual_content["annex_values"][0]
    assert first["shown"] in xml
    with __import__("zipfile").ZipFile(io.BytesIO(docx)) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(images) == 2  # status chart and completeness chart, PNG
    assert all(n.endswith(".png") for n in images)


def test_the_ministry_layout_is_a_different_template(annual_content):
    xml = docx_xml(render_docx({**annual_content, "layout": "ministry"},
                               shipped("annual", "ministry")))
    assert "Kính gửi: Bộ Khoa học và Công nghệ." in xml
    assert xml.index("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU") < xml.index("III. KẾT QUẢ THỰC HIỆN CÁC")
