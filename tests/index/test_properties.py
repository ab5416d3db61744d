"""Arbitrary input: the last-year check flags exactly the changes beyond the factor, and the
what-if panel answers any text without a server error and without writing anything."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stiplan.core.models import AuditEntry
from stiplan.index import checks
from stiplan.index.models import IndexValue

positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


@given(last=positive, value=positive)
def test_the_last_year_warning_is_exactly_a_change_beyond_the_factor(last, value):
    fw = _framework()
    found = checks.warnings(fw, "1.1.1", value, last, None)
    beyond = value > 2 * last or 2 * value < last
    assert bool(found) == beyond


def _framework():
    import yaml
    from django.conf import settings as dj

    from stiplan.analytics.index import parse_document

    if not hasattr(_framework, "fw"):
        path = dj.BASE_DIR / "data" / "index" / "pii-2024.yaml"
        _framework.fw = parse_document(yaml.safe_load(path.read_text(encoding="utf-8")))
    return _framework.fw


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(max_size=12).filter(lambda t: "\x00" not in t), min_size=1, max_size=3))
def test_what_if_answers_any_text_and_writes_nothing(edition, login, texts):
    client = login("kehoach")
    before = IndexValue.objects.count(), AuditEntry.objects.count()
    codes = ["1.1.1", "6.1.1", "7.1.1"]
    posted = {f"v-{c}": t for c, t in zip(codes, texts, strict=False)}
    response = client.post("/index/2025/VLG/what-if/", posted)
    assert response.status_code == 200
    assert 'data-testid="what-if-score"' in response.content.decode()
    assert (IndexValue.objects.count(), AuditEntry.objects.count()) == before
