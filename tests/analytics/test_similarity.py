"""Duplicate check and search over Vietnamese task titles: each variant people produce (reworded,
accents dropped, reordered, abbreviated, TCVN3-encoded) finds its original; properties of scores."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stiplan.analytics.search import TitleIndex, analyse, fold_word, normalise
from stiplan.analytics.vntext import fold

CORPUS = [
    "Nghiên cứu ứng dụng công nghệ sinh học trong sản xuất lúa chất lượng cao tại huyện Trà Ôn",
    "Xây dựng mô hình ứng dụng tiến bộ KH&CN nuôi tôm càng xanh tại huyện Long Hồ",
    "Nghiên cứu lựa chọn giống bưởi Năm Roi chịu mặn",
    "Đánh giá tác động của đổi mới sáng tạo đến phát triển kinh tế - xã hội tỉnh Vĩnh Long",
    "Ứng dụng CNTT trong quản lý hồ sơ bệnh án tại Bệnh viện Đa khoa tỉnh",
    "Nghiên cứu quy trình chế biến nước ép bưởi bằng công nghệ sấy lạnh",
    "Chọn tạo giống lúa chịu mặn năng suất cao cho vùng ven biển",
    "Nghiên cứu ứng dụng công nghệ sinh học trong sản xuất nấm rơm tại huyện Trà Ôn",
    "Xây dựng mô hình nuôi tôm thẻ chân trắng tại huyện Long Hồ",
    "Cơ sở lý luận và thực tiễn phát triển thị trường khoa học và công nghệ",
    "Đánh giá tác động của biến đổi khí hậu đến sản xuất lúa tỉnh Vĩnh Long",
]

# TCVN3 (ABC) bytes of the letters used below, from the published font table, written by hand.
TCVN3_BYTES = {
    "á": "¸", "à": "µ", "ạ": "¹", "â": "©", "ấ": "Ê", "ầ": "Ç", "ậ": "Ë", "ă": "¨", "ắ": "¾",
    "é": "Ð", "ê": "ª", "ế": "Õ", "ề": "Ò", "ể": "Ó", "ệ": "Ö", "í": "Ý", "ì": "×", "ị": "Þ",
    "ó": "ã", "ò": "ß", "ọ": "ä", "ô": "«", "ố": "è", "ồ": "å", "ộ": "é", "ơ": "¬", "ớ": "í",
    "ở": "ë", "ợ": "î", "ú": "ó", "ù": "ï", "ụ": "ô", "ư": "\xad", "ứ": "ø", "ừ": "õ", "ự": "ù",
    "ả": "¶", "ằ": "»", "đ": "®", "Đ": "§", "Ô": "¤", "ữ": "÷", "ử": "ö",
}


def tcvn3(text: str) -> str:
    """Text as a .VnTime document read as Latin-1 shows it (toned capitals typed lowercase)."""
    out = []
    for ch in text:
        code = TCVN3_BYTES.get(ch) or TCVN3_BYTES.get(ch.lower())
        assert code or ord(ch) < 128, f"letter {ch!r} missing from the test table"
        out.append(code or ch)
    return "".join(out)


@pytest.fixture(scope="module")
def index():
    return TitleIndex(CORPUS, [f"NV-{n:02d}" for n in range(len(CORPUS))])


@pytest.mark.parametrize(("variant", "query", "expected"), [
    ("reworded", "Ứng dụng công nghệ sinh học để sản xuất lúa chất lượng cao ở huyện Trà Ôn", 0),
    ("accents dropped",
     "nghien cuu ung dung cong nghe sinh hoc trong san xuat lua chat luong cao tai huyen Tra On", 0),
    ("reordered", "Tại huyện Long Hồ, xây dựng mô hình nuôi tôm càng xanh ứng dụng tiến bộ KH&CN", 1),
    ("abbreviations", "Đánh giá tác động của ĐMST đến phát triển KT-XH tỉnh Vĩnh Long", 3),
    ("abbreviations expanded",
     "Ứng dụng công nghệ thông tin trong quản lý hồ sơ bệnh án tại Bệnh viện Đa khoa tỉnh", 4),
    ("abbreviation KHCN", "Xây dựng mô hình ứng dụng tiến bộ KHCN nuôi tôm càng xanh", 1),
    ("TCVN3 by table", tcvn3(CORPUS[0]), 0),
    ("TCVN3 typed", "Nghiªn cøu quy tr×nh chÕ biÕn n\xadíc Ðp b\xadëi b»ng c«ng nghÖ sÊy l¹nh", 5),
    ("TCVN3 reworded", tcvn3("nghiên cứu chế biến nước ép bưởi bằng sấy lạnh"), 5),
])
def test_each_variant_finds_its_original_first(index, variant, query, expected):
    hits = index.similar(query, 3)
    assert hits[0].key == f"NV-{expected:02d}", (variant, hits)
    assert hits[0].title == CORPUS[expected]
    assert len(hits) == 1 or hits[0].score > hits[1].score


def test_matching_phrases_are_the_documents_accented_words(index):
    hit = index.similar("Ung dung cong nghe sinh hoc de san xuat lua chat luong cao o huyen Tra On")[0]
    assert hit.key == "NV-00"
    assert hit.phrases == ("ứng dụng công nghệ sinh học", "sản xuất lúa chất lượng cao", "huyện Trà Ôn")


def test_an_abbreviation_is_shown_as_written(index):
    hit = index.similar("ứng dụng tiến bộ khoa học và công nghệ nuôi tôm càng xanh")[0]
    assert hit.key == "NV-01"
    assert "ứng dụng tiến bộ KH&CN nuôi tôm càng xanh" in hit.phrases


def test_the_tcvn3_fixture_is_the_unicode_title():
    typed = "Nghiªn cøu quy tr×nh chÕ biÕn n\xadíc Ðp b\xadëi b»ng c«ng nghÖ sÊy l¹nh"
    assert analyse(typed).words == tuple(CORPUS[5].split())


def test_unaccented_search_finds_accented_words(index):
    keys = [h.key for h in index.search("nghien cuu lua", 10)]
    assert "NV-00" in keys  # "nghiên cứu ... lúa"
    assert "NV-02" in keys  # "nghiên cứu lựa": the same letters without accents
    assert set(keys) <= {"NV-00", "NV-02"}


def test_search_is_word_aware_and_respects_typed_accents(index):
    assert index.search("nghiên cứu lúa", 3)[0].key == "NV-00"
    luan = [h.key for h in index.search("lua", 20)]
    assert "NV-09" not in luan  # "luận" holds the letters l-u-a but is another word
    assert {"NV-00", "NV-06", "NV-10", "NV-02"} == set(luan)


def test_search_understands_abbreviations_and_legacy_text(index):
    assert {h.key for h in index.search("KHCN", 5)} == {"NV-01", "NV-09"}  # abbreviated and written out
    assert index.search("cong nghe thong tin", 5)[0].key == "NV-04"
    assert index.search(tcvn3("bưởi Năm Roi"), 5)[0].key == "NV-02"


def test_nothing_to_find():
    assert TitleIndex([]).similar("nghiên cứu lúa") == []
    assert TitleIndex(CORPUS).similar(" ,.; ") == []
    assert TitleIndex(CORPUS).search("zzz") == []


@pytest.mark.parametrize(("text", "words", "tokens"), [
    ("Ứng dụng KH&CN", ("Ứng", "dụng", "KH&CN"), "ung dung khoa hoc va cong nghe"),
    ("KHCN&ĐMST", ("KHCN&ĐMST",), "khoa hoc va cong nghe va doi moi sang tao"),
    ("Sở NN&PTNT", ("Sở", "NN&PTNT"), "so nong nghiep va phat trien nong thon"),
    ("phát triển KT-XH", ("phát", "triển", "KT-XH"), "phat trien kinh te xa hoi"),
    ("lúa-tôm", ("lúa-tôm",), "lua tom"),
    ("§æi míi s¸ng t¹o", ("Đổi", "mới", "sáng", "tạo"), "doi moi sang tao"),
])
def test_analyse_maps_tokens_to_written_words(text, words, tokens):
    a = analyse(text)
    assert a.words == words
    assert " ".join(a.tokens) == tokens
    assert len(a.origin) == len(a.tokens) and a.origin == tuple(sorted(a.origin))


SYLLABLES = ("nghiên cứu ứng dụng công nghệ sinh học sản xuất lúa chất lượng cao huyện trà ôn "
             "xây dựng mô hình nuôi tôm càng xanh đổi mới sáng tạo giống bưởi chịu mặn quy trình "
             "chế biến đánh giá tác động kinh tế xã hội tỉnh vĩnh long").split()
OTHER = "river delta market finance school road bridge museum theatre harbour".split()
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"

vi_titles = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=12).map(" ".join)
vi_text = st.text(alphabet=LETTERS + LETTERS.upper() + " 0123456789,.-&()", max_size=60)


@settings(max_examples=40, deadline=None)
@given(st.lists(vi_titles, min_size=1, max_size=15), st.data())
def test_a_title_finds_itself_first_with_the_top_score(titles, data):
    index = TitleIndex(titles)
    i = data.draw(st.integers(0, len(titles) - 1))
    hits = index.similar(titles[i], k=len(titles))
    assert hits[0].title == titles[i]
    assert hits[0].score == 1.0
    assert all(h.score <= 1.0 for h in hits)


@settings(max_examples=40, deadline=None)
@given(st.lists(vi_titles, min_size=1, max_size=10), st.text(max_size=40))
def test_scores_lie_between_0_and_1(titles, query):
    index = TitleIndex(titles)
    for hit in index.similar(query, 10) + index.search(query, 10):
        assert 0.0 <= hit.score <= 1.0


@settings(max_examples=40, deadline=None)
@given(st.lists(vi_titles, max_size=8), vi_titles,
       st.lists(st.lists(st.sampled_from(OTHER), min_size=1, max_size=8).map(" ".join), max_size=30))
def test_unrelated_titles_never_push_out_an_exact_duplicate(titles, query, unrelated):
    for corpus in (titles + [query], titles + [query] + unrelated, unrelated + titles + [query]):
        top = TitleIndex(corpus).similar(query, 1)[0]
        assert top.title == query and top.score == 1.0


@given(st.text())
def test_folding_is_idempotent(text):
    assert fold_word(fold_word(text)) == fold_word(text)


@given(st.one_of(vi_text, st.text()))
def test_normalising_gives_the_analysed_tokens(text):
    assert normalise(text) == " ".join(analyse(text).tokens)


@given(vi_text)
def test_normalising_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


@given(vi_text.map(lambda t: t + " ự"))  # a letter beyond Latin-1: vntext reads it as Unicode
def test_word_folding_agrees_with_vntext_fold(text):
    nfc = unicodedata.normalize("NFC", text)
    assert " ".join(fold_word(w) for w in nfc.split()) == fold(nfc)
