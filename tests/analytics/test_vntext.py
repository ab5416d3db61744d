"""Vietnamese text and numbers as typed by officials: legacy fonts, NFD, 1.234,5 and 'x'."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stiplan.analytics.vntext import NumberError, detect_legacy, fold, parse_number, to_unicode

NATIONAL_TITLE = "Cộng hoà xã hội chủ nghĩa Việt Nam"


@pytest.mark.parametrize(("typed", "encoding"), [
    # How the national title looks when a TCVN3 (.VnTime) or VNI document is read as Latin-1.
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3"),
    ("Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam", "vni"),
])
def test_legacy_national_title_becomes_unicode(typed, encoding):
    assert detect_legacy(typed) == encoding
    assert to_unicode(typed) == NATIONAL_TITLE


@pytest.mark.parametrize(("typed", "expected"), [
    ("Së Tµi chÝnh", "Sở Tài chính"),
    ("§æi míi s¸ng t¹o", "Đổi mới sáng tạo"),
    ("Kinh phÝ dù ¸n ODA 1.234,5 triÖu ®ång", "Kinh phí dự án ODA 1.234,5 triệu đồng"),
    ("Sôû Taøi chính", "Sở Tài chính"),
    ("Nguyeãn Thò Quyeân Thanh", "Nguyễn Thị Quyên Thanh"),
    ("thò tröôøng khoa hoïc coâng ngheä", "thị trường khoa học công nghệ"),
    ("Ñaø Naüng", "Đà Nẵng"),
])
def test_legacy_phrases(typed, expected):
    assert to_unicode(typed) == expected


@pytest.mark.parametrize("text", ["café", "Müller façade", "Department of Science", "Hòa Bình",
                                  "xin chào", "McDonald’s", "iPhone 15", "UBND tỉnh", ""])
def test_unicode_and_foreign_text_is_left_alone(text):
    assert to_unicode(text) == text


VIETNAMESE_WORDS = ["khoa", "học", "công", "nghệ", "đổi", "mới", "sáng", "tạo", "tỉnh", "Vĩnh",
                    "Long", "kế", "hoạch", "năm", "nghiên", "cứu", "chuyển", "giao", "thị",
                    "trường", "doanh", "nghiệp", "ứng", "dụng", "hỗ", "trợ", "ngân", "sách"]


@given(st.lists(st.sampled_from(VIETNAMESE_WORDS), min_size=1, max_size=12))
def test_nfd_text_is_normalised_to_nfc(words):
    text = " ".join(words)
    assert to_unicode(unicodedata.normalize("NFD", text)) == text


def test_fold_removes_diacritics():
    assert fold("  Sở Tài   chính ") == "so tai chinh"
    assert fold("Së Tµi chÝnh") == "so tai chinh"
    assert fold("ĐỔI MỚI") == "doi moi"


@pytest.mark.parametrize(("typed", "value"), [
    ("1.234,5", "1234.5"), ("1,234.5", "1234.5"), ("12,5%", "12.5"), ("1.234", "1234"),
    ("1,5", "1.5"), ("0,125", "0.125"), ("1.234.567", "1234567"), ("1,234,567.25", "1234567.25"),
    ("(3,5)", "-3.5"), ("-2", "-2"), (" 7 ", "7"), (42, "42"), (1.25, "1.25"),
])
def test_numbers_in_both_notations(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["x", "X", "-", "", "  ", None, "n/a"])
def test_markers_of_no_value(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "1.2.3,4", "12a", "1..2", "=1+1", True,
                                   float("nan"), "1.23.456"])
def test_not_numbers(typed):
    with pytest.raises(NumberError):
        parse_number(typed)


def vietnamese(value: Decimal) -> str:
    whole, _, frac = f"{abs(value):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return ("-" if value < 0 else "") + groups + ("," + frac if frac else "")


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False))
def test_vietnamese_and_english_notations_read_back(value):
    english = f"{value:,f}"
    assert parse_number(vietnamese(value)) == value
    assert parse_number(english) == value


@given(st.text(max_size=40))
def test_parse_number_never_fails_otherwise(text):
    try:
        parse_number(text)
    except NumberError:
        pass


@given(st.text(max_size=60))
def test_to_unicode_always_returns_nfc(text):
    out = to_unicode(text)
    assert unicodedata.is_normalized("NFC", out)
