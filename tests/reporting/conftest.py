"""Reporting fixtures: the 2025 round opened on 1/11/2025, and its reports."""

from datetime import date

import pytest

from stiplan.reporting.actions import open_round


@pytest.fixture
def round_2025(plan):
    return open_round(plan, kind="annual", year=2025, deadline=date(2025, 12, 10),
                      opened_on=date(2025, 11, 1), by=None)


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
