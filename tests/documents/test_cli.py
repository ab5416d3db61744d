"""`stiplan report …`: the three formats to a file, regeneration, listing, clean errors."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from stiplan.documents.models import Document

from .conftest import needs, pdf_text


@needs
def test_annual_in_each_format(demo, tmp_path):
    for fmt in ("docx", "pdf", "xlsx"):
        out = tmp_path / f"bao-cao.{fmt}"
        stdout = io.StringIO()
        call_command("report", "annual", "--year", "2025", "--format", fmt, "--out", str(out),
                     "--number", "88", "--date", "2025-12-12", stdout=stdout)
        assert f"→ {out}" in stdout.getvalue()
        raw = out.read_bytes()
        if fmt == "docx":
            assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(raw)).namelist()
        elif fmt == "pdf":
            assert "Số: 88/BC-SKHCN" in pdf_text(raw, tmp_path)
        else:
            assert load_workbook(io.BytesIO(raw))["Thông tin"]["B1"].value == "BÁO CÁO Số: 88/BC-SKHCN"
    assert Document.objects.count() == 3  # each one archived


def test_regenerate_and_list(demo, tmp_path):
    call_command("report", "annual", "--year", "2025", "--format", "xlsx", "--out",
                 str(tmp_path / "a.xlsx"), stdout=io.StringIO())
    first = Document.objects.get()
    call_command("report", "regenerate", str(first.pk), "--format", "docx", "--out",
                 str(tmp_path / "b.docx"), stdout=io.StringIO())
    stdout = io.StringIO()
    call_command("report", "list", "--format", "json", stdout=stdout)
    listed = json.loads(stdout.getvalue())
    assert [d["regenerated_from"] for d in listed] == [first.pk, None]
    assert listed[0]["formats"] == ["docx"] and listed[0]["state"] == "done"


@pytest.mark.parametrize("args,message", [
    (["annual", "--year", "2031"], "Không có kỳ báo cáo năm 2031"),
    (["annual", "--year", "2025", "--layout", "khac"], "Không có mẫu trình bày «khac»"),
    (["annual", "--year", "2025", "--date", "2025-13-40"], "Ngày văn bản «2025-13-40» không hợp lệ"),
    (["ad-hoc", "--round", "99999"], "Không có kỳ báo cáo đột xuất #99999"),
    (["regenerate", "99999"], "Không có văn bản #99999"),
])
def test_bad_requests_fail_cleanly(demo, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
    assert not Document.objects.exists()
