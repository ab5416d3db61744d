"""Vietnamese titles to search tokens: NFC and legacy fonts (via vntext), accent folding, the
abbreviations of S&T administration expanded, and each token mapped back to the word it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from stiplan.analytics.vntext import to_unicode


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        bare = "".join(
            ch for ch in unicodedata.normalize("NFD", chr(code)) if unicodedata.category(ch) != "Mn"
        )
        bare = bare.replace("đ", "d").replace("Đ", "D").replace("ð", "d").lower()
        if bare != chr(code):
            table[code] = bare
    table[ord("đ")] = table[ord("Đ")] = "d"
    for code in range(0x300, 0x370):  # stray combining marks
        table[code] = None
    return table


_FOLD = _fold_table()


def fold_word(text: str) -> str:
    """Lowercase without diacritics, đ → d, for Unicode text already NFC ("Đổi" → "doi")."""
    return text.lower().translate(_FOLD)


def _expansions(rows: str) -> dict[str, tuple[str, ...]]:
    table = {}
    for row in rows.strip().splitlines():
        keys, _, phrase = row.partition("=")
        for key in keys.split(","):
            table[key.strip()] = tuple(phrase.split())
    return table


# Folded abbreviation (as written, with & or - when people write them) = folded full phrase.
# Both spellings of a title meet on the full phrase: "KH&CN" and "khoa học và công nghệ" alike.
ABBREVIATIONS = _expansions("""
kh&cn, khcn, kh-cn = khoa hoc va cong nghe
kh = khoa hoc
cn = cong nghe
cnc = cong nghe cao
cntt = cong nghe thong tin
dmst = doi moi sang tao
dmcn = doi moi cong nghe
kt-xh, ktxh = kinh te xa hoi
nn&ptnt, nnptnt = nong nghiep va phat trien nong thon
ptnt = phat trien nong thon
ubnd = uy ban nhan dan
hdnd = hoi dong nhan dan
sxtn = san xuat thu nghiem
khkt = khoa hoc ky thuat
tbkt = tien bo ky thuat
nckh = nghien cuu khoa hoc
shtt = so huu tri tue
gd&dt, gddt = giao duc va dao tao
htx = hop tac xa
dbscl = dong bang song cuu long
tp = thanh pho
""")

# Function words that are not a matching phrase on their own.
STOPWORDS = frozenset("va cua tai o tren trong cho cac nhung voi theo de tu den la mot huong ve".split())

_WORD = re.compile(r"\w+(?:[&\-]\w+)*")
_JOINER = re.compile(r"[&\-]")
_WORD_PART = re.compile(r"[^\W_]+")  # letters and digits: what a folded word keeps


@dataclass(frozen=True)
class Analysed:
    """A text as search tokens: `tokens[i]` came from `words[origin[i]]` (the word as written)."""

    words: tuple[str, ...]
    tokens: tuple[str, ...]
    origin: tuple[int, ...]


def _expand(folded: str) -> list[str]:
    if folded in ABBREVIATIONS:
        return list(ABBREVIATIONS[folded])
    if not _JOINER.search(folded):
        return [folded]
    out: list[str] = []
    for i, part in enumerate(re.split(r"([&\-])", folded)):
        if i % 2:
            out += ["va"] if part == "&" else []
        elif part:
            out += list(ABBREVIATIONS.get(part, (part,)))
    return out


@lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    """The tokens of one word as written (cached: titles share most of their words, and a bulk
    import folds a hundred thousand of them)."""
    return tuple(t for token in _expand(fold_word(word)) for t in _WORD_PART.findall(token))


def analyse(text: str) -> Analysed:
    """Words as written (legacy fonts converted) and their folded, expanded tokens."""
    text = to_unicode(text or "")
    words, tokens, origin = [], [], []
    for match in _WORD.finditer(text):
        word = match.group(0)
        expanded = _word_tokens(word)
        if not expanded:
            continue
        origin += [len(words)] * len(expanded)
        tokens += expanded
        words.append(word)
    return Analysed(tuple(words), tuple(tokens), tuple(origin))


def normalise(text: str) -> str:
    """The folded, expanded tokens of `text` joined by spaces (what titles are compared on):
    `analyse(text).tokens` without the bookkeeping of where each came from (a bulk import
    folds a hundred thousand titles)."""
    return " ".join(t for word in _WORD.findall(to_unicode(text or "")) for t in _word_tokens(word))


def has_diacritics(word: str) -> bool:
    return fold_word(word) != word.lower()
