"""The matching's pure parts, without a database: the field agreement read from the codes, and
the ranking of texts by the Vietnamese search engine with the field's share."""

from hypothesis import given
from hypothesis import strategies as st

from stiplan.registry.exchange.matching import FIELD_SHARE, TEXT_SHARE, field_agreement, ranked

codes = st.text("0123456789", min_size=1, max_size=7)


@given(codes, codes)
def test_field_agreement_is_symmetric_and_whole_only_along_a_line_of_parents(a, b):
    agreement = field_agreement(a, b)
    assert agreement == field_agreement(b, a)
    assert (agreement == 1.0) == (a.startswith(b) or b.startswith(a))
    assert (agreement == 0.0) == (a[0] != b[0])


ROWS = [(1, "Quy trình chế biến thạch dừa", "thạch dừa từ nước dừa già", "A", "4"),
        (2, "Công nghệ sấy lúa bằng năng lượng mặt trời", "ứng dụng khoa học và công nghệ", "B", "2"),
        (3, "Phần mềm kế toán", "hóa đơn điện tử", "C", "5")]


@given(st.sampled_from(["2", "4", "20101", None]))
def test_a_score_is_the_text_and_the_field_in_their_shares(field):
    [match] = ranked("say lua nang luong mat troi KH&CN", field, ROWS)
    assert match.pk == 2 and "sấy lúa" in match.phrases
    assert match.score == round(TEXT_SHARE * match.text_score + FIELD_SHARE * field_agreement(field, "2"), 4)
    assert 0 < match.score <= 1


def test_nothing_is_ranked_for_an_empty_text_or_no_rows():
    assert ranked("  ", "2", ROWS) == [] and ranked("sấy lúa", "2", []) == []
