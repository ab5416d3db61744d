"""Vietnamese text and numbers as officials type them.

- `to_unicode`: NFC, and text typed in the legacy TCVN3 (ABC) or VNI fonts converted to Unicode.
- `parse_number`: "1.234,5" (Vietnamese), "1,234.5" (English), "12,5%", "x", "-" or "" (no value).
- `fold`: lowercase without diacritics, for search and matching ("Sở Tài chính" → "so tai chinh").
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# TCVN3 (ABC) puts each lowercase Vietnamese letter in one byte of the Latin-1 range;
# capitals with tones used a separate "H" font and are typed as these same bytes.
_TCVN3 = {
    "¸": "á", "µ": "à", "¶": "ả", "·": "ã", "¹": "ạ",
    "¨": "ă", "¾": "ắ", "»": "ằ", "¼": "ẳ", "½": "ẵ", "Æ": "ặ",
    "©": "â", "Ê": "ấ", "Ç": "ầ", "È": "ẩ", "É": "ẫ", "Ë": "ậ",
    "Ð": "é", "Ì": "è", "Î": "ẻ", "Ï": "ẽ", "Ñ": "ẹ",
    "ª": "ê", "Õ": "ế", "Ò": "ề", "Ó": "ể", "Ô": "ễ", "Ö": "ệ",
    "Ý": "í", "×": "ì", "Ø": "ỉ", "Ü": "ĩ", "Þ": "ị",
    "ã": "ó", "ß": "ò", "á": "ỏ", "â": "õ", "ä": "ọ",
    "«": "ô", "è": "ố", "å": "ồ", "æ": "ổ", "ç": "ỗ", "é": "ộ",
    "¬": "ơ", "í": "ớ", "ê": "ờ", "ë": "ở", "ì": "ỡ", "î": "ợ",
    "ó": "ú", "ï": "ù", "ñ": "ủ", "ò": "ũ", "ô": "ụ",
    "­": "ư", "ø": "ứ", "õ": "ừ", "ö": "ử", "÷": "ữ", "ù": "ự",
    "ý": "ý", "ú": "ỳ", "û": "ỷ", "ü": "ỹ", "þ": "ỵ",
    "®": "đ", "§": "Đ", "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư",
}

# VNI writes a base letter followed by one accent character from the Latin-1 range; ơ, ư, đ and
# the toned i letters are single characters of their own.
_VNI_LETTERS = {"ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ",
                "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
                "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị"}
_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_CIRCUMFLEX = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303",
               "ä": "\u0323"}
_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_TOKEN = re.compile("([aeiouyAEIOUYơưƠƯ])([ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË])")

# Vietnamese letters beyond Latin-1: text holding any of them is already Unicode.
_UNICODE_ONLY = re.compile("[\u0100-\u01b0\u1ea0-\u1ef9]")


def _vni_to_unicode(text: str) -> str:
    text = "".join(_VNI_LETTERS.get(ch, ch) for ch in text)

    def combine(match: re.Match) -> str:
        base, mark = match.group(1), match.group(2).lower()
        if mark in _TONES:
            return unicodedata.normalize("NFC", base + _TONES[mark])
        if mark in _CIRCUMFLEX and base.lower() in "aeo":
            return unicodedata.normalize("NFC", base + "\u0302" + _CIRCUMFLEX[mark])
        if mark in _BREVE and base.lower() == "a":
            return unicodedata.normalize("NFC", base + "\u0306" + _BREVE[mark])
        return match.group(0)

    return _VNI_TOKEN.sub(combine, text)


_NUCLEI = set("""a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ
uê ui uô uơ uy ưa ưi ưu ươ yê iêu yêu oai oay oeo uây uôi ươi ươu uya uyê uyu""".split())
_TONE_MARKS = set("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = re.compile("[aăâeêioôơuưy]+")


def _invalid_words(text: str) -> int:
    """Words that cannot be Vietnamese syllables (one vowel nucleus, at most one tone)."""
    bad = 0
    for word in re.findall(r"[^\s\d.,;:!?()\[\]\"'/%+=*<>-]+", text):
        if re.search("[a-zà-ÿ][A-ZÀ-Þ]", word):  # "ViÖt": a capital inside a word
            bad += 1
            continue
        parts = unicodedata.normalize("NFD", word)
        tones = sum(ch in _TONE_MARKS for ch in parts)
        bare = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONE_MARKS))
        bare = bare.lower().replace("đ", "d")
        if re.search("[^a-zăâêôơư]", bare):
            bad += 1
            continue
        if bare.startswith("qu") or (bare.startswith("gi") and len(bare) > 2 and bare[2] in "aeêoôơuư"):
            bare = bare[0] + bare[2:]
        clusters = _VOWELS.findall(bare)
        if clusters and (len(clusters) > 1 or clusters[0] not in _NUCLEI or tones > 1):
            bad += 1
    return bad


def _decode_tcvn3(text: str) -> str:
    return "".join(_TCVN3.get(ch, ch) for ch in text)


_DECODERS = {"tcvn3": _decode_tcvn3, "vni": _vni_to_unicode}


def detect_legacy(text: str) -> str | None:
    """'tcvn3', 'vni' or None: the legacy font encoding `text` was typed in, if any.

    Text that already holds Vietnamese letters beyond Latin-1 is Unicode. Otherwise the
    decoding that leaves the fewest words that cannot be Vietnamese syllables wins, provided
    it leaves fewer than the text had.
    """
    if not text or _UNICODE_ONLY.search(text):
        return None
    before = _invalid_words(text)
    if before == 0:
        return None
    score, best = min((_invalid_words(decode(text)), name) for name, decode in _DECODERS.items())
    return best if score < before else None


def to_unicode(text: str) -> str:
    """Unicode NFC, converting TCVN3 or VNI text when it is detected."""
    if not isinstance(text, str):
        return text
    text = unicodedata.normalize("NFC", text)
    legacy = detect_legacy(text)
    if legacy:
        text = _DECODERS[legacy](text)
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase, without diacritics, đ → d, spaces collapsed."""
    text = unicodedata.normalize("NFD", to_unicode(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


EMPTY_MARKERS = {"", "x", "-", "–", "—", "n/a", "k/c", "không có"}


class NumberError(ValueError):
    """A cell or field that should hold a number does not."""


def parse_number(value) -> Decimal | None:
    """A Decimal from what people type; None for the markers of "no value" ('x', '-', blank).

    Vietnamese "1.234,5" and English "1,234.5" are both read; a lone separator is read by its
    position ("1,5" → 1.5; "1.234" → 1234 when followed by exactly three digits).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(str(value))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            raise NumberError(str(value))
        return number
    text = unicodedata.normalize("NFC", str(value)).strip().replace("\u00a0", " ")
    if text.lower() in EMPTY_MARKERS:
        return None
    text = text.rstrip("%").strip().replace(" ", "")
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    text = text.strip("()").lstrip("+-")
    if not re.fullmatch(r"[0-9.,]+", text) or not re.search(r"[0-9]", text):
        raise NumberError(value)
    text = _normalise_separators(text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NumberError(value) from None
    return -number if negative else number


def _normalise_separators(text: str) -> str:
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        if text.count(decimal_sep) > 1:
            raise NumberError(text)
        whole, _, frac = text.partition(decimal_sep)
        _check_groups(whole, group_sep, text)
        return whole.replace(group_sep, "") + "." + frac
    sep = "." if dots else "," if commas else ""
    if not sep:
        return text
    parts = text.split(sep)
    if len(parts) > 2:
        _check_groups(text, sep, text)
        return text.replace(sep, "")
    whole, frac = parts
    if sep == "." and len(frac) == 3 and whole not in ("", "0"):
        return whole + frac  # "1.234" is Vietnamese thousands
    if sep == "," and len(frac) == 3 and whole not in ("", "0"):
        return whole + frac  # "1,234" is English thousands
    return whole + "." + frac


def _check_groups(whole: str, sep: str, original: str) -> None:
    groups = whole.split(sep)
    if not groups[0] or any(len(g) != 3 for g in groups[1:]) or len(groups[0]) > 3:
        raise NumberError(original)


def format_vi(number: Decimal | float | int | None) -> str:
    """1234.5 → "1.234,5" (no trailing zeros); None → ""."""
    if number is None:
        return ""
    text = format(Decimal(str(number)).normalize(), "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")
