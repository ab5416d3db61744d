"""The demo index (PII 2024 framework, editions 2024 and 2025, Vĩnh Long's entered values) with
its computation run."""

import pytest

from stiplan.demo.index import create_demo_index
from stiplan.index.models import IndexEdition


@pytest.fixture
def edition(db, settings, tmp_path, django_capture_on_commit_callbacks) -> IndexEdition:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with django_capture_on_commit_callbacks(execute=True):
        create_demo_index()
    return IndexEdition.objects.get(year=2025)
