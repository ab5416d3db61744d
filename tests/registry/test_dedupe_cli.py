"""`stiplan registry dedupe "TITLE"` without --corpus checks the registry's own tasks, proposals
included, and answers with codes, scores and the shared phrases."""

import json
from io import StringIO

from django.core.management import call_command


def dedupe(title: str) -> list[dict]:
    out = StringIO()
    call_command("registry", "dedupe", title, "--format", "json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_the_stored_tasks_are_ranked_against_the_title(propose):
    propose(code="NV-TOM", title="Ứng dụng tiến bộ KH&CN nuôi tôm càng xanh tại huyện Long Hồ")
    propose(code="NV-LUA", title="Chọn tạo giống lúa chịu mặn năng suất cao cho vùng ven biển")
    rows = dedupe("Ung dung khoa hoc cong nghe nuoi tom cang xanh o Long Ho")
    assert rows[0]["id"] == "NV-TOM" and rows[0]["rank"] == 1
    assert "KH&CN nuôi tôm càng xanh" in rows[0]["phrases"]
    assert all(r["id"] != "NV-LUA" or r["score"] < rows[0]["score"] for r in rows)
