"""The plan-document parser on texts written in the styles it must read, and on arbitrary text.

Item-by-item recovery of the seed decision is checked in tests/plans/test_docimport.py (it needs
the unit registry); here: headers of other plans, no invented targets, spans that hold the values.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stiplan.analytics.plandoc import NotAPlan, parse_plan_text
from stiplan.analytics.vntext import NumberError, parse_number

STANDALONE_KH = """ỦY BAN NHÂN DÂN
TỈNH BẾN TRE
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 52/KH-UBND
Bến Tre, ngày 07 tháng 3 năm 2025
KẾ HOẠCH
Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển
khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia
Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa
học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia; Ủy ban nhân dân tỉnh ban hành Kế
hoạch thực hiện như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Tạo chuyển biến mạnh mẽ trong nhận thức về vai trò của khoa học, công nghệ.
II. MỤC TIÊU
1. Mục tiêu cụ thể
- Đến năm 2030, tỷ lệ doanh nghiệp có hoạt động đổi mới sáng tạo đạt tối thiểu 40%.
- Phấn đấu có ít nhất 15-20 doanh nghiệp khoa học và công nghệ.
III. NHIỆM VỤ, GIẢI PHÁP
1. Hoàn thiện thể chế
- Rà soát các văn bản quy phạm pháp luật của tỉnh.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ
Chủ trì, phối hợp với các sở, ngành theo dõi thực hiện Kế hoạch.
"""

PROGRAMME = """UỶ BAN NHÂN DÂN TỈNH TRÀ VINH
Số: 1020/QĐ-UBND          Trà Vinh, ngày 30 tháng 6 năm 2022
CHƯƠNG TRÌNH
PHÁT TRIỂN TÀI SẢN TRÍ TUỆ TỈNH TRÀ VINH ĐẾN NĂM 2030
Căn cứ Quyết định số 2205/QĐ-TTg ngày 24/12/2020 của Thủ tướng Chính phủ phê duyệt Chương trình
phát triển tài sản trí tuệ đến năm 2030;
I. MỤC TIÊU
1. Mục tiêu chung
- Nâng cao năng lực sáng tạo, xác lập, khai thác tài sản trí tuệ của tỉnh.
2. Mục tiêu cụ thể
- Đến năm 2025, khoảng 50 đơn đăng ký nhãn hiệu được nộp; đến năm 2030 trên 100 đơn đăng ký.
II. NHIỆM VỤ
1. Tuyên truyền
- Tổ chức hội thảo về sở hữu trí tuệ hằng năm.
"""

WRAPPER = """HỘI ĐỒNG NHÂN DÂN
ỦY BAN NHÂN DÂN TỈNH VĨNH LONG
Số: 2217/QĐ-UBND
Vĩnh Long, ngày 4 tháng 10 năm 2024
QUYẾT ĐỊNH
Ban hành Kế hoạch chuyển đổi số năm 2025
ỦY BAN NHÂN DÂN TỈNH VĨNH LONG
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;
Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương trình
chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số tỉnh Vĩnh Long năm 2025.
Điều 2. Quyết định có hiệu lực kể từ ngày ký./.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lữ Quang Ngời
KẾ HOẠCH
CHUYỂN ĐỔI SỐ TỈNH VĨNH LONG NĂM 2025
I. MỤC TIÊU
- Xây dựng các nền tảng số dùng chung của tỉnh.
II. NHIỆM VỤ
1. Hạ tầng số
- Nâng cấp mạng truyền số liệu chuyên dùng.
"""

ENGLISH = """PEOPLE'S COMMITTEE OF VINH LONG PROVINCE
SOCIALIST REPUBLIC OF VIETNAM
Independence - Freedom - Happiness
No.: 1925/QD-UBND
Vinh Long, August 16, 2023
DECISION
ON THE PLAN IMPLEMENTING THE STRATEGY FOR SCIENCE, TECHNOLOGY AND INNOVATION TO 2030
Pursuant to Decision No. 569/QD-TTg dated May 11, 2022 of the Prime Minister promulgating the
Strategy for science, technology and innovation to 2030;
Article 1. Promulgated together with this Decision is the Plan implementing the Strategy.
ON BEHALF OF THE PEOPLE'S COMMITTEE
VICE CHAIRWOMAN
Nguyen Thi Quyen Thanh
PLAN
IMPLEMENTING THE STRATEGY TO 2030
I. OBJECTIVES
2. Specific objectives
- By 2030, the contribution of total factor productivity to GRDP growth is more than 50%.
II. TASKS AND SOLUTIONS
1. Mechanisms and policies
- Apply pilot mechanisms for new models based on science and technology.
"""

NO_TARGETS = """ỦY BAN NHÂN DÂN TỈNH VĨNH LONG
Số: 88/KH-UBND
Vĩnh Long, ngày 15 tháng 1 năm 2024
KẾ HOẠCH
TUYÊN TRUYỀN VỀ KHOA HỌC VÀ CÔNG NGHỆ NĂM 2024
Căn cứ Quyết định số 1925/QĐ-UBND ngày 16/8/2023 của Ủy ban nhân dân tỉnh;
I. MỤC TIÊU
- Nâng cao nhận thức của cán bộ, nhân dân về vai trò của khoa học và công nghệ.
II. NHIỆM VỤ
1. Tuyên truyền
- Đăng tin, bài trên Cổng thông tin điện tử của tỉnh theo Kế hoạch số 12/KH-SKHCN ngày 02/01/2024.
- Tổ chức 2 đợt tuyên truyền vào tháng 5 và tháng 11 năm 2024, theo Điều 3 của Quyết định.
"""


@pytest.mark.parametrize("text, number, day, issuer, parent, kind, wrapper", [
    (STANDALONE_KH, "52/KH-UBND", dt.date(2025, 3, 7), "ỦY BAN NHÂN DÂN TỈNH BẾN TRE", "57-NQ/TW",
     "KH", False),
    (PROGRAMME, "1020/QĐ-UBND", dt.date(2022, 6, 30), "UỶ BAN NHÂN DÂN TỈNH TRÀ VINH",
     "2205/QĐ-TTg", "CTr", False),
    (WRAPPER, "2217/QĐ-UBND", dt.date(2024, 10, 4), "HỘI ĐỒNG NHÂN DÂN ỦY BAN NHÂN DÂN TỈNH VĨNH LONG",
     "749/QĐ-TTg", "QĐ", True),
    (ENGLISH, "1925/QD-UBND", dt.date(2023, 8, 16), "PEOPLE'S COMMITTEE OF VINH LONG PROVINCE",
     "569/QD-TTg", "QĐ", True),
], ids=["stand-alone KH-UBND", "Chương trình", "wrapper decision", "English translation"])
def test_headers_of_other_plans(text, number, day, issuer, parent, kind, wrapper):
    result = parse_plan_text(text)
    plan, doc = result["plan"], result["document"]
    legal = plan["legal_basis"]
    print(number, "→ flags:", *(f"\n  {f['path']}: {f['reason']}" for f in result["flags"]))
    assert legal["number"] == number
    assert legal["date"] == day
    assert legal["document_type"] == kind
    assert plan["issuing_unit"] == issuer
    assert plan["parent_strategy"]["number"] == parent
    assert doc["wrapper"] is wrapper
    assert plan["task_groups"], "the tasks are read"


def test_standalone_plan_targets_and_bounds():
    plan = parse_plan_text(STANDALONE_KH)["plan"]
    got = {(t["comparator"], t["value"], t["low"], t["high"], t["year"]) for t in plan["targets"]}
    assert got == {("gte", Decimal(40), None, None, 2030),
                   ("range", None, Decimal(15), Decimal(20), 2030)}
    assert plan["period"] == {"start": 2025, "end": 2030}


def test_programme_approximate_and_above():
    plan = parse_plan_text(PROGRAMME)["plan"]
    got = [(t["comparator"], t["value"], t["year"]) for t in plan["targets"]]
    assert got == [("eq", Decimal(50), 2025), ("gt", Decimal(100), 2030)]
    flags = parse_plan_text(PROGRAMME)["flags"]
    assert any("approximate" in f["reason"] for f in flags)


def test_wrapper_title_comes_from_article_1():
    plan = parse_plan_text(WRAPPER)["plan"]
    assert plan["title"] == "Kế hoạch chuyển đổi số tỉnh Vĩnh Long năm 2025"
    assert plan["legal_basis"]["signer"] == "Lữ Quang Ngời"


def test_text_without_quantitative_target_yields_none():
    result = parse_plan_text(NO_TARGETS)
    assert result["plan"]["targets"] == []
    assert [a["text"][:8] for g in result["plan"]["task_groups"] for a in g["actions"]] == [
        "Đăng tin", "Tổ chức "]
    related = [r["number"] for r in result["plan"]["related_documents"]]
    assert related == ["12/KH-SKHCN"]


def test_a_letter_is_not_a_plan():
    letter = ("SỞ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 12/SKHCN-VP\nVĩnh Long, ngày 3 tháng 2 năm 2024\n"
              "Kính gửi: các phòng chuyên môn\nĐề nghị các phòng gửi báo cáo trước ngày 10/2/2024.\n")
    with pytest.raises(NotAPlan):
        parse_plan_text(letter)


# --- arbitrary text -----------------------------------------------------------------------------

FRAGMENTS = [
    "I. MỤC TIÊU", "II. NHIỆM VỤ, GIẢI PHÁP", "IV. TỔ CHỨC THỰC HIỆN", "1. Mục tiêu cụ thể",
    "2. Sở Tài chính", "- Đến năm 2030, tỷ lệ đạt trên 50%.", "KẾ HOẠCH", "QUYẾT ĐỊNH",
    "Số: 12/KH-UBND", "Vĩnh Long, ngày 1 tháng 2 năm 2024", "Căn cứ Quyết định số 569/QĐ-TTg "
    "ngày 11/5/2022;", "- Chủ trì, phối hợp với Sở Khoa học và Công nghệ", "|", "-----",
    "a) Tổ chức", "+ Hỗ trợ 15-20 doanh nghiệp", "từ 1,5% - 2% trở lên hằng năm",
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch", "TM. ỦY BAN NHÂN DÂN",
]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> set[Decimal]:
    out = set()
    for m in NUMBER.finditer(text):
        try:
            out.add(parse_number(m.group(0)))
        except NumberError:
            pass
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=60),
                          st.builds(lambda n, m, w: f"- Đến năm 20{n:02d}, {w} đạt {m}% doanh nghiệp.",
                                    st.integers(0, 99), st.integers(0, 10**6),
                                    st.sampled_from(["tỷ lệ", "khoảng", "tối thiểu", "trên"]))),
                max_size=40))
def test_parser_never_crashes_and_values_are_in_their_span(parts):
    text = "\n".join(parts)
    try:
        result = parse_plan_text(text)
    except NotAPlan:
        return
    source = result["text"]
    flagged = {f["path"] for f in result["flags"]}
    for t in result["plan"]["targets"]:
        start, end = t["span"]["chars"]
        words = source[start:end]
        if not re.search(r"\d", words):  # a qualitative target: done = 1, and always flagged
            assert (t["comparator"], t["value"]) == ("eq", 1) and f"targets[{t['code']}]" in flagged
            continue
        seen = _numbers(words)
        for key in ("value", "low", "high"):
            if t[key] is not None:
                assert t[key] in seen, (t, words)
