"""The demo index (PII 2024 framework, editions 2024 and 2025, Vĩnh Long's entered values) with
its computation run."""

import pytest

from stiplan.index.models import IndexEdition


@pytest.fixture
def edition(demo_index) -> IndexEdition:
    return IndexEdition.objects.get(year=2025)
