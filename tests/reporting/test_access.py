"""A unit's reporting officer cannot open, download, upload or act on another unit's report,
through the pages, the API or Excel; reviewers review, plan officers open rounds."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from stiplan.core.yamlio import InputError
from stiplan.reporting.actions import save_items, submit_report
from stiplan.reporting.excel import apply_upload, build_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, users):
    client.force_login(users["reporter"])  # baocao.stc, VL25.STC
    return client


@pytest.fixture
def api(users):
    client = APIClient()
    client.force_authenticate(users["reporter"])
    return client


def test_pages_of_another_units_report_are_not_found(officer, stc, sgddt):
    assert officer.get(f"/reporting/reports/{stc.pk}/").status_code == 200
    base = f"/reporting/reports/{sgddt.pk}/"
    assert officer.get(base).status_code == 404
    assert officer.get(base + "template.xlsx").status_code == 404
    assert officer.post(base + "upload/", {}).status_code == 404
    assert officer.post(base, {"verb": "submit", "version": sgddt.version}).status_code == 404
    assert officer.post(base + "evidence/", {}).status_code == 404
    sgddt.refresh_from_db()
    assert sgddt.state == "draft"


def test_the_api_shows_and_acts_on_own_reports_only(api, stc, sgddt):
    listed = {r["unit"] for r in api.get("/api/v1/reports/").json()["results"]}
    assert listed == {"VL25.STC"}
    base = f"/api/v1/reports/{sgddt.pk}/"
    assert api.get(base).status_code == 404
    assert api.get(base + "template/").status_code == 404
    assert api.post(base + "submit/", {}, format="json").status_code == 404
    assert api.post(base + "upload/", {}, format="multipart").status_code == 404
    assert api.get(f"/api/v1/reports/{stc.pk}/template/").status_code == 200


def test_excel_of_another_unit_is_refused_both_ways(users, other_reporter, stc, sgddt):
    with pytest.raises(InputError, match="đơn vị khác"):
        apply_upload(stc, build_template(sgddt), by=users["reporter"])
    with pytest.raises(PermissionDenied):
        apply_upload(sgddt, build_template(sgddt), by=users["reporter"])
    with pytest.raises(PermissionDenied):
        save_items(sgddt, by=users["reporter"], questions={})


def test_officers_cannot_review_and_reviewers_cannot_write(users, stc):
    items = {i.action.code: {"status": "done"} for i in stc.action_items.select_related("action")}
    values = {i.indicator.code: {"value": 1} for i in stc.indicator_items.select_related("indicator")}
    save_items(stc, by=users["reporter"], actions=items, indicators=values)
    submit_report(stc, by=users["reporter"])
    api = APIClient()
    api.force_authenticate(users["reporter"])
    assert api.post(f"/api/v1/reports/{stc.pk}/accept/", {}, format="json").status_code == 403
    stc.refresh_from_db()
    assert stc.state == "submitted"
    with pytest.raises(PermissionDenied):
        save_items(stc, by=users["reviewer"], actions={})
    api.force_authenticate(users["reviewer"])
    assert api.post(f"/api/v1/reports/{stc.pk}/accept/", {}, format="json").status_code == 200


@pytest.mark.parametrize("role", ["reporter", "reviewer", "leader"])
def test_only_plan_officers_open_rounds(client, users, role):
    client.force_login(users[role])
    assert client.get("/reporting/rounds/new/").status_code == 403


def test_the_public_is_sent_to_sign_in(client, stc):
    for url in ("/reporting/", f"/reporting/reports/{stc.pk}/", f"/reporting/rounds/{stc.round_id}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert APIClient().get("/api/v1/reports/").status_code == 403
    assert APIClient().get(f"/api/v1/reports/{stc.pk}/").status_code == 403
    assert APIClient().get("/api/v1/rounds/").status_code == 403
