"""A failed document explains itself in plain words and offers what fixes it: the shipped template
when the uploaded one is at fault, "Tạo lại" only where asking again can succeed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from stiplan.core.jobs import STALE_AFTER
from stiplan.core.models import AuditEntry
from stiplan.documents import actions as act
from stiplan.documents.models import Document, DocumentTemplate, Failure, JobState

from .conftest import template_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken(demo, users):
    """A document failed by an uploaded template that passes the checks but fails when filled."""
    act.upload_template(kind="annual", layout="default", name="Mẫu lỗi của Văn phòng",
                        raw=template_with("{{ groups[999].code }}"), by=users["plan_officer"])
    return act.request_document(demo, by=users["plan_officer"], formats=["docx"], run_now=True)


def test_a_template_failure_is_named_and_offers_the_shipped_template(client, users, broken):
    assert broken.state == JobState.FAILED and broken.failure == Failure.TEMPLATE
    client.force_login(users["plan_officer"])
    page = client.get(reverse("document-detail", args=[broken.pk])).content.decode()
    failure = page[page.index('data-testid="failure"'):page.index("</section>",
                                                                 page.index('data-testid="failure"'))]
    assert "Mẫu Word đang dùng có lỗi" in failure and "mẫu mặc định" in failure
    assert 'data-testid="revert"' in failure
    assert 'data-testid="retry"' not in failure, "the same template would fail the same way"
    assert "Traceback" not in page and "IndexError" not in page and "/ the" not in failure
    assert page.count("Lỗi") == 1, "one state label"


def test_reverting_from_the_failed_page_asks_again_with_the_shipped_template(client, users,
                                                                             broken):
    client.force_login(users["plan_officer"])
    response = client.post(reverse("document-template-revert", args=["annual", "default"]),
                           {"document": broken.pk})
    again = Document.objects.exclude(pk=broken.pk).get()
    assert response.url == reverse("document-detail", args=[again.pk])
    assert again.template is None and again.formats == broken.formats
    assert not DocumentTemplate.objects.filter(active=True).exists()
    assert AuditEntry.objects.filter(action="documents.revert_template",
                                     actor=users["plan_officer"]).exists()


def test_reverting_needs_a_plan_officer_and_an_uploaded_template(users, broken):
    with pytest.raises(PermissionDenied):
        act.revert_template("annual", "default", by=users["reviewer"])
    act.revert_template("annual", "default", by=users["plan_officer"])
    with pytest.raises(ValidationError):
        act.revert_template("annual", "default", by=users["plan_officer"])


def test_a_job_nobody_ran_offers_to_ask_again(client, users, demo):
    document = act.request_document(demo, by=users["plan_officer"], formats=["xlsx"])
    Document.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - STALE_AFTER - timedelta(minutes=1))
    act.expire_stale_jobs()
    document.refresh_from_db()
    assert document.failure == Failure.STALE
    client.force_login(users["plan_officer"])
    page = client.get(reverse("document-detail", args=[document.pk])).content.decode()
    assert "stiplan qcluster" in page and 'data-testid="retry"' in page
    assert 'data-testid="revert"' not in page
    client.post(reverse("document-regenerate", args=[document.pk]))
    assert Document.objects.count() == 2, "asked again, though nothing was archived"


def test_the_list_is_paged_with_names_and_local_times(client, users, demo):
    for _ in range(23):
        act.request_document(demo, by=users["plan_officer"], formats=["xlsx"])
    Document.objects.update(created_at=datetime(2025, 12, 15, 1, 30, tzinfo=UTC))
    client.force_login(users["reviewer"])
    first = client.get(reverse("document-list")).content.decode()
    assert len(re.findall(r'href="/documents/\d+/"', first)) == 20
    assert users["plan_officer"].get_full_name() in first
    assert "15/12/2025 08:30" in first  # 01:30 UTC is 08:30 in Hồ Chí Minh City
    second = client.get(reverse("document-list"), {"page": 2}).content.decode()
    assert second.count("15/12/2025 08:30") == 3
