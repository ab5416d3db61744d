"""Reporting fixtures: the reports of the 2025 round (`round_2025`, tests/conftest.py) and their
units' reporting officers."""

import pytest


@pytest.fixture
def stc(round_2025):
    return round_2025.reports.get(unit__code="VL25.STC")


@pytest.fixture
def sgddt(round_2025):
    return round_2025.reports.get(unit__code="VL25.SGDDT")


@pytest.fixture
def reporter(django_user_model):
    """baocao.stc, the reporting officer of Sở Tài chính."""
    return django_user_model.objects.get(username="baocao.stc")


@pytest.fixture
def other_reporter(django_user_model):
    """baocao.sgddt, the reporting officer of Sở Giáo dục và Đào tạo."""
    return django_user_model.objects.get(username="baocao.sgddt")
