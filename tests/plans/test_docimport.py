"""Import of the seed decision (1925/QĐ-UBND) from its text, a DOCX, a PDF and a scan, compared
item by item with plans/vinh-long-1925-2023.yaml; bad inputs refused with a message; the CLI.

Every miss, every invented item and every flag is printed (run with -s to see them).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stiplan.core.yamlio import InputError
from stiplan.plans import docreaders
from stiplan.plans.docimport import import_document, import_text, match_unit, normal_form
from stiplan.plans.docreaders import Limits, read_document, read_text
from stiplan.plans.io import parse_plan, to_yaml

from .plancompare import (
    SEED_TEXT,
    TRUTH,
    compare,
    make_docx_and_pdf,
    make_scan,
    registry_on,
    text_layer_words,
)

DAY = dt.date(2023, 8, 16)
REGISTRY = registry_on(DAY)


@pytest.fixture(scope="module")
def documents():
    # a private folder: pytest's numbered temporary folders are pruned by other test runs
    with tempfile.TemporaryDirectory(prefix="stiplan-docimport-") as tmp:
        yield make_docx_and_pdf(Path(tmp))


def _check(result: dict, label: str, minimum: float, text_ratio: float = 0.97):
    score = compare(result["plan"], result["flags"], text_ratio=text_ratio)
    print("\n" + score.report(label, result["flags"]))
    assert score.rate("targets") >= minimum, score.misses
    assert score.rate("actions") >= minimum, score.misses
    assert score.rate("responsibilities") >= minimum, score.misses
    assert score.invented == [], "every extracted target and action is in the plan or flagged"
    return score


def test_seed_text_recovers_the_plan_file():
    result = import_text(SEED_TEXT.read_text("utf-8"), REGISTRY)
    _check(result, "seed text", 0.95)
    plan = result["plan"]
    legal = plan["legal_basis"]
    assert (legal["number"], legal["date"], plan["issuing_unit"]) == ("1925/QĐ-UBND", DAY,
                                                                    "VL.UBND")
    assert plan["title"] == TRUTH["title"]
    assert plan["period"] == TRUTH["period"]
    assert plan["parent_strategy"]["number"] == TRUTH["parent_strategy"]["number"]
    assert legal["grounds"] == TRUTH["legal_basis"]["grounds"]
    assert legal["proposing_unit"] == TRUTH["legal_basis"]["proposing_unit"]
    assert plan["reporting"]["annual_due"] == TRUTH["reporting"]["annual_due"]
    assert sorted(plan["reporting"]["recipients"]) == sorted(TRUTH["reporting"]["recipients"])
    assert {(d["number"], d["date"]) for d in plan["related_documents"]} == {
        (d["number"], d["date"]) for d in TRUTH["related_documents"]}
    assert [o["text"] for o in plan["objectives"]] == [o["text"] for o in TRUTH["objectives"]]
    assert plan["purposes"] == TRUTH["purposes"]
    assert plan["requirements"] == TRUTH["requirements"]


def test_every_item_carries_span_and_confidence():
    result = import_text(SEED_TEXT.read_text("utf-8"), REGISTRY)
    source = result["text"]
    items = result["plan"]["targets"] + result["plan"]["objectives"] + [
        a for g in result["plan"]["task_groups"] for a in g["actions"]]
    for item in items:
        start, end = item["span"]["chars"]
        assert 0 <= start < end <= len(source) and 0 < item["confidence"] <= 1
    for t in result["plan"]["targets"]:
        start, end = t["span"]["chars"]
        assert " ".join(source[start:end].split()) == t["wording"]
    stripped = normal_form(result["plan"])
    assert "span" not in json.dumps(stripped, default=str)


@pytest.mark.django_db
def test_seed_draft_passes_the_plan_file_validation():
    """The draft, without its provenance, is a plan file the YAML loader accepts as it is."""
    result = import_text(SEED_TEXT.read_text("utf-8"), REGISTRY)
    text = to_yaml(normal_form(result["plan"]))
    data = parse_plan(text.replace("code: vinh-long-1925-2023", "code: vinh-long-draft", 1))
    assert (data["code"], data["status"], len(data["targets"])) == ("vinh-long-draft", "draft", 15)


def test_docx_made_with_libreoffice(documents):
    docx, _pdf = documents
    result = import_document(docx, registry=REGISTRY)
    assert result["source"]["kind"] == "docx"
    _check(result, "DOCX (LibreOffice, paragraphs re-wrapped)", 0.95)


def test_pdf_made_with_libreoffice(documents):
    _docx, pdf = documents
    result = import_document(pdf, registry=REGISTRY)
    assert result["source"]["kind"] == "pdf"
    _check(result, f"PDF (LibreOffice, {result['source']['pages']} pages)", 0.95)


@pytest.mark.slow
def test_scanned_pdf_through_ocr(documents):
    _docx, pdf = documents
    scan = make_scan(pdf, pdf.parent)
    assert text_layer_words(scan) == 0, "the scan has no text layer"
    seen = []
    started = time.monotonic()
    result = import_document(scan, registry=REGISTRY,
                             progress=lambda done, total, what: seen.append((done, total, what)))
    seconds = time.monotonic() - started
    print(f"\nOCR of {result['source']['pages']} pages: {seconds:.1f} s")
    assert result["source"]["kind"] == "ocr"
    assert seen[-1][0] == seen[-1][1] == result["source"]["pages"]
    _check(result, f"scanned PDF via OCR ({seconds:.0f} s)", 0.85, text_ratio=0.9)


# --- units ----------------------------------------------------------------------------------

@pytest.mark.parametrize("written, code", [
    ("Sở KH&CN", "VL.SKHCN"), ("Sở Khoa học và Công nghệ", "VL.SKHCN"),
    ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "VL.SKHCN"), ("So Khoa hoc va Cong nghe", "VL.SKHCN"),
    ("UBND tỉnh", "VL.UBND"), ("Ủy ban nhân dân tỉnh", "VL.UBND"), ("Bộ KH&CN", "BKHCN"),
    ("Sở LĐ-TB&XH", "VL.SLDTBXH"), ("Sở GD&ĐT", "VL.SGDDT"), ("Sở Tài chính", "VL.STC"),
])
def test_unit_names_match_the_registry_on_the_date(written, code):
    assert match_unit(written, REGISTRY, "Vĩnh Long") == code


def test_a_unit_not_yet_existing_is_not_matched():
    later = registry_on(dt.date(2025, 8, 1))
    assert match_unit("Sở Kế hoạch và Đầu tư", REGISTRY, "Vĩnh Long") == "VL.SKHDT"
    assert match_unit("Sở Kế hoạch và Đầu tư", later, "Vĩnh Long") is None


# --- bad inputs -----------------------------------------------------------------------------

def _refused(path, **kw) -> str:
    with pytest.raises(InputError) as exc:
        import_document(path, registry=REGISTRY, **kw)
    message = str(exc.value)
    print("\nrefused:", message)
    return message


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert "mã hóa" in _refused(path) and "encrypted" in _refused(path)


def test_image_without_text(tmp_path):
    from PIL import Image

    path = tmp_path / "blank.png"
    Image.new("L", (1200, 1600), 255).save(path)
    message = _refused(path)
    assert "không đọc được chữ" in message and "no text" in message


def test_an_oversized_page_is_scanned_at_the_resolution_that_fits(tmp_path, monkeypatch):
    """A PDF page may declare 100 inches a side (at 300 dpi, a 900 MB image in memory and on
    disk): it is rendered with its longest side at OCR_MAX_SIDE pixels, while the A4 page beside
    it keeps OCR_DPI."""
    from PIL import Image

    path = tmp_path / "poster.pdf"
    a4, poster = Image.new("L", (165, 234), 255), Image.new("L", (2000, 2000), 255)
    a4.save(path, save_all=True, append_images=[poster], resolution=20)  # 594 × 842 pt, 7200 pt
    rendered = {}
    recognise = docreaders._ocr_image

    def measured(image, *args, **kwargs):
        with Image.open(image) as opened:
            rendered[image.stem] = opened.size
        return recognise(image, *args, **kwargs)

    monkeypatch.setattr(docreaders, "_ocr_image", measured)
    assert "no text" in _refused(path)
    a4_pixels = (594 * docreaders.OCR_DPI / 72, 842.4 * docreaders.OCR_DPI / 72)
    assert all(abs(got - want) <= 1 for got, want in zip(rendered["p1"], a4_pixels, strict=True))
    assert docreaders.OCR_MAX_SIDE - 50 < max(rendered["p2"]) <= docreaders.OCR_MAX_SIDE


def test_docx_zip_bomb(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (40 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    message = _refused(path)
    assert "bom zip" in message and "zip bomb" in message


def test_document_that_is_not_a_plan(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("SỞ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 12/SKHCN-VP\nKính gửi: các phòng\n"
                    "Đề nghị các phòng gửi báo cáo trước ngày 10/2/2024.\n", encoding="utf-8")
    message = _refused(path)
    assert "không phải là một kế hoạch" in message and "not a plan" in message


def _pdf_of_blank_pages(path, pages: int) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        writer.write(fh)


def test_300_page_pdf_over_the_page_cap(tmp_path):
    path = tmp_path / "long.pdf"
    _pdf_of_blank_pages(path, 300)
    message = _refused(path)
    assert "300 trang" in message and "300 pages" in message


def test_300_page_pdf_time_limited_with_progress(tmp_path):
    path = tmp_path / "long.pdf"
    _pdf_of_blank_pages(path, 300)
    seen = []
    started = time.monotonic()
    message = _refused(path, limits=Limits(max_pages=400, total_seconds=3),
                       progress=lambda done, total, what: seen.append((done, total, what)))
    print(f"stopped after {time.monotonic() - started:.1f} s; progress: {seen[:3]} … {seen[-1]}")
    assert "quá thời gian" in message and "time limit" in message
    assert seen and all(total == 300 for _d, total, _w in seen)
    # stopped before the end: the text pass may finish 300 blank pages in time, the OCR pass not
    assert seen[-1] != (300, 300, "ocr")
    assert "/300" in message


def test_text_reader_legacy_tcvn3():
    assert read_text("Së Khoa häc vµ C«ng nghÖ".encode("cp1252")) == "Sở Khoa học và Công nghệ"


def test_reader_refuses_a_binary_file(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"\0\1\2" * 100)
    with pytest.raises(InputError):
        read_document(path)


# --- CLI ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_cli_import_writes_the_draft(tmp_path, capsys):
    out = tmp_path / "draft.json"
    call_command("plan", "import", str(SEED_TEXT), "--format", "json", "--out", str(out))
    data = json.loads(out.read_text("utf-8"))
    assert set(data) == {"draft", "flags", "summary", "source"}
    assert data["draft"]["legal_basis"]["number"] == "1925/QĐ-UBND"
    assert data["summary"]["targets"] == len(data["draft"]["targets"]) >= 15
    assert all({"path", "reason", "span"} <= set(f) for f in data["flags"])
    call_command("plan", "import", str(SEED_TEXT), "--format", "yaml")
    assert "legal_basis:" in capsys.readouterr().out


@pytest.mark.django_db
def test_cli_import_bad_input_exits_with_the_message(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CommandError, match="không đọc được chữ"):
        call_command("plan", "import", str(path))


def test_docx_header_table_is_read_in_order(tmp_path):
    """Decisions put the Decree 30 header in a two-column table: cells come before the body."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH VĨNH LONG"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = "Số: 77/KH-UBND"
    table.cell(1, 1).text = "Vĩnh Long, ngày 2 tháng 3 năm 2024"
    for line in ["KẾ HOẠCH", "ỨNG DỤNG TIẾN BỘ KỸ THUẬT ĐẾN NĂM 2026", "I. MỤC TIÊU",
                 "- Đến năm 2026, chuyển giao ít nhất 12 tiến bộ kỹ thuật.", "II. NHIỆM VỤ",
                 "1. Chuyển giao", "- Tổ chức các lớp tập huấn."]:
        document.add_paragraph(line)
    path = tmp_path / "kh.docx"
    document.save(path)
    result = import_document(path, registry=REGISTRY)
    legal = result["plan"]["legal_basis"]
    assert (legal["number"], legal["date"], result["plan"]["issuing_unit"]) == (
        "77/KH-UBND", dt.date(2024, 3, 2), "VL.UBND")
    assert [(t["comparator"], t["value"], t["year"]) for t in result["plan"]["targets"]] == [
        ("gte", 12, 2026)]
