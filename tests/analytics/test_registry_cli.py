"""`stiplan registry dedupe`: empty registry, a CSV or text corpus (legacy bytes too), bad files."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

TITLES = [
    "Nghiên cứu ứng dụng công nghệ sinh học trong sản xuất lúa chất lượng cao tại huyện Trà Ôn",
    "Xây dựng mô hình ứng dụng tiến bộ KH&CN nuôi tôm càng xanh tại huyện Long Hồ",
    "Chọn tạo giống lúa chịu mặn năng suất cao cho vùng ven biển",
]


def dedupe(*args) -> tuple[list, str]:
    out, err = StringIO(), StringIO()
    call_command("registry", "dedupe", *args, "--format", "json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


@pytest.mark.django_db
def test_without_tasks_the_answer_is_an_empty_list():
    rows, err = dedupe("Nghiên cứu lúa")
    assert rows == []
    assert "chưa có nhiệm vụ" in err


def test_csv_corpus_ranks_with_keys_scores_and_phrases(tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_text("Mã,Tên\n" + "".join(f"NV-{i},{t}\n" for i, t in enumerate(TITLES)), encoding="utf-8")
    rows, _ = dedupe("Ung dung KHCN nuoi tom cang xanh o Long Ho", "--corpus", str(path))
    assert rows[0]["id"] == "NV-1" and rows[0]["rank"] == 1
    assert rows[0]["title"] == TITLES[1]
    assert "KH&CN nuôi tôm càng xanh" in rows[0]["phrases"]
    assert all(0 <= r["score"] <= 1 for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_text_corpus_in_a_legacy_font(tmp_path):
    path = tmp_path / "tasks.txt"
    # "Chọn tạo giống lúa chịu mặn" as a TCVN3 document stores it, byte by byte.
    path.write_bytes("Chän t¹o gièng lóa chÞu mÆn\nX©y dùng m« h×nh\n".encode("latin-1"))
    rows, _ = dedupe("chon tao giong lua chiu man", "--corpus", str(path))
    assert rows[0]["id"] == "1"
    assert rows[0]["phrases"] == ["Chọn tạo giống lúa chịu mặn"]


def test_bad_files_are_named(tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="thiếu cột tên nhiệm vụ"):
        dedupe("lúa", "--corpus", str(path))
    with pytest.raises(CommandError, match="Không đọc được tệp .*missing.csv"):
        dedupe("lúa", "--corpus", str(tmp_path / "missing.csv"))
